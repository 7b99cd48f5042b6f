"""A large upload is hashed in a helper thread while it is read and sent (docs/sync.md).

The blocks are views of reused buffers and the digest is complete only when the body has
been read to its end: these tests check the bytes that reach the farm, the digest, a file
that changes or shrinks in the middle of the body, and that no helper thread outlives a
body that was abandoned half-way.
"""

import hashlib
import io
import random
import threading

import pytest
from rvsync_helpers import make_file, read, write_upload_json

from rayvision_sync import http_upload
from rayvision_sync.block_hasher import BackgroundHasher
from rayvision_sync.http_upload import OVERLAPPED_BLOCK, OVERLAPPED_HASH, _HashingSlice
from rayvision_sync.throttle import RateLimiter
from rayvision_sync.upload import RayvisionUpload

MIB = 1024 * 1024
SIZE = 3 * OVERLAPPED_BLOCK + 12345  # four blocks, the last one short


def unique(name):
    return "/{0}_{1}".format(name, random.getrandbits(40))


def on_farm(farm, path):
    return farm.storage_path(farm.access_id, "input", path)


def helper_threads():
    return [thread for thread in threading.enumerate()
            if thread.name == "rayvision-upload-hasher"]


def test_blocks_and_digest_of_a_slice_hashed_aside():
    data = bytes(random.Random(1).getrandbits(8) for _ in range(4096)) * (SIZE // 4096 + 1)
    offset, length = 777, SIZE
    digest = hashlib.sha256()
    body = _HashingSlice(io.BytesIO(data), offset, length, RateLimiter(None), digest, "f")
    sent = b"".join(bytes(block) for block in body)  # each block copied before the next
    assert sent == data[offset:offset + length]
    assert digest.hexdigest() == hashlib.sha256(sent).hexdigest()
    assert not helper_threads()


def test_a_body_abandoned_half_way_stops_its_helper_with_the_digest_of_what_was_read():
    data = bytes(range(256)) * (SIZE // 256 + 1)
    digest = hashlib.sha256()
    body = _HashingSlice(io.BytesIO(data), 0, SIZE, RateLimiter(None), digest, "f")
    blocks = iter(body)
    sent = b"".join(bytes(next(blocks)) for _ in range(3))
    assert helper_threads()
    body.close()
    assert not helper_threads()
    assert digest.hexdigest() == hashlib.sha256(sent).hexdigest()


def test_background_hasher_hashes_in_order_and_reuses_its_buffers():
    digest = hashlib.sha256()
    hasher = BackgroundHasher(digest, 1000, buffers=2)
    expected = hashlib.sha256()
    seen = set()
    for number in range(50):
        buffer = hasher.buffer()
        seen.add(id(buffer))
        piece = bytes([number]) * (number + 1)
        buffer[:len(piece)] = piece
        assert bytes(hasher.update(buffer, len(piece))) == piece
        expected.update(piece)
    hasher.close()
    assert digest.hexdigest() == expected.hexdigest()
    assert len(seen) == 2


@pytest.mark.parametrize("chunk_size, max_speed", [
    (MIB, "0"),  # no limit: the whole file streamed in one PUT
    (OVERLAPPED_HASH, None),  # the default limit: PUTs of the chunk size
])
def test_large_file_reaches_the_farm_byte_exact(api, farm, sync_env, chunk_size, max_speed,
                                                 monkeypatch):
    work = sync_env / "w" / "big"
    local = make_file(work / "big.bin", SIZE, seed=11)
    server = unique("p") + "/big.bin"
    used = []
    monkeypatch.setattr(http_upload, "BackgroundHasher",
                        lambda *args: used.append(args) or BackgroundHasher(*args))
    upload = RayvisionUpload(api, chunk_size=chunk_size)
    upload.upload_asset(write_upload_json(work, [(local, server)]), max_speed=max_speed,
                        is_db=False)
    assert used
    assert read(on_farm(farm, server)) == read(local)
    assert upload.last_result.retries == 0
    assert not helper_threads()


class _EditingHasher(BackgroundHasher):
    """Changes the local file once, after the second block was read (mid-body)."""

    edit = None

    def update(self, buffer, count):
        block = super(_EditingHasher, self).update(buffer, count)
        type(self).blocks = getattr(type(self), "blocks", 0) + 1
        if type(self).blocks == 2 and type(self).edit:
            type(self).edit()
        return block


def upload_edited_mid_body(api, sync_env, monkeypatch, name, edit, is_db):
    """Upload ``name`` (streamed, no speed limit) while ``edit(local)`` runs mid-body."""
    work = sync_env / "w" / name
    local = make_file(work / name, SIZE, seed=len(name))
    server = unique("p") + "/" + name
    monkeypatch.setattr(_EditingHasher, "edit", staticmethod(lambda: edit(local)),
                        raising=False)
    monkeypatch.setattr(_EditingHasher, "blocks", 0, raising=False)
    monkeypatch.setattr(http_upload, "BackgroundHasher", _EditingHasher)
    upload = RayvisionUpload(api, chunk_size=MIB)  # streamed, not one in-memory PUT
    upload.upload_asset(write_upload_json(work, [(local, server)]), max_speed="0",
                        is_db=is_db)
    return upload, local, server


def test_file_changed_in_the_middle_of_the_body_is_never_recorded_and_is_sent_again(
        api, farm, sync_env, monkeypatch):
    def edit(local):
        with open(local, "r+b") as handle:  # same size, a later block differs
            handle.seek(SIZE - 100)
            handle.write(b"EDITED" * 10)

    upload, local, server = upload_edited_mid_body(api, sync_env, monkeypatch, "mid.bin",
                                                   edit, is_db=True)
    assert upload.last_result.retries >= 1
    assert read(on_farm(farm, server)) == read(local)
    assert b"EDITED" in read(local)[-100:]


def test_file_that_shrinks_in_the_middle_of_the_body_is_sent_again_whole(
        api, farm, sync_env, monkeypatch):
    def edit(local):
        with open(local, "r+b") as handle:
            handle.truncate(SIZE - 3 * MIB)

    upload, local, server = upload_edited_mid_body(api, sync_env, monkeypatch, "shrink.bin",
                                                   edit, is_db=False)
    assert upload.last_result.retries >= 1
    assert read(on_farm(farm, server)) == read(local)
    assert len(read(local)) == SIZE - 3 * MIB
    assert not helper_threads()
