"""HTTP routes of the storages (docs/storage-protocol.md): GET/HEAD/PUT/DELETE/list/upload/batch."""

import hashlib
import re
from urllib.parse import unquote_to_bytes, urlsplit

from werkzeug.exceptions import ClientDisconnected
from werkzeug.wrappers import Response

from rayvision_sandbox import constants as c
from rayvision_sandbox.errors import SandboxRequestError
from rayvision_sandbox.storage import (
    MAX_UPLOAD_SIZE,
    StorageConflictError,
    StoragePathError,
    UploadDigestError,
    UploadOffsetError,
    normalise_path,
)
from rayvision_sandbox.storage_batch import (
    MAX_BYTES,
    MAX_FILES,
    BatchError,
    parse_batch,
    store_batch,
)

_RANGE = re.compile(r"^bytes=([0-9]{1,20})-([0-9]{0,20})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TOKEN = re.compile(r"^[0-9A-Za-z_-]{1,128}$")
# ASCII digits only (str.isdigit() also takes "²" and Arabic digits), at most 20 of them.
_WHOLE = re.compile(r"^[0-9]{1,20}$")
_BLOCK = 1024 * 1024
_BATCH_READ = 1024 * 1024


class ConnectionAbort(Exception):
    """Raised to cut the client's connection with a TCP reset (fault injection)."""


class _BodyReader(object):
    """Request body whose early end (client gone) reads as end of data, not an error.

    An upload whose client dropped the connection keeps the bytes that arrived, so that the
    client can resume from there. With ``limit`` (the reset fault) the body ends after that
    many bytes and ``cut`` tells the route to reset the connection once they are stored.
    """

    def __init__(self, stream, limit=None) -> None:
        self._stream = stream
        self._left = limit
        self.cut = False

    def read(self, size):
        if self._left is not None:
            if self._left <= 0:
                self.cut = True
                return b""
            size = min(size, self._left)
        try:
            block = self._stream.read(size)
        except (ClientDisconnected, ConnectionError, OSError):
            return b""
        if self._left is not None:
            self._left -= len(block)
        return block

    def readinto(self, view):
        """Read into ``view`` (a writable memoryview) without an intermediate copy."""
        if self._left is not None:
            if self._left <= 0:
                self.cut = True
                return 0
            view = view[:self._left]
        readinto = getattr(self._stream, "readinto", None)
        try:
            if readinto is None:
                block = self._stream.read(len(view))
                count = len(block)
                view[:count] = block
            else:
                count = readinto(view) or 0
        except (ClientDisconnected, ConnectionError, OSError):
            return 0
        if self._left is not None:
            self._left -= count
        return count


def _error(code, message, data=None, headers=None):
    return SandboxRequestError(code, message, http_status=code if code >= 400 else 200,
                               data=data, headers=headers)


def _flag(args, name):
    """A switch parameter (``list``, ``upload``, ``batch``): ``1`` on, ``0`` or absent off."""
    value = args.get(name)
    if value is None or value in ("", "0"):
        return False
    if value == "1":
        return True
    raise _error(400, "query parameter {0} must be 1 (on) or 0 (off), got {1!r}".format(
        name, value[:40]))


def _int_param(args, name):
    value = args.get(name)
    if value is None or value == "":
        raise _error(400, "query parameter {0} is required".format(name))
    if not _WHOLE.match(value):
        raise _error(400, "query parameter {0} must be a whole number of at most 20 ASCII "
                          "digits, got {1!r}".format(name, value[:40]))
    return int(value)


def _size_param(args):
    size = _int_param(args, "size")
    if size > MAX_UPLOAD_SIZE:
        raise _error(413, "query parameter size: {0} bytes is over the {1} bytes a file may "
                          "have".format(size, MAX_UPLOAD_SIZE))
    return size


def _sha_param(args, required: bool = True):
    raw = args.get("sha256")
    if not raw and not required:
        return None
    value = (raw or "").lower()
    if not _SHA256.match(value):
        raise _error(400, "query parameter sha256 must be 64 hex digits, got {0!r}".format(
            (raw or "")[:80]))
    return value


def _token_param(args, sha):
    """The upload token (names one upload's content); an older client's sha256 serves."""
    token = args.get("token")
    if token is None or token == "":
        if sha is None:
            raise _error(400, "query parameter token (or sha256) is required")
        return sha
    if not _TOKEN.match(token):
        raise _error(400, "query parameter token must be 1 to 128 letters, digits, '-' or "
                          "'_', got {0!r}".format(token[:40]))
    return token


def _content_length(request):
    raw = request.headers.get("Content-Length")
    if (raw is None or raw == "") and request.headers.get("Transfer-Encoding"):
        # A chunked body has no length to check against offset and size: taken as empty,
        # its bytes were dropped while the answer said success.
        raise _error(411, "header Content-Length is required (a chunked body is not taken)")
    if raw is None or raw == "":
        return 0
    if not _WHOLE.match(raw):
        raise _error(400, "header Content-Length must be a whole number, got {0!r}".format(
            raw[:40]))
    return int(raw)


def _check_utf8_path(environ):
    """Refuse (400) a URL path whose percent-decoded bytes are not UTF-8.

    The WSGI layer decodes such a path with U+FFFD for each bad byte, so ``/a%FF`` would name
    the file ``/a\ufffd``: another path, which the request would read or overwrite.
    """
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:  # another WSGI server: PATH_INFO holds the decoded bytes as latin-1
        data = environ.get("PATH_INFO", "").encode("latin-1")
    else:
        target = raw if raw.startswith("/") else urlsplit(raw).path
        data = unquote_to_bytes(target.partition("?")[0].encode("latin-1"))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(400, "path: the URL path is not percent-encoded UTF-8 (byte 0x{0:02x} at "
                          "{1} of the decoded path cannot be decoded)".format(
                              data[exc.start], exc.start))


class StorageRoutes(object):
    """Serves ``/storage/<bid>/<path>`` for a farm.

    Args:
        farm (rayvision_sandbox.farm.Sandbox): Supplies storages, auth and faults.
    """

    def __init__(self, farm) -> None:
        self.farm = farm
        self.storages = farm.storages

    def handle(self, request, envelope):
        """Answer one storage request (authentication included)."""
        # Before the signature: the text it covers cannot be formed from such a path.
        _check_utf8_path(request.environ)
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
            raise _error(400, "path: {0}".format(exc))
        method = request.method
        if method == "GET" and _flag(query, "list"):
            return envelope({"items": self.storages.list(bid, path)})
        if method == "GET" and _flag(query, "upload"):
            size, sha = _size_param(query), _sha_param(query, required=False)
            offset, complete = self.storages.upload_state(bid, path, size,
                                                          _token_param(query, sha), sha)
            answer = {"offset": offset, "complete": complete}
            stored = self.storages.stat(bid, path)
            if stored is not None:
                answer["stored"] = {"size": stored["size"], "sha256": stored["sha256"]}
            return envelope(answer)
        if method in ("GET", "HEAD"):
            return self._download(request, bid, path)
        if method == "PUT" and _flag(query, "batch"):
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
                raise _error(416, "header Range must be bytes=N- or bytes=N-M with at most 20 "
                                  "ASCII digits each, got {0!r}".format(header[:60]))
            start = int(match.group(1))
            end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
            if start >= size or end < start:
                # RFC 9110 15.5.17: the answer names the length it could not satisfy.
                raise _error(416, "Range {0!r} is outside the file ({1} bytes)".format(
                    header, size), headers={"Content-Range": "bytes */{0}".format(size)})
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
        offset, size = _int_param(query, "offset"), _size_param(query)
        sha = _sha_param(query, required=False)
        token = _token_param(query, sha)
        length = _content_length(request)
        if offset + length > size:
            raise _error(400, "body of {0} bytes at offset {1} would pass the size {2}".format(
                length, offset, size))
        try:
            self.storages.check_writable(bid, path)
        except StorageConflictError as exc:
            raise _error(409, "path: {0}".format(exc))
        if sha is not None and offset == size and length == 0:
            final = self.storages.stat(bid, path)
            if final is not None and final["size"] == size and final["sha256"] == sha:
                return envelope({"offset": size, "complete": True})
        body = _BodyReader(request.stream, self.farm.faults.reset_after_bytes)
        try:
            held, complete = self.storages.receive(bid, path, size, token, offset, body,
                                                   length, sha)
        except UploadOffsetError as exc:
            raise _error(409, str(exc), data={"offset": exc.held, "busy": exc.busy})
        except UploadDigestError as exc:
            raise _error(422, str(exc))
        except StorageConflictError as exc:
            raise _error(409, "path: {0}".format(exc))
        if body.cut:
            self.farm.faults.count_reset()
            raise ConnectionAbort("upload reset after {0} bytes".format(
                self.farm.faults.reset_after_bytes))
        return envelope({"offset": held, "complete": complete})

    def _upload_batch(self, request, bid, path, query, envelope):
        """Many small files in one body; nothing is written before the body is verified."""
        if path != "/":
            raise _error(400, "a batch upload goes to the storage root, not {0}".format(path))
        count, size, sha = _int_param(query, "count"), _int_param(query, "size"), \
            _sha_param(query)
        if count < 1:  # nothing to store is a malformed batch, not one over a bound
            raise _error(400, "query parameter count: a batch holds 1 to {0} files, not "
                              "{1}".format(MAX_FILES, count))
        if count > MAX_FILES:
            raise _error(413, "a batch holds 1 to {0} files, not {1}".format(MAX_FILES, count))
        if size > MAX_BYTES:
            raise _error(413, "a batch body is at most {0} bytes, not {1}".format(
                MAX_BYTES, size))
        length = _content_length(request)
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
