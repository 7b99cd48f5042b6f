"""Download of one listed file: resumable, hashed while written, never trusting the server.

* The temporary name is derived locally (a hash of path, size and digest), never from a
  server value; it sits beside the destination and is opened without following symlinks.
* The body is cut at the listed size: a server that sends more is refused without the extra
  bytes being written.
* Every block is written as soon as it arrives, so a connection reset keeps what came
  before it and the next request continues with a ``Range`` from there.
* The SHA-256 is computed while the bytes are written; a file the listing gives no digest
  for is reported as unverified.
"""

import glob
import hashlib
import http.client
import os
import re
import socket
import stat as stat_module
from logging import Logger
from typing import TYPE_CHECKING, Any, Optional

from urllib3.exceptions import HTTPError as Urllib3Error

from rayvision_sync.exception import StorageAccessError, TransferError, UnsafePathError
from rayvision_sync.transfer_state import BLOCK, RETRYABLE, Corrupt, FileTransfer, Retryable

if TYPE_CHECKING:
    from rayvision_sync.hashing import DigestCache
    from rayvision_sync.listing import ListedFile
    from rayvision_sync.storage_client import StorageClient
    from rayvision_sync.transfer_state import RetryPolicy

PARTIAL_SUFFIX = ".rvpart"
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
_WHOLE = re.compile(r"\A[0-9]{1,20}\Z")
_CONTENT_RANGE = re.compile(r"\Abytes ([0-9]{1,20})-([0-9]{1,20})/([0-9]{1,20}|\*)\Z")
# Reading the body directly from urllib3 raises its own errors, not requests' wrappers.
_READ_ERRORS = (Urllib3Error, http.client.HTTPException, ConnectionError, socket.timeout)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def partial_path(destination: str, sha256: str, remote: Optional[str] = None,
                 size: Optional[int] = None) -> str:
    """Temporary name of a download in progress, derived locally from what is expected."""
    folder, name = os.path.split(destination)
    key = hashlib.sha256(u"{0}\n{1}\n{2}".format(remote, size, sha256 or "").encode(
        "utf-8")).hexdigest()[:16]
    return os.path.join(folder, ".{0}.{1}{2}".format(name, key, PARTIAL_SUFFIX))


def check_no_symlinks(root: str, destination: str) -> None:
    """Raise when a folder between ``root`` and ``destination`` is a symbolic link.

    Raises:
        UnsafePathError: Writing there would follow a link out of the download folder.
    """
    root = os.path.abspath(root)
    folder = os.path.dirname(os.path.abspath(destination))
    while len(folder) > len(root):
        if os.path.islink(folder):
            raise UnsafePathError("{0} is a symbolic link inside the download folder; it is "
                                  "not followed (nothing written to {1})".format(folder,
                                                                                 destination))
        folder = os.path.dirname(folder)


def same_file(destination: str, listed: "ListedFile", digests: "DigestCache") -> bool:
    """True when the local file is a regular file with the listed size and SHA-256."""
    try:
        info = os.lstat(destination)
    except OSError:
        return False
    if not stat_module.S_ISREG(info.st_mode) or info.st_size != listed.size:
        return False
    return listed.sha256 is not None and digests.digest(destination, info) == listed.sha256


class _Changed(Exception):
    """The file was replaced on the storage since it was listed."""

    def __init__(self, size: Any, sha: Any) -> None:
        super(_Changed, self).__init__(size, sha)
        self.size = size
        self.sha = sha


def _open_partial(temp: Any, append: Any) -> Any:
    """Open the partial file for writing without following a symlink planted at its name."""
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _BINARY | (os.O_APPEND if append
                                                                 else os.O_TRUNC)
    try:
        return os.fdopen(os.open(temp, flags, 0o666), "wb")
    except OSError as exc:
        if os.path.islink(temp):
            raise UnsafePathError("{0} is a symbolic link; it is not followed".format(temp))
        raise exc


class SingleDownload(object):
    """Downloads one listed file with resume, verification and retries.

    Args:
        client (StorageClient): Sends the signed requests.
        policy (RetryPolicy): Attempts and waits.
        logger (logging.Logger): Where interruptions are reported.
    """

    def __init__(self, client: "StorageClient", policy: "RetryPolicy", logger: Logger) -> None:
        self.client = client
        self.policy = policy
        self.logger = logger

    def run(self, bid: Any, listed: Any, destination: Any, limiter: Any, progress: Any,
            digests: Any) -> Any:
        """Download ``listed`` to ``destination``; returns ``(bytes, retries, verified)``."""
        remote = listed.path
        size, sha = listed.size, listed.sha256
        progress.check("download of {0}".format(remote))
        progress.file_start(remote, destination)
        folder = os.path.dirname(destination)
        os.makedirs(folder, exist_ok=True)
        transfer = FileTransfer(remote, destination, size=size)
        transfer.stop = progress.token
        received = 0
        changes = 0
        what = "download of {0}".format(remote)
        while True:
            temp = partial_path(destination, sha, remote, size)
            held = _held(temp)
            try:
                received += self._fetch(bid, remote, temp, size, sha, transfer, limiter,
                                        progress, destination)
                if sha is not None and transfer.sha256 != sha:
                    raise Corrupt("SHA-256 of the downloaded bytes differs from the storage's")
                break
            except _Changed as change:
                size, sha = change.size, change.sha
                transfer = FileTransfer(remote, destination, size=size)
                transfer.stop = progress.token
                changes += 1
                if changes > 10:
                    raise TransferError("{0}: the file keeps changing on the storage".format(
                        what))
            except Corrupt as exc:
                _remove(temp)
                transfer.reset()
                self.policy.corrupted(transfer, what, exc)
                self.logger.warning("%s: %s; downloading again", what, exc)
                progress.retry(remote, destination, str(exc))
            except RETRYABLE + _READ_ERRORS + (Retryable,) as exc:
                self.policy.interrupted(transfer, _held(temp) > held, what, exc,
                                        progress.token)
                self.logger.debug("%s interrupted (%s); resuming", what, exc)
                progress.retry(remote, destination, str(exc))
        os.replace(temp, destination)
        if listed.mtime is not None:
            os.utime(destination, (listed.mtime, listed.mtime))
        _remove_stale_partials(destination)
        if sha is not None:
            digests.remember(destination, sha)
        progress.file_done(remote, destination, 0)
        return received, transfer.retries, sha is not None

    def _fetch(self, bid: Any, remote: Any, temp: Any, size: Any, sha: Any, transfer: Any,
               limiter: Any, progress: Any, destination: Any) -> Any:
        """Bring ``temp`` to ``size`` bytes (resuming it); return the bytes received."""
        have = _held(temp)
        if have > size:
            _remove(temp)
            have = 0
        digest = transfer.digest_at(have, temp)
        if have == size and size > 0:
            transfer.sha256 = digest.hexdigest()
            return 0
        headers = {"Range": "bytes={0}-".format(have)} if have else None
        response = self.client.request("GET", bid, remote, headers=headers, stream=True)
        try:
            if response.status_code == 404:
                raise StorageAccessError("download of {0}: the file is no longer on the "
                                         "storage (HTTP 404)".format(remote), 404)
            if response.status_code not in (200, 206):
                self.client.failure(response, "download of {0}".format(remote))
            _check_same_content(response, remote, size, sha)
            if response.status_code == 200 and have:
                have = 0  # the storage ignored the range: start over
                digest = transfer.digest_at(0, temp)
            elif response.status_code == 206:
                start = _range_start(response.headers.get("Content-Range"))
                if start != have:
                    _remove(temp)
                    raise Retryable("range answer starts at {0}, not {1}".format(start, have))
            remaining = size - have
            declared = response.headers.get("Content-Length")
            if declared is not None and _WHOLE.match(declared) and int(declared) > remaining:
                raise Corrupt("the storage sends {0} bytes where {1} remain of the listed "
                              "size {2}".format(declared, remaining, size))
            received = 0
            with _open_partial(temp, append=bool(have)) as handle:
                try:
                    for block in _body_blocks(response, remaining, limiter):
                        handle.write(block)
                        digest.update(block)
                        received += len(block)
                        progress.moved(remote, destination, len(block))
                finally:
                    handle.flush()
                    transfer.checkpoint(have + received, digest)
            if received < remaining:
                raise Retryable("the body ended after {0} of {1} bytes".format(received,
                                                                             remaining))
            transfer.sha256 = digest.hexdigest()
            return received
        finally:
            response.close()


def _body_blocks(response: Any, remaining: Any, limiter: Any) -> Any:
    """The body in blocks as they arrive, never past ``remaining`` bytes."""
    raw = response.raw
    read = getattr(raw, "read1", None) or raw.read
    piece = min(BLOCK, limiter.piece_size)
    while remaining > 0:
        block = read(min(piece, remaining))
        if not block:
            return
        limiter.consume(len(block))
        remaining -= len(block)
        yield block


def _check_same_content(response: Any, remote: Any, size: Any, sha: Any) -> None:
    """Raise :class:`_Changed` when the storage now serves other content at ``remote``."""
    now_sha = (response.headers.get("X-Rayvision-Sha256") or "").lower()
    now_size = response.headers.get("X-Rayvision-Size") or ""
    if not now_sha or sha is None or now_sha == sha:
        return
    if not _SHA256.match(now_sha) or not _WHOLE.match(now_size):
        raise Corrupt("the storage answered X-Rayvision-Sha256 {0!r} / X-Rayvision-Size "
                      "{1!r}, not a digest and a size".format(now_sha[:80], now_size[:40]))
    raise _Changed(int(now_size), now_sha)


def _range_start(content_range: Any) -> Any:
    """First byte of a ``Content-Range: bytes N-M/T`` header (-1 if unreadable)."""
    match = _CONTENT_RANGE.match((content_range or "").strip())
    return int(match.group(1)) if match else -1


def _held(path: Any) -> Any:
    try:
        info = os.lstat(path)
    except OSError:
        return 0
    if stat_module.S_ISLNK(info.st_mode):
        _remove(path)
        return 0
    return info.st_size


def _remove(path: Any) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _remove_stale_partials(destination: Any) -> None:
    folder, name = os.path.split(destination)
    pattern = os.path.join(glob.escape(folder), "." + glob.escape(name) + ".*" + PARTIAL_SUFFIX)
    for stale in glob.glob(pattern):
        _remove(stale)
