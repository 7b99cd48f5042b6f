"""Batch upload of small files in one request (docs/storage-protocol.md, "Batch upload").

A batch body is a manifest line (UTF-8 JSON ``{"files": [{"path", "size", "sha256"}]}``
ending with a newline) followed by the files' bytes, concatenated in manifest order. The route
verifies the SHA-256 of the whole body before this module sees it; here the manifest is
checked as a whole (nothing is written when any entry is unusable), then every file whose
own digest matches is published atomically.
"""

import hashlib
import json
import re

from rayvision_sandbox.storage import StoragePathError, normalise_path

MAX_FILES = 256
MAX_BYTES = 16 * 1024 * 1024
MAX_FILE_SIZE = 1024 * 1024

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BatchError(ValueError):
    """A batch that cannot be used at all; nothing of it is written.

    Attributes:
        code (int): HTTP status of the answer (400 or 413).
    """

    def __init__(self, code, message) -> None:
        super(BatchError, self).__init__(message)
        self.code = code


def parse_batch(body, count):
    """Split a batch body into ``(path, size, sha256, data)`` tuples, in manifest order.

    Args:
        body (bytes): The whole request body (its digest already checked).
        count (int): The ``count`` query parameter.

    Raises:
        BatchError: The manifest is unreadable, disagrees with ``count`` or the body, names
            a path twice, a path escaping the storage, or a file over the size limit.
    """
    newline = body.find(b"\n")
    if newline < 0:
        raise BatchError(400, "batch body has no manifest line")
    try:
        manifest = json.loads(body[:newline].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BatchError(400, "batch manifest is not UTF-8 JSON: {0}".format(exc))
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        raise BatchError(400, 'batch manifest must be {"files": [...]}')
    if len(files) != count:
        raise BatchError(400, "batch manifest lists {0} files, count says {1}".format(
            len(files), count))
    view = memoryview(body)
    offset = newline + 1
    seen = set()
    items = []
    for index, entry in enumerate(files):
        if not isinstance(entry, dict):
            raise BatchError(400, "batch file {0}: entry must be an object".format(index))
        path, size, sha = entry.get("path"), entry.get("size"), entry.get("sha256")
        if not isinstance(path, str) or not path.startswith("/"):
            raise BatchError(400, "batch file {0}: path must be an absolute storage path, "
                                  "got {1!r}".format(index, path))
        try:
            path = normalise_path(path)
        except StoragePathError as exc:
            raise BatchError(400, "batch file {0}: {1}".format(index, exc))
        if path == "/":
            raise BatchError(400, "batch file {0}: path names the storage root".format(index))
        if path in seen:
            raise BatchError(400, "batch file {0}: {1} is listed twice".format(index, path))
        seen.add(path)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise BatchError(400, "batch file {0} ({1}): size must be a whole number, got "
                                  "{2!r}".format(index, path, size))
        if size > MAX_FILE_SIZE:
            raise BatchError(413, "batch file {0} ({1}): {2} bytes is over the {3} bytes a "
                                  "batched file may have".format(index, path, size,
                                                                 MAX_FILE_SIZE))
        if not isinstance(sha, str) or not _SHA256.match(sha.lower()):
            raise BatchError(400, "batch file {0} ({1}): sha256 must be 64 hex digits, got "
                                  "{2!r}".format(index, path, sha))
        items.append((path, size, sha.lower(), view[offset:offset + size]))
        offset += size
    if offset != len(body):
        raise BatchError(400, "batch manifest sizes end at byte {0}, the body holds {1}".format(
            offset, len(body)))
    return items


def store_batch(storages, bid, items):
    """Publish every file of a parsed batch whose digest matches; answer one result each.

    Returns:
        list: ``{"path", "offset", "complete"}`` per file, plus ``code`` and ``message``
        for a file that was not written (422: digest mismatch; 409: a folder is there).
    """
    results = []
    for path, size, sha, data in items:
        if hashlib.sha256(data).hexdigest() != sha:
            results.append({"path": path, "offset": 0, "complete": False, "code": 422,
                            "message": "SHA-256 of the file's bytes does not match {0}; it "
                                       "was not written".format(sha)})
            continue
        try:
            storages.write_bytes(bid, path, data)
        except StoragePathError as exc:
            results.append({"path": path, "offset": 0, "complete": False, "code": 409,
                            "message": str(exc)})
            continue
        results.append({"path": path, "offset": size, "complete": True})
    return results
