"""``rayvision sync-output``: download frames as they render, for tasks or a whole account.

Checkpointed (a restart fetches nothing twice), locked per task (two processes or machines
never fetch the same frame), and it keeps a status file a monitor can read. See
``docs/cli.md`` and :mod:`rayvision_cli.sync_state`.
"""

import contextlib
import datetime
import logging
import os
import threading
from typing import Any, Dict, Iterator, List, Optional

from rayvision_api.cancel import pause
from rayvision_api.diagnose import explain
from rayvision_api.exception import RayvisionCancelledError
from rayvision_cli import client, exit_codes, task_status
from rayvision_cli.commands.tasks import TaskNotFoundError, fetch, list_tasks, task_ids
from rayvision_cli.events import Output
from rayvision_cli.progress import ProgressBridge
from rayvision_cli.sync_state import FileState, RedisState, holder_name, write_json_atomic

LOGGER = logging.getLogger(__name__)

STATE_FOLDER = ".rayvision-sync"
#: Seconds between two looks at the checkpoint's time limit while a download runs.
FLUSH_POLL = 0.5
#: Tasks looked at per pass in whole-account mode.
ACCOUNT_TASKS = 200


def register(commands: Any, parents: list, formatter: Any) -> None:
    """Add ``sync-output`` to the command parser."""
    sync = commands.add_parser(
        "sync-output", parents=parents, formatter_class=formatter,
        help="download frames as they render (tasks, or the whole account); restartable")
    sync.add_argument("task", nargs="*", help="task ids (default: every task of the account)")
    sync.add_argument("--dest", default=".", help="download folder (created)")
    sync.add_argument("--interval", type=float, default=10.0, help="seconds between passes")
    sync.add_argument("--once", action="store_true", help="one pass, then exit")
    sync.add_argument("--state-dir", help="locks and checkpoints (default <dest>/{0})".format(
        STATE_FOLDER))
    sync.add_argument("--status-file",
                      help="status JSON rewritten after each task (default "
                           "<state dir>/status-<host>-<pid>.json)")
    sync.add_argument("--store", help="shared redis for locks and checkpoints, e.g. "
                                      "redis://host:6379/0 (default: the profile's "
                                      "record_store when it is a redis URL, else files)")
    sync.set_defaults(handler=run_sync_output)


def _utc() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _open_state(args: Any, api: Any, settings: Dict[str, Any], dest: str) -> Any:
    store = getattr(args, "store", None) or settings.get("record_store") or ""
    if store.startswith(("redis://", "rediss://", "unix://")):
        namespace = "{0}:{1}".format(api.connect.domain, api.user_info.get("output_bid", ""))
        return RedisState(store, namespace)
    return FileState(getattr(args, "state_dir", None) or os.path.join(dest, STATE_FOLDER))


class StatusFile(object):
    """The status JSON of this process (rewritten atomically)."""

    def __init__(self, path: str, dest: str, backend: str) -> None:
        self.path = path
        self.data: Dict[str, Any] = {"schema": 1, "holder": holder_name(), "pid": os.getpid(),
                     "started": _utc(), "updated": _utc(), "state": "running", "dest": dest,
                     "lock_backend": backend, "passes": 0, "tasks": {}, "errors": []}

    def task(self, task_id: str, **fields: Any) -> None:
        """Update one task's entry and rewrite the file."""
        self.data["tasks"].setdefault(task_id, {}).update(fields)
        self.save()

    def error(self, task_id: str, line: str) -> None:
        """Keep the last errors (20) in the file."""
        self.data["errors"] = (self.data["errors"] + [{"time": _utc(), "task_id": task_id,
                                                       "message": line}])[-20:]
        self.save()

    def save(self, state: Optional[str] = None) -> None:
        """Rewrite the file atomically, optionally with a new overall ``state``."""
        if state:
            self.data["state"] = state
        self.data["updated"] = _utc()
        write_json_atomic(self.path, self.data)


class _Recorder(object):
    """Records each downloaded file in the checkpoint as soon as it lands.

    The state writes them by stretches (``FileState``); the caller flushes at the end.
    """

    def __init__(self, state: Any, task_id: str, fingerprints: Dict[str, str],
                 bridge: ProgressBridge) -> None:
        self.state = state
        self.task_id = task_id
        self.fingerprints = fingerprints
        self.bridge = bridge
        self._lock = threading.Lock()
        self.fetched = 0

    def __call__(self, event: Any) -> None:
        if event.kind in ("file_done", "file_skipped") and event.path in self.fingerprints:
            with self._lock:
                self.state.add_files(self.task_id, {event.path: self.fingerprints[event.path]})
                if event.kind == "file_done":
                    self.fetched += 1
        self.bridge(event)

    def flush_if_due(self) -> None:
        """Write the recorded files if their stretch is old enough (see ``FileState``)."""
        with self._lock:
            self.state.flush_if_due(self.task_id)

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        """Look at the checkpoint's time limit every :data:`FLUSH_POLL` seconds meanwhile.

        Recording a file is not the only moment to look: while one large file comes in,
        nothing is recorded for minutes.
        """
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(FLUSH_POLL):
                try:
                    self.flush_if_due()
                except Exception:  # kept unsaved; written at the next stretch or the end
                    LOGGER.debug("checkpoint of task %s not written yet", self.task_id,
                                 exc_info=True)

        watcher = threading.Thread(target=poll, name="sync-checkpoint-{0}".format(
            self.task_id), daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join()


def _fingerprint(item: Any) -> str:
    """What makes a listed file (a ``ListedFile``) the same one next time."""
    return "{0}:{1}".format(item.size, item.sha256 or item.mtime or "")


def farm_state(entry: Dict[str, Any]) -> str:
    """What the farm shows of a task's rendering, kept with its complete mark.

    Any change (rendering again, other frame counts, another completion time) means frames
    may have been rendered since its output was downloaded: failed frames restarted.
    """
    return "{0}|{1}|{2}|{3}".format(entry["status_code"], entry["frames_done"],
                                    entry["frames_failed"], entry["completed"] or "")


def still_complete(marked: str, entry: Optional[Dict[str, Any]]) -> bool:
    """Whether a task marked complete (as ``marked``, see :func:`farm_state`) stays so.

    Args:
        marked: What the farm showed when the task was marked complete; ``""`` for a mark
            of an older version, which stays until the task is rendering again.
        entry: The task's row now, or None when the farm did not show it (deleted, or
            beyond the account's most recent tasks): nothing to download again.
    """
    if entry is None:
        return True
    if marked:
        return marked == farm_state(entry)
    return bool(entry["final"])


def sync_task(api: Any, downloader: Any, state: Any, task_id: str, dest: str, output: Output,
              status: StatusFile, max_speed: Any) -> bool:
    """One pass over one task (lock held by the caller); True when it is complete."""
    from rayvision_sync.paths import storage_path
    from rayvision_sync.progress import ProgressReporter

    entry = fetch(api, [int(task_id)])[0]
    final = entry["final"]
    names = downloader.manage_task.output_file_names(
        downloader.manage_task.get_task_status([int(task_id)]))
    engine = downloader.engine
    done = state.files(task_id)
    bridge = ProgressBridge(output, "sync", task_id)
    fetched = 0
    expected: Dict[str, Any] = {}
    for name in names:
        if engine.name != "http":
            # The transmitter cannot list: the whole folder under the lock.
            downloader.download([int(task_id)], max_speed=max_speed, print_log=False,
                                local_path=dest)
            continue
        items = engine.list("output_bid", name, downloader.cancel_token)
        expected.update((item.path, _fingerprint(item)) for item in items)
        todo = [item for item in items if done.get(item.path) != _fingerprint(item)]
        if not todo:
            continue
        recorder = _Recorder(state, task_id, dict((item.path, _fingerprint(item))
                                                  for item in todo), bridge)
        progress = ProgressReporter("download", recorder, show=False,
                                    cancel_token=downloader.cancel_token)
        try:
            with recorder.watching():
                engine.download_items("output_bid", todo, storage_path(name), dest, True,
                                      max_speed, progress, print_log=False)
        finally:
            # The checkpoint is written by stretches: the end of a download, or its failure,
            # ends the current one.
            state.flush(task_id)
        fetched += recorder.fetched
    recorded = state.files(task_id)
    complete = final and all(recorded.get(path) == value for path, value in expected.items())
    if complete:
        state.mark_complete(task_id, farm_state(entry))
    status.task(task_id, status=entry["status"], frames_done=entry["frames_done"],
                frames_total=entry["frames_total"], files_downloaded=len(state.files(task_id)),
                fetched_this_pass=fetched, complete=complete, locked_by_other=False)
    output.emit("task", **dict(entry, files_downloaded=len(state.files(task_id)),
                               complete=complete))
    return complete


def _farm_rows(api: Any, task_ids: List[str]) -> Dict[str, Dict[str, Any]]:
    """Rows of the tasks the farm knows among ``task_ids``, by id; no request for none."""
    if not task_ids:
        return {}
    items = (api.query.task_info([int(task_id) for task_id in task_ids]) or {}).get(
        "items") or []
    return dict((str(item.get("id")), task_status.row(item)) for item in items)


def _complete_marks(state: Any, candidates: List[str], output: Output, status: StatusFile,
                    outcome: Dict[str, Any]) -> Dict[str, Optional[str]]:
    """Each task's complete mark (:meth:`FileState.completed_as`), or None when not marked.

    A task whose checkpoint cannot be read is reported and left pending, without a mark.
    """
    marks: Dict[str, Optional[str]] = {}
    for task_id in candidates:
        try:
            marks[task_id] = state.completed_as(task_id)
        except (KeyboardInterrupt, RayvisionCancelledError):
            raise
        except Exception as exc:  # a checkpoint of one task that cannot be used
            _task_failed(output, status, outcome, task_id, exc)
            outcome["pending"].append(task_id)
    return marks


def _pass(api: Any, downloader: Any, state: Any, ids: Optional[List[str]], dest: str,
          output: Output, status: StatusFile, max_speed: Any) -> Dict[str, Any]:
    outcome: Dict[str, Any] = {"complete": [], "pending": [], "not_found": [], "errors": 0}
    shown: Dict[str, Dict[str, Any]] = {}
    if ids is None:
        # The account's list shows every task's state: no request for the complete ones.
        rows = list_tasks(api, ACCOUNT_TASKS)
        candidates = [entry["task_id"] for entry in rows]
        shown = dict((entry["task_id"], entry) for entry in rows)
    else:
        candidates = list(ids)
    marks = _complete_marks(state, candidates, output, status, outcome)
    if ids is not None:
        marked = [task_id for task_id in candidates if marks.get(task_id) is not None]
        try:
            # One request for all the tasks marked complete, none when there is none.
            shown = _farm_rows(api, marked)
        except (KeyboardInterrupt, RayvisionCancelledError):
            raise
        except Exception as exc:  # unverified: left pending for the next pass
            for task_id in marked:
                _task_failed(output, status, outcome, task_id, exc)
                outcome["pending"].append(task_id)
                del marks[task_id]
    for task_id in candidates:
        if task_id not in marks:
            continue  # reported above
        mark = marks[task_id]
        if mark is not None and still_complete(mark, shown.get(task_id)):
            outcome["complete"].append(task_id)
            continue
        try:
            acquired = state.acquire(task_id)
        except (KeyboardInterrupt, RayvisionCancelledError):
            raise
        except Exception as exc:  # a lock of one task that cannot be used
            _task_failed(output, status, outcome, task_id, exc)
            outcome["pending"].append(task_id)
            continue
        if not acquired:
            output.emit("lock", task_id=task_id, state="busy")
            output.info("task {0}: another process is downloading it".format(task_id))
            status.task(task_id, locked_by_other=True)
            outcome["pending"].append(task_id)
            continue
        if mark is not None:
            output.info("task {0}: rendered again since it was downloaded".format(task_id))
        output.emit("lock", task_id=task_id, state="acquired", backend=state.kind)
        try:
            complete = sync_task(api, downloader, state, task_id, dest, output, status,
                                 max_speed)
        except (KeyboardInterrupt, RayvisionCancelledError):
            raise
        except TaskNotFoundError as exc:
            # Deleted on the farm: it will never be complete, so it is no longer followed
            # (reported this once; the caller drops it).
            _task_failed(output, status, outcome, task_id, exc)
            status.task(task_id, not_found=True)
            outcome["not_found"].append(task_id)
            continue
        except Exception as exc:  # one task's failure must not stop the others
            _task_failed(output, status, outcome, task_id, exc)
            complete = False
        finally:
            state.release(task_id)
            output.emit("lock", task_id=task_id, state="released")
        outcome["complete" if complete else "pending"].append(task_id)
    return outcome


def _task_failed(output: Output, status: StatusFile, outcome: Dict[str, Any], task_id: str,
                 exc: Exception) -> None:
    """Report one task's failure (the pass goes on with the other tasks).

    Its ``error`` event has the fields of every ``error`` event; ``exit_code`` is the one
    the run ends with because of it (:func:`follow_tasks`: any task's error makes it 1).
    """
    explanation = explain(exc)
    output.error("task {0}: {1}".format(task_id, explanation.line()),
                 code=explanation.code, kind=explanation.kind, hint=explanation.hint,
                 exit_code=exit_codes.ERROR, task_id=task_id)
    status.error(task_id, explanation.line())
    outcome["errors"] += 1


def follow_tasks(args: Any, output: Output, api: Any, ids: Optional[List[str]],
                 dest: str) -> int:
    """Run passes until every task is complete (or once, or forever for the account).

    A named task the farm does not know is reported once and no longer followed; it makes
    the exit code 1.
    """
    from rayvision_sync.download import RayvisionDownload

    settings = client.settings(args)
    dest = os.path.abspath(dest)
    os.makedirs(dest, exist_ok=True)
    state = _open_state(args, api, settings, dest)
    status_path = getattr(args, "status_file", None) or os.path.join(
        getattr(state, "folder", None) or os.path.join(dest, STATE_FOLDER),
        "status-{0}.json".format(holder_name().replace(":", "-")))
    status = StatusFile(status_path, dest, state.kind)
    downloader = RayvisionDownload(api, engine=settings.get("engine"),
                                   workers=int(settings["workers"])
                                   if settings.get("workers") else None, show_progress=False,
                                   cancel_token=getattr(args, "cancel_token", None))
    max_speed = settings.get("max_speed")
    interval = getattr(args, "interval", 10.0)
    once = getattr(args, "once", False)
    output.emit("phase", phase="sync", dest=dest, status_file=status_path, backend=state.kind)
    output.info("syncing to {0} (status: {1})".format(dest, status_path))
    state_name = "interrupted"
    not_found: List[str] = []
    try:
        while True:
            outcome = _pass(api, downloader, state, ids, dest, output, status, max_speed)
            not_found.extend(outcome["not_found"])
            if ids is not None:
                ids = [task_id for task_id in ids if task_id not in outcome["not_found"]]
            status.data["passes"] += 1
            status.save()
            finished = ids is not None and not outcome["pending"]
            if finished or once:
                state_name = "finished" if finished else "pass-done"
                code = exit_codes.ERROR if outcome["errors"] or not_found else exit_codes.OK
                output.emit("result", command="sync-output", complete=outcome["complete"],
                            pending=outcome["pending"], errors=outcome["errors"],
                            not_found=not_found)
                output.result("complete: {0}; pending: {1}{2}".format(
                    " ".join(outcome["complete"]) or "-", " ".join(outcome["pending"]) or "-",
                    "; not found: " + " ".join(not_found) if not_found else ""))
                return code
            pause(downloader.cancel_token, interval, "sync-output")
    finally:
        status.save(state_name)
        state.close()


def run_sync_output(args: Any, output: Output) -> int:
    """``rayvision sync-output``: follow the named tasks, or the whole account."""
    client.check_transfer_settings(args)
    api = client.connect(args)
    ids = [str(task_id) for task_id in task_ids(args.task)] if args.task else None
    return follow_tasks(args, output, api, ids, args.dest)
