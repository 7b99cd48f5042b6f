"""Locks and checkpoints of ``rayvision sync-output``.

One lock per task makes sure that two processes, on one machine or many, never fetch the
same frames: whoever holds a task's lock downloads its new files and records each one in the
task's checkpoint; the others skip the task until the lock is free, and then skip what the
checkpoint records. Two backends:

- files (default): ``<state dir>/task-<id>.lock`` (an OS file lock, released when the
  process dies) and ``task-<id>.json`` (written atomically). The state dir is below the
  download folder, so processes on machines sharing that folder share the state. Files are
  recorded in stretches (:data:`CHECKPOINT_FILES` files or :data:`CHECKPOINT_SECONDS`),
  and always when the lock is released: rewriting the whole JSON per file made a task's
  recording quadratic. A crash loses at most the last stretch, whose files the next pass
  finds on disk and verifies instead of fetching them again.
- redis (``--store redis://host:port/db`` or the profile's ``record_store``): a ``SET NX PX``
  lock renewed while held, and a hash of downloaded files per task.
"""

import json
import os
import socket
import threading
import time
import uuid
from typing import Any, Dict, Optional

from rayvision_api.utils import write_text_atomic

#: Files recorded between two checkpoint writes (at most; see :class:`FileState`).
CHECKPOINT_FILES = 200
#: Seconds after which recorded files are written even if the stretch is not full.
CHECKPOINT_SECONDS = 5.0
#: Seconds a redis lock lives without renewal (a crashed holder frees it after this).
REDIS_LOCK_TTL = 60.0

_RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('del', KEYS[1]) else return 0 end")
_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
          "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end")


def holder_name() -> str:
    """``host:pid``: who holds a lock (shown in ``lock`` events and the status file)."""
    return "{0}:{1}".format(socket.gethostname(), os.getpid())


def write_json_atomic(path: str, data: object) -> None:
    """Write ``data`` as JSON through a temporary file and a rename (folder made if missing)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True))


class FileState(object):
    """File locks and JSON checkpoints in ``folder``."""

    kind = "file"

    def __init__(self, folder: str) -> None:
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self._locks: Dict[str, Any] = {}
        # Files recorded but not yet written, and when the task's checkpoint was last written.
        self._unsaved: Dict[str, Dict[str, str]] = {}
        self._saved_at: Dict[str, float] = {}

    def _path(self, task_id: str, suffix: str) -> str:
        return os.path.join(self.folder, "task-{0}{1}".format(task_id, suffix))

    def acquire(self, task_id: str) -> bool:
        """Take the task's lock without waiting; False when another process has it."""
        import portalocker

        lock = portalocker.Lock(self._path(task_id, ".lock"), mode="a", timeout=0,
                                fail_when_locked=True,
                                flags=portalocker.LOCK_EX | portalocker.LOCK_NB)
        try:
            lock.acquire()
        except (portalocker.exceptions.LockException, portalocker.exceptions.AlreadyLocked):
            return False
        self._locks[task_id] = lock
        return True

    def release(self, task_id: str) -> None:
        """Write what is left to record, then release the task's lock (if held)."""
        try:
            self.flush(task_id)
        finally:
            lock = self._locks.pop(task_id, None)
            if lock is not None:
                lock.release()

    def _load(self, task_id: str) -> dict:
        try:
            with open(self._path(task_id, ".json"), encoding="utf-8") as stream:
                data = json.load(stream)
        except (OSError, ValueError):
            return {"files": {}, "complete": False}
        # Valid JSON of another shape is no checkpoint of ours either: nothing recorded.
        if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
            return {"files": {}, "complete": False}
        data.setdefault("files", {})
        data.setdefault("complete", False)
        return data

    def files(self, task_id: str) -> Dict[str, str]:
        """Storage path -> ``size:sha256`` of the files already downloaded."""
        files = dict(self._load(task_id)["files"])
        files.update(self._unsaved.get(task_id, {}))
        return files

    def add_files(self, task_id: str, entries: Dict[str, str]) -> None:
        """Record downloaded files (hold the lock); written by stretches, see :meth:`flush`."""
        unsaved = self._unsaved.setdefault(task_id, {})
        unsaved.update(entries)
        started = self._saved_at.setdefault(task_id, time.monotonic())
        if len(unsaved) >= CHECKPOINT_FILES or time.monotonic() - started >= CHECKPOINT_SECONDS:
            self.flush(task_id)

    def flush_if_due(self, task_id: str) -> None:
        """Write the recorded files when :data:`CHECKPOINT_SECONDS` have passed (hold the lock).

        Called while a download runs, not only when a file is recorded: a long quiet
        stretch (one large file after many small ones) must not leave the files recorded
        before it unwritten.
        """
        started = self._saved_at.get(task_id)
        if self._unsaved.get(task_id) and started is not None and \
                time.monotonic() - started >= CHECKPOINT_SECONDS:
            self.flush(task_id)

    def flush(self, task_id: str) -> None:
        """Write the files recorded since the last write (hold the lock); nothing if none."""
        unsaved = self._unsaved.pop(task_id, None)
        if not unsaved:
            return
        try:
            data = self._load(task_id)
            data["files"].update(unsaved)
            write_json_atomic(self._path(task_id, ".json"), data)
        except BaseException:
            # Kept for the next write (the release, or the next stretch).
            self._unsaved.setdefault(task_id, {}).update(unsaved)
            raise
        self._saved_at[task_id] = time.monotonic()

    def is_complete(self, task_id: str) -> bool:
        """Whether the task ended and every file of it is recorded."""
        return bool(self._load(task_id)["complete"])

    def completed_as(self, task_id: str) -> Optional[str]:
        """What the farm showed of the task when it was marked complete.

        Returns:
            None when the task is not marked complete; ``""`` for a mark that does not say
            (written by an older version).
        """
        data = self._load(task_id)
        if not data["complete"]:
            return None
        farm_state = data.get("complete_as")
        return farm_state if isinstance(farm_state, str) else ""

    def mark_complete(self, task_id: str, farm_state: Optional[str] = None) -> None:
        """Record that the task is complete: later passes skip it.

        They skip it while the farm shows ``farm_state`` of it
        (:func:`rayvision_cli.commands.sync_output.farm_state`); without one, while it has
        not started rendering again.
        """
        self.flush(task_id)
        data = self._load(task_id)
        data["complete"] = True
        if farm_state:
            data["complete_as"] = farm_state
        else:
            data.pop("complete_as", None)
        write_json_atomic(self._path(task_id, ".json"), data)

    def close(self) -> None:
        """Release every lock this process holds."""
        for task_id in list(self._locks):
            self.release(task_id)


#: The value of a redis complete mark that does not say what the farm showed.
_OLD_COMPLETE_MARK = "1"


class RedisState(object):
    """Locks and checkpoints in a shared redis (all machines of a studio)."""

    kind = "redis"

    def __init__(self, url: str, namespace: str, ttl: float = REDIS_LOCK_TTL,
                 client: Optional[Any] = None) -> None:
        if client is None:
            try:
                import redis
            except ImportError:
                from rayvision_api.exception import RayvisionArgumentError

                raise RayvisionArgumentError("a redis store needs the redis package: "
                                             "pip install 'rayvision_cli[redis]'")
            client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10)
        self.client = client
        self.prefix = "rayvision:sync-output:{0}".format(namespace)
        self.ttl_ms = int(ttl * 1000)
        self._tokens = {}  # type: Dict[str, str]
        self._stop = threading.Event()
        self._renewer = None  # type: Optional[threading.Thread]

    def _key(self, task_id: str, what: str) -> str:
        return "{0}:{1}:{2}".format(self.prefix, task_id, what)

    def acquire(self, task_id: str) -> bool:
        """Take the task's lock without waiting; False when another process has it."""
        token = "{0}:{1}".format(holder_name(), uuid.uuid4().hex)
        if not self.client.set(self._key(task_id, "lock"), token, nx=True, px=self.ttl_ms):
            return False
        self._tokens[task_id] = token
        self._start_renewer()
        return True

    def _start_renewer(self) -> None:
        if self._renewer is not None and self._renewer.is_alive():
            return
        self._renewer = threading.Thread(target=self._renew_loop, name="sync-output-lock",
                                         daemon=True)
        self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl_ms / 3000.0):
            for task_id, token in list(self._tokens.items()):
                try:
                    self.client.eval(_RENEW, 1, self._key(task_id, "lock"), token,
                                     self.ttl_ms)
                except Exception:  # the next renewal tries again; the TTL covers a gap
                    pass

    def release(self, task_id: str) -> None:
        """Release the task's lock (if this process holds it)."""
        token = self._tokens.pop(task_id, None)
        if token is not None:
            self.client.eval(_RELEASE, 1, self._key(task_id, "lock"), token)

    def files(self, task_id: str) -> Dict[str, str]:
        """Storage path -> ``size:sha256`` of the files already downloaded."""
        return dict(self.client.hgetall(self._key(task_id, "files")) or {})

    def add_files(self, task_id: str, entries: Dict[str, str]) -> None:
        """Record downloaded files (hold the lock)."""
        if entries:
            # redis types the mapping with an invariant key type a Dict[str, str] cannot meet.
            self.client.hset(self._key(task_id, "files"), mapping=entries)  # type: ignore[arg-type]

    def flush(self, task_id: str) -> None:
        """Nothing to do: each file is one ``HSET``, which costs no more as a task grows."""

    def flush_if_due(self, task_id: str) -> None:
        """Nothing to do: every file is written when it is recorded."""

    def is_complete(self, task_id: str) -> bool:
        """Whether the task ended and every file of it is recorded."""
        return bool(self.client.exists(self._key(task_id, "complete")))

    def completed_as(self, task_id: str) -> Optional[str]:
        """What the farm showed of the task when it was marked complete.

        Returns:
            None when the task is not marked complete; ``""`` for a mark that does not say
            (``"1"``, written by an older version).
        """
        value = self.client.get(self._key(task_id, "complete"))
        if value is None:
            return None
        return "" if value == _OLD_COMPLETE_MARK else str(value)

    def mark_complete(self, task_id: str, farm_state: Optional[str] = None) -> None:
        """Record that the task is complete: later passes skip it.

        They skip it while the farm shows ``farm_state`` of it
        (:func:`rayvision_cli.commands.sync_output.farm_state`); without one, while it has
        not started rendering again.
        """
        self.client.set(self._key(task_id, "complete"), farm_state or _OLD_COMPLETE_MARK)

    def close(self) -> None:
        """Release every lock this process holds."""
        self._stop.set()
        for task_id in list(self._tokens):
            try:
                self.release(task_id)
            except Exception:  # the TTL frees it
                pass
