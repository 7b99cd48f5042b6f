"""Upload-record rules a regression could bend quietly: scope, what is written, retries."""

import os
import sqlite3
import threading
import time
import uuid

import pytest
from rvsync_helpers import make_file, write_upload_json

from rayvision_sync.records import SqliteRecordStore, parse_record, record_scope
from rayvision_sync.transfer_state import FileTransfer
from rayvision_sync.upload import RayvisionUpload


def test_the_record_scope_holds_the_farm_and_the_storage():
    assert record_scope("task.renderbus.com", "1001") != record_scope("task.renderbus.com",
                                                                      "1002")
    assert record_scope("task.renderbus.com", "1001") != record_scope("jop.foxrenderfarm.com",
                                                                      "1001")


def _sent(tmp_path, content=b"0123456789"):
    path = tmp_path / "a.png"
    path.write_bytes(content)
    transfer = FileTransfer("/p/a.png", str(path), os.stat(str(path)))
    transfer.sha256 = "ab" * 32
    return path, transfer


def test_a_file_sent_unchanged_gets_its_record(tmp_path):
    path, transfer = _sent(tmp_path)
    record = parse_record(transfer.record())
    info = os.stat(str(path))
    assert (record.size, record.mtime_ns, record.sha256) == (10, info.st_mtime_ns, "ab" * 32)


def test_no_record_for_a_file_that_changed_during_its_upload(tmp_path):
    path, transfer = _sent(tmp_path)
    path.write_bytes(b"another version of the file")
    assert transfer.record() is None


def test_no_record_without_the_digest_of_what_was_sent(tmp_path):
    _path, transfer = _sent(tmp_path)
    transfer.reset()
    assert transfer.sha256 is None
    assert transfer.record() is None


def test_database_is_locked_is_retried_until_the_lock_goes(tmp_path):
    path = str(tmp_path / "records.db")
    store = SqliteRecordStore(path, busy_timeout=0.05)
    store.save("farm|1", {"/p/a.png": "1:2:"})
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        started = time.time()
        store.save("farm|1", {"/p/b.png": "3:4:"})
        assert time.time() - started >= 0.3
    finally:
        release.join()
        holder.close()
    assert store.lookup("farm|1", ["/p/a.png", "/p/b.png"]) == {"/p/a.png": "1:2:",
                                                              "/p/b.png": "3:4:"}
    store.close()


def test_temporary_sqlite_setting_leaves_redis_records_alone(api, sync_env, redis_db, tmp_path):
    from rayvision_sync.config import PACKAGED_DB_CONFIG

    ini = tmp_path / "redis.ini"
    ini.write_text(open(PACKAGED_DB_CONFIG).read()
                   .replace("type = sqlite", "type = redis")
                   .replace("temporary = false", "temporary = true")
                   .replace("port = 6379", "port = {0}".format(redis_db.port))
                   .replace("table_index = 0", "table_index = 3"))
    work = sync_env / "w" / "temporary-redis"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 100),
                                            "/p_{0}/a".format(uuid.uuid4().hex[:12]))])
    upload = RayvisionUpload(api, db_config_path=str(ini))
    upload.upload_asset(upload_json)
    assert redis_db.client(db=3).keys("rayvision_sync:record:*")
    upload.upload_asset(upload_json)
    assert upload.last_result.files_skipped == 1


def test_an_old_form_record_is_trusted_only_for_the_same_size_and_mtime(tmp_path):
    from rayvision_sync.upload_plan import plan_uploads, stat_pairs

    path = tmp_path / "a.png"
    path.write_bytes(b"0123456789")
    entries = stat_pairs([(str(path), "/p/a.png")], [])
    info = entries["/p/a.png"][1]
    same = "{0}:{1}:{2}".format(info.st_size, info.st_mtime_ns, "ab" * 32)
    plan = plan_uploads(entries, {"/p/a.png": same}, verify_fraction=0)
    assert [entry[0] for entry in plan.skipped] == ["/p/a.png"] and not plan.transfers
    assert parse_record(plan.refresh["/p/a.png"]).ctime_ns == info.st_ctime_ns
    for stale in ("{0}:{1}:".format(info.st_size + 1, info.st_mtime_ns),
                  "{0}:{1}:".format(info.st_size, info.st_mtime_ns + 1)):
        plan = plan_uploads(entries, {"/p/a.png": stale}, verify_fraction=0)
        assert [transfer.server for transfer in plan.transfers] == ["/p/a.png"], stale
        assert not plan.skipped and not plan.refresh


@pytest.mark.parametrize("change, expected", [
    ({}, "unchanged"),
    ({"size": 11}, None),
    ({"mtime_ns": 1}, None),
    # Same size, mtime restored (cp -p, rsync -t): ctime or the inode gives the change away.
    ({"ctime_ns": 1}, None),
    ({"ino": 1}, None),
])
def test_the_unchanged_rule_compares_size_mtime_ctime_and_inode(change, expected):
    from rayvision_sync.records import compare_record, is_unchanged, record_value

    now = dict(size=10, mtime_ns=1586000000123456789, ctime_ns=1586000000223456789, ino=42)
    value = record_value(now["size"], now["mtime_ns"], "ab" * 32, now["ctime_ns"], now["ino"])
    state = dict(now)
    for key, delta in change.items():
        state[key] += delta
    assert compare_record(value, **state) == expected
    assert is_unchanged(value, **state) is (expected is not None)


def test_an_old_form_record_matches_by_size_and_mtime_once():
    from rayvision_sync.records import UNCHANGED_OLDER_FORM, compare_record, is_unchanged

    old = "10:1586000000123456789:" + "ab" * 32
    assert compare_record(old, 10, 1586000000123456789, 5, 6) == UNCHANGED_OLDER_FORM
    assert compare_record(old, 10, 1586000000123456790, 5, 6) is None
    assert compare_record(old, 11, 1586000000123456789, 5, 6) is None
    assert is_unchanged(old, 10, 1586000000123456789)
    assert not is_unchanged("garbage", 10, 1) and not is_unchanged(None, 10, 1)


def test_the_upload_engine_decides_by_the_records_rule(tmp_path, monkeypatch):
    # The plan asks rayvision_sync.records.compare_record about every recorded file: a test
    # of that function is a test of what the engine runs.
    from rayvision_sync import records, upload_plan

    asked = []
    # Record values that would not match these files: only the spy's answer counts.
    said_unchanged = records.record_value(1, 2, "", 3, 4, checked=time.time())
    said_changed = records.record_value(5, 6, "", 7, 8, checked=time.time())

    def spy(value, size, mtime_ns, ctime_ns, ino):
        asked.append(value)
        return records.UNCHANGED if value == said_unchanged else None

    monkeypatch.setattr(upload_plan, "compare_record", spy)
    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / name).write_bytes(b"x")
    entries = upload_plan.stat_pairs([(str(tmp_path / name), "/p/" + name)
                                      for name in ("a.png", "b.png", "c.png")], [])
    known = {"/p/a.png": said_unchanged, "/p/b.png": said_changed}
    plan = upload_plan.plan_uploads(entries, known, verify_fraction=0)
    assert sorted(asked) == sorted([said_unchanged, said_changed])
    assert [entry[0] for entry in plan.skipped] == ["/p/a.png"]
    assert sorted(transfer.server for transfer in plan.transfers) == ["/p/b.png", "/p/c.png"]


def test_the_download_digest_cache_sees_a_rewrite_that_restores_size_and_mtime(tmp_path):
    import hashlib

    from rayvision_sync.hashing import DigestCache

    path = tmp_path / "frame.exr"
    path.write_bytes(b"first")
    cache = DigestCache()
    cache.remember(str(path), hashlib.sha256(b"first").hexdigest())
    before = os.stat(str(path))
    assert cache.digest(str(path)) == hashlib.sha256(b"first").hexdigest()
    time.sleep(0.01)
    path.write_bytes(b"other")  # same size
    os.utime(str(path), ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.digest(str(path)) == hashlib.sha256(b"other").hexdigest()
