"""Per-user file storages (config, input, output) on disk, with resumable atomic uploads.

Layout under ``<data_dir>/storage/<bid>/``: ``files/`` holds the visible files at their storage
paths; ``partial/`` holds uploads in progress, keyed by (path, size, sha256), which are never
listed and survive a restart. A completed upload is verified and moved into ``files/`` with
one rename, so no partial file is ever visible.
"""

import hashlib
import json
import os
import shutil
import tempfile
import threading

KINDS = ("config", "input", "output")
_READ_SIZE = 1024 * 1024


class StoragePathError(ValueError):
    """A storage path is not an absolute, normalised path (``..``, NUL, empty segment)."""


def normalise_path(path):
    """Check a storage path and return it as ``/a/b`` (no trailing slash; ``/`` for the root).

    Raises:
        StoragePathError: The path escapes the storage or holds a NUL byte.
    """
    text = str(path).replace("\\", "/")
    if "\x00" in text:
        raise StoragePathError("storage path must not contain NUL: {0!r}".format(path))
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise StoragePathError("storage path must not contain '..': {0!r}".format(path))
    return "/" + "/".join(parts)


def bid_for(user_id, kind):
    """Storage id (bid) of a user's storage kind, e.g. ``10001_input``."""
    if kind not in KINDS:
        raise ValueError("storage kind must be one of {0}, got {1!r}".format(KINDS, kind))
    return "{0}_{1}".format(user_id, kind)


def sha256_file(path):
    """Hex SHA-256 of a file's content."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_READ_SIZE), b""):
            digest.update(block)
    return digest.hexdigest()


class Storages(object):
    """Every storage of the farm under one root folder.

    Args:
        root (str): ``<data_dir>/storage``.
    """

    def __init__(self, root):
        self.root = root
        self._lock = threading.Lock()
        self._key_locks = {}
        self._digests = {}

    # -- paths ------------------------------------------------------------------------------

    def files_root(self, bid):
        """Folder holding the visible files of a storage."""
        return os.path.join(self.root, bid, "files")

    def local_path(self, bid, path):
        """Local file path of a storage path (the path is checked)."""
        relative = normalise_path(path).lstrip("/")
        root = self.files_root(bid)
        return os.path.join(root, *relative.split("/")) if relative else root

    def _partial_base(self, bid, path, size, sha256):
        key = hashlib.sha256(u"{0}\n{1}\n{2}".format(path, size, sha256).encode("utf-8"))
        return os.path.join(self.root, bid, "partial", key.hexdigest())

    def key_lock(self, bid, path):
        """Lock serialising writes to one storage path."""
        with self._lock:
            return self._key_locks.setdefault((bid, path), threading.Lock())

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
        stamp = (info.st_size, info.st_mtime_ns)
        cached = self._digests.get(local)
        if cached is None or cached[0] != stamp:
            cached = (stamp, sha256_file(local))
            self._digests[local] = cached
        return {"path": normalise_path(path), "size": info.st_size, "sha256": cached[1],
                "mtime": info.st_mtime}

    def list(self, bid, path):
        """Every file below ``path`` (or that one file), sorted by path."""
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

    # -- uploads ----------------------------------------------------------------------------

    def upload_state(self, bid, path, size, sha256):
        """``(offset, complete)`` of an upload of that exact content."""
        path = normalise_path(path)
        final = self.stat(bid, path)
        if final is not None and final["size"] == size and final["sha256"] == sha256:
            return size, True
        part = self._partial_base(bid, path, size, sha256) + ".part"
        try:
            return os.path.getsize(part), False
        except OSError:
            return 0, False

    def partial_size(self, bid, path, size, sha256):
        """Bytes held by the upload in progress of that content (0 when there is none)."""
        try:
            return os.path.getsize(self._partial_base(bid, path, size, sha256) + ".part")
        except OSError:
            return 0

    def receive_whole(self, bid, path, size, sha256, stream, length):
        """Take a whole file from one request body; publish it if its digest matches.

        The bytes are hashed as they arrive into a staging file, so the common case (one PUT
        per file) costs one file creation and one rename. A body that ends early is kept as
        the upload in progress, to be resumed.

        Returns:
            tuple: ``(held bytes, complete, digest_ok)``.
        """
        staging = os.path.join(self.root, bid, "partial")
        if not os.path.isdir(staging):
            os.makedirs(staging, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=staging, suffix=".tmp")
        digest = hashlib.sha256()
        received = 0
        try:
            with os.fdopen(handle, "wb") as out:
                while received < length:
                    block = stream.read(min(_READ_SIZE, length - received))
                    if not block:
                        break
                    digest.update(block)
                    out.write(block)
                    received += len(block)
            if received < size:
                base = self._partial_base(bid, path, size, sha256)
                with open(base + ".json", "w") as meta:
                    json.dump({"path": path, "size": size, "sha256": sha256}, meta)
                os.replace(temp, base + ".part")
                return received, False, True
            if digest.hexdigest() != sha256:
                os.remove(temp)
                return 0, False, False
            self._publish(bid, path, temp)
            return size, True, True
        except BaseException:
            if os.path.exists(temp):
                os.remove(temp)
            raise

    def open_partial(self, bid, path, size, sha256):
        """``(partial file path, held bytes)``; creates the partial and its description."""
        base = self._partial_base(bid, path, size, sha256)
        folder = os.path.dirname(base)
        if not os.path.isdir(folder):
            os.makedirs(folder, exist_ok=True)
        part = base + ".part"
        if not os.path.exists(part):
            with open(base + ".json", "w") as handle:
                json.dump({"path": path, "size": size, "sha256": sha256}, handle)
            open(part, "ab").close()
        return part, os.path.getsize(part)

    def drop_partial(self, bid, path, size, sha256):
        """Forget an upload in progress."""
        base = self._partial_base(bid, path, size, sha256)
        for suffix in (".part", ".json"):
            try:
                os.remove(base + suffix)
            except OSError:
                pass

    def finish_partial(self, bid, path, size, sha256):
        """Verify a complete partial and move it to its path atomically.

        Returns:
            bool: True when the digest matched (file published), False when the data was
            dropped because it did not.
        """
        base = self._partial_base(bid, path, size, sha256)
        part = base + ".part"
        if sha256_file(part) != sha256:
            self.drop_partial(bid, path, size, sha256)
            return False
        self._publish(bid, path, part)
        try:
            os.remove(base + ".json")
        except OSError:
            pass
        return True

    def _publish(self, bid, path, source):
        final = self.local_path(bid, path)
        folder = os.path.dirname(final)
        if os.path.isdir(final):
            raise StoragePathError("{0} is a folder in storage {1}".format(path, bid))
        if not os.path.isdir(folder):
            os.makedirs(folder, exist_ok=True)
        os.replace(source, final)

    def write_bytes(self, bid, path, data):
        """Store ``data`` at ``path`` atomically (used by the renderer and tests)."""
        path = normalise_path(path)
        staging = os.path.join(self.root, bid, "partial")
        if not os.path.isdir(staging):
            os.makedirs(staging, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=staging, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            self._publish(bid, path, temp)
        except BaseException:
            if os.path.exists(temp):
                os.remove(temp)
            raise

    def read_bytes(self, bid, path):
        """Content of a stored file, or None when absent."""
        local = self.local_path(bid, path)
        if not os.path.isfile(local):
            return None
        with open(local, "rb") as handle:
            return handle.read()

    # -- deleting ---------------------------------------------------------------------------

    def delete(self, bid, path):
        """Remove a file or every file below a folder; returns how many files went."""
        path = normalise_path(path)
        local = self.local_path(bid, path)
        if os.path.isfile(local):
            os.remove(local)
            return 1
        if not os.path.isdir(local):
            return 0
        count = len(self.list(bid, path))
        shutil.rmtree(local)
        return count
