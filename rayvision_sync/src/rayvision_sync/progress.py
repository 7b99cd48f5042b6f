"""Progress of a transfer: structured events for callbacks, tqdm bars for terminals.

A render-manager plugin (Deadline, Qube) passes ``progress_callback`` and receives one
:class:`ProgressEvent` per change; an interactive user gets two tqdm bars, files and bytes.
"""

import logging
import sys
import threading
from typing import Any, Callable, Dict, Optional, Tuple, Union

from rayvision_api.cancel import CancelToken
from rayvision_api.exception import ProgressCallbackError

LOGGER = logging.getLogger(__name__)

# Event kinds, in the order they happen for one job.
JOB_START = "job_start"          # files_total / bytes_total known
FILE_START = "file_start"
FILE_BYTES = "bytes"             # nbytes just moved for ``path``
FILE_DONE = "file_done"
FILE_SKIPPED = "file_skipped"    # unchanged: nothing moved
FILE_RETRY = "file_retry"        # dropped connection or integrity failure, resuming
FILE_FAILED = "file_failed"
JOB_DONE = "job_done"


class ProgressEvent(object):
    """One progress change.

    Attributes:
        kind (str): One of the module's event kinds (``job_start``, ``file_start``,
            ``bytes``, ``file_done``, ``file_skipped``, ``file_retry``, ``file_failed``,
            ``job_done``).
        direction (str): ``upload`` or ``download``.
        path (str): Storage path of the file concerned (None for job events).
        local_path (str): Local file concerned (None for job events).
        nbytes (int): Bytes moved by this event (``bytes`` events).
        files_done (int): Files finished so far (transferred, skipped or failed).
        files_total (int): Files in the job.
        bytes_done (int): Bytes moved so far in the job.
        bytes_total (int): Bytes the job would move without resume or skips.
        message (str): Error text for ``file_retry`` / ``file_failed``.
    """

    __slots__ = ("kind", "direction", "path", "local_path", "nbytes", "files_done",
                 "files_total", "bytes_done", "bytes_total", "message")

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, fields.get(name))

    def as_dict(self) -> Dict[str, Optional[Union[int, str]]]:
        """The event as a plain dict (JSON-ready)."""
        return dict((name, getattr(self, name)) for name in self.__slots__)

    def __repr__(self) -> str:
        return "ProgressEvent({0})".format(", ".join(
            "{0}={1!r}".format(name, getattr(self, name)) for name in self.__slots__
            if getattr(self, name) is not None))


class ProgressReporter(object):
    """Thread-safe totals of one job, fanned out to a callback and optional tqdm bars.

    The reporter also carries the job's stop signal, :attr:`token`: the caller's cancel
    token, and cancelled as well when the callback fails, so that every worker of the job
    stops at its next block.

    Args:
        direction (str): ``upload`` or ``download``.
        callback (callable): Receives each :class:`ProgressEvent`. When it raises, the
            call that reported the event raises :class:`ProgressCallbackError` (the
            callback's exception chained) and the job stops; the callback is not called
            again.
        show (bool): tqdm bars; None means "when stderr is a terminal".
        cancel_token (CancelToken, optional): The caller's cancel token.
        ignore_callback_errors (bool): Log the callback's first failure at WARNING (later
            ones at DEBUG) and carry on instead of stopping.

    Attributes:
        token (CancelToken): The job's stop signal (linked to ``cancel_token``).
        callback_error (ProgressCallbackError): The callback's failure, or None.
    """

    def __init__(self, direction: str,
                 callback: Optional[Callable[[ProgressEvent], Any]] = None,
                 show: Optional[bool] = None, cancel_token: Optional[CancelToken] = None,
                 ignore_callback_errors: bool = False) -> None:
        self.direction = direction
        self.callback = callback
        self.token = CancelToken(parent=cancel_token)
        self.ignore_callback_errors = bool(ignore_callback_errors)
        self.callback_error: Optional[ProgressCallbackError] = None
        self._callback_warned = False
        if show is None:
            show = bool(getattr(sys.stderr, "isatty", lambda: False)())
        self.show = show
        self.files_total = 0
        self.bytes_total = 0
        self.files_done = 0
        self.bytes_done = 0
        self._lock = threading.Lock()
        self._bars: Optional[Tuple[Any, Any]] = None

    def _emit(self, kind: str, **fields: Any) -> None:
        if self.callback is None or self.callback_error is not None:
            return
        event = ProgressEvent(kind=kind, direction=self.direction,
                              files_done=self.files_done, files_total=self.files_total,
                              bytes_done=self.bytes_done, bytes_total=self.bytes_total,
                              **fields)
        try:
            self.callback(event)
        except Exception as exc:
            self._callback_failed(event, exc)

    def _callback_failed(self, event: ProgressEvent, exc: Exception) -> None:
        """Stop the job with a typed error, or log once and go on when told to ignore."""
        if self.ignore_callback_errors:
            level = logging.DEBUG if self._callback_warned else logging.WARNING
            self._callback_warned = True
            LOGGER.log(level, "progress callback failed on %r (ignored): %s: %s", event,
                       type(exc).__name__, exc)
            return
        error = ProgressCallbackError(self.direction, exc)
        self.callback_error = error
        self.token.cancel("the progress callback failed")
        raise error from exc

    def check(self, what: Optional[str] = None) -> None:
        """Raise when the job must stop: cancelled by the caller, or the callback failed.

        Raises:
            RayvisionCancelledError: :attr:`token` is cancelled.
        """
        self.token.raise_if_cancelled(what or self.direction)

    def start(self, files_total: int, bytes_total: int) -> None:
        """Announce the size of the job."""
        with self._lock:
            self.files_total += files_total
            self.bytes_total += bytes_total
            if self.show:
                self._open_bars()
            self._emit(JOB_START)

    def _open_bars(self) -> None:
        try:
            from tqdm import tqdm
        except ImportError:  # pragma: no cover - tqdm is a declared dependency
            return
        if self._bars is None:
            self._bars = (
                tqdm(total=self.files_total, desc="{0} files".format(self.direction),
                     unit="file", position=0, leave=True),
                tqdm(total=self.bytes_total, desc="{0} bytes".format(self.direction),
                     unit="B", unit_scale=True, unit_divisor=1024, position=1, leave=True))
        else:
            self._bars[0].total = self.files_total
            self._bars[1].total = self.bytes_total
            for bar in self._bars:
                bar.refresh()

    def file_start(self, path: str, local_path: str) -> None:
        """A file begins to move."""
        with self._lock:
            self._emit(FILE_START, path=path, local_path=local_path)

    def moved(self, path: str, local_path: str, nbytes: int) -> None:
        """``nbytes`` of ``path`` went over the wire."""
        with self._lock:
            self.bytes_done += nbytes
            if self._bars:
                self._bars[1].update(nbytes)
            self._emit(FILE_BYTES, path=path, local_path=local_path, nbytes=nbytes)

    def _finish(self, kind: str, path: Optional[str], local_path: str,
                message: Optional[str] = None, skipped_bytes: int = 0) -> None:
        with self._lock:
            self.files_done += 1
            if self._bars:
                self._bars[0].update(1)
                if skipped_bytes:
                    # Skipped and resumed bytes still count towards the byte bar's total.
                    self._bars[1].update(skipped_bytes)
            self._emit(kind, path=path, local_path=local_path, message=message)

    def file_done(self, path: str, local_path: str, unsent: int = 0) -> None:
        """A file arrived; ``unsent`` bytes of it were already there (resume)."""
        self._finish(FILE_DONE, path, local_path, skipped_bytes=unsent)

    def file_skipped(self, path: str, local_path: str, size: int = 0) -> None:
        """A file was unchanged: nothing moved."""
        self._finish(FILE_SKIPPED, path, local_path, skipped_bytes=size)

    def files_skipped(self, entries: Any) -> None:
        """Many unchanged files at once: a sized iterable of ``(path, local_path, size)``."""
        if not entries:
            return
        if self.callback is None and not self._bars:
            with self._lock:
                self.files_done += len(entries)
            return
        for path, local_path, size in entries:
            self.file_skipped(path, local_path, size)

    def file_failed(self, path: Optional[str], local_path: str, message: str) -> None:
        """A file could not be moved."""
        self._finish(FILE_FAILED, path, local_path, message=message)

    def retry(self, path: Any, local_path: Any, message: Any) -> None:
        """A file's transfer is retried (connection dropped, integrity failure)."""
        with self._lock:
            self._emit(FILE_RETRY, path=path, local_path=local_path, message=message)

    def done(self) -> None:
        """The job ended; close the bars."""
        with self._lock:
            try:
                self._emit(JOB_DONE)
            finally:
                # A callback raising on job_done must not leave the bars on the terminal.
                if self._bars:
                    for bar in self._bars:
                        bar.close()
                    self._bars = None
