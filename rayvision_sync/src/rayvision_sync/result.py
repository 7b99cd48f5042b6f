"""What a transfer did: counts that tests, benchmarks and callers can check."""


class TransferResult(object):
    """Outcome of one upload or download job.

    Attributes:
        files_total (int): Files the job covered.
        files_transferred (int): Files that moved (fully or by resuming).
        files_skipped (int): Unchanged files that did not move.
        bytes_transferred (int): Payload bytes that went over the wire.
        retries (int): Resumed attempts (dropped connections, integrity failures).
        failures (list[tuple[str, str]]): ``(path, message)`` of the files that failed.
    """

    def __init__(self):
        self.files_total = 0
        self.files_transferred = 0
        self.files_skipped = 0
        self.bytes_transferred = 0
        self.retries = 0
        self.failures = []

    @property
    def ok(self):
        """True when no file failed."""
        return not self.failures

    def merge(self, other):
        """Add another job's counts to this one."""
        self.files_total += other.files_total
        self.files_transferred += other.files_transferred
        self.files_skipped += other.files_skipped
        self.bytes_transferred += other.bytes_transferred
        self.retries += other.retries
        self.failures.extend(other.failures)
        return self

    def __repr__(self):
        return ("TransferResult(files_total={0}, files_transferred={1}, files_skipped={2}, "
                "bytes_transferred={3}, retries={4}, failures={5})").format(
            self.files_total, self.files_transferred, self.files_skipped,
            self.bytes_transferred, self.retries, len(self.failures))
