"""Change detection, the shared record store, sampled farm checks and self-healing records.

Everything goes through ``RayvisionUpload`` against the sandbox farm, as a studio's second,
third... run would (docs/sync.md, "Upload records").
"""

import os
import random
import shutil
import sqlite3

import pytest
from rvsync_helpers import make_file, read, write_upload_json

from rayvision_sync.records import SqliteRecordStore, parse_record, record_value
from rayvision_sync.upload import RayvisionUpload


def unique(name):
    return "/{0}_{1}".format(name, random.getrandbits(40))


def on_farm(farm, kind, path):
    return farm.storage_path(farm.access_id, kind, path)


def counts(upload):
    result = upload.last_result
    return result.files_transferred, result.files_skipped


def project(sync_env, count=4, folder="1586932339", size=2000):
    work = sync_env / "work" / folder
    root = unique("proj")
    files = [make_file(sync_env / "assets" / "tex{0}.png".format(index), size + index,
                       seed=index) for index in range(count)]
    pairs = [(path, root + "/tex{0}.png".format(index)) for index, path in enumerate(files)]
    return write_upload_json(work, pairs), files, pairs


def test_same_size_change_with_restored_mtime_is_uploaded(api, farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json)
    assert counts(upload) == (4, 0)
    before = os.stat(files[1])
    with open(files[1], "r+b") as handle:  # same size, new bytes ...
        handle.write(b"NEWBYTES")
    os.utime(files[1], ns=(before.st_atime_ns, before.st_mtime_ns))  # ... mtime restored
    assert os.stat(files[1]).st_mtime_ns == before.st_mtime_ns
    upload.upload_asset(upload_json)
    assert counts(upload) == (1, 3)
    assert read(on_farm(farm, "input", pairs[1][1])) == read(files[1])


def test_reanalysis_into_a_new_folder_skips_unchanged_assets(api, farm, sync_env):
    first_json, files, pairs = project(sync_env, folder="1586932339")
    upload = RayvisionUpload(api)
    upload.upload_asset(first_json)
    assert counts(upload) == (4, 0)
    # A new analysis of the same scene writes its json files into a new folder.
    second_json = write_upload_json(sync_env / "work" / "1586999999", pairs)
    again = RayvisionUpload(api)
    again.upload_asset(second_json)
    assert counts(again) == (0, 4)
    records = os.listdir(os.path.dirname(again.records_path()))
    assert records == [os.path.basename(again.records_path())]
    assert not (sync_env / "db" / "db").exists()


def test_old_records_migrate_without_uploading_again(api, farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json, is_db=False)
    scope = upload.engine.scope("input_bid")
    with SqliteRecordStore(upload.records_path()) as store:
        store.save(scope, dict((server, record_value(os.stat(local).st_size,
                                                     os.stat(local).st_mtime_ns, "ab" * 32))
                               for local, server in pairs))
    upload.upload_asset(upload_json)
    assert counts(upload) == (0, 4)
    with SqliteRecordStore(upload.records_path()) as store:
        values = store.lookup(scope, [server for _, server in pairs])
    for local, server in pairs:
        record = parse_record(values[server])
        assert (record.ctime_ns, record.ino) == (os.stat(local).st_ctime_ns,
                                                 os.stat(local).st_ino)
        assert record.sha256 == "ab" * 32
    upload.upload_asset(upload_json)
    assert counts(upload) == (0, 4)


def test_verify_hash_sends_a_file_whose_digest_differs_from_its_record(api, farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json)
    scope = upload.engine.scope("input_bid")
    with SqliteRecordStore(upload.records_path()) as store:
        value = store.lookup(scope, [pairs[0][1]])[pairs[0][1]]
        parts = value.split(":")
        parts[4] = "0" * 64  # a fingerprint that matches, a digest that does not
        store.save(scope, {pairs[0][1]: ":".join(parts)})
    upload.upload_asset(upload_json)
    assert counts(upload) == (0, 4)
    upload.upload_asset(upload_json, verify="hash")
    assert counts(upload) == (1, 3)
    with pytest.raises(ValueError):
        upload.upload_asset(upload_json, verify="sometimes")


def test_file_deleted_on_the_farm_is_sent_again_after_the_sampled_check(api, farm,
                                                                         sync_env, sync_log):
    upload_json, files, pairs = project(sync_env)
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json)
    assert upload.engine.delete("input_bid", pairs[2][1])
    upload.engine.verify_fraction = 1.0
    upload.upload_asset(upload_json)
    assert counts(upload) == (1, 3)
    assert read(on_farm(farm, "input", pairs[2][1])) == read(files[2])
    assert "missing or different on the farm" in sync_log.text


def test_records_older_than_the_age_are_always_checked(api, farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json)
    os.remove(on_farm(farm, "input", pairs[0][1]))
    upload.engine.verify_fraction = 0.0
    upload.engine.verify_age = 0  # every record is "old"
    upload.upload_asset(upload_json)
    assert counts(upload) == (1, 3)
    assert read(on_farm(farm, "input", pairs[0][1])) == read(files[0])


def _garbage(path):
    with open(path, "wb") as handle:
        handle.write(os.urandom(8192))


def _truncated(path):
    with open(path, "r+b") as handle:
        handle.truncate(1500)


def _header_smashed(path):
    with open(path, "r+b") as handle:
        handle.write(b"this is not sqlite at all")


def _foreign_schema(path):
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE record")
    conn.execute("CREATE TABLE record (something TEXT)")
    conn.commit()
    conn.close()


def _pages_zeroed(path):
    with open(path, "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\0" * 8192)


@pytest.mark.parametrize("corrupt", [_garbage, _truncated, _header_smashed, _foreign_schema,
                                     _pages_zeroed])
def test_corrupt_record_database_is_healed(api, farm, sync_env, sync_log, corrupt):
    upload_json, files, pairs = project(sync_env, count=40, size=100)
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json)
    assert counts(upload) == (40, 0)
    path = upload.records_path()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    corrupt(path)
    upload.upload_asset(upload_json)
    assert upload.last_result.files_transferred + upload.last_result.files_skipped == 40
    warnings = [line for line in sync_log.lines if "moved aside" in line]
    assert len(warnings) <= 1
    upload.upload_asset(upload_json)
    assert counts(upload) == (0, 40)
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    shutil.rmtree(os.path.dirname(path))


def test_download_under_40_kb_resets_completes_byte_identical(api, farm, sync_env):
    out = unique("resets")
    data = os.urandom(600 * 1024)
    target = on_farm(farm, "output", out + "/layer/f.exr")
    os.makedirs(os.path.dirname(target))
    with open(target, "wb") as handle:
        handle.write(data)
    engine = RayvisionUpload(api).engine
    resets = farm.faults.counters["resets"]
    farm.faults.set(reset_after_bytes=40000)
    try:
        result = engine.download("output_bid", out, str(sync_env / "dl"))
    finally:
        farm.faults.clear()
    assert farm.faults.counters["resets"] - resets >= 10
    assert read(sync_env / "dl" / out.strip("/") / "layer" / "f.exr") == data
    assert result.unverified == [] and result.retries >= 10


def test_upload_under_40_kb_resets_completes_and_is_recorded(api, farm, sync_env):
    upload_json, files, pairs = project(sync_env, count=1, size=300 * 1024)
    upload = RayvisionUpload(api, chunk_size=128 * 1024)
    farm.faults.set(reset_after_bytes=40000)
    try:
        upload.upload_asset(upload_json)
    finally:
        farm.faults.clear()
    assert read(on_farm(farm, "input", pairs[0][1])) == read(files[0])
    upload.upload_asset(upload_json)
    assert counts(upload) == (0, 1)
