"""Per-file transfer state and the retry policy of the HTTP engine.

One :class:`FileTransfer` follows a file through every attempt of its upload or download:
bytes acknowledged, attempts without progress, integrity failures. :class:`RetryPolicy`
decides, from that state alone, whether another attempt is made and how long to wait, so
the policy is tested on its own.
"""

import hashlib
import os
import time
from typing import Any, Callable, Optional, Tuple, Union, cast

import requests

from rayvision_api.cancel import CancelToken, check, pause
from rayvision_sync.exception import TransferError, TransferIntegrityError
from rayvision_sync.records import record_value

# Network failures worth another attempt (the request may be sent again).
RETRYABLE = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
             requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
BLOCK = 1024 * 1024


class Retryable(Exception):
    """A failure worth another attempt (HTTP 5xx/429, short body, busy upload...)."""


class Corrupt(Exception):
    """The bytes do not match the digest (storage said 422, or the local file changed)."""


def stamp_of(info: os.stat_result) -> Tuple[int, int, int, int]:
    """``(size, mtime_ns, ctime_ns, inode)`` of an ``os.stat`` result: the file's identity."""
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


class FileTransfer(object):
    """State of one file across the attempts of its transfer.

    Args:
        server (str): Storage path.
        local (str): Local path.
        info (os.stat_result): The local file when the job looked at it (uploads), or None.
        size (int): Bytes to move.
    """

    def __init__(self, server: str, local: str, info: Optional[os.stat_result] = None,
                 size: Optional[Any] = None) -> None:
        self.server = server
        self.local = local
        self.stamp = stamp_of(info) if info is not None else None
        self.size = int(size if size is not None else cast(os.stat_result, info).st_size)
        self.sha256: Optional[str] = None
        self.acked = 0
        self.sent = 0
        self.retries = 0
        self.stalls = 0
        self.corrupt = 0
        #: The job's stop signal (a CancelToken), looked at between hashed blocks.
        self.stop = None
        self._checkpoint = (0, hashlib.sha256())

    def __repr__(self) -> str:
        return "FileTransfer({0!r}, {1!r}, size={2})".format(self.server, self.local, self.size)

    @property
    def token(self) -> str:
        """Upload token naming this file's content on the storage (resumes the same bytes)."""
        text = u"{0}|{1}".format(self.server, ":".join(str(part) for part in self.stamp or ()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def ack(self, held: Any, count: bool = True) -> Any:
        """The storage holds ``held`` bytes; returns how many of them are new.

        ``count`` is False for what the storage held before this run began.
        """
        new = held - self.acked if count and held > self.acked else 0
        self.sent += new
        self.acked = held
        return new

    def checkpoint(self, offset: int, digest: Any) -> None:
        """Remember the running digest of the first ``offset`` bytes (for a resume)."""
        self._checkpoint = (offset, digest.copy())

    def digest_at(self, offset: int, path: Optional[str] = None) -> Any:
        """Running SHA-256 of the first ``offset`` bytes of ``path`` (the local file).

        Starts from the last checkpoint when it is not past ``offset``, so a resume reads
        only the bytes since then.
        """
        start, digest = self._checkpoint
        if start > offset:
            start, digest = 0, hashlib.sha256()
        digest = digest.copy()
        if offset > start:
            with open(path or self.local, "rb") as handle:
                handle.seek(start)
                remaining = offset - start
                while remaining > 0:
                    check(self.stop, "hashing {0}".format(self.local))
                    block = handle.read(min(BLOCK, remaining))
                    if not block:
                        raise Corrupt("{0} shrank while it was being sent".format(self.local))
                    digest.update(block)
                    remaining -= len(block)
        self._checkpoint = (offset, digest.copy())
        return digest

    def reset(self) -> None:
        """Forget what the other side holds: the next attempt starts from byte 0."""
        self.acked = 0
        self.sha256 = None
        self._checkpoint = (0, hashlib.sha256())

    def restart(self, info: os.stat_result) -> None:
        """Start over with the file as it is now (after an integrity failure)."""
        self.stamp = stamp_of(info)
        self.size = info.st_size
        self.reset()

    def record(self) -> Optional[str]:
        """The upload-record value of the sent file, or None when it changed meanwhile."""
        try:
            now = stamp_of(os.stat(self.local))
        except OSError:
            return None
        if now != self.stamp or self.sha256 is None:
            return None
        size, mtime_ns, ctime_ns, ino = now
        return record_value(size, mtime_ns, self.sha256, ctime_ns, ino)


class RetryPolicy(object):
    """When another attempt is made, and after how long.

    Attempts that moved bytes do not count against ``max_attempts``: a link that keeps
    dropping but makes progress finishes (within ``max_attempts * 50`` attempts in all).

    Args:
        max_attempts (int): Attempts in a row without progress before giving up.
        backoff (float): First wait (doubles, capped at 10 s).
        sleep (callable): Waits (replaced in tests).
    """

    CORRUPT_LIMIT = 3

    def __init__(self, max_attempts: int = 6, backoff: Union[float, int] = 0.2,
                 sleep: Callable = time.sleep) -> None:
        self.max_attempts = max(1, int(max_attempts))
        self.backoff = backoff
        self.sleep = sleep

    def wait(self, seconds: float, stop: Optional[CancelToken] = None) -> None:
        """Wait ``seconds`` before another attempt; a cancelled ``stop`` token ends it.

        Raises:
            RayvisionCancelledError: ``stop`` was cancelled.
        """
        if stop is not None and self.sleep is time.sleep:
            pause(stop, seconds, "transfer")
            return
        self.sleep(seconds)
        check(stop, "transfer")

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt + 1``."""
        return min(10.0, self.backoff * (2 ** (attempt - 1)))

    def interrupted(self, transfer: "FileTransfer", progressed: bool, what: str, exc: object,
                    stop: Optional[CancelToken] = None) -> None:
        """Count an interrupted attempt; wait, or raise when the file should be given up.

        Raises:
            TransferError: Too many attempts in a row without progress.
            RayvisionCancelledError: ``stop`` was cancelled.
        """
        transfer.stalls = 1 if progressed else transfer.stalls + 1
        if transfer.stalls >= self.max_attempts or \
                transfer.retries >= self.max_attempts * 50:
            raise TransferError("{0} failed after {1} attempts: {2}".format(
                what, transfer.retries + 1, exc))
        transfer.retries += 1
        if transfer.stalls > 1:  # a drop after progress is retried at once
            self.wait(self.delay(transfer.stalls - 1), stop)
        else:
            check(stop, what)

    def corrupted(self, transfer: "FileTransfer", what: str, exc: object) -> None:
        """Count an integrity failure; raise on the third.

        Raises:
            TransferIntegrityError: The bytes never matched their digest.
        """
        transfer.corrupt += 1
        if transfer.corrupt >= self.CORRUPT_LIMIT:
            raise TransferIntegrityError("{0}: {1}".format(what, exc))
        transfer.retries += 1
