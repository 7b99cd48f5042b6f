"""The built-in HTTP engine against a live sandbox farm (docs/storage-protocol.md)."""

import hashlib
import json
import os
import random
import subprocess
import sys
import time

import pytest
from rvsync_helpers import make_file, read, write_upload_json

from rayvision_api import RayvisionAPI
from rayvision_api.exception import RayvisionArgumentError
from rayvision_sync.download import RayvisionDownload
from rayvision_sync.exception import StorageAccessError, TransferError
from rayvision_sync.http_engine import HttpTransferEngine, partial_path
from rayvision_sync.records import SqliteRecordStore
from rayvision_sync.upload import RayvisionUpload

MIB = 1024 * 1024


def unique(name):
    return "/{0}_{1}".format(name, random.getrandbits(40))


def on_farm(farm, kind, path):
    return farm.storage_path(farm.access_id, kind, path)


def test_engine_chosen_from_transfer_info(api):
    upload = RayvisionUpload(api)
    assert isinstance(upload.engine, HttpTransferEngine)
    assert upload.engine.url == "http://{0}/storage".format(api.connect.domain)
    assert upload.engine.chunk_size == 8 * MIB


def test_upload_asset_skips_unchanged_and_reuploads_changed(api, farm, sync_env):
    root = unique("proj")
    work = sync_env / "work" / "1586932339"
    files = [make_file(work / "tex{0}.png".format(i), 1000 + i, seed=i) for i in range(5)]
    pairs = [(path, root + u"/tex ü{0}.png".format(i)) for i, path in enumerate(files)]
    upload_json = write_upload_json(work, pairs)
    upload = RayvisionUpload(api)
    assert upload.upload_asset(upload_json) is True
    first = upload.last_result
    assert (first.files_transferred, first.files_skipped) == (5, 0)
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    # The records live where the documented rules say:
    # <RAYVISION_DB>/records/<user>_<domain>_<storage id>.db, whatever the json folder.
    db_file = sync_env / "db" / "records" / "{0}_{1}_{2}.db".format(
        api.user_info["user_id"], api.connect.domain.replace(":", "_"),
        api.user_info["input_bid"])
    assert db_file.exists() and str(db_file) == upload.records_path()

    upload.upload_asset(upload_json)
    assert (upload.last_result.files_skipped, upload.last_result.bytes_transferred) == (5, 0)

    # Another content (same size) with a new mtime is uploaded again.
    with open(files[2], "r+b") as handle:
        handle.write(b"XX")
    os.utime(files[2], ns=(time.time_ns(), time.time_ns() + 10 ** 9))
    upload.upload_asset(upload_json)
    assert (upload.last_result.files_transferred, upload.last_result.files_skipped) == (1, 4)
    assert read(on_farm(farm, "input", pairs[2][1])) == read(files[2])


def test_other_server_path_forces_upload(api, farm, sync_env):
    work = sync_env / "w" / "a1"
    local = make_file(work / "a.png", 3000)
    upload = RayvisionUpload(api)
    upload.upload_asset(write_upload_json(work, [(local, unique("p") + "/a.png")]))
    other = unique("q") + "/a.png"
    upload.upload_asset(write_upload_json(work, [(local, other)]))
    assert upload.last_result.files_transferred == 1
    assert read(on_farm(farm, "input", other)) == read(local)


def test_is_db_false_and_on_false_upload_every_time(api, sync_env, tmp_path):
    work = sync_env / "w" / "b1"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 10), unique("p") + "/a")])
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json, is_db=False)
    upload.upload_asset(upload_json, is_db=False)
    assert upload.last_result.files_transferred == 1
    ini = tmp_path / "off.ini"
    ini.write_text(open(upload.load_db_config.__globals__["config"].PACKAGED_DB_CONFIG)
                   .read().replace("on = true", "on = false"))
    off = RayvisionUpload(api, db_config_path=str(ini))
    off.upload_asset(upload_json)
    off.upload_asset(upload_json)
    assert off.last_result.files_transferred == 1


def test_temporary_drops_sqlite_records(api, sync_env, tmp_path):
    ini = tmp_path / "temp.ini"
    from rayvision_sync.config import PACKAGED_DB_CONFIG

    ini.write_text(open(PACKAGED_DB_CONFIG).read().replace("temporary = false",
                                                           "temporary = true"))
    work = sync_env / "w" / "c1"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 10), unique("p") + "/a")])
    upload = RayvisionUpload(api, db_config_path=str(ini))
    upload.upload_asset(upload_json)
    assert upload.last_result.files_transferred == 1
    # The store the HTTP engine really uses: <db dir>/records/<user>_<domain>_<bid>.db.
    db_file = sync_env / "db" / "records" / "{0}_{1}_{2}.db".format(
        api.user_info["user_id"], api.connect.domain.replace(":", "_"),
        api.user_info["input_bid"])
    assert str(db_file) == upload.records_path() and db_file.exists()
    store = SqliteRecordStore(str(db_file))
    assert store.count() == 0
    store.close()
    upload.upload_asset(upload_json)
    assert upload.last_result.files_transferred == 1


def test_temporary_drops_the_records_of_a_folders_files(api, farm, sync_env, tmp_path):
    ini = tmp_path / "temp.ini"
    from rayvision_sync.config import PACKAGED_DB_CONFIG

    ini.write_text(open(PACKAGED_DB_CONFIG).read().replace("temporary = false",
                                                           "temporary = true"))
    work = sync_env / "w" / "c2"
    for name in ("a.png", "sub/b.png"):
        make_file(work / "tex" / name, 10)
    upload_json = write_upload_json(work, [(str(work / "tex"), unique("p") + "/tex")])
    upload = RayvisionUpload(api, db_config_path=str(ini))
    upload.upload_asset(upload_json)
    assert upload.last_result.files_transferred == 2
    store = SqliteRecordStore(upload.records_path())
    assert store.count() == 0
    store.close()
    upload.upload_asset(upload_json)
    assert upload.last_result.files_transferred == 2

def test_redis_records_shared_between_machines(api, farm, sync_env, redis_db, tmp_path):
    from rayvision_sync.config import PACKAGED_DB_CONFIG

    ini = tmp_path / "redis.ini"
    ini.write_text(open(PACKAGED_DB_CONFIG).read()
                   .replace("type = sqlite", "type = redis")
                   .replace("port = 6379", "port = {0}".format(redis_db.port))
                   .replace("table_index = 0", "table_index = 3"))
    work = sync_env / "w" / "d1"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 100), unique("p") + "/a")])
    RayvisionUpload(api, db_config_path=str(ini)).upload_asset(upload_json)
    # A second "machine" (another API session) sees the record and skips the file.
    other = RayvisionAPI(**farm.api_kwargs())
    second = RayvisionUpload(other, db_config_path=str(ini))
    second.upload_asset(upload_json)
    assert second.last_result.files_skipped == 1
    assert redis_db.client(db=3).keys("rayvision_sync:record:*")


def test_upload_config_layout_and_missing_files(api, farm, sync_env, sync_log):
    task_id = api.get_task_id()
    task_json = sync_env / "task.json"
    task_json.write_text('{"task_info": {}}')
    upload = RayvisionUpload(api)
    assert upload.upload_config(task_id, [str(task_json), str(sync_env / "absent.json")])
    assert read(on_farm(farm, "config", "/{0}/cfg/task.json".format(task_id))) \
        == b'{"task_info": {}}'
    assert "absent.json is not exists." in sync_log.text


def test_upload_reports_unreadable_files_after_uploading_the_rest(api, farm, sync_env):
    work = sync_env / "w" / "e1"
    good = make_file(work / "good.png", 10)
    root = unique("p")
    upload_json = write_upload_json(work, [(good, root + "/good.png"),
                                           (str(work / "missing.png"), root + "/missing.png")])
    with pytest.raises(TransferError) as info:
        RayvisionUpload(api).upload_asset(upload_json)
    assert "missing.png" in str(info.value) and info.value.error_code == 200025
    assert read(on_farm(farm, "input", root + "/good.png")) == read(good)


def test_last_result_of_a_failed_transfer_lists_every_failure(api, farm, sync_env):
    # The error names the first five; the caller finds them all in last_result.
    work = sync_env / "w" / "e2"
    root = unique("p")
    good = [(make_file(work / "g{0}.png".format(index), 10 + index),
             root + "/g{0}.png".format(index)) for index in range(3)]
    missing = [(str(work / "m{0}.png".format(index)), root + "/m{0}.png".format(index))
               for index in range(7)]
    upload = RayvisionUpload(api)
    upload.upload_asset(write_upload_json(work / "ok", good))
    assert upload.last_result.files_transferred == 3
    with pytest.raises(TransferError) as info:
        upload.upload_asset(write_upload_json(work, good + missing))
    assert "7 of 10 files" in str(info.value)
    result = upload.last_result
    assert sorted(path for path, _ in result.failures) == sorted(path for path, _ in missing)
    assert (result.files_total, result.files_skipped, result.files_transferred) == (10, 3, 0)
    out = unique("out")
    for name in ("l1/a.png", "l1/b.png", "l2/a.png"):
        make_file(on_farm(farm, "output", out + "/" + name), 10)
    download = RayvisionDownload(api)
    download.download(server_path=out, local_path=str(work / "dl"))
    # The download folder is a file now: no file can be written below it.
    with pytest.raises(TransferError):
        download.download(server_path=[out + "/l1", out + "/l2"],
                          local_path=make_file(work / "a_file", 1))
    assert len(download.last_result.failures) == 2

def test_bad_upload_json_is_named(api, sync_env):
    bad = sync_env / "upload.json"
    bad.write_text("{not json")
    with pytest.raises(RayvisionArgumentError, match="upload.json"):
        RayvisionUpload(api).upload_asset(str(bad))



@pytest.mark.parametrize("local", [1, True, ["a.png"], {"path": "a.png"}])
def test_upload_json_local_that_is_not_a_path_is_named(api, farm, sync_env, local):
    # A number would be taken as a file descriptor by os.stat and open (and closed after).
    bad = sync_env / "upload.json"
    good = make_file(sync_env / "w" / "ok.png", 10)
    bad.write_text(json.dumps({"asset": [{"local": good, "server": unique("p") + "/ok.png"},
                                         {"local": local, "server": unique("p") + "/a.png"}]}))
    with pytest.raises(RayvisionArgumentError, match=r"asset\[1\]") as info:
        RayvisionUpload(api).upload_asset(str(bad))
    assert str(bad) in str(info.value) and repr(local) in str(info.value)


def test_upload_folder_and_empty_file(api, farm, sync_env):
    work = sync_env / "w" / "f1"
    make_file(work / "seq" / "a" / "1.exr", 20)
    make_file(work / "seq" / "empty.exr", 0)
    root = unique("p")
    RayvisionUpload(api).upload_asset(write_upload_json(work, [(str(work / "seq"), root)]))
    assert read(on_farm(farm, "input", root + "/a/1.exr")) == read(work / "seq" / "a" / "1.exr")
    assert read(on_farm(farm, "input", root + "/empty.exr")) == b""


def test_large_file_multi_chunk_and_progress(api, farm, sync_env):
    events = []
    work = sync_env / "w" / "g1"
    local = make_file(work / "big.bin", 3 * MIB + 5)
    server = unique("p") + "/big.bin"
    upload = RayvisionUpload(api, chunk_size=MIB, progress_callback=events.append)
    upload.upload_asset(write_upload_json(work, [(local, server)]))
    assert read(on_farm(farm, "input", server)) == read(local)
    kinds = [event.kind for event in events]
    assert kinds[0] == "job_start" and kinds[-1] == "job_done"
    assert "file_start" in kinds and "file_done" in kinds
    assert sum(event.nbytes for event in events if event.kind == "bytes") == 3 * MIB + 5
    last = events[-1]
    assert (last.files_done, last.files_total, last.bytes_done) == (1, 1, 3 * MIB + 5)
    assert events[0].as_dict()["direction"] == "upload"


def test_max_speed_is_honoured(api, farm, sync_env):
    work = sync_env / "w" / "h1"
    local = make_file(work / "slow.bin", 400 * 1024)
    upload = RayvisionUpload(api)
    started = time.monotonic()
    upload.upload_asset(write_upload_json(work, [(local, unique("p") + "/slow.bin")]),
                        max_speed="200", is_db=False)
    elapsed = time.monotonic() - started
    # 400 KiB at 200 KB/s: at least ~1.8 s (the first 20 KiB piece goes at once).
    assert elapsed >= 1.7


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_resume_after_connection_resets_at_random_offsets(api, farm, sync_env, seed):
    rng = random.Random(seed)
    size = rng.randrange(MIB, 2 * MIB)
    work = sync_env / "w" / "reset{0}".format(seed)
    local = make_file(work / "reset.bin", size, seed=seed)
    server = unique("p") + "/reset.bin"
    upload = RayvisionUpload(api, chunk_size=MIB // 2)
    limit = rng.randrange(150000, 400000)
    farm.faults.set(reset_after_bytes=limit)
    upload.upload_asset(write_upload_json(work, [(local, server)]), is_db=False)
    resets = farm.faults.counters["resets"]
    farm.faults.clear()
    assert upload.last_result.retries >= 2
    # Resumed, not restarted: about the file's size went over the wire.
    assert upload.last_result.bytes_transferred == size
    assert read(on_farm(farm, "input", server)) == read(local)

    # Downloads resume too, and the result is byte-identical.
    out = unique("out")
    target = on_farm(farm, "output", out + "/layer/reset.bin")
    os.makedirs(os.path.dirname(target))
    with open(target, "wb") as handle:
        handle.write(read(local))
    download = RayvisionDownload(api)
    farm.faults.set(reset_after_bytes=rng.randrange(150000, 400000))
    download.download(server_path=out, local_path=str(sync_env / "dl"))
    assert farm.faults.counters["resets"] > resets
    farm.faults.clear()
    assert download.last_result.retries >= 2
    assert read(sync_env / "dl" / out.strip("/") / "layer" / "reset.bin") == read(local)


def test_error_burst_is_retried(api, farm, sync_env):
    work = sync_env / "w" / "j1"
    local = make_file(work / "a.bin", 1000)
    server = unique("p") + "/a.bin"
    upload = RayvisionUpload(api)
    assert upload.engine  # discovery happens before the burst
    farm.faults.set(error_burst=(503, 3))
    upload.upload_asset(write_upload_json(work, [(local, server)]), is_db=False)
    assert read(on_farm(farm, "input", server)) == read(local)


def test_clock_that_jumps_mid_run_is_corrected_for_storage_requests(api, farm, sync_env):
    # Logged in with a good clock; then the farm's clock moves 15 minutes (or this
    # machine's jumps back): the first storage request is refused with 610 (HTTP 401).
    work = sync_env / "w" / "skew"
    local = make_file(work / "a.bin", 300000)
    server = unique("skew") + "/a.bin"
    upload = RayvisionUpload(api)
    assert upload.engine and api.connect.clock_offset == 0
    farm.faults.set(clock_skew=900)
    upload.upload_asset(write_upload_json(work, [(local, server)]), is_db=False)
    assert read(on_farm(farm, "input", server)) == read(local)
    assert 895 <= api.connect.clock_offset <= 905
    # The API requests sign with the corrected clock from now on, without a refusal.
    assert api.user.query_user_profile()["userId"]


def test_file_changed_during_upload_is_detected_and_reuploaded(api, farm, sync_env):
    work = sync_env / "w" / "k1"
    local = make_file(work / "moving.bin", 3 * MIB, seed=5)
    server = unique("p") + "/moving.bin"
    state = {"changed": False}

    def change_once(event):
        # After the first chunk left, the file's tail changes (same size).
        if event.kind == "bytes" and not state["changed"]:
            state["changed"] = True
            with open(local, "r+b") as handle:
                handle.seek(3 * MIB - 4)
                handle.write(b"EDIT")

    upload = RayvisionUpload(api, chunk_size=MIB, progress_callback=change_once)
    upload.upload_asset(write_upload_json(work, [(local, server)]), is_db=False)
    assert state["changed"] and upload.last_result.retries >= 1
    assert read(on_farm(farm, "input", server)) == read(local)
    assert read(local)[-4:] == b"EDIT"


def test_corrupt_partial_download_is_detected(api, farm, sync_env):
    out = unique("out")
    data = os.urandom(300000)
    target = on_farm(farm, "output", out + "/l/f.png")
    os.makedirs(os.path.dirname(target))
    with open(target, "wb") as handle:
        handle.write(data)
    local_root = sync_env / "dl2"
    destination = local_root / out.strip("/") / "l" / "f.png"
    os.makedirs(str(destination.parent))
    # A partial left by an earlier (killed) run, whose bytes rotted on disk.
    with open(partial_path(str(destination), hashlib.sha256(data).hexdigest(),
                           out + "/l/f.png", len(data)), "wb") as handle:
        handle.write(b"\0" * 100000)
    download = RayvisionDownload(api)
    download.download(server_path=out, local_path=str(local_root))
    assert read(destination) == data
    assert download.last_result.retries >= 1
    assert os.listdir(str(destination.parent)) == ["f.png"]


def test_download_keep_path_and_rerun_moves_nothing(api, farm, sync_env):
    out = unique("out")
    for name in ("l1/a.png", "l1/b.png", "l2/a.png"):
        target = on_farm(farm, "output", out + "/" + name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(name.encode() * 100)
    download = RayvisionDownload(api)
    download.download(server_path=out, local_path=str(sync_env / "keep"))
    assert read(sync_env / "keep" / out.strip("/") / "l2" / "a.png") == b"l2/a.png" * 100
    download.download(server_path=out, local_path=str(sync_env / "keep"))
    assert download.last_result.bytes_transferred == 0
    assert download.last_result.files_skipped == 3
    # A new downloader (another process) hashes instead of downloading.
    again = RayvisionDownload(api)
    again.download(server_path=out, local_path=str(sync_env / "keep"))
    assert (again.last_result.bytes_transferred, again.last_result.files_skipped) == (0, 3)

    flat = RayvisionDownload(api)
    flat.download(server_path=[out + "/l1"], local_path=str(sync_env / "flat"),
                  download_filename_format="false")
    assert sorted(os.listdir(str(sync_env / "flat"))) == ["a.png", "b.png"]


def test_download_params_checked(api):
    download = RayvisionDownload(api)
    with pytest.raises(RayvisionArgumentError, match="One of the task_id_list and "
                                                     "custom_server_output_path must exist"):
        download.download()
    with pytest.raises(RayvisionArgumentError, match="must a list or str"):
        download.download(server_path=5)
    with pytest.raises(RayvisionArgumentError, match="download_filename_format"):
        download.download(server_path="x", download_filename_format="maybe")


def test_other_users_storage_is_refused(api, farm, sync_env):
    access_id, access_key = farm.create_user("intruder")
    intruder = RayvisionAPI(**farm.api_kwargs(access_id, access_key))
    engine = RayvisionUpload(intruder).engine
    engine.bids["output_bid"] = api.user_info["output_bid"]
    with pytest.raises(StorageAccessError) as info:
        engine.list("output_bid", "/")
    assert info.value.status == 403
    assert access_key not in str(info.value)


def test_killed_process_upload_resumes(api, farm, sync_env):
    work = sync_env / "w" / "kill"
    local = make_file(work / "big.bin", 6 * MIB, seed=11)
    server = unique("p") + "/big.bin"
    upload_json = write_upload_json(work, [(local, server)])
    script = sync_env / "child.py"
    script.write_text(CHILD.format(kwargs=json.dumps(farm.api_kwargs()),
                                   upload_json=upload_json))
    env = dict(os.environ)
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=env)
    sent = 0
    for line in iter(child.stdout.readline, b""):
        sent = int(line)
        if sent >= 2 * MIB + 1:
            break
    child.kill()
    child.wait()
    assert sent >= 2 * MIB
    upload = RayvisionUpload(api, chunk_size=MIB)
    upload.upload_asset(upload_json)
    assert upload.last_result.bytes_transferred <= 6 * MIB - 2 * MIB
    assert read(on_farm(farm, "input", server)) == read(local)


CHILD = """
import sys
from rayvision_api import RayvisionAPI
from rayvision_sync.upload import RayvisionUpload

def report(event):
    if event.kind == "bytes":
        sys.stdout.write("%d\\n" % event.bytes_done)
        sys.stdout.flush()

api = RayvisionAPI(**{kwargs})
RayvisionUpload(api, chunk_size=1024 * 1024, progress_callback=report).upload_asset(
    {upload_json!r}, max_speed="2048")
"""


def test_unreachable_redis_does_not_stop_uploads(api, farm, sync_env, tmp_path, sync_log):
    import socket

    from rayvision_sync.config import PACKAGED_DB_CONFIG

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    ini = tmp_path / "down.ini"
    ini.write_text(open(PACKAGED_DB_CONFIG).read()
                   .replace("type = sqlite", "type = redis")
                   .replace("port = 6379", "port = {0}".format(port))
                   .replace("timeout = 5000", "timeout = 300"))
    work = sync_env / "w" / "redis_down"
    local = make_file(work / "a.png", 100)
    server = unique("p") + "/a.png"
    upload = RayvisionUpload(api, db_config_path=str(ini))
    upload.upload_asset(write_upload_json(work, [(local, server)]))
    assert read(on_farm(farm, "input", server)) == read(local)
    assert "uploading every file without the record database" in sync_log.text


def test_content_already_on_the_farm_is_not_sent_again(api, farm, sync_env):
    work = sync_env / "w" / "again"
    local = make_file(work / "big.bin", 2 * MIB + 1, seed=21)
    server = unique("p") + "/big.bin"
    upload_json = write_upload_json(work, [(local, server)])
    upload = RayvisionUpload(api, chunk_size=MIB)
    upload.upload_asset(upload_json, is_db=False)
    assert upload.last_result.bytes_transferred == 2 * MIB + 1
    # No record (is_db=False), but the storage already holds this exact content.
    upload.upload_asset(upload_json, is_db=False)
    assert upload.last_result.bytes_transferred == 0
    assert upload.last_result.files_transferred == 1


def test_awkward_names_round_trip(api, farm, sync_env):
    work = sync_env / "w" / "names"
    root = unique("p")
    names = [u"a #1 ?100%.png", u"tex ü 中文.exr", u"semi;colon&amp=1+2.tif"]
    pairs = [(make_file(work / "f{0}".format(index), 50 + index, seed=index),
              root + "/" + name) for index, name in enumerate(names)]
    RayvisionUpload(api).upload_asset(write_upload_json(work, pairs))
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    # And back, through a listing and signed GETs.
    engine = RayvisionDownload(api).engine
    result = engine.download("input_bid", root, str(sync_env / "back"), keep_path=False)
    assert result.files_transferred == 3
    for local, server in pairs:
        assert read(sync_env / "back" / server.rsplit("/", 1)[1]) == read(local)


def test_download_resumes_a_partial_left_by_a_killed_process(api, farm, sync_env):
    out = unique("out")
    data = os.urandom(500000)
    target = on_farm(farm, "output", out + "/l/f.exr")
    os.makedirs(os.path.dirname(target))
    with open(target, "wb") as handle:
        handle.write(data)
    destination = sync_env / "dl3" / out.strip("/") / "l" / "f.exr"
    os.makedirs(str(destination.parent))
    with open(partial_path(str(destination), hashlib.sha256(data).hexdigest(),
                           out + "/l/f.exr", len(data)), "wb") as handle:
        handle.write(data[:123456])
    download = RayvisionDownload(api)
    download.download(server_path=out, local_path=str(sync_env / "dl3"))
    assert download.last_result.bytes_transferred == len(data) - 123456
    assert read(destination) == data
    assert os.listdir(str(destination.parent)) == ["f.exr"]


def test_unusable_sqlite_folder_does_not_stop_uploads(api, farm, sync_env, tmp_path, sync_log):
    from rayvision_sync.config import PACKAGED_DB_CONFIG

    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    ini = tmp_path / "blocked.ini"
    ini.write_text(open(PACKAGED_DB_CONFIG).read().replace(
        "db_path =", "db_path = {0}".format(blocker)))
    work = sync_env / "w" / "blocked"
    local = make_file(work / "a.png", 100)
    server = unique("p") + "/a.png"
    RayvisionUpload(api, db_config_path=str(ini)).upload_asset(
        write_upload_json(work, [(local, server)]))
    assert read(on_farm(farm, "input", server)) == read(local)
    assert "without the record database" in sync_log.text


@pytest.mark.parametrize("how", ["download", "auto_download",
                                 "auto_download_after_task_completed"])
def test_strict_download_refuses_files_without_digest(api, farm, sync_env, monkeypatch, how):
    # docs/sync.md: download(..., strict=True) refuses a job with a file the storage gives no
    # SHA-256 for; without strict it is downloaded and reported unverified.
    from rayvision_sync.exception import UnverifiedFileError
    from rayvision_sync.paths import storage_path

    out = unique("out")
    target = on_farm(farm, "output", out + "/l1/a.png")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(b"frame" * 100)
    real_list = HttpTransferEngine.list

    def without_digests(self, bid_key, folder, stop=None):
        return [item._replace(sha256=None) for item in real_list(self, bid_key, folder, stop)]

    monkeypatch.setattr(HttpTransferEngine, "list", without_digests)
    download = RayvisionDownload(api)
    dest = sync_env / "strict"
    if how != "download":
        # A task that has ended: the loop downloads its output folder once.
        download.settle_time = 0
        monkeypatch.setattr(download.manage_task, "task_state", lambda task_id: "ended")
        monkeypatch.setattr(download, "_output_names", lambda ids, server: [out])

    def call(**kwargs):
        if how == "download":
            return download.download(server_path=out, local_path=str(dest), **kwargs)
        return getattr(download, how)([1], sleep_time=0, local_path=str(dest), **kwargs)

    with pytest.raises(UnverifiedFileError):
        call(strict=True)
    assert not dest.exists() or os.listdir(str(dest)) == []
    assert call() is True
    assert download.last_result.unverified == [storage_path(out) + "/l1/a.png"]


def test_names_ending_in_a_space_keep_it_up_and_down(api, farm, sync_env):
    # On Linux 'shot ' and 'shot' are two folders: neither end of a storage path is trimmed.
    root = unique("spaces")
    work = sync_env / "work" / "1586932339"
    files = [make_file(work / "a.png", 100, seed=1), make_file(work / "b.png", 120, seed=2)]
    pairs = [(files[0], root + "/shot /a.png"), (files[1], root + "/shot/b.png ")]
    upload = RayvisionUpload(api)
    upload.upload_asset(write_upload_json(work, pairs))
    assert upload.last_result.files_transferred == 2
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    assert not os.path.exists(on_farm(farm, "input", root + "/shot/a.png"))
    assert not os.path.exists(on_farm(farm, "input", root + "/shot/b.png"))
    if os.name != "nt":
        dest = sync_env / "dl"
        upload.engine.download("input_bid", root + "/shot ", str(dest), keep_path=False)
        assert sorted(os.listdir(dest)) == ["a.png"]
        upload.engine.download("input_bid", root + "/shot", str(dest / "plain"),
                               keep_path=False)
        assert sorted(os.listdir(dest / "plain")) == ["b.png "]
