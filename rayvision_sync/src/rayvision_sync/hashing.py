"""File fingerprints: SHA-256 of local files, and a cache that avoids hashing twice."""

import hashlib
import os
import threading
from typing import Any, Dict, Optional

from rayvision_sync.transfer_state import stamp_of

READ_SIZE = 1024 * 1024


def sha256_file(path: str, limit: Optional[Any] = None) -> str:
    """Hex SHA-256 of a file (of its first ``limit`` bytes when given)."""
    digest = hashlib.sha256()
    remaining = limit
    with open(path, "rb") as handle:
        while remaining is None or remaining > 0:
            size = READ_SIZE if remaining is None else min(READ_SIZE, remaining)
            block = handle.read(size)
            if not block:
                break
            digest.update(block)
            if remaining is not None:
                remaining -= len(block)
    return digest.hexdigest()


class DigestCache(object):
    """SHA-256 of local files keyed by path and :func:`~rayvision_sync.transfer_state.stamp_of`.

    The download loops ask "is this local file the server's file?" on every poll; a file
    whose size, mtime, ctime and inode did not move is not read again (the identity the
    upload records use too: a rewrite that restores size and mtime still moves ctime).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: Dict[Any, Any] = {}

    def remember(self, path: Any, sha256: Any) -> None:
        """Record the digest of ``path`` as it is now."""
        stamp = stamp_of(os.stat(path))
        with self._lock:
            self._known[os.path.abspath(path)] = (stamp, sha256)

    def digest(self, path: str, stat: Optional[os.stat_result] = None) -> str:
        """Digest of ``path``, from the cache when the file's stamp is unchanged."""
        stamp = stamp_of(stat or os.stat(path))
        key = os.path.abspath(path)
        with self._lock:
            known = self._known.get(key)
        if known and known[0] == stamp:
            return known[1]
        sha = sha256_file(path)
        with self._lock:
            self._known[key] = (stamp, sha)
        return sha
