"""An upload body is written and hashed in one pass (docs/storage-protocol.md, "Uploads").

Large bodies go through helper threads and, where the file system takes it, ``O_DIRECT``
for their aligned blocks; these tests check the bytes on disk and the digest for every
offset and read size, with ``O_DIRECT`` on, missing and refused, and that a failing write
is raised instead of hanging the request.
"""

import errno
import hashlib
import io
import os

import pytest

from rayvision_sandbox import storage_write
from rayvision_sandbox.storage_write import (
    ALIGN,
    BLOCK,
    BUFFERS,
    LARGE_BLOCK,
    LARGE_BODY,
    copy_hashing,
)


class TricklingBody(io.RawIOBase):
    """A body that answers each read with at most ``step`` bytes (as a socket may)."""

    def __init__(self, data, step):
        self.data = memoryview(data)
        self.step = step

    def readable(self):
        return True

    def readinto(self, view):
        count = min(len(view), self.step, len(self.data))
        view[:count] = self.data[:count]
        self.data = self.data[count:]
        return count


class ReadOnlyBody(object):
    """A body with ``read`` only (WSGI requires no more)."""

    def __init__(self, data):
        self.stream = io.BytesIO(data)

    def read(self, size):
        return self.stream.read(size)


def held_file(tmp_path, prefix):
    path = str(tmp_path / "upload.part")
    with open(path, "wb") as handle:
        handle.write(prefix)
    return path


def check_copy(tmp_path, prefix, body, stream, length=None):
    path = held_file(tmp_path, prefix)
    digest = hashlib.sha256(prefix)
    length = len(body) if length is None else length
    digest, received = copy_hashing(stream, path, len(prefix), length, digest)
    with open(path, "rb") as handle:
        stored = handle.read()
    kept = body[:received]
    assert stored == prefix + kept
    assert digest.hexdigest() == hashlib.sha256(prefix + kept).hexdigest()
    return received


@pytest.mark.parametrize("held", [0, 1, ALIGN - 1, ALIGN, 3 * ALIGN + 17, BLOCK + 5])
# The last size makes every buffer go round more than once.
@pytest.mark.parametrize("size", [LARGE_BODY, LARGE_BODY + 3, 3 * BLOCK + 1,
                                  LARGE_BLOCK * (BUFFERS + 1) + 5])
def test_body_lands_byte_exact_at_any_offset(tmp_path, held, size):
    prefix, body = os.urandom(held), os.urandom(size)
    assert check_copy(tmp_path, prefix, body, io.BytesIO(body)) == size


@pytest.mark.parametrize("step", [1000, ALIGN + 1, 65536, BLOCK - 1])
def test_short_reads_keep_order_and_bytes(tmp_path, step):
    prefix, body = os.urandom(ALIGN + 7), os.urandom(LARGE_BODY + 12345)
    assert check_copy(tmp_path, prefix, body, TricklingBody(body, step)) == len(body)


def test_read_only_body_is_copied(tmp_path):
    body = os.urandom(LARGE_BODY + 99)
    assert check_copy(tmp_path, b"", body, ReadOnlyBody(body)) == len(body)
    small = os.urandom(5000)
    assert check_copy(tmp_path, b"x", small, ReadOnlyBody(small)) == len(small)


@pytest.mark.parametrize("size", [LARGE_BODY + 5, 1000])
def test_body_ending_early_keeps_what_arrived(tmp_path, size):
    body = os.urandom(size)
    arrived = body[:size // 2 + 1]
    received = check_copy(tmp_path, b"abc", body, io.BytesIO(arrived), length=size)
    assert received == len(arrived)


def test_without_o_direct_every_byte_goes_through_the_page_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(storage_write, "_open_direct", lambda path: None)
    prefix, body = os.urandom(ALIGN + 3), os.urandom(LARGE_BODY + 1)
    assert check_copy(tmp_path, prefix, body, TricklingBody(body, 70001)) == len(body)


def test_refused_o_direct_write_falls_back_to_the_page_cache(tmp_path, monkeypatch):
    real_write = os.write
    direct = []

    def opening(path):
        fd = os.open(path, os.O_WRONLY)
        direct.append(fd)
        return fd

    def writing(fd, data):
        if fd in direct:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    monkeypatch.setattr(storage_write, "_open_direct", opening)
    monkeypatch.setattr(storage_write.os, "write", writing)
    body = os.urandom(LARGE_BODY + ALIGN)
    assert check_copy(tmp_path, b"", body, io.BytesIO(body)) == len(body)
    assert direct


@pytest.mark.parametrize("size", [LARGE_BODY * 2, 1000])
def test_failing_write_is_raised_not_hung(tmp_path, monkeypatch, size):
    real_write = os.write
    calls = []

    def failing(fd, data):
        calls.append(len(data))
        if len(calls) == 2 or size < LARGE_BODY:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(storage_write.os, "write", failing)
    path = held_file(tmp_path, b"")
    body = os.urandom(size)
    with pytest.raises(OSError) as caught:
        copy_hashing(io.BytesIO(body), path, 0, size, hashlib.sha256())
    assert caught.value.errno == errno.ENOSPC


def test_large_upload_resumed_at_odd_offsets_is_stored_byte_exact(storage, api, farm):
    bid = api.user_info["input_bid"]
    data = os.urandom(2 * LARGE_BODY + 777)
    identity = {"size": len(data), "token": "odd-offsets"}
    cuts = [0, 12345, LARGE_BODY + 1, len(data)]
    for start, end in zip(cuts, cuts[1:]):
        answer = storage.request("PUT", bid, "/write/odd.bin", dict(identity, offset=start),
                                 data=data[start:end])
        assert answer.json()["data"] == {"offset": end, "complete": False}
    done = storage.request("PUT", bid, "/write/odd.bin",
                           dict(identity, offset=len(data),
                                sha256=hashlib.sha256(data).hexdigest()), data=b"")
    assert done.json()["data"] == {"offset": len(data), "complete": True}
    with open(farm.storages.local_path(bid, "/write/odd.bin"), "rb") as handle:
        assert handle.read() == data


def test_aligned_blocks_of_a_large_body_bypass_the_page_cache(tmp_path, monkeypatch):
    real_open, real_write = storage_write._open_direct, os.write
    direct, written = [], {}

    def opening(path):
        fd = real_open(path)
        if fd is not None:
            direct.append(fd)
        return fd

    def writing(fd, data):
        count = real_write(fd, data)
        written[fd in direct] = written.get(fd in direct, 0) + count
        return count

    monkeypatch.setattr(storage_write, "_open_direct", opening)
    monkeypatch.setattr(storage_write.os, "write", writing)
    prefix, body = os.urandom(100), os.urandom(LARGE_BODY + 50)
    assert check_copy(tmp_path, prefix, body, io.BytesIO(body)) == len(body)
    if not direct:
        # A file system that refuses O_DIRECT (tmpfs): every byte through the page cache,
        # none lost.
        assert written == {False: len(body)}
        return
    # Only the piece up to the first aligned offset and the unaligned tail are buffered.
    assert written[False] == (ALIGN - len(prefix)) + (len(prefix) + len(body)) % ALIGN
    assert written[True] == len(body) - written[False]
