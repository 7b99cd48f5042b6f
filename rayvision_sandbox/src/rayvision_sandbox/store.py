"""State of the farm in one sqlite file: users, labels, render envs, tasks, frames.

One connection shared by the server threads and the renderer, serialised by a lock: the
farm's writes are small and sqlite serialises writers anyway.
"""

import json
import os
import secrets
import sqlite3
import threading
import time

from rayvision_sandbox import constants

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    access_id TEXT UNIQUE NOT NULL,
    access_key TEXT NOT NULL,
    user_name TEXT NOT NULL,
    raysync_key TEXT NOT NULL,
    task_over_time_sec INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS labels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    status INTEGER NOT NULL,
    UNIQUE (user_id, name)
);
CREATE TABLE IF NOT EXISTS envs (
    user_id INTEGER NOT NULL,
    edit_name TEXT NOT NULL,
    cg_id INTEGER NOT NULL,
    cg_name TEXT NOT NULL,
    cg_version TEXT NOT NULL,
    render_layer_type INTEGER NOT NULL,
    render_system INTEGER NOT NULL,
    plugin_ids TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    PRIMARY KEY (user_id, edit_name)
);
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    status INTEGER NOT NULL,
    submitted INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    labels TEXT NOT NULL,
    task_user_level INTEGER NOT NULL,
    out_user_id TEXT,
    isolation_model TEXT,
    created REAL NOT NULL,
    submit_date REAL,
    start_time REAL,
    completed_date REAL,
    scene_name TEXT NOT NULL DEFAULT '',
    cg_id INTEGER,
    project_name TEXT NOT NULL DEFAULT '',
    frames_range TEXT NOT NULL DEFAULT '',
    camera TEXT NOT NULL DEFAULT '',
    over_time_stop INTEGER,
    pause_after_test INTEGER NOT NULL DEFAULT 0,
    test_released INTEGER NOT NULL DEFAULT 0,
    width INTEGER,
    height INTEGER,
    ram INTEGER
);
CREATE TABLE IF NOT EXISTS frames (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    layer TEXT NOT NULL,
    numbers TEXT NOT NULL,
    frame_index TEXT NOT NULL,
    frame_type INTEGER NOT NULL,
    status INTEGER NOT NULL,
    start_time REAL,
    end_time REAL,
    recommit_flag INTEGER NOT NULL DEFAULT 0,
    outputs TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS frames_task ON frames (task_id, ordinal);
CREATE INDEX IF NOT EXISTS tasks_user ON tasks (user_id, id);
"""

class UserNameTakenError(ValueError):
    """A user of that name exists already (names tell a farm's users apart)."""


_SEEDS = (("users", constants.FIRST_USER_ID), ("tasks", constants.FIRST_TASK_ID),
          ("frames", constants.FIRST_FRAME_ID), ("labels", constants.FIRST_LABEL_ID))


class Store(object):
    """The farm's sqlite database.

    Args:
        path (str): Database file (created with its tables when missing).
    """

    def __init__(self, path):
        self.path = path
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        # The monitor's task search runs in SQL; it must match as getTaskList does.
        self._conn.create_function("keyword_in", 2, _sql_keyword_in)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        with self.lock:
            for table, first in _SEEDS:
                # Ids that look like the service's (userId 10001136, taskId 19097).
                row = self._conn.execute("SELECT seq FROM sqlite_sequence WHERE name=?",
                                         (table,)).fetchone()
                if row is None:
                    self._conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                                       (table, first - 1))

    def close(self):
        """Close the database connection."""
        with self.lock:
            self._conn.close()

    # -- generic helpers --------------------------------------------------------------------

    def query(self, sql, params=()):
        """All rows of a SELECT, as dicts."""
        with self.lock:
            return [dict(row) for row in self._conn.execute(sql, params).fetchall()]

    def query_one(self, sql, params=()):
        """The first row of a SELECT as a dict, or None."""
        with self.lock:
            row = self._conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def execute(self, sql, params=()):
        """Run one statement; returns the cursor's ``lastrowid``."""
        with self.lock:
            return self._conn.execute(sql, params).lastrowid

    def transaction(self):
        """Context manager: hold the lock and run the statements in one transaction."""
        return _Transaction(self)

    def meta(self, key, default_factory):
        """A persistent farm-wide value, created by ``default_factory()`` on first use."""
        with self.lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
            if row is not None:
                return row[0]
            value = default_factory()
            self._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            return value

    # -- users ------------------------------------------------------------------------------

    def create_user(self, name):
        """Create a user with fresh credentials; returns the user row.

        Raises:
            ValueError: The name is empty.
            UserNameTakenError: A user of that name exists (also a ValueError).
        """
        name = str(name or "").strip()
        if not name:
            raise ValueError("user name must not be empty")
        access_id = secrets.token_hex(16)
        access_key = secrets.token_hex(16)
        with self.lock:
            # Checked under the lock: two creations of one name at once both passed otherwise.
            if self._conn.execute("SELECT 1 FROM users WHERE user_name=?", (name,)).fetchone():
                raise UserNameTakenError("user name {0!r} is taken: a user of that name "
                                         "exists already".format(name))
            user_id = self._conn.execute(
                "INSERT INTO users (access_id, access_key, user_name, raysync_key, "
                "task_over_time_sec, created) VALUES (?, ?, ?, ?, ?, ?)",
                (access_id, access_key, name, secrets.token_hex(20),
                 constants.DEFAULT_TASK_OVER_TIME_SEC, time.time())).lastrowid
        return self.user_by_id(user_id)

    def user_by_id(self, user_id):
        """The user row of ``user_id`` or None."""
        return self.query_one("SELECT * FROM users WHERE id=?", (user_id,))

    def user_by_access_id(self, access_id):
        """The user row of an access id or None."""
        return self.query_one("SELECT * FROM users WHERE access_id=?", (access_id,))

    def users(self):
        """Every user row, oldest first."""
        return self.query("SELECT * FROM users ORDER BY id")


class _Transaction(object):
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        self.store.lock.acquire()
        self.store._conn.execute("BEGIN IMMEDIATE")
        return self.store

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.store._conn.execute("COMMIT")
            else:
                self.store._conn.execute("ROLLBACK")
        finally:
            self.store.lock.release()
        return False


def open_store(data_dir):
    """Open (or create) the store of a data directory."""
    if not os.path.isdir(data_dir):
        os.makedirs(data_dir)
    path = os.path.join(data_dir, "sandbox.sqlite3")
    if not os.path.exists(path):
        # The database holds the users' access keys (the farm needs them to check HMACs):
        # readable by its owner only. sqlite gives its -wal/-shm files the same mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return Store(path)


def keyword_in(keyword, text):
    """Whether a search keyword occurs in ``text``, ignoring case (any script's letters).

    The one rule of task searches: getTaskList's ``searchKeyword`` and the monitor's search
    box (sqlite's own ``lower()`` folds ASCII letters only).
    """
    return str(keyword).casefold() in ("" if text is None else str(text)).casefold()


def _sql_keyword_in(keyword, text):
    return int(keyword_in(keyword, text))


def dumps(value):
    """Compact JSON text for a column."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
