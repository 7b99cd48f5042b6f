"""Batch uploads of small files by the HTTP engine against a live sandbox farm."""

import os
import random
import threading
import time

import pytest
from rvsync_helpers import make_file, read, write_upload_json

from rayvision_sandbox.storage_routes import StorageRoutes
from rayvision_sync.batch import MAX_FILES, build_body, plan_batches
from rayvision_sync.exception import TransferError
from rayvision_sync.storage_client import StorageClient
from rayvision_sync.upload import RayvisionUpload

MIB = 1024 * 1024


def unique(name):
    return "/{0}_{1}".format(name, random.getrandbits(40))


def on_farm(farm, kind, path):
    return farm.storage_path(farm.access_id, kind, path)


@pytest.fixture
def sent(monkeypatch):
    """Every storage request the engine sends: ``(method, path, params, status)``."""
    calls = []
    lock = threading.Lock()
    original = StorageClient.request

    def recording(self, method, bid, path, params=None, **kwargs):
        response = original(self, method, bid, path, params, **kwargs)
        with lock:
            calls.append((method, path, dict(params or {}), response.status_code))
        return response

    monkeypatch.setattr(StorageClient, "request", recording)
    return calls


def batch_puts(calls):
    return [call for call in calls if call[0] == "PUT" and call[2].get("batch")]


def single_puts(calls):
    return [call for call in calls if call[0] == "PUT" and not call[2].get("batch")]


def small_files(folder, count, size=4096, name="tex"):
    return [make_file(folder / "{0}{1:03d}.png".format(name, index), size + index, seed=index)
            for index in range(count)]


@pytest.fixture
def old_farm(monkeypatch):
    """The sandbox as a farm from before batch uploads: a batch PUT is a plain PUT to /."""
    monkeypatch.setattr(StorageRoutes, "_upload_batch",
                        lambda self, request, bid, path, query, envelope: self._upload(
                            request, bid, path, query, envelope))


def test_small_files_go_in_batches_and_are_recorded(api, farm, sync_env, sent):
    work = sync_env / "w" / "b1"
    files = small_files(work, 60)
    root = unique("batch")
    pairs = [(path, root + u"/ü tex{0}.png".format(index)) for index, path in enumerate(files)]
    events = []
    upload = RayvisionUpload(api, progress_callback=events.append)
    upload_json = write_upload_json(work, pairs)
    assert upload.upload_asset(upload_json) is True
    result = upload.last_result
    assert (result.files_transferred, result.files_skipped) == (60, 0)
    assert result.bytes_transferred == sum(4096 + index for index in range(60))
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    # Spread over the 4 workers, no single PUT.
    assert len(batch_puts(sent)) == 4 and single_puts(sent) == []
    assert sum(int(call[2]["count"]) for call in batch_puts(sent)) == 60
    by_kind = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    assert len(by_kind["file_start"]) == len(by_kind["file_done"]) == 60
    assert sum(event.nbytes for event in by_kind["bytes"]) == result.bytes_transferred
    assert (events[-1].kind, events[-1].files_done, events[-1].bytes_done) == (
        "job_done", 60, result.bytes_transferred)

    # Recorded in the upload-record database: the rerun sends nothing.
    del sent[:]
    upload.upload_asset(upload_json)
    assert (upload.last_result.files_skipped, upload.last_result.files_transferred) == (60, 0)
    assert [call for call in sent if call[0] == "PUT"] == []

    # Eight changed files are sent again, two per worker.
    changed = (3, 7, 11, 20, 33, 40, 51, 59)
    time.sleep(0.01)
    for index in changed:
        make_file(files[index], 5000, seed=100 + index)
    upload.upload_asset(upload_json)
    assert (upload.last_result.files_skipped, upload.last_result.files_transferred) == (52, 8)
    assert [int(call[2]["count"]) for call in batch_puts(sent)] == [2, 2, 2, 2]
    assert single_puts(sent) == []
    assert read(on_farm(farm, "input", pairs[40][1])) == read(files[40])


def test_mixed_small_and_large_files(api, farm, sync_env, sent):
    work = sync_env / "w" / "b2"
    small = small_files(work, 30, size=1000)
    big = [make_file(work / "big{0}.bin".format(index), 2 * MIB + index, seed=50 + index)
           for index in range(2)]
    edge = make_file(work / "edge.bin", MIB, seed=77)  # at the batched-file bound
    root = unique("mixed")
    pairs = [(path, root + "/" + path.rsplit("/", 1)[1]) for path in small + big + [edge]]
    upload = RayvisionUpload(api, chunk_size=MIB)
    upload.upload_asset(write_upload_json(work, pairs), is_db=False)
    assert upload.last_result.files_transferred == 33
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    singles = set(call[1] for call in single_puts(sent))
    # chunk_size 1 MiB: batches are at most 1 MiB, so only files up to 512 KiB join them.
    assert singles == set(root + "/" + name for name in ("big0.bin", "big1.bin", "edge.bin"))
    assert sum(int(call[2]["count"]) for call in batch_puts(sent)) == 30
    assert all(int(call[2]["size"]) <= MIB for call in batch_puts(sent))


def test_older_farm_without_batches_gets_single_puts(api, farm, sync_env, sent, old_farm,
                                                     sync_log):
    work = sync_env / "w" / "b3"
    files = small_files(work, 40, size=2000)
    root = unique("old")
    pairs = [(path, root + "/f{0}.png".format(index)) for index, path in enumerate(files)]
    upload = RayvisionUpload(api)
    upload.upload_asset(write_upload_json(work, pairs))
    assert upload.last_result.files_transferred == 40
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    refused = batch_puts(sent)
    assert refused and all(call[3] == 400 for call in refused)
    assert len(refused) <= 4  # one per worker at most: the job switches to single PUTs
    assert len(single_puts(sent)) == 40
    assert "does not take batch uploads" in sync_log.text
    # Recorded like any upload.
    upload.upload_asset(write_upload_json(work, pairs))
    assert upload.last_result.files_skipped == 40


def test_connection_resets_during_batches(api, farm, sync_env, sent):
    work = sync_env / "w" / "b4"
    files = small_files(work, 40, size=20000)
    root = unique("reset")
    pairs = [(path, root + "/f{0}.bin".format(index)) for index, path in enumerate(files)]
    events = []
    upload = RayvisionUpload(api, progress_callback=events.append)
    resets = farm.faults.counters["resets"]
    # Each batch (~10 files, 200 KB) is cut; single files (20 KB) pass.
    farm.faults.set(reset_after_bytes=60000)
    upload.upload_asset(write_upload_json(work, pairs), is_db=False)
    farm.faults.clear()
    assert farm.faults.counters["resets"] >= resets + 4
    assert upload.last_result.files_transferred == 40
    assert upload.last_result.retries >= 4
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    assert [event.kind for event in events].count("file_retry") == 40
    assert [event.kind for event in events].count("file_start") == 40
    assert sum(event.nbytes for event in events if event.kind == "bytes") == \
        upload.last_result.bytes_transferred


def test_error_burst_during_batches_is_retried(api, farm, sync_env, sent):
    work = sync_env / "w" / "b5"
    files = small_files(work, 20, size=3000)
    root = unique("burst")
    pairs = [(path, root + "/f{0}.bin".format(index)) for index, path in enumerate(files)]
    upload = RayvisionUpload(api)
    assert upload.engine
    farm.faults.set(error_burst=(503, 2))
    upload.upload_asset(write_upload_json(work, pairs), is_db=False)
    assert upload.last_result.files_transferred == 20
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    assert [call[3] for call in batch_puts(sent)].count(200) >= 2


def test_file_gone_after_listing_fails_alone_in_its_batch(api, farm, sync_env, sent):
    work = sync_env / "w" / "b6"
    files = small_files(work, 12, size=500)
    root = unique("gone")
    pairs = [(path, root + "/f{0}.bin".format(index)) for index, path in enumerate(files)]

    def remove_one(event):
        # After the stat pass, before the batches are read.
        if event.kind == "job_start":
            os.remove(files[4])

    upload = RayvisionUpload(api, progress_callback=remove_one)
    with pytest.raises(TransferError) as info:
        upload.upload_asset(write_upload_json(work, pairs), is_db=False)
    assert files[4] in str(info.value) and "1 of 12 files" in str(info.value)
    assert info.value.error_code == 200025
    for index, (local, server) in enumerate(pairs):
        if index != 4:
            assert read(on_farm(farm, "input", server)) == read(local)
    assert single_puts(sent) == []


def test_max_speed_paces_batches(api, farm, sync_env, sent):
    work = sync_env / "w" / "b7"
    files = small_files(work, 40, size=10 * 1024)
    pairs = [(path, unique("slow") + "/f.bin") for path in files]
    upload = RayvisionUpload(api)
    started = time.monotonic()
    upload.upload_asset(write_upload_json(work, pairs), max_speed="200", is_db=False)
    elapsed = time.monotonic() - started
    assert batch_puts(sent)
    # 400 KiB at 200 KB/s: at least ~1.8 s (the first 20 KiB piece goes at once).
    assert elapsed >= 1.7


def test_plan_batches_bounds():
    entries = [("/f{0}".format(index), "l", 10, 0) for index in range(2000)]
    batches = plan_batches(entries, 4, 16 * MIB)
    assert [len(batch) for batch in batches] == [MAX_FILES] * 7 + [2000 - 7 * MAX_FILES]
    assert [len(batch) for batch in plan_batches(entries[:1000], 4, 16 * MIB)] == [250] * 4
    assert [len(batch) for batch in plan_batches(entries[:10], 4, 16 * MIB)] == [3, 3, 3, 1]
    sized = [("/g{0}".format(index), "l", 400 * 1024, 0) for index in range(10)]
    assert all(sum(entry[2] for entry in batch) <= MIB
               for batch in plan_batches(sized, 1, MIB))
    assert plan_batches([], 4, MIB) == []
    body, params = build_body([(u"/ü.png", "0" * 64, b"abc")])
    assert body.endswith(b"\nabc") and params["size"] == len(body) and params["count"] == 1


def test_file_changed_while_its_batch_was_sent_is_sent_again_and_recorded(api, farm,
                                                                          sync_env, sent):
    work = sync_env / "w" / "b8"
    files = small_files(work, 8, size=3000)
    root = unique("moving")
    pairs = [(path, root + "/f{0}.bin".format(index)) for index, path in enumerate(files)]
    moving = files[2]
    state = {"changed": False}

    def change_once(event):
        # The batch holding the file was stored; the file changes before it is recorded
        # (same size, new bytes and times), as a tool writing it during the upload would.
        if event.kind == "bytes" and event.local_path == moving and not state["changed"]:
            state["changed"] = True
            with open(moving, "r+b") as handle:
                handle.write(b"EDIT")
            os.utime(moving, ns=(1, 1))

    upload = RayvisionUpload(api, progress_callback=change_once)
    upload_json = write_upload_json(work, pairs)
    upload.upload_asset(upload_json)
    assert state["changed"] and batch_puts(sent)
    # The farm holds what the file holds now, not the version the batch read.
    assert read(on_farm(farm, "input", pairs[2][1])) == read(moving)
    assert upload.last_result.retries >= 1
    # ... and it was recorded: the rerun sends nothing.
    upload.upload_asset(upload_json)
    assert (upload.last_result.files_skipped, upload.last_result.files_transferred) == (8, 0)
