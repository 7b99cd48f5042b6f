"""What a command tells its user: human lines, or the versioned JSON-lines event stream.

With ``--json`` every line on stdout is one JSON object (schema in ``docs/cli.md``)::

    {"schema": 1, "event": "progress", "time": "2026-01-02T10:00:00.123Z", ...}

``schema`` changes only when a field changes meaning or disappears; new fields and new
events may be added within a schema version, so consumers ignore what they do not know.
Without ``--json``, results go to stdout as text and progress to stderr.
"""

import datetime
import json
import sys
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, TextIO

SCHEMA = 1

#: Every event name of schema 1.
EVENTS = ("start", "phase", "progress", "file", "task", "result", "lock", "check", "error",
          "end")


def _now() -> str:
    stamp = datetime.datetime.now(datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + "{0:03d}Z".format(stamp.microsecond // 1000)


class Output(object):
    """The output channel of one command run.

    Args:
        json_mode: Emit JSON lines instead of text.
        quiet: Only results and errors (text mode).
        verbose: Extra detail (text mode).
        stdout, stderr: Streams (default the process's).
    """

    def __init__(self, json_mode: bool = False, quiet: bool = False, verbose: int = 0,
                 stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        self.verbose = verbose
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._lock = threading.Lock()
        self._progress_shown = False
        #: The reader of stdout went away (``| head``): nothing more is written there.
        self.closed = False

    def _write_stdout(self, line: str) -> None:
        if self.closed:
            return
        try:
            self.stdout.write(line + "\n")
            self.stdout.flush()
        except BrokenPipeError:
            self.closed = True

    # -- JSON --------------------------------------------------------------------------------

    def emit(self, event: str, **fields: Any) -> None:
        """Write one event (JSON mode only; text mode ignores it)."""
        if not self.json_mode:
            return
        record = {"schema": SCHEMA, "event": event, "time": _now()}
        record.update(fields)
        line = json.dumps(record, sort_keys=False, default=str)
        with self._lock:
            self._write_stdout(line)

    # -- text --------------------------------------------------------------------------------

    def _clear_progress(self) -> None:
        if self._progress_shown:
            self.stderr.write("\r\x1b[K")
            self._progress_shown = False

    def info(self, text: str) -> None:
        """A line for a person (stderr; hidden by -q and --json)."""
        if self.json_mode or self.quiet:
            return
        with self._lock:
            self._clear_progress()
            self.stderr.write(text + "\n")
            self.stderr.flush()

    def result(self, text: str) -> None:
        """A result line (stdout, text mode)."""
        if self.json_mode:
            return
        with self._lock:
            self._clear_progress()
            self._write_stdout(text)

    def table(self, headers: Sequence[str], rows: List[Sequence[Any]]) -> None:
        """A left-aligned table on stdout (text mode)."""
        if self.json_mode:
            return
        cells = [[str(value) for value in row] for row in rows]
        widths = [max([len(headers[i])] + [len(row[i]) for row in cells])
                  for i in range(len(headers))]
        for row in [list(headers)] + cells:
            self.result("  ".join(value.ljust(widths[i]) for i, value in enumerate(row))
                        .rstrip())

    def progress_line(self, text: str) -> None:
        """Rewrite the one progress line on stderr (a terminal only)."""
        if self.json_mode or self.quiet or not _is_tty(self.stderr):
            return
        with self._lock:
            self.stderr.write("\r\x1b[K" + text)
            self.stderr.flush()
            self._progress_shown = True

    def end_progress(self) -> None:
        """Leave the last progress line on screen and go to the next line."""
        with self._lock:
            if self._progress_shown:
                self.stderr.write("\n")
                self.stderr.flush()
                self._progress_shown = False

    def error(self, line: str, **fields: Any) -> None:
        """One error line on stderr; in JSON mode an ``error`` event as well."""
        self.emit("error", message=line, **fields)
        with self._lock:
            self._clear_progress()
            self.stderr.write(line + "\n")
            self.stderr.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def human_bytes(count: float) -> str:
    """``1.5 MB`` style sizes."""
    value = float(count or 0)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return "{0:.0f} {1}".format(value, unit) if unit == "B" else \
                "{0:.1f} {1}".format(value, unit)
        value /= 1024.0
    return "{0:.1f} TB".format(value)


class Rate(object):
    """Transfer rate over a sliding window, and the ETA it gives."""

    def __init__(self, window: float = 5.0) -> None:
        self.window = window
        self._points = []  # type: List[tuple]

    def add(self, done: int) -> None:
        """Record the bytes done so far."""
        now = time.monotonic()
        self._points.append((now, done))
        while len(self._points) > 2 and now - self._points[0][0] > self.window:
            self._points.pop(0)

    def per_second(self) -> float:
        """Bytes per second over the window (0 before two samples)."""
        if len(self._points) < 2:
            return 0.0
        (t0, d0), (t1, d1) = self._points[0], self._points[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0

    def eta(self, done: int, total: int) -> Optional[float]:
        """Seconds left at the current rate (None when unknown)."""
        rate = self.per_second()
        if rate <= 0 or total <= done:
            return None if total > done else 0.0
        return (total - done) / rate


def summary_fields(event_fields: Dict[str, Any]) -> Dict[str, Any]:
    """Drop None values (keeps the stream compact)."""
    return dict((key, value) for key, value in event_fields.items() if value is not None)
