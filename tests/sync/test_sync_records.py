import multiprocessing
import os
import sqlite3

import pytest
import rvsync_helpers

from rayvision_api.exception import RayvisionError
from rayvision_sync.exception import RecordDatabaseError, UnsupportedDatabaseError
from rayvision_sync.records import (
    RedisRecordStore,
    SqliteRecordStore,
    is_unchanged,
    open_record_store,
    parse_record_value,
    record_scope,
    record_value,
)

PROCESSES = 8


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        opened = SqliteRecordStore(str(tmp_path / "db" / "1586932339.db"))
    else:
        server = request.getfixturevalue("redis_db")
        opened = RedisRecordStore(**server.config(table_index="3"))
    yield opened
    opened.close()


def test_value_round_trip():
    value = record_value(12, 1586000000123456789, "f" * 64)
    assert parse_record_value(value) == (12, 1586000000123456789, "f" * 64)
    assert is_unchanged(value, 12, 1586000000123456789)
    assert not is_unchanged(value, 13, 1586000000123456789)
    assert not is_unchanged(value, 12, 1586000000123456790)
    assert not is_unchanged(None, 12, 1)
    assert not is_unchanged("garbage", 12, 1)


def test_save_lookup_delete(store):
    scope = record_scope("127.0.0.1:8765", "10001_input")
    assert store.lookup(scope, ["/a.png"]) == {}
    store.save(scope, {"/a.png": record_value(1, 2), u"/ü/b c.png": record_value(3, 4)})
    assert store.lookup(scope, ["/a.png", u"/ü/b c.png", "/missing"]) == {
        "/a.png": record_value(1, 2), u"/ü/b c.png": record_value(3, 4)}
    store.save(scope, {"/a.png": record_value(5, 6)})
    assert store.lookup(scope, ["/a.png"]) == {"/a.png": record_value(5, 6)}
    store.delete(scope, ["/a.png"])
    assert store.lookup(scope, ["/a.png", u"/ü/b c.png"]) == {
        u"/ü/b c.png": record_value(3, 4)}


def test_scope_isolates_storages_and_farms(store):
    store.save(record_scope("farm-a", "10001_input"), {"/a.png": record_value(1, 2)})
    assert store.lookup(record_scope("farm-a", "10002_input"), ["/a.png"]) == {}
    assert store.lookup(record_scope("farm-b", "10001_input"), ["/a.png"]) == {}
    assert store.lookup(record_scope("farm-a", "10001_input"), ["/A.png"]) == {}


def test_large_batches(store):
    scope = "s|b"
    values = dict(("/f{0}".format(index), record_value(index, index)) for index in range(5000))
    store.save(scope, values)
    assert store.lookup(scope, list(values) + ["/nope"]) == values
    store.delete(scope, list(values)[:2500])
    assert len(store.lookup(scope, list(values))) == 2500


def test_sqlite_schema_and_wal(tmp_path):
    path = str(tmp_path / "x.db")
    store = SqliteRecordStore(path)
    store.save("s|b", {"/a": record_value(1, 2)})
    assert store.count() == 1
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = [row[1] for row in conn.execute("PRAGMA table_info(record)")]
    assert columns == ["r_key", "r_val", "r_time"]
    assert conn.execute("SELECT r_key, r_val FROM record").fetchall() == [("s|b|/a", "1:2:")]
    conn.close()


def test_sqlite_unwritable_folder_is_typed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RecordDatabaseError) as info:
        SqliteRecordStore(str(blocker / "sub" / "x.db"))
    assert isinstance(info.value, RayvisionError)


def test_redis_unreachable_is_typed():
    store = RedisRecordStore(host="127.0.0.1", port=rvsync_helpers_free_port(), timeout="300")
    with pytest.raises(RecordDatabaseError, match="redis record database at 127.0.0.1"):
        store.lookup("s|b", ["/a"])


def rvsync_helpers_free_port():
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_redis_password_never_in_reprs(redis_db):
    store = RedisRecordStore(host="127.0.0.1", port=redis_db.port, password="TopSecret-42",
                             table_index="3")
    assert "TopSecret-42" not in repr(store) + repr(store.client) + store.where
    store.close()


def test_redis_bad_table_index():
    with pytest.raises(RecordDatabaseError, match="table_index"):
        RedisRecordStore(table_index="first")


def test_open_record_store(tmp_path, redis_db):
    path = str(tmp_path / "r.db")
    assert open_record_store({"on": "false", "type": "sqlite"}, {}, path) is None
    opened = open_record_store({"on": "true", "type": "sqlite"}, {}, path)
    assert opened.kind == "sqlite" and os.path.exists(path)
    opened.close()
    opened = open_record_store({"on": "true", "type": " REDIS"},
                               redis_db.config(table_index="3"), path)
    assert opened.kind == "redis"
    opened.close()
    with pytest.raises(UnsupportedDatabaseError):
        open_record_store({"on": "true", "type": "mongodb"}, {}, path)


def run_processes(kind, target, files=1500, batch=100):
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    queue = context.Queue()
    processes = [context.Process(target=rvsync_helpers.record_worker,
                                 args=(kind, target, proc, files, batch, start, queue))
                 for proc in range(PROCESSES)]
    for process in processes:
        process.start()
    start.set()
    outcomes = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(30)
    assert sorted(outcomes) == [(proc, None) for proc in range(PROCESSES)]
    return files


def check_all_records(store, files):
    scope = "127.0.0.1:1|shared_input"
    for proc in range(PROCESSES):
        paths = ["/proc{0}/f{1}.exr".format(proc, index) for index in range(files)]
        found = store.lookup(scope, paths)
        assert len(found) == files - 1, proc  # f0 was deleted by its writer
        assert found[paths[-1]] == record_value(files - 1, proc * 1000000 + files - 1,
                                                "ab" * 32)


def test_eight_processes_share_one_sqlite_file(tmp_path):
    path = str(tmp_path / "shared" / "db" / "1586932339.db")
    files = run_processes("sqlite", path)
    store = SqliteRecordStore(path)
    check_all_records(store, files)
    store.close()


def test_eight_processes_share_one_redis_database(redis_db):
    target = redis_db.config(table_index="3")
    files = run_processes("redis", target)
    store = RedisRecordStore(**target)
    check_all_records(store, files)
    store.close()
