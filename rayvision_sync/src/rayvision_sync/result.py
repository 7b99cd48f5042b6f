"""What a transfer did: counts that tests, benchmarks and callers can check."""
from typing import Any, List


class TransferResult(object):
    """Outcome of one upload or download job.

    Attributes:
        files_total (int): Files the job covered.
        files_transferred (int): Files that moved (fully or by resuming).
        files_skipped (int): Unchanged files that did not move.
        bytes_transferred (int): Payload bytes that went over the wire.
        retries (int): Resumed attempts (dropped connections, integrity failures).
        failures (list[tuple[str, str]]): ``(path, message)`` of the files that failed.
        unverified (list[str]): Downloaded files the storage gave no SHA-256 for (their
            bytes could not be checked).

    A count the engine cannot know (the transmitter does not report it) is None.
    """

    def __init__(self) -> None:
        self.files_total = 0
        self.files_transferred = 0
        self.files_skipped = 0
        self.bytes_transferred = 0
        self.retries = 0
        self.failures: List[Any] = []
        self.unverified: List[Any] = []

    @property
    def files_unverified(self) -> int:
        """Number of downloaded files that could not be verified."""
        return len(self.unverified)

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failures

    def merge(self, other: "TransferResult") -> "TransferResult":
        """Add another job's counts to this one (unknown stays unknown: None)."""
        for name in ("files_total", "files_transferred", "files_skipped",
                     "bytes_transferred", "retries"):
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(self, name, None if mine is None or theirs is None else mine + theirs)
        self.failures.extend(other.failures)
        self.unverified.extend(other.unverified)
        return self

    def __repr__(self) -> str:
        return ("TransferResult(files_total={0}, files_transferred={1}, files_skipped={2}, "
                "bytes_transferred={3}, retries={4}, failures={5}, unverified={6})").format(
            self.files_total, self.files_transferred, self.files_skipped,
            self.bytes_transferred, self.retries, len(self.failures), len(self.unverified))
