"""Upload-record database: which files are already on the farm, unchanged since.

A record says "this local file, in this state, was uploaded to this storage at this server
path". Its key is ``<domain>|<storage id>|<server path>``, so another farm, another storage
or another server path never matches. Its value is the fingerprint of the local file when
it was uploaded (see :mod:`rayvision_sync.fingerprint`): size, ``st_mtime_ns``,
``st_ctime_ns``, inode / file id, SHA-256 and when the record was last confirmed. A file is
"unchanged" when size, mtime, ctime and inode are all equal: any write changes ctime even
when a tool restores mtime (``cp -p``, ``rsync -t``, archive extraction). That is what
``os.stat`` gives for free, so the check costs one stat per file. Records of the older
``<size>:<mtime_ns>:<sha256>`` form still match on size and mtime, once: the file is not
sent again and its record is rewritten in the new form.

The same key/value pair is stored in sqlite (table ``record``, the transmitter's schema) or
in a redis hash per storage, with identical semantics. Both stores batch lookups and writes.
sqlite runs in WAL mode with a busy timeout and retries ``database is locked`` with
back-off, so several processes can share one file; a file that is not a database any more
is moved aside with one warning and rebuilt empty.

Each store also keeps, per scope, a generation bumped atomically with every delete and every
record replaced by one with another fingerprint, and the upload summaries of
:mod:`rayvision_sync.record_summary`, which hold only at the generation they were written at.
"""

import abc
import collections
import contextlib
import logging
import os
import random
import sqlite3
import sys
import threading
import time
from typing import Any, Dict, Iterable, Iterator, Mapping, Optional, Tuple, Union

from rayvision_sync.exception import RecordDatabaseError
from rayvision_sync.record_summary import (
    MAX_SUMMARIES,
    Summary,
    fingerprint_changed,
    parse_summary,
    prune,
    summary_value,
)

LOGGER = logging.getLogger(__name__)

# sqlite's default host-parameter limit was 999 before 3.32.
SQLITE_BATCH = 900
REDIS_BATCH = 2000
# From this many paths on, reading the whole scope at once beats keyed lookups.
SCAN_THRESHOLD = 2000
REDIS_KEY_PREFIX = "rayvision_sync:record:"
REDIS_GENERATION_PREFIX = "rayvision_sync:generation:"
REDIS_SUMMARY_PREFIX = "rayvision_sync:summary:"


def record_scope(domain: str, bid: Union[int, str]) -> str:
    """The part of a record key shared by every file of one storage."""
    return u"{0}|{1}".format(domain, bid)


def record_value(size: int, mtime_ns: int, sha256: str = "", ctime_ns: Optional[int] = None,
                 ino: Optional[int] = None,
                 checked: Optional[int] = None) -> str:
    """The stored fingerprint of a local file (older form when ``ctime_ns`` is None)."""
    if ctime_ns is None:
        return u"{0}:{1}:{2}".format(int(size), int(mtime_ns), sha256 or "")
    return u"{0}:{1}:{2}:{3}:{4}:{5}".format(
        int(size), int(mtime_ns), int(ctime_ns), int(ino or 0), sha256 or "",
        int(time.time() if checked is None else checked))


def parse_record_value(value: Optional[str]) -> Optional[Tuple[int, int, str]]:
    """``(size, mtime_ns, sha256)`` of a stored fingerprint, or None if unreadable."""
    parsed = parse_record(value)
    return None if parsed is None else (parsed.size, parsed.mtime_ns, parsed.sha256)


def parse_record(value: Optional[str]) -> Optional["Record"]:
    """A :class:`Record` of a stored fingerprint (either form), or None if unreadable."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    parts = value.split(":")
    try:
        if len(parts) == 3:
            return Record(int(parts[0]), int(parts[1]), None, None, parts[2], None)
        if len(parts) == 6:
            return Record(int(parts[0]), int(parts[1]), int(parts[2]), int(parts[3]),
                          parts[4], int(parts[5]))
    except ValueError:
        return None
    return None


# What :func:`compare_record` answers for a file the record still describes.
UNCHANGED = "unchanged"
UNCHANGED_OLDER_FORM = "unchanged (older record form)"


def compare_record(value: str, size: int, mtime_ns: int, ctime_ns: Optional[int],
                   ino: int) -> Optional[str]:
    """The unchanged-file rule: the one the upload engine runs for every file of a job.

    Args:
        value (str): The stored record value.
        size (int): ``st_size`` of the file now.
        mtime_ns (int): ``st_mtime_ns`` now.
        ctime_ns (int): ``st_ctime_ns`` now.
        ino (int): ``st_ino`` now.

    Returns:
        :data:`UNCHANGED` when size, mtime, ctime and inode all equal the record's;
        :data:`UNCHANGED_OLDER_FORM` when a record of the older ``<size>:<mtime_ns>:<sha256>``
        form matches size and mtime (trusted once: the caller rewrites it in the new form);
        None when the file changed or the record is not one of ours.
    """
    # Prefix tests, not a parse: this runs once per file of every upload, next to one stat.
    if value.startswith(f"{size}:{mtime_ns}:{ctime_ns}:{ino}:"):
        return UNCHANGED
    if value.count(":") == 2 and value.startswith(f"{size}:{mtime_ns}:"):
        return UNCHANGED_OLDER_FORM
    return None


def is_unchanged(value: Optional[Union[str, bytes]], size: int, mtime_ns: int,
                 ctime_ns: Optional[int] = None, ino: Optional[int] = None) -> bool:
    """True when a stored fingerprint matches the file's current state (:func:`compare_record`).

    Without ``ctime_ns`` only a record of the older form can match (on size and mtime_ns).
    """
    if value is None:
        return False
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return compare_record(value, int(size), int(mtime_ns),
                          None if ctime_ns is None else int(ctime_ns),
                          int(ino or 0)) is not None


class Record(collections.namedtuple("Record", "size mtime_ns ctime_ns ino sha256 checked")):
    """A parsed record value; ``ctime_ns``, ``ino`` and ``checked`` are None in old records."""

    __slots__ = ()


_CORRUPTION = ("not a database", "malformed", "no such table", "no such column",
               "has no column", "encrypted", "corrupt")


def _is_corruption(text: Any) -> Any:
    return any(word in text for word in _CORRUPTION)


def _file_identity(path: str) -> Optional[Tuple[int, int]]:
    """``(device, inode)`` of the file at ``path`` (file index on Windows), None if absent."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _try_lock(fd: int) -> None:
    """Take the exclusive lock of ``fd`` without waiting; OSError when another holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    # flock locks end with the descriptor.


@contextlib.contextmanager
def _heal_lock(path: str, timeout: float) -> Iterator[None]:
    """Hold ``<path>.heal-lock`` (an OS lock, freed if the process dies) while healing.

    The lock file is never removed: removing it would let two processes lock two files.

    Raises:
        RecordDatabaseError: Another process held it for ``timeout`` seconds, or the lock
            file cannot be opened.
    """
    lock_path = path + ".heal-lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise RecordDatabaseError("cannot open {0!r} to repair the record database: "
                                  "{1}".format(lock_path, exc))
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _try_lock(fd)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RecordDatabaseError("{0!r} stayed locked by another process for "
                                              "{1:g} s".format(lock_path, timeout))
                time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _chunks(items: Any, size: Any) -> Any:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class RecordStore(abc.ABC):
    """Interface of the two stores; ``paths`` are server paths within one ``scope``.

    Besides the records, a store keeps per scope a *generation*, bumped in the same
    transaction as every change that can make a record untrue (a delete, a record replaced
    by one with another fingerprint, a rebuilt database starts again from nothing), and
    upload summaries (:mod:`rayvision_sync.record_summary`) valid only at the generation
    they were written at.
    """

    kind: Optional[str] = None

    def __init__(self) -> None:
        self._bumped: Dict[str, int] = collections.Counter()

    def bumps(self, scope: str) -> int:
        """How many times this store object bumped the generation of ``scope``."""
        return self._bumped[scope]

    def summary(self, scope: str, digest: str) -> Tuple[Optional[Summary], int]:
        """``(summary of digest or None, current generation)``, read at one instant."""
        return None, 0

    def save_summary(self, scope: str, digest: str, oldest: int, generation: int) -> bool:
        """Write a summary if the scope is still at ``generation``; True when written."""
        return False

    @abc.abstractmethod
    def lookup(self, scope: str, paths: Iterable[str]) -> Dict[str, str]:
        """Return ``{path: value}`` for the paths that have a record."""

    @abc.abstractmethod
    def save(self, scope: str, values: Mapping[str, str]) -> None:
        """Store ``{path: value}`` records (replacing older ones)."""

    def prefetch(self, scope: str, count: int) -> Optional[Dict[str, str]]:
        """Every record of ``scope``, or None when ``count`` keyed lookups are cheaper."""
        return None

    @abc.abstractmethod
    def delete(self, scope: str, paths: Iterable[str]) -> None:
        """Drop the records of ``paths``."""

    def close(self) -> None:
        """Release the connection."""
        return None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class SqliteRecordStore(RecordStore):
    """Records in a sqlite file, shared safely by threads and processes.

    Args:
        path (str): The .db file; its folder is created.
        busy_timeout (float): Seconds a statement waits for another writer.
    """

    kind = "sqlite"

    def __init__(self, path: str, busy_timeout: float = 30.0) -> None:
        super().__init__()
        self.path = path
        self.busy_timeout = busy_timeout
        folder = os.path.dirname(os.path.abspath(path))
        try:
            if not os.path.isdir(folder):
                os.makedirs(folder)
        except OSError as exc:
            if not os.path.isdir(folder):
                raise RecordDatabaseError("cannot create the record database folder {0!r}: "
                                          "{1}".format(folder, exc))
        self._lock = threading.Lock()
        self._conn: Any = None  # a sqlite3.Connection once opened
        # (device, inode) of the file the connection opened: the one found unusable, if it
        # is; another process may have replaced the file at ``path`` since.
        self._identity: Optional[Tuple[int, int]] = None
        self._healed = False
        self._retry(self._check_schema)

    def _open(self) -> None:
        for _ in range(10):
            before = _file_identity(self.path)
            self._identity = before  # the file a failure to open it is about
            conn = self._connect()
            after = _file_identity(self.path)
            # The same file before and after (or a file created by this very connect): the
            # connection is known to be on the file now at ``path``.
            if before is None or before == after:
                self._conn, self._identity = conn, after
                return
            conn.close()  # replaced while opening (another process healed it): again
        raise RecordDatabaseError("sqlite record database {0!r} keeps being replaced while it "
                                  "is opened".format(self.path))

    def _connect(self) -> Any:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = {0}".format(int(self.busy_timeout * 1000)))
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                LOGGER.warning("sqlite record database %s runs in %s mode, not WAL",
                               self.path, mode)
            conn.execute("PRAGMA synchronous = NORMAL")
            # The transmitter's schema; WITHOUT ROWID keeps rows in key order in one b-tree,
            # so reading a whole scope is one contiguous scan.
            conn.execute("CREATE TABLE IF NOT EXISTS record (r_key CHAR(2048) PRIMARY KEY "
                         "NOT NULL, r_val CHAR(64) NOT NULL, r_time CHAR(20) NOT NULL) "
                         "WITHOUT ROWID")
            conn.execute("CREATE TABLE IF NOT EXISTS record_generation (scope TEXT PRIMARY "
                         "KEY NOT NULL, generation INTEGER NOT NULL)")
            conn.execute("CREATE TABLE IF NOT EXISTS record_summary (scope TEXT NOT NULL, "
                         "digest TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (scope, "
                         "digest))")
        except BaseException:
            conn.close()
            raise
        return conn

    def _retry(self, action: Any, *args: Any) -> Any:
        """Run ``action``, retrying 'locked'/'busy' errors with jittered back-off.

        A file that is not a usable record database (corrupt, truncated, foreign schema) is
        moved aside and rebuilt once per store, then ``action`` runs on the new file.
        """
        deadline = time.time() + max(self.busy_timeout, 1.0) * 2
        delay = 0.01
        while True:
            try:
                with self._lock:
                    if self._conn is None:
                        self._open()
                    return action(*args)
            except sqlite3.DatabaseError as exc:
                text = str(exc).lower()
                if _is_corruption(text) and not self._healed:
                    self._heal(exc)
                    continue
                if not isinstance(exc, sqlite3.OperationalError) or \
                        ("locked" not in text and "busy" not in text) or time.time() > deadline:
                    raise RecordDatabaseError("sqlite record database {0!r}: {1}".format(
                        self.path, exc))
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.5)

    def _heal(self, exc: Any) -> None:
        """Move the unusable file (and its -wal/-shm) aside; the next open starts empty.

        Processes sharing the file may all find it unusable at once. Each moves it under
        one OS lock, and only if the file at ``path`` is still the one its own connection
        found unusable: a file another process has already rebuilt (and may have written
        records to) is never moved aside; this process then simply opens it.
        """
        self._healed = True
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                except sqlite3.Error:
                    pass
                self._conn = None
            with _heal_lock(self.path, max(self.busy_timeout, 1.0)):
                current = _file_identity(self.path)
                if current is None or current != self._identity:
                    LOGGER.info("sqlite record database %s was unusable (%s) and has been "
                                "rebuilt by another process meanwhile", self.path, exc)
                    return
                aside = self._aside_name()
                for suffix in ("", "-wal", "-shm"):
                    if os.path.lexists(self.path + suffix):
                        try:
                            os.replace(self.path + suffix, aside + suffix)
                        except OSError as move_error:
                            raise RecordDatabaseError(
                                "sqlite record database {0!r} is unusable ({1}) and cannot "
                                "be moved aside: {2}".format(self.path, exc, move_error))
        LOGGER.warning("sqlite record database %s is unusable (%s); moved aside to %s and "
                       "rebuilt: files of this run are uploaded again and recorded anew",
                       self.path, exc, aside)

    def _aside_name(self) -> str:
        """``<file>.corrupt-<time>``, or ``-2``, ``-3``... after it: never over another one."""
        base = "{0}.corrupt-{1}".format(self.path, time.strftime("%Y%m%d-%H%M%S"))
        aside, number = base, 1
        while any(os.path.lexists(aside + suffix) for suffix in ("", "-wal", "-shm")):
            number += 1
            aside = "{0}-{1}".format(base, number)
        return aside

    def _check_schema(self) -> None:
        # Reading a row through every column finds a foreign or damaged table at once.
        self._conn.execute("SELECT r_key, r_val, r_time FROM record LIMIT 1").fetchall()
        self._conn.execute("SELECT scope, generation FROM record_generation LIMIT 1").fetchall()
        self._conn.execute("SELECT scope, digest, value FROM record_summary LIMIT 1").fetchall()

    @staticmethod
    def _key(scope: Any, path: Any) -> str:
        return u"{0}|{1}".format(scope, path)

    def _lookup(self, keys: Any) -> Any:
        found = {}
        for batch in _chunks(keys, SQLITE_BATCH):
            marks = ",".join("?" * len(batch))
            rows = self._conn.execute(
                "SELECT r_key, r_val FROM record WHERE r_key IN ({0})".format(marks), batch)
            found.update(rows.fetchall())
        return found

    def _scan(self, scope: Any) -> Any:
        # Keys of one scope are contiguous in the primary-key index: one range scan, with
        # the scope prefix cut off by sqlite itself.
        prefix = self._key(scope, "")
        rows = self._conn.execute("SELECT substr(r_key, ?), r_val FROM record WHERE "
                                  "r_key >= ? AND r_key < ?",
                                  (len(prefix) + 1, prefix, prefix[:-1] + "}"))
        return dict(rows.fetchall())

    def prefetch(self, scope: str, count: int) -> Optional[Dict[str, str]]:
        """Every record of ``scope`` (one range scan) when ``count`` is large, else None."""
        if count < SCAN_THRESHOLD:
            return None
        return self._retry(self._scan, scope)

    def lookup(self, scope: str, paths: Iterable[str]) -> Dict[str, str]:
        """Return ``{path: value}`` for the paths that have a record.

        For many paths the whole scope is read at once, and the answer may then hold other
        paths of the scope too (callers look paths up in it).
        """
        paths = list(paths)
        if not paths:
            return {}
        if len(paths) >= SCAN_THRESHOLD:
            return self._retry(self._scan, scope)
        keys = [self._key(scope, path) for path in paths]
        found = self._retry(self._lookup, keys)
        return dict((path, found[key]) for path, key in zip(paths, keys) if key in found)

    def _transaction(self, body: Any, *args: Any) -> Any:
        """Run ``body(cursor, *args)`` in one write transaction; return its result."""
        cursor = self._conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            outcome = body(cursor, *args)
            cursor.execute("COMMIT")
        except Exception:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        return outcome

    @staticmethod
    def _bump(cursor: Any, scope: str) -> None:
        cursor.execute("UPDATE record_generation SET generation = generation + 1 "
                       "WHERE scope = ?", (scope,))
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO record_generation (scope, generation) VALUES (?, 1)",
                           (scope,))

    def _save_rows(self, cursor: Any, scope: str, rows: Any) -> bool:
        old = self._lookup([row[0] for row in rows])
        changed = any(fingerprint_changed(old.get(key), value) for key, value, _ in rows)
        cursor.executemany("INSERT OR REPLACE INTO record (r_key, r_val, r_time) "
                           "VALUES (?, ?, ?)", rows)
        if changed:
            self._bump(cursor, scope)
        return changed

    def _delete_rows(self, cursor: Any, scope: str, rows: Any) -> bool:
        cursor.executemany("DELETE FROM record WHERE r_key = ?", rows)
        self._bump(cursor, scope)
        return True

    def save(self, scope: str, values: Mapping[str, str]) -> None:
        """Store ``{path: value}`` records in one transaction.

        The scope's generation is bumped when a record is replaced by one with another
        fingerprint (a new confirmation time alone changes nothing a summary relies on).
        """
        if not values:
            return
        now = str(int(time.time()))
        rows = [(self._key(scope, path), value, now) for path, value in values.items()]
        if self._retry(self._transaction, self._save_rows, scope, rows):
            self._bumped[scope] += 1

    def delete(self, scope: str, paths: Iterable[str]) -> None:
        """Drop the records of ``paths`` in one transaction (bumps the generation)."""
        rows = [(self._key(scope, path),) for path in paths]
        if rows:
            self._retry(self._transaction, self._delete_rows, scope, rows)
            self._bumped[scope] += 1

    def _read_summary(self, scope: str, digest: str) -> Tuple[Optional[Summary], int]:
        # One statement: the summary and the generation come from the same snapshot.
        value, generation = self._conn.execute(
            "SELECT (SELECT value FROM record_summary WHERE scope = ? AND digest = ?), "
            "(SELECT generation FROM record_generation WHERE scope = ?)",
            (scope, digest, scope)).fetchone()
        return parse_summary(value), int(generation or 0)

    def summary(self, scope: str, digest: str) -> Tuple[Optional[Summary], int]:
        """``(summary of digest or None, current generation)``, read at one instant."""
        return self._retry(self._read_summary, scope, digest)

    def _write_summary(self, cursor: Any, scope: str, digest: str, oldest: int,
                       generation: int) -> bool:
        current = cursor.execute("SELECT generation FROM record_generation WHERE scope = ?",
                                 (scope,)).fetchone()
        if int(current[0] if current else 0) != generation:
            return False
        others = cursor.execute("SELECT digest, value FROM record_summary WHERE scope = ?",
                                (scope,)).fetchall()
        cursor.executemany("DELETE FROM record_summary WHERE scope = ? AND digest = ?",
                           [(scope, old) for old in prune(others, generation, digest)])
        cursor.execute("INSERT OR REPLACE INTO record_summary (scope, digest, value) "
                       "VALUES (?, ?, ?)",
                       (scope, digest, summary_value(generation, oldest, int(time.time()))))
        return True

    def save_summary(self, scope: str, digest: str, oldest: int, generation: int) -> bool:
        """Write a summary if the scope is still at ``generation``; True when written."""
        return self._retry(self._transaction, self._write_summary, scope, digest, oldest,
                           generation)

    def count(self) -> int:
        """Number of records in the file."""
        return self._retry(lambda: self._conn.execute("SELECT COUNT(*) FROM record")
                           .fetchone()[0])

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class RedisRecordStore(RecordStore):
    """Records in redis, one hash per storage: key ``rayvision_sync:record:<scope>``.

    Args:
        host (str): Redis host.
        port (int): Redis port.
        password (str): Password, empty for none (never logged).
        table_index (str or int): Database number (``SELECT``); empty means 0.
        timeout (str or int): Socket timeout in milliseconds.
        client: An existing ``redis.Redis`` to use instead of connecting.
    """

    kind = "redis"

    def __init__(self, host: str = "127.0.0.1", port: int = 6379, password: str = "",
                 table_index: int = 0, timeout: int = 5000, client: Any = None) -> None:
        if client is None:
            try:
                import redis
            except ImportError:  # pragma: no cover - redis is a declared dependency
                raise RecordDatabaseError("the redis package is required for type = redis: "
                                          "pip install redis")
            try:
                db = int(str(table_index).strip() or 0)
            except ValueError:
                raise RecordDatabaseError("[REDIS] table_index must be a database number, "
                                          "not {0!r}".format(table_index))
            try:
                seconds = float(str(timeout).strip() or 5000) / 1000.0
            except ValueError:
                raise RecordDatabaseError("[REDIS] timeout must be milliseconds, not {0!r}"
                                          .format(timeout))
            client = redis.Redis(host=host, port=int(port), db=db, password=password or None,
                                 socket_timeout=seconds, socket_connect_timeout=seconds,
                                 decode_responses=True)
        super().__init__()
        self.client = client
        self.where = "{0}:{1}".format(host, port)
        self._scripts = _RedisScripts(client)

    def _call(self, action: Any) -> Any:
        try:
            return action()
        except Exception as exc:  # redis.RedisError and socket errors
            if isinstance(exc, RecordDatabaseError):
                raise
            raise RecordDatabaseError("redis record database at {0}: {1}".format(
                self.where, exc))

    @staticmethod
    def _hash(scope: Any) -> Any:
        return REDIS_KEY_PREFIX + scope

    def _everything(self, name: Any, count: Any) -> Any:
        if count < SCAN_THRESHOLD or self.client.hlen(name) > 2 * count:
            return None
        every = self.client.hgetall(name)
        if every and isinstance(next(iter(every)), bytes):
            every = dict((key.decode("utf-8"), value.decode("utf-8"))
                         for key, value in every.items())
        return every

    def prefetch(self, scope: str, count: int) -> Optional[Dict[str, str]]:
        """The whole hash of ``scope`` when it is not much larger than ``count``, else None."""
        return self._call(lambda: self._everything(self._hash(scope), count))

    def lookup(self, scope: str, paths: Iterable[str]) -> Dict[str, str]:
        """Return ``{path: value}`` for the paths that have a record (HMGET batches)."""
        paths = list(paths)
        if not paths:
            return {}
        name = self._hash(scope)

        def run() -> Any:
            found = {}
            every = self._everything(name, len(paths))
            if every is not None:
                return every
            pipe = self.client.pipeline(transaction=False)
            batches = list(_chunks(paths, REDIS_BATCH))
            for batch in batches:
                pipe.hmget(name, batch)
            for batch, values in zip(batches, pipe.execute()):
                for path, value in zip(batch, values):
                    if value is not None:
                        found[path] = value.decode("utf-8") if isinstance(value, bytes) \
                            else value
            return found
        return self._call(run)

    def save(self, scope: str, values: Mapping[str, str]) -> None:
        """Store ``{path: value}`` records (one script call per batch, in one pipeline).

        Each batch runs atomically on the server and bumps the scope's generation when it
        replaces a record by one with another fingerprint.
        """
        if not values:
            return
        keys = [self._hash(scope), REDIS_GENERATION_PREFIX + scope]
        items = list(values.items())

        def run() -> int:
            pipe = self.client.pipeline(transaction=False)
            for batch in _chunks(items, REDIS_BATCH):
                self._scripts.save(keys=keys, args=[part for item in batch for part in item],
                                   client=pipe)
            return sum(int(bumped) for bumped in pipe.execute())
        self._bumped[scope] += self._call(run)

    def delete(self, scope: str, paths: Iterable[str]) -> None:
        """Drop the records of ``paths`` and bump the generation, in one transaction."""
        paths = list(paths)
        if not paths:
            return
        name = self._hash(scope)

        def run() -> None:
            pipe = self.client.pipeline(transaction=True)
            for batch in _chunks(paths, REDIS_BATCH):
                pipe.hdel(name, *batch)
            pipe.incr(REDIS_GENERATION_PREFIX + scope)
            pipe.execute()
        self._call(run)
        self._bumped[scope] += 1

    def summary(self, scope: str, digest: str) -> Tuple[Optional[Summary], int]:
        """``(summary of digest or None, current generation)``, read in one transaction."""
        def run() -> Tuple[Optional[Summary], int]:
            pipe = self.client.pipeline(transaction=True)
            pipe.hget(REDIS_SUMMARY_PREFIX + scope, digest)
            pipe.get(REDIS_GENERATION_PREFIX + scope)
            value, generation = pipe.execute()
            return parse_summary(value), int(generation or 0)
        return self._call(run)

    def save_summary(self, scope: str, digest: str, oldest: int, generation: int) -> bool:
        """Write a summary if the scope is still at ``generation`` (atomic on the server)."""
        keys = [REDIS_GENERATION_PREFIX + scope, REDIS_SUMMARY_PREFIX + scope]
        args = [int(generation), digest, summary_value(generation, oldest, int(time.time())),
                MAX_SUMMARIES]
        return bool(self._call(lambda: self._scripts.save_summary(keys=keys, args=args)))

    def close(self) -> None:
        """Close the connection pool."""
        try:
            self.client.close()
        except Exception:  # closing must never mask the caller's error
            LOGGER.debug("closing redis client failed", exc_info=True)


# KEYS[1] the records hash, KEYS[2] the generation; ARGV field, value, field, value...
_SAVE_SCRIPT = """
local changed = 0
for i = 1, #ARGV, 2 do
    local old = redis.call('HGET', KEYS[1], ARGV[i])
    if old and string.match(old, '^(.*):') ~= string.match(ARGV[i + 1], '^(.*):') then
        changed = 1
    end
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
if changed == 1 then
    redis.call('INCR', KEYS[2])
end
return changed
"""

# KEYS[1] the generation, KEYS[2] the summaries; ARGV generation, digest, value, most kept.
_SAVE_SUMMARY_SCRIPT = """
local generation = tonumber(redis.call('GET', KEYS[1]) or '0')
if generation ~= tonumber(ARGV[1]) then
    return 0
end
local all = redis.call('HGETALL', KEYS[2])
local kept = 0
for i = 1, #all, 2 do
    if all[i] ~= ARGV[2] then
        if tonumber(string.match(all[i + 1], '^(%d+):')) ~= generation then
            redis.call('HDEL', KEYS[2], all[i])
        else
            kept = kept + 1
        end
    end
end
if kept >= tonumber(ARGV[4]) - 1 then
    redis.call('DEL', KEYS[2])
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class _RedisScripts(object):
    """The server-side scripts that keep a write and its generation bump atomic."""

    def __init__(self, client: Any) -> None:
        self.save = client.register_script(_SAVE_SCRIPT)
        self.save_summary = client.register_script(_SAVE_SUMMARY_SCRIPT)


def open_record_store(database_config: Mapping[str, Any], redis_config: Mapping[str, Any],
                      sqlite_path: str) -> Optional[RecordStore]:
    """Open the store db_config.ini asks for, or None when ``on`` is false.

    Args:
        database_config (dict): ``[DATABASE_CONFIG]`` (on, type, db_path).
        redis_config (dict): ``[REDIS]``.
        sqlite_path (str): The .db file to use for sqlite.

    Raises:
        DbConfigError: ``on`` is neither true, false nor empty (true).
    """
    from rayvision_sync.config import database_type, parse_bool

    # The rule load_db_config checked the value by: empty means the documented true.
    if not parse_bool(database_config.get("on"), "db_config.ini", "DATABASE_CONFIG", "on"):
        return None
    kind = database_type(database_config)
    if kind == "redis":
        return RedisRecordStore(**redis_config)
    return SqliteRecordStore(sqlite_path)
