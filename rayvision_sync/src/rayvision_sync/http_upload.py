"""Upload of one file: resumable PUTs, the SHA-256 computed while the bytes are read.

The file is read once: each block is hashed as it goes into a request body, and the PUT that
completes the file carries the digest (``sha256``), which the storage checks before it makes
the file visible (docs/storage-protocol.md). Bytes count when the storage acknowledges them,
so progress never runs ahead of what is safely stored.
"""

import os
from logging import Logger
from typing import TYPE_CHECKING, Any

from rayvision_sync.block_hasher import BackgroundHasher
from rayvision_sync.exception import TransferError
from rayvision_sync.transfer_state import BLOCK, RETRYABLE, Corrupt, Retryable

# Streamed slices from this size on are hashed in a helper thread.
OVERLAPPED_HASH = 4 * BLOCK
# Their blocks without a speed limit (fewer, larger sends and hand-overs to the helper).
OVERLAPPED_BLOCK = 4 * BLOCK

if TYPE_CHECKING:
    from rayvision_sync.storage_client import StorageClient
    from rayvision_sync.throttle import RateLimiter
    from rayvision_sync.transfer_state import RetryPolicy


class _HashingSlice(object):
    """``length`` bytes of an open file from ``offset``, hashed and paced as they are sent.

    It has a length, so requests sends ``Content-Length`` rather than chunked encoding. The
    blocks it yields are views of reused buffers: the HTTP client sends each block before
    it asks for the next. A large slice (unless a low speed limit paces it in small pieces)
    is hashed in a helper thread while the next block is read and the previous one sent;
    :meth:`close` waits until every block is in the digest (the digest is complete once the
    body was read to its end).
    """

    def __init__(self, handle: Any, offset: Any, length: Any, limiter: Any, digest: Any,
                 name: Any) -> None:
        self.handle = handle
        self.offset = offset
        self.length = length
        self.limiter = limiter
        self.digest = digest
        self.name = name
        self._blocks: Any = None

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Any:
        self.close()
        # Under a low speed limit hashing is never what slows the upload down.
        if self.limiter.piece_size < BLOCK or self.length < OVERLAPPED_HASH:
            self._blocks = self._hashed_inline()
        else:
            self._blocks = self._hashed_aside()
        return self._blocks

    def close(self) -> None:
        """Stop reading; returns once every block read so far is in the digest."""
        blocks, self._blocks = self._blocks, None
        if blocks is not None:
            blocks.close()

    def _hashed_inline(self) -> Any:
        buffer = memoryview(bytearray(min(BLOCK, self.limiter.piece_size, self.length)))
        remaining = self.length
        self.handle.seek(self.offset)
        while remaining > 0:
            count = self._fill(buffer[:min(len(buffer), remaining)])
            block = buffer[:count]
            self.limiter.consume(count)
            self.digest.update(block)
            remaining -= count
            yield block

    def _hashed_aside(self) -> Any:
        # Paced pieces stay small under a speed limit; without one, fewer larger sends.
        hasher = BackgroundHasher(self.digest, BLOCK if self.limiter.rate else OVERLAPPED_BLOCK)
        try:
            remaining = self.length
            self.handle.seek(self.offset)
            while remaining > 0:
                buffer = hasher.buffer()
                try:
                    count = self._fill(buffer[:min(len(buffer), remaining)])
                except Corrupt:
                    hasher.give_back(buffer)
                    raise
                self.limiter.consume(count)
                remaining -= count
                yield hasher.update(buffer, count)
        finally:
            hasher.close()

    def _fill(self, view: memoryview) -> int:
        count = self.handle.readinto(view)
        if not count:
            raise Corrupt("{0} shrank while it was being uploaded".format(self.name))
        return count


class _PacedBytes(object):
    """A bytes body sent in pieces paced by the job's rate limiter (has a length)."""

    def __init__(self, data: Any, limiter: Any) -> None:
        self.data = data
        self.limiter = limiter

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Any:
        piece = self.limiter.piece_size
        view = memoryview(self.data)
        for start in range(0, len(view), piece):
            block = view[start:start + piece]
            self.limiter.consume(len(block))
            yield block.tobytes()


def paced_body(data: Any, limiter: Any) -> Any:
    """``data`` as a request body under ``max_speed``: whole when it fits one piece."""
    if len(data) <= limiter.piece_size:
        limiter.consume(len(data))
        return data
    return _PacedBytes(data, limiter)


def put_size(chunk_size: int, limiter: "RateLimiter") -> int:
    """PUT size: the chunk size, or about two seconds of traffic under a speed limit."""
    if not limiter.rate:
        return chunk_size
    return int(max(64 * 1024, min(chunk_size, limiter.rate * 2)))


class SingleUpload(object):
    """Uploads one file with resume, retries and the streaming digest.

    Args:
        client (StorageClient): Sends the signed requests.
        policy (RetryPolicy): Attempts and waits.
        chunk_size (int): Largest PUT body.
        logger (logging.Logger): Where interruptions are reported (DEBUG).
    """

    def __init__(self, client: "StorageClient", policy: "RetryPolicy", chunk_size: int,
                 logger: Logger) -> None:
        self.client = client
        self.policy = policy
        self.chunk_size = chunk_size
        self.logger = logger

    def run(self, bid: Any, transfer: Any, limiter: Any, progress: Any,
            started: bool = False) -> Any:
        """Upload ``transfer``'s file; returns ``(bytes sent, retries, record value)``.

        ``started``: the file's ``file_start`` event was already sent (by a batch).
        """
        what = "upload of {0} to {1}".format(transfer.local, transfer.server)
        progress.check(what)
        transfer.stop = progress.token
        if not started:
            progress.file_start(transfer.server, transfer.local)
        ask = transfer.size > put_size(self.chunk_size, limiter)
        while True:
            sent_before = transfer.sent
            try:
                self._attempt(bid, transfer, ask, limiter, progress)
            except Corrupt as exc:
                self._again(transfer, progress, what, exc)
                continue
            except RETRYABLE + (Retryable,) as exc:
                self.policy.interrupted(transfer, transfer.sent > sent_before, what, exc,
                                        progress.token)
                self.logger.warning("%s interrupted (%s); resuming", what, exc)
                progress.retry(transfer.server, transfer.local, str(exc))
                ask = True
                continue
            record = transfer.record()
            if record is not None:
                break
            # Changed while it was being sent: the farm may hold a mix of two versions.
            self._again(transfer, progress, what, Corrupt(
                "{0} changed while it was being uploaded".format(transfer.local)))
        progress.file_done(transfer.server, transfer.local, max(0, transfer.size - transfer.sent))
        return transfer.sent, transfer.retries, record

    def _again(self, transfer: Any, progress: Any, what: Any, exc: Any) -> None:
        """Start the file over after an integrity failure (raise on the third)."""
        self.policy.corrupted(transfer, what, "the storage's SHA-256 never matched the file "
                                              "({0})".format(exc))
        self.logger.warning("%s: %s; reading the file again", what, exc)
        progress.retry(transfer.server, transfer.local, str(exc))
        transfer.restart(os.stat(transfer.local))

    def _ack(self, transfer: Any, progress: Any, held: Any, count: bool = True) -> None:
        new = transfer.ack(held, count)
        if new:
            progress.moved(transfer.server, transfer.local, new)

    def _attempt(self, bid: Any, transfer: Any, ask: Any, limiter: Any, progress: Any) -> bool:
        """One pass of PUTs; True when the storage holds the complete file."""
        what = "upload of {0} to {1}".format(transfer.local, transfer.server)
        offset = 0
        if ask:
            offset = self._held(bid, transfer, progress, what)
            if offset is None:
                return True
        known = transfer.sha256 if transfer.acked == 0 and transfer.sha256 else None
        digest = _NullDigest() if known else transfer.digest_at(offset)
        with open(transfer.local, "rb") as handle:
            while True:
                params, data, length = self._request_for(handle, transfer, offset, digest,
                                                         known, limiter)
                try:
                    response = self.client.request("PUT", bid, transfer.server, params,
                                                   data=data)
                finally:
                    if isinstance(data, _HashingSlice):
                        data.close()
                if response.status_code == 409:
                    conflict = self.client.conflict_data(response)
                    if conflict.get("busy"):
                        raise Retryable("{0}: another request is writing it".format(what))
                    offset = _offset(conflict, transfer.size, what)
                    self._ack(transfer, progress, offset)
                    digest = _NullDigest() if known else transfer.digest_at(offset)
                    continue
                if response.status_code == 422:
                    raise Corrupt("the storage dropped the upload: SHA-256 mismatch (HTTP 422)")
                state = self.client.json(response, what)
                if state.get("complete"):
                    self._ack(transfer, progress, transfer.size)
                    return True
                held = _offset(state, transfer.size, what)
                if "sha256" in params:
                    raise Retryable("{0}: the storage holds {1} bytes but did not complete "
                                    "the file".format(what, held))
                self._ack(transfer, progress, held)
                if not known:
                    if held == offset + length:
                        transfer.checkpoint(held, digest)
                    else:
                        digest = transfer.digest_at(held)
                offset = held

    def _held(self, bid: Any, transfer: Any, progress: Any, what: Any) -> Any:
        """Bytes of this upload the storage holds; None when it holds this very file."""
        state = self.client.json(self.client.request(
            "GET", bid, transfer.server,
            {"size": transfer.size, "token": transfer.token, "upload": 1}), what)
        offset = _offset(state, transfer.size, what)
        self._ack(transfer, progress, offset, count=transfer.retries > 0)
        if offset == 0 and _stored_size(state) == transfer.size:
            # Probably this very content (records lost, file touched): one hash pass
            # decides, and its digest is reused if the file must be sent after all.
            transfer.sha256 = transfer.digest_at(transfer.size).hexdigest()
            if transfer.sha256 == state["stored"].get("sha256"):
                self._ack(transfer, progress, transfer.size, count=False)
                return None
        return offset

    def _request_for(self, handle: Any, transfer: Any, offset: Any, digest: Any, known: Any,
                     limiter: Any) -> Any:
        """``(params, body, body length)`` of the next PUT from ``offset``."""
        size = transfer.size
        params = {"size": size, "token": transfer.token, "offset": offset}
        largest = put_size(self.chunk_size, limiter)
        if size <= largest:
            # The whole file in one request, its digest in the query.
            length = size - offset
            handle.seek(offset)
            body = handle.read(length)
            if len(body) != length:
                raise Corrupt("{0} shrank while it was being uploaded".format(transfer.local))
            digest.update(body)
            transfer.sha256 = params["sha256"] = known or digest.hexdigest()
            return params, paced_body(body, limiter), length
        if offset >= size:
            # Every byte is held: the digest, computed while sending, commits them.
            transfer.sha256 = params["sha256"] = known or digest.hexdigest()
            return params, b"", 0
        # Streamed in one request (or in paced parts under max_speed).
        length = size - offset if not limiter.rate else min(largest, size - offset)
        return params, _HashingSlice(handle, offset, length, limiter, digest,
                                     transfer.local), length


class _NullDigest(object):
    """Stands in for the running digest when the whole file's digest is already known."""

    def update(self, data: Any) -> Any:
        return None

    def hexdigest(self) -> Any:
        return None


def _stored_size(state: Any) -> Any:
    """Size of the file already at the path (``stored`` of an ``upload=1`` answer) or None."""
    stored = state.get("stored") if isinstance(state, dict) else None
    size = stored.get("size") if isinstance(stored, dict) else None
    return size if isinstance(size, int) and not isinstance(size, bool) else None


def _offset(state: Any, size: Any, what: Any) -> Any:
    """The storage's ``offset`` from an answer, checked to be a byte count of the file."""
    value = state.get("offset") if isinstance(state, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= size:
        raise TransferError("{0}: the storage answered offset {1!r}, not a byte count of "
                            "0 to {2}".format(what, value, size))
    return value
