"""Transfer progress of ``rayvision_sync`` as command output.

``progress`` / ``file`` events with ``--json``, else one progress line in a terminal.
"""

import os
import threading
import time
from typing import Any, Optional

from rayvision_cli.events import Output, Rate, human_bytes

#: Seconds between two ``progress`` events (and two redraws of the progress line).
INTERVAL = 0.25

_FILE_KINDS = {"file_done": "done", "file_skipped": "skipped", "file_failed": "failed",
               "file_retry": "retry"}


class ProgressBridge(object):
    """A ``progress_callback`` for ``RayvisionUpload`` / ``RayvisionDownload``.

    Args:
        output: Where to report.
        phase: ``upload``, ``download`` or ``sync``.
        task_id: The task concerned, if any.
    """

    def __init__(self, output: Output, phase: str, task_id: Optional[str] = None) -> None:
        self.output = output
        self.phase = phase
        self.task_id = task_id
        self.rate = Rate()
        self._last = 0.0
        self._lock = threading.Lock()
        self.current = None  # type: Optional[str]
        self.files_done_paths = []  # type: list

    def __call__(self, event: Any) -> None:
        """Handle one :class:`rayvision_sync.progress.ProgressEvent`."""
        kind = event.kind
        if kind == "job_start":
            # Each job counts its bytes from 0: the previous job's would make the rate
            # negative.
            self.rate = Rate(self.rate.window)
        if kind == "file_start":
            self.current = event.path or event.local_path
        if kind in _FILE_KINDS:
            state = _FILE_KINDS[kind]
            if state == "done":
                self.files_done_paths.append(event.path)
            self.output.emit("file", phase=self.phase, task_id=self.task_id, state=state,
                             path=event.path, local_path=event.local_path,
                             message=event.message)
        self.rate.add(event.bytes_done or 0)
        now = time.monotonic()
        final = kind in ("job_start", "job_done")
        with self._lock:
            if not final and now - self._last < INTERVAL:
                return
            self._last = now
        self.report(event, final=kind == "job_done")

    def report(self, event: Any, final: bool = False) -> None:
        """Emit one ``progress`` event and redraw the progress line."""
        rate = self.rate.per_second()
        eta = self.rate.eta(event.bytes_done or 0, event.bytes_total or 0)
        self.output.emit("progress", phase=self.phase, task_id=self.task_id,
                         files_done=event.files_done or 0, files_total=event.files_total or 0,
                         bytes_done=event.bytes_done or 0, bytes_total=event.bytes_total or 0,
                         rate=round(rate, 1), eta=None if eta is None else round(eta, 1),
                         current_file=self.current, final=final)
        text = "{0:<8} {1}/{2} files  {3} / {4}  {5}/s  ETA {6}".format(
            self.phase, event.files_done or 0, event.files_total or 0,
            human_bytes(event.bytes_done), human_bytes(event.bytes_total), human_bytes(rate),
            "-" if eta is None else "{0:.0f}s".format(eta))
        if self.current and not final:
            text += "  " + os.path.basename(self.current)[-40:]
        self.output.progress_line(text)
        if final:
            self.output.end_progress()
