"""Locks by key that exist only while someone holds or waits for them.

A storage sees one key per path ever written; a dict of ``threading.Lock`` per key would grow
forever. Here an entry lives while it is held or waited for, and goes with its last user.
"""

import contextlib
import threading
from typing import Any, Dict


class KeyedLocks(object):
    """Mutual exclusion per key, with memory proportional to the keys in use."""

    def __init__(self) -> None:
        self._guard = threading.Condition(threading.Lock())
        # key -> [held, waiters]
        self._entries: Dict[Any, Any] = {}

    def acquire(self, key, timeout=None) -> bool:
        """Take the lock of ``key``; False when ``timeout`` seconds passed first."""
        with self._guard:
            entry = self._entries.setdefault(key, [False, 0])
            if not entry[0]:
                entry[0] = True
                return True
            entry[1] += 1
            try:
                ok = self._guard.wait_for(lambda: not entry[0], timeout)
            finally:
                entry[1] -= 1
            if ok:
                entry[0] = True
                return True
            if not entry[0] and not entry[1]:
                self._entries.pop(key, None)
            return False

    def release(self, key):
        """Give the lock of ``key`` back."""
        with self._guard:
            entry = self._entries.get(key)
            if entry is None or not entry[0]:
                raise RuntimeError("release of a key lock that is not held: {0!r}".format(key))
            entry[0] = False
            if entry[1]:
                self._guard.notify_all()
            else:
                del self._entries[key]

    @contextlib.contextmanager
    def hold(self, key):
        """Context manager holding the lock of ``key`` (waits as long as needed)."""
        self.acquire(key)
        try:
            yield
        finally:
            self.release(key)

    def __len__(self) -> int:
        with self._guard:
            return len(self._entries)
