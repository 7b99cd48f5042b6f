"""Per-user file storages (config, input, output) on disk, with resumable atomic uploads.

Layout under ``<data_dir>/storage/<bid>/``: ``files/`` holds the visible files at their storage
paths; ``partial/`` holds uploads in progress, keyed by (path, size, upload token), which are
never listed, survive a restart and expire after ``partial_ttl`` seconds (24 h by default).
The SHA-256 of an upload is computed while its bytes arrive (a running digest per partial
upload); a completed upload whose digest matches is moved into ``files/`` with one rename, so
no partial file is ever visible. The per-path lock is held only for that rename.
"""

import collections
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time

from rayvision_sandbox.storage_locks import KeyedLocks
from rayvision_sandbox.storage_write import copy_hashing

KINDS = ("config", "input", "output")
_READ_SIZE = 1024 * 1024
# Bounds of the file system names a storage accepts (POSIX NAME_MAX / PATH_MAX).
MAX_COMPONENT_BYTES = 255
MAX_PATH_BYTES = 4096
# Largest file an upload may declare (1 TiB): a declared 10**40 bytes is a client mistake.
MAX_UPLOAD_SIZE = 1 << 40
DEFAULT_PARTIAL_TTL = 24 * 3600
# Entries of the in-memory caches (digests of visible files, running digests of uploads).
DIGEST_CACHE_SIZE = 4096
RUNNING_CACHE_SIZE = 256
# Seconds a request waits for another request writing the same partial upload.
PARTIAL_WAIT = 10.0
_SWEEP_EVERY = 60.0


class StoragePathError(ValueError):
    """A storage path is not an absolute, normalised path (``..``, NUL, too long)."""


class StorageConflictError(StoragePathError):
    """A write would put a file over a folder or below a file."""


class UploadOffsetError(Exception):
    """The client's offset is not what the partial upload holds.

    Attributes:
        held (int): Bytes the server holds.
        busy (bool): Another request is writing this upload right now.
    """

    def __init__(self, message, held, busy=False):
        super(UploadOffsetError, self).__init__(message)
        self.held = held
        self.busy = busy


class UploadDigestError(Exception):
    """The SHA-256 of a completed upload is not the one the client declared."""


def normalise_path(path):
    """Check a storage path and return it as ``/a/b`` (no trailing slash; ``/`` for the root).

    Raises:
        StoragePathError: The path escapes the storage, holds a NUL byte, a component over
            255 bytes or is over 4096 bytes long (UTF-8).
    """
    text = str(path).replace("\\", "/")
    if "\x00" in text:
        raise StoragePathError("storage path must not contain NUL: {0!r}".format(path))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise StoragePathError("storage path is longer than {0} bytes".format(MAX_PATH_BYTES))
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise StoragePathError("storage path must not contain '..': {0!r}".format(path))
    for part in parts:
        if len(part.encode("utf-8", "surrogatepass")) > MAX_COMPONENT_BYTES:
            raise StoragePathError("storage path component {0!r}... is longer than {1} "
                                   "bytes".format(part[:40], MAX_COMPONENT_BYTES))
    return "/" + "/".join(parts)


def bid_for(user_id, kind):
    """Storage id (bid) of a user's storage kind, e.g. ``10001_input``."""
    if kind not in KINDS:
        raise ValueError("storage kind must be one of {0}, got {1!r}".format(KINDS, kind))
    return "{0}_{1}".format(user_id, kind)


def sha256_file(path, limit=None):
    """Hex SHA-256 of a file's content (of its first ``limit`` bytes when given)."""
    return _hash_file(path, limit).hexdigest()


def _hash_file(path, limit=None):
    digest = hashlib.sha256()
    remaining = limit
    with open(path, "rb") as handle:
        while remaining is None or remaining > 0:
            block = handle.read(_READ_SIZE if remaining is None else min(_READ_SIZE, remaining))
            if not block:
                break
            digest.update(block)
            if remaining is not None:
                remaining -= len(block)
    return digest


class _Bounded(object):
    """A small LRU mapping (thread-safe) that never holds more than ``limit`` entries."""

    def __init__(self, limit):
        self.limit = limit
        self._items = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def pop(self, key):
        with self._lock:
            return self._items.pop(key, None)

    def pop_below(self, prefix):
        """Forget every key (a local path) equal to ``prefix`` or below it."""
        with self._lock:
            for key in [key for key in self._items
                        if key == prefix or key.startswith(prefix + os.sep)]:
                del self._items[key]

    def __len__(self):
        return len(self._items)


class Storages(object):
    """Every storage of the farm under one root folder.

    Args:
        root (str): ``<data_dir>/storage``.
        partial_ttl (float): Seconds an unfinished upload is kept (default 24 h).
    """

    def __init__(self, root, partial_ttl=DEFAULT_PARTIAL_TTL):
        self.root = root
        self.partial_ttl = float(partial_ttl)
        self._path_locks = KeyedLocks()
        self._partial_locks = KeyedLocks()
        self._digests = _Bounded(DIGEST_CACHE_SIZE)
        self._running = _Bounded(RUNNING_CACHE_SIZE)
        self._last_sweep = 0.0
        self.sweep_partials(at_start=True)

    # -- paths ------------------------------------------------------------------------------

    def files_root(self, bid):
        """Folder holding the visible files of a storage."""
        return os.path.join(self.root, bid, "files")

    def local_path(self, bid, path):
        """Local file path of a storage path (the path is checked)."""
        relative = normalise_path(path).lstrip("/")
        root = self.files_root(bid)
        return os.path.join(root, *relative.split("/")) if relative else root

    def _partial_dir(self, bid):
        return os.path.join(self.root, bid, "partial")

    def _partial_base(self, bid, path, size, token):
        key = hashlib.sha256(u"{0}\n{1}\n{2}".format(path, size, token).encode("utf-8"))
        return os.path.join(self._partial_dir(bid), key.hexdigest())

    def key_lock(self, bid, path):
        """Lock serialising the commit (rename) of files at one storage path."""
        return self._path_locks.hold((bid, normalise_path(path)))

    def check_writable(self, bid, path):
        """Raise unless a file may be stored at ``path``.

        Raises:
            StorageConflictError: ``path`` is the root or a folder, or a file stands where
                one of its folders would be.
        """
        path = normalise_path(path)
        if path == "/":
            raise StorageConflictError("a file cannot be stored at the storage root")
        local = self.local_path(bid, path)
        if os.path.isdir(local):
            raise StorageConflictError("{0} is a folder in storage {1}".format(path, bid))
        root = self.files_root(bid)
        folder = os.path.dirname(local)
        while len(folder) > len(root):
            if os.path.lexists(folder) and not os.path.isdir(folder):
                raise StorageConflictError("{0} is below a file ({1}) in storage {2}".format(
                    path, "/" + os.path.relpath(folder, root).replace(os.sep, "/"), bid))
            folder = os.path.dirname(folder)

    # -- reading ----------------------------------------------------------------------------

    def stat(self, bid, path):
        """``{"path", "size", "sha256", "mtime"}`` of a stored file, or None."""
        local = self.local_path(bid, path)
        try:
            info = os.stat(local)
        except OSError:
            return None
        if not os.path.isfile(local):
            return None
        stamp = (info.st_size, info.st_mtime_ns, info.st_ino)
        cached = self._digests.get(local)
        if cached is None or cached[0] != stamp:
            cached = (stamp, sha256_file(local))
            self._digests.put(local, cached)
        return {"path": normalise_path(path), "size": info.st_size, "sha256": cached[1],
                "mtime": info.st_mtime}

    def list(self, bid, path):
        """Every file below ``path`` (or that one file), sorted by path.

        Each item is ``{"path", "size", "sha256", "mtime"}``; this is the listing the storage
        routes answer, and what a monitor reads to show a storage's tree.
        """
        path = normalise_path(path)
        local = self.local_path(bid, path)
        if os.path.isfile(local):
            return [self.stat(bid, path)]
        items = []
        for folder, _, names in os.walk(local):
            relative = os.path.relpath(folder, self.files_root(bid))
            base = "" if relative == "." else "/" + relative.replace(os.sep, "/")
            for name in names:
                item = self.stat(bid, "{0}/{1}".format(base, name))
                if item is not None:
                    items.append(item)
        items.sort(key=lambda item: item["path"])
        return items

    def read_bytes(self, bid, path):
        """Content of a stored file, or None when absent."""
        local = self.local_path(bid, path)
        if not os.path.isfile(local):
            return None
        with open(local, "rb") as handle:
            return handle.read()

    # -- uploads ----------------------------------------------------------------------------

    def upload_state(self, bid, path, size, token, sha256=None):
        """``(offset, complete)`` of an upload of that content (``token`` names it).

        ``complete`` is True (and the offset ``size``) when ``sha256`` is given and the file
        at ``path`` already has that size and digest.
        """
        path = normalise_path(path)
        self._sweep_now_and_then()
        if sha256:
            final = self.stat(bid, path)
            if final is not None and final["size"] == size and final["sha256"] == sha256:
                return size, True
        return self.partial_size(bid, path, size, token), False

    def partial_size(self, bid, path, size, token):
        """Bytes held by the upload in progress of that content (0 when there is none)."""
        try:
            return os.path.getsize(self._partial_base(bid, path, size, token) + ".part")
        except OSError:
            return 0

    def receive(self, bid, path, size, token, offset, stream, length, sha256=None):
        """Take bytes ``[offset, offset + length)`` of an upload from ``stream``.

        The bytes are hashed as they are written. When the upload holds all ``size`` bytes
        and ``sha256`` is given (with the last bytes, or by a later request with no bytes),
        its digest is compared with ``sha256`` and, if equal, the file is published at
        ``path`` atomically. A body that ends early is kept, to be resumed.

        Returns:
            tuple: ``(held bytes, complete)``.

        Raises:
            UploadOffsetError: ``offset`` is not what the upload holds (or another request is
                writing it).
            UploadDigestError: The completed upload's digest differs (its data is dropped).
            StorageConflictError: A folder stands at ``path``, or a file above it.
        """
        path = normalise_path(path)
        base = self._partial_base(bid, path, size, token)
        if not self._partial_locks.acquire(base, PARTIAL_WAIT):
            raise UploadOffsetError("another request is writing this upload of {0}".format(
                path), self.partial_size(bid, path, size, token), busy=True)
        try:
            held = self.partial_size(bid, path, size, token)
            if offset != held:
                raise UploadOffsetError("upload of {0} holds {1} bytes, not {2}".format(
                    path, held, offset), held)
            if held == 0:
                return self._receive_fresh(bid, path, size, token, stream, length, sha256)
            return self._receive_more(bid, path, size, token, stream, length, sha256)
        finally:
            self._partial_locks.release(base)

    def _receive_fresh(self, bid, path, size, token, stream, length, sha256):
        folder = self._partial_dir(bid)
        os.makedirs(folder, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(handle)
        try:
            digest, received = copy_hashing(stream, temp, 0, length, hashlib.sha256())
            if received < size or sha256 is None:
                base = self._partial_base(bid, path, size, token)
                with open(base + ".json", "w") as meta:
                    json.dump({"path": path, "size": size, "token": token}, meta)
                os.replace(temp, base + ".part")
                self._running.put(base, (received, digest))
                return received, False
            self._finish(bid, path, temp, digest, sha256)
            return size, True
        finally:
            if os.path.exists(temp):
                os.remove(temp)

    def _receive_more(self, bid, path, size, token, stream, length, sha256):
        base = self._partial_base(bid, path, size, token)
        part = base + ".part"
        held = os.path.getsize(part)
        running = self._running.pop(base)
        if running is None or running[0] != held:
            # After a restart (or a cache eviction) the digest is rebuilt once from the file.
            running = (held, _hash_file(part, held))
        digest, received = copy_hashing(stream, part, held, length, running[1])
        held += received
        if held < size or sha256 is None:
            # All bytes may be here, but without the digest the upload waits for the PUT
            # that commits it (offset = size, empty body, sha256).
            self._running.put(base, (held, digest))
            return held, False
        try:
            self._finish(bid, path, part, digest, sha256)
        except UploadDigestError:
            self.drop_partial(bid, path, size, token)
            raise
        _remove(base + ".json")
        return size, True

    def _finish(self, bid, path, source, digest, sha256):
        if digest.hexdigest() != sha256:
            raise UploadDigestError("SHA-256 of the uploaded data does not match {0}; the "
                                    "upload was dropped".format(sha256))
        self._publish(bid, path, source, sha256)

    def drop_partial(self, bid, path, size, token):
        """Forget an upload in progress."""
        base = self._partial_base(bid, path, size, token)
        self._running.pop(base)
        for suffix in (".part", ".json"):
            _remove(base + suffix)

    def _publish(self, bid, path, source, sha256=None):
        final = self.local_path(bid, path)
        with self.key_lock(bid, path):
            self.check_writable(bid, path)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(source, final)
            if sha256:
                info = os.stat(final)
                self._digests.put(final, ((info.st_size, info.st_mtime_ns, info.st_ino),
                                          sha256))

    def write_bytes(self, bid, path, data):
        """Store ``data`` at ``path`` atomically (used by the renderer, batches and tests)."""
        path = normalise_path(path)
        folder = self._partial_dir(bid)
        os.makedirs(folder, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            self._publish(bid, path, temp, hashlib.sha256(data).hexdigest())
        finally:
            if os.path.exists(temp):
                os.remove(temp)

    # -- housekeeping -----------------------------------------------------------------------

    def sweep_partials(self, at_start=False):
        """Remove expired partial uploads (and, at start, every orphaned temporary file).

        Returns:
            int: Files removed.
        """
        self._last_sweep = time.time()
        limit = self._last_sweep - self.partial_ttl
        removed = 0
        try:
            bids = os.listdir(self.root)
        except OSError:
            return 0
        for bid in bids:
            folder = self._partial_dir(bid)
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                path = os.path.join(folder, name)
                try:
                    old = os.path.getmtime(path) < limit
                except OSError:
                    continue
                # At start no request is running: a .tmp is what a crash left behind.
                if old or (at_start and name.endswith(".tmp")):
                    if name.endswith(".part"):
                        self._running.pop(path[:-len(".part")])
                    removed += _remove(path)
        return removed

    def _sweep_now_and_then(self):
        if time.time() - self._last_sweep > _SWEEP_EVERY:
            self.sweep_partials()

    # -- deleting ---------------------------------------------------------------------------

    def delete(self, bid, path):
        """Remove a file or every file below a folder; returns how many files went."""
        path = normalise_path(path)
        local = self.local_path(bid, path)
        if os.path.isfile(local):
            os.remove(local)
            self._digests.pop(local)
            return 1
        if not os.path.isdir(local):
            return 0
        count = len(self.list(bid, path))
        shutil.rmtree(local)
        self._digests.pop_below(local)
        return count


def _remove(path):
    try:
        os.remove(path)
        return 1
    except OSError:
        return 0
