"""HTTP routes of the storages (docs/storage-protocol.md): GET/HEAD/PUT/DELETE/list/upload/batch."""

import hashlib
import os
import re

from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Response

from rayvision_sandbox import constants as c
from rayvision_sandbox.errors import SandboxRequestError
from rayvision_sandbox.storage import StoragePathError, normalise_path
from rayvision_sandbox.storage_batch import (
    MAX_BYTES,
    MAX_FILES,
    BatchError,
    parse_batch,
    store_batch,
)

_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_BLOCK = 64 * 1024
_BATCH_READ = 1024 * 1024


class ConnectionAbort(Exception):
    """Raised to cut the client's connection with a TCP reset (fault injection)."""


class _BodyReader(object):
    """Request body whose early end (client gone) reads as end of data, not an error.

    An upload whose client dropped the connection keeps the bytes that arrived, so that the
    client can resume from there.
    """

    def __init__(self, stream):
        self._stream = stream

    def read(self, size):
        try:
            return self._stream.read(size)
        except (ClientDisconnected, ConnectionError, OSError):
            return b""


def _error(code, message, data=None):
    return SandboxRequestError(code, message, http_status=code if code >= 400 else 200,
                               data=data)


def _int_param(args, name):
    value = args.get(name)
    if value is None or value == "":
        raise _error(400, "query parameter {0} is required".format(name))
    if not value.isdigit():
        raise _error(400, "query parameter {0} must be a whole number, got {1!r}".format(
            name, value))
    return int(value)


def _sha_param(args):
    value = (args.get("sha256") or "").lower()
    if not _SHA256.match(value):
        raise _error(400, "query parameter sha256 must be 64 hex digits, got {0!r}".format(
            args.get("sha256")))
    return value


class StorageRoutes(object):
    """Serves ``/storage/<bid>/<path>`` for a farm.

    Args:
        farm (rayvision_sandbox.farm.Sandbox): Supplies storages, auth and faults.
    """

    def __init__(self, farm):
        self.farm = farm
        self.storages = farm.storages

    def handle(self, request, envelope):
        """Answer one storage request (authentication included)."""
        rest = request.path[len(c.STORAGE_PREFIX) + 1:]
        bid, _, path = rest.partition("/")
        query = dict((key, value) for key, value in request.args.items())
        user = self.farm.auth.authenticate(request.headers, request.host, request.path, query,
                                           request.method, http_status=401)
        if not bid or bid not in self.farm.bids_of(user):
            raise _error(c.FORBIDDEN, "storage {0!r} does not belong to this user".format(bid))
        try:
            path = normalise_path("/" + path)
        except StoragePathError as exc:
            raise _error(400, str(exc))
        method = request.method
        if method == "GET" and query.get("list"):
            return envelope({"items": self.storages.list(bid, path)})
        if method == "GET" and query.get("upload"):
            size, sha = _int_param(query, "size"), _sha_param(query)
            offset, complete = self.storages.upload_state(bid, path, size, sha)
            return envelope({"offset": offset, "complete": complete})
        if method in ("GET", "HEAD"):
            return self._download(request, bid, path)
        if method == "PUT" and query.get("batch"):
            return self._upload_batch(request, bid, path, query, envelope)
        if method == "PUT":
            return self._upload(request, bid, path, query, envelope)
        if method == "DELETE":
            if not self.storages.delete(bid, path):
                raise _error(c.RESOURCE_NOT_FOUND, "{0} is not in storage {1}".format(path, bid))
            return envelope(None)
        raise _error(405, "method {0} is not supported on storage routes".format(method))

    def _download(self, request, bid, path):
        info = self.storages.stat(bid, path)
        if info is None:
            raise _error(c.RESOURCE_NOT_FOUND, "{0} is not in storage {1}".format(path, bid))
        size = info["size"]
        start, end, status = 0, size - 1, 200
        header = request.headers.get("Range")
        if header:
            match = _RANGE.match(header.strip())
            if not match:
                raise _error(416, "unsupported Range {0!r}".format(header))
            start = int(match.group(1))
            end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            if start >= size or end < start:
                raise _error(416, "Range {0!r} is outside the file ({1} bytes)".format(
                    header, size))
            status = 206
        length = max(0, end - start + 1)
        headers = {"Accept-Ranges": "bytes", "Content-Length": str(length),
                   "X-Rayvision-Sha256": info["sha256"], "X-Rayvision-Size": str(size),
                   "Content-Type": "application/octet-stream"}
        if status == 206:
            headers["Content-Range"] = "bytes {0}-{1}/{2}".format(start, end, size)
        if request.method == "HEAD":
            response = Response(b"", status=status, headers=headers)
            response.headers["Content-Length"] = str(length)
            return response
        local = self.storages.local_path(bid, path)
        body = self._stream(local, start, length)
        response = Response(body, status=status, headers=headers, direct_passthrough=True)
        return response

    def _stream(self, local, start, length):
        limit = self.farm.faults.reset_after_bytes
        faults = self.farm.faults
        with open(local, "rb") as handle:
            handle.seek(start)
            sent = 0
            while sent < length:
                block = handle.read(min(_BLOCK, length - sent))
                if not block:
                    break
                if limit is not None and sent + len(block) > limit:
                    if limit > sent:
                        yield block[:limit - sent]
                    faults.count_reset()
                    raise ConnectionAbort("download reset after {0} bytes".format(limit))
                sent += len(block)
                yield block

    def _upload(self, request, bid, path, query, envelope):
        offset, size, sha = _int_param(query, "offset"), _int_param(query, "size"), \
            _sha_param(query)
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            raise _error(400, "Content-Length must be a number")
        if offset + length > size:
            raise _error(400, "body of {0} bytes at offset {1} would pass the size {2}".format(
                length, offset, size))
        with self.storages.key_lock(bid, path):
            final = self.storages.stat(bid, path)
            if final is not None and final["size"] == size and final["sha256"] == sha \
                    and offset == size:
                return envelope({"offset": size, "complete": True})
            held = self.storages.partial_size(bid, path, size, sha)
            if offset != held:
                raise _error(409, "upload of {0} holds {1} bytes, not {2}".format(
                    path, held, offset), data={"offset": held})
            if offset == 0 and length == size and self.farm.faults.reset_after_bytes is None:
                held, complete, digest_ok = self.storages.receive_whole(
                    bid, path, size, sha, _BodyReader(request.stream), length)
                if not digest_ok:
                    raise _error(422, "SHA-256 of the uploaded data does not match {0}; the "
                                      "upload was dropped".format(sha))
                return envelope({"offset": held, "complete": complete})
            part, held = self.storages.open_partial(bid, path, size, sha)
            self._receive(request, part, length)
            held = os.path.getsize(part)
            if held < size:
                return envelope({"offset": held, "complete": False})
            if not self.storages.finish_partial(bid, path, size, sha):
                raise _error(422, "SHA-256 of the uploaded data does not match {0}; the partial "
                                  "upload was dropped".format(sha))
            return envelope({"offset": size, "complete": True})

    def _upload_batch(self, request, bid, path, query, envelope):
        """Many small files in one body; nothing is written before the body is verified."""
        if path != "/":
            raise _error(400, "a batch upload goes to the storage root, not {0}".format(path))
        count, size, sha = _int_param(query, "count"), _int_param(query, "size"), \
            _sha_param(query)
        if not 1 <= count <= MAX_FILES:
            raise _error(413, "a batch holds 1 to {0} files, not {1}".format(MAX_FILES, count))
        if size > MAX_BYTES:
            raise _error(413, "a batch body is at most {0} bytes, not {1}".format(
                MAX_BYTES, size))
        try:
            length = int(request.headers.get("Content-Length") or -1)
        except ValueError:
            length = -1
        if length != size:
            raise _error(400, "Content-Length must equal the size parameter {0}".format(size))
        body = self._read_body(request, size)
        if len(body) != size:
            raise _error(400, "the batch body ended after {0} of {1} bytes; nothing was "
                              "written".format(len(body), size))
        if hashlib.sha256(body).hexdigest() != sha:
            raise _error(422, "SHA-256 of the batch body does not match {0}; nothing was "
                              "written".format(sha))
        try:
            items = parse_batch(body, count)
        except BatchError as exc:
            raise _error(exc.code, "{0}; nothing was written".format(exc))
        return envelope({"files": store_batch(self.storages, bid, items)})

    def _read_body(self, request, size):
        limit = self.farm.faults.reset_after_bytes
        stream = _BodyReader(request.stream)
        blocks = []
        received = 0
        while received < size:
            want = min(_BATCH_READ, size - received)
            if limit is not None and received + want > limit:
                want = limit - received
                if want <= 0:
                    # Unlike a single PUT, a cut batch keeps nothing: it is sent again whole.
                    self.farm.faults.count_reset()
                    raise ConnectionAbort("batch upload reset after {0} bytes".format(limit))
            block = stream.read(want)
            if not block:
                break
            blocks.append(block)
            received += len(block)
        return b"".join(blocks)

    def _receive(self, request, part, length):
        limit = self.farm.faults.reset_after_bytes
        stream = _BodyReader(request.stream)
        received = 0
        with open(part, "ab") as handle:
            while received < length:
                want = min(_BLOCK, length - received)
                if limit is not None and received + want > limit:
                    want = limit - received
                    if want <= 0:
                        handle.flush()
                        self.farm.faults.count_reset()
                        raise ConnectionAbort("upload reset after {0} bytes".format(limit))
                block = stream.read(want)
                if not block:
                    break
                handle.write(block)
                received += len(block)

