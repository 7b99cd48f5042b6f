"""Upload summaries: a second run over unchanged files reads no record, and every rule holds.

The store parts run against a real sqlite file and a real redis-server; the upload parts go
through ``RayvisionUpload.upload_asset`` against the sandbox farm, with sqlite and with redis
(docs/sync.md, "Upload-record database", the summary rule).
"""

import os
import random
import shutil

import pytest
from rvsync_helpers import make_file, read, write_upload_json

from rayvision_sync.record_summary import SummaryRun, list_digest, prune, summary_value
from rayvision_sync.records import RedisRecordStore, SqliteRecordStore, record_value
from rayvision_sync.upload import RayvisionUpload
from rayvision_sync.upload_plan import WIDTH, StatTable, stat_files

SCOPE = "task.renderbus.com|9001"

DB_CONFIG = ("[TRANSFER_LOG_PATH]\ntransfer_log_path =\n\n[DATABASE_CONFIG]\non = true\n"
             "type = {kind}\ndb_path =\n\n[REDIS]\nhost = 127.0.0.1\nport = {port}\n"
             "password =\ntable_index = 3\ntimeout = 5000\n\n[SQLITE]\ntemporary = false\n")


# -- the digest ------------------------------------------------------------------------------

def _table(tmp_path, count=3):
    files = [make_file(tmp_path / "f{0}.exr".format(index), 10 + index) for index in range(count)]
    return stat_files([(path, "/p/" + os.path.basename(path)) for path in files], []), files


def test_digest_covers_paths_and_every_fingerprint_field(tmp_path):
    table, files = _table(tmp_path)
    digest = table.digest()
    assert stat_files(list(zip(files, table.servers)), []).digest() == digest
    assert StatTable(table.servers[::-1], table.locals[::-1],
                     list(table.fields)).digest() != digest
    renamed = StatTable(["/q" + server for server in table.servers], table.locals,
                        table.fields)
    assert renamed.digest() != digest
    for field in range(WIDTH):  # size, mtime_ns, ctime_ns, inode, mode
        fields = list(table.fields)
        fields[field] += 1
        assert StatTable(table.servers, table.locals, fields).digest() != digest


def test_a_list_named_by_its_file_digest_still_covers_every_field(tmp_path, monkeypatch):
    table, _ = _table(tmp_path)
    named = StatTable(table.servers, table.locals, table.fields, as_listed=True,
                      identity="ab" * 32)
    digest = named.digest()
    assert digest != table.digest()
    assert StatTable(table.servers, table.locals, table.fields, as_listed=True,
                     identity="cd" * 32).digest() != digest
    for field in range(WIDTH):
        fields = list(table.fields)
        fields[field] += 1
        assert StatTable(table.servers, table.locals, fields, as_listed=True,
                         identity="ab" * 32).digest() != digest
    monkeypatch.chdir(tmp_path)  # relative local paths name other files elsewhere
    assert named.digest() != digest


def test_digest_of_numbers_above_int64_still_compares(tmp_path):
    table, _ = _table(tmp_path, 1)
    fields = list(table.fields)
    fields[3] = 2 ** 64 - 5  # a file id above 2**63 (some network file systems)
    first = list_digest(table.servers, table.locals, fields)
    assert first == list_digest(table.servers, table.locals, list(fields))
    fields[3] -= 1
    assert list_digest(table.servers, table.locals, fields) != first


def test_folders_missing_files_and_duplicates_take_the_long_way_to_the_same_table(tmp_path):
    folder = tmp_path / "textures"
    make_file(folder / "b.exr", 5)
    make_file(folder / "sub" / "a.exr", 6)
    single = make_file(tmp_path / "one.exr", 7)
    failures = []
    table = stat_files([(str(folder), "/p/tex"), (single, "/p/one.exr"),
                        (single, "/p//one.exr"), (str(tmp_path / "gone.exr"), "/p/gone")],
                       failures)
    assert table.servers == ["/p/tex/b.exr", "/p/tex/sub/a.exr", "/p/one.exr"]
    assert list(table.sizes()) == [5, 6, 7]
    assert [path for path, _ in failures] == [str(tmp_path / "gone.exr")]
    again = stat_files([(str(folder), "/p/tex"), (single, "/p/one.exr")], [])
    assert again.digest() == table.digest()


def test_prune_keeps_the_current_generation_only():
    entries = [("a", summary_value(3, 10, 20)), ("b", summary_value(4, 10, 21)),
               ("c", "garbage")]
    assert sorted(prune(entries, 4, "d")) == ["a", "c"]
    many = [(str(index), summary_value(4, 1, index)) for index in range(70)]
    assert len(prune(many, 4, "new")) == 70


# -- the stores ------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "redis"])
def stores(request, tmp_path):
    """Two store objects on one database: two processes, or two machines on one redis."""
    if request.param == "sqlite":
        path = str(tmp_path / "records.db")
        opened = [SqliteRecordStore(path), SqliteRecordStore(path)]
    else:
        server = request.getfixturevalue("redis_db")
        opened = [RedisRecordStore(**server.config(table_index="3")) for _ in range(2)]
    yield opened
    for store in opened:
        store.close()


def value(size, sha="a" * 64, checked=1700000000):
    return record_value(size, 10, sha, 20, 30, checked)


def test_summary_is_valid_only_at_its_generation(stores):
    store, other = stores
    assert store.summary(SCOPE, "d1") == (None, 0)
    store.save(SCOPE, {"/a": value(1), "/b": value(2)})  # new records: nothing to invalidate
    summary, generation = store.summary(SCOPE, "d1")
    assert (summary, generation) == (None, 0)
    assert store.save_summary(SCOPE, "d1", 1700000000, generation)
    summary, generation = other.summary(SCOPE, "d1")
    assert (summary.generation, summary.oldest, generation) == (0, 1700000000, 0)
    # A confirmation (same fingerprint, new time) leaves it valid ...
    other.save(SCOPE, {"/a": value(1, checked=1800000000)})
    assert other.summary(SCOPE, "d1")[1] == 0
    # ... another fingerprint, written by anyone, does not.
    other.save(SCOPE, {"/a": value(5)})
    summary, generation = store.summary(SCOPE, "d1")
    assert summary.generation == 0 and generation == 1
    assert (store.bumps(SCOPE), other.bumps(SCOPE)) == (0, 1)
    assert not store.save_summary(SCOPE, "d2", 1700000000, 0)  # written on stale knowledge
    assert store.summary(SCOPE, "d2")[0] is None


def test_another_machine_dropping_a_record_invalidates_every_summary(stores):
    store, other = stores
    store.save(SCOPE, {"/a": value(1), "/b": value(2)})
    assert store.save_summary(SCOPE, "d1", 1700000000, 0)
    other.delete(SCOPE, ["/b"])
    summary, generation = store.summary(SCOPE, "d1")
    assert summary.generation != generation
    # Writing a summary at the new generation drops the dead one.
    assert store.save_summary(SCOPE, "d2", 1700000000, generation)
    assert store.summary(SCOPE, "d1")[0] is None
    assert store.summary("other.farm|1", "d2") == (None, 0)  # scopes are independent


def test_rebuilt_sqlite_database_holds_no_summary(tmp_path, sync_log):
    path = str(tmp_path / "records.db")
    with SqliteRecordStore(path) as store:
        store.save(SCOPE, {"/a": value(1)})
        assert store.save_summary(SCOPE, "d1", 1700000000, 0)
    with open(path, "r+b") as handle:
        handle.write(b"this is not a database any more" * 200)
    with SqliteRecordStore(path) as store:
        assert store.summary(SCOPE, "d1") == (None, 0)
    assert sync_log.text.count("moved aside") == 1


def test_summary_run_refuses_a_file_recorded_with_another_fingerprint(tmp_path):
    path = str(tmp_path / "records.db")
    with SqliteRecordStore(path) as store:
        run = SummaryRun(store, SCOPE, "d1", 0)

        class Sent(object):
            server, stamp = "/a", (1, 10, 20, 30)

        run.sending([Sent()])
        run.recorded("/a", None)  # changed while being sent: not recorded
        assert not run.write(store)
        run = SummaryRun(store, SCOPE, "d1", 0)
        run.sending([Sent()])
        run.recorded("/a", record_value(1, 10, "a" * 64, 21, 30))
        assert not run.write(store)
        run = SummaryRun(store, SCOPE, "d1", 0)
        run.sending([Sent()])
        store.save(SCOPE, {"/a": value(9)})
        store.save(SCOPE, {"/a": value(1)})  # this run's own write bumps: still expected
        run.recorded("/a", value(1))
        assert run.write(store)


# -- through upload_asset --------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "redis"])
def uploader(request, api, sync_env, monkeypatch):
    """``make()`` -> a RayvisionUpload on the sqlite or the redis record store, counting the
    record reads of every store it opens."""
    port = 0
    if request.param == "redis":
        port = request.getfixturevalue("redis_db").port
    ini = sync_env / "db_config.ini"
    ini.write_text(DB_CONFIG.format(kind=request.param, port=port))
    reads = []
    for cls in (SqliteRecordStore, RedisRecordStore):
        for name in ("lookup", "prefetch"):
            original = getattr(cls, name)

            def counted(self, scope, *args, _original=original):
                reads.append(scope)
                return _original(self, scope, *args)
            monkeypatch.setattr(cls, name, counted)

    def make():
        upload = RayvisionUpload(api, db_config_path=str(ini))
        upload.reads = reads
        return upload
    make.kind = request.param
    return make


def project(sync_env, count=6):
    root = "/summary_{0}".format(random.getrandbits(40))
    files = [make_file(sync_env / "assets" / "tex{0}.png".format(index), 3000 + index,
                       seed=index) for index in range(count)]
    pairs = [(path, root + "/tex{0}.png".format(index)) for index, path in enumerate(files)]
    return write_upload_json(sync_env / "work" / "1586932339", pairs), files, pairs


def run(upload, upload_json, **options):
    del upload.reads[:]
    upload.upload_asset(upload_json, **options)
    result = upload.last_result
    return result.files_transferred, result.files_skipped, len(upload.reads)


def on_farm(farm, path):
    return farm.storage_path(farm.access_id, "input", path)


def test_second_run_reads_no_record_and_a_restored_mtime_change_is_still_sent(uploader,
                                                                              farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = uploader()
    assert run(upload, upload_json)[:2] == (6, 0)
    assert run(upload, upload_json) == (0, 6, 0)
    assert run(uploader(), upload_json) == (0, 6, 0)  # a new process, the same store
    before = os.stat(files[4])
    with open(files[4], "r+b") as handle:  # same size, new bytes, mtime restored
        handle.write(b"NEWBYTES")
    os.utime(files[4], ns=(before.st_atime_ns, before.st_mtime_ns))
    transferred, skipped, reads = run(upload, upload_json)
    assert (transferred, skipped) == (1, 5) and reads > 0
    assert read(on_farm(farm, pairs[4][1])) == read(files[4])
    assert run(upload, upload_json) == (0, 6, 0)


def test_a_record_dropped_elsewhere_makes_the_next_run_read_the_records(uploader, farm,
                                                                        sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = uploader()
    run(upload, upload_json)
    assert run(upload, upload_json) == (0, 6, 0)
    scope = upload.engine.scope("input_bid")
    elsewhere = upload.open_records()  # another process, or another machine on the redis
    elsewhere.delete(scope, [pairs[1][1]])
    elsewhere.close()
    transferred, skipped, reads = run(upload, upload_json)
    assert (transferred, skipped) == (1, 5) and reads > 0
    assert run(upload, upload_json) == (0, 6, 0)


def test_file_gone_from_the_farm_is_sent_again_on_the_summary_path(uploader, farm,
                                                                    sync_env, sync_log):
    upload_json, files, pairs = project(sync_env)
    upload = uploader()
    run(upload, upload_json)
    assert run(upload, upload_json) == (0, 6, 0)
    assert upload.engine.delete("input_bid", pairs[2][1])
    upload.engine.verify_fraction = 1.0
    assert run(upload, upload_json) == (1, 5, 0)
    assert read(on_farm(farm, pairs[2][1])) == read(files[2])
    assert "1 recorded files are missing or different on the farm" in sync_log.text
    upload.engine.verify_fraction = 0.0
    assert run(upload, upload_json) == (0, 6, 0)


def test_aged_records_are_still_checked_when_a_summary_exists(uploader, farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = uploader()
    run(upload, upload_json)
    assert run(upload, upload_json) == (0, 6, 0)
    os.remove(on_farm(farm, pairs[5][1]))
    upload.engine.verify_fraction = 0.0
    assert run(upload, upload_json) == (0, 6, 0)  # young records: only the sample is checked
    upload.engine.verify_age = 0  # every record is now too old to trust unchecked
    transferred, skipped, reads = run(upload, upload_json)
    assert (transferred, skipped) == (1, 5) and reads > 0
    assert read(on_farm(farm, pairs[5][1])) == read(files[5])


def test_verify_hash_reads_the_records(uploader, farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = uploader()
    run(upload, upload_json)
    transferred, skipped, reads = run(upload, upload_json, verify="hash")
    assert (transferred, skipped) == (0, 6) and reads > 0


def test_a_changed_upload_list_reads_the_records_once(uploader, farm, sync_env):
    upload_json, files, pairs = project(sync_env)
    upload = uploader()
    run(upload, upload_json)
    smaller = write_upload_json(sync_env / "work" / "1586999999", pairs[:4])
    transferred, skipped, reads = run(upload, smaller)
    assert (transferred, skipped) == (0, 4) and reads > 0
    assert run(upload, smaller) == (0, 4, 0)
    assert run(upload, upload_json) == (0, 6, 0)  # both lists keep their summary


def test_the_same_relative_upload_json_in_another_folder_is_checked_file_by_file(
        uploader, farm, sync_env, monkeypatch):
    # One upload.json, byte for byte, naming files relative to the working folder: from
    # another folder it names other files, which the first run's summary does not cover.
    root = "/relative_{0}".format(random.getrandbits(40))
    pairs = [("tex{0}.png".format(index), root + "/tex{0}.png".format(index))
             for index in range(3)]
    upload_json = write_upload_json(sync_env / "work" / "1587000001", pairs)
    first, second = sync_env / "shot_a", sync_env / "shot_b"
    for folder, seed in ((first, 1), (second, 2)):
        for local, _ in pairs:
            make_file(folder / local, 2000, seed=seed)
    upload = uploader()
    monkeypatch.chdir(first)
    assert run(upload, upload_json)[:2] == (3, 0)
    assert run(upload, upload_json) == (0, 3, 0)
    monkeypatch.chdir(second)
    transferred, skipped, reads = run(upload, upload_json)
    assert (transferred, skipped) == (3, 0) and reads > 0
    assert read(on_farm(farm, pairs[0][1])) == read(second / pairs[0][0])


def test_corrupt_database_is_healed_and_the_summary_comes_back(api, farm, sync_env,
                                                               sync_log):
    upload_json, files, pairs = project(sync_env)
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json)
    path = upload.records_path()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copyfile(files[0], path)  # not a database any more
    upload.upload_asset(upload_json)
    assert upload.last_result.files_transferred == 6
    upload.upload_asset(upload_json)
    assert upload.last_result.files_skipped == 6
    assert sync_log.text.count("moved aside") == 1


def test_the_summary_path_writes_nothing(uploader, farm, sync_env, monkeypatch):
    upload_json, files, pairs = project(sync_env)
    upload = uploader()
    run(upload, upload_json)
    writes = []
    for cls in (SqliteRecordStore, RedisRecordStore):
        for name in ("save", "delete", "save_summary"):
            monkeypatch.setattr(cls, name, lambda self, *args, _name=name: writes.append(_name))
    upload.engine.verify_fraction = 1.0  # every file confirmed on the farm, none rewritten
    assert run(upload, upload_json) == (0, 6, 0)
    assert writes == []


def test_upload_from_a_working_folder_that_was_removed(api, farm, sync_env, tmp_path,
                                                      monkeypatch):
    # A render-manager job whose temporary working folder was cleaned up meanwhile: the
    # upload.json names absolute paths, so the working folder plays no part.
    work = sync_env / "w" / "gone-cwd"
    files = [make_file(work / "f{0}.png".format(index), 100 + index) for index in range(3)]
    upload_json = write_upload_json(work, [(path, "/gone_cwd_{0}/{1}".format(
        random.getrandbits(32), os.path.basename(path))) for path in files])
    upload = RayvisionUpload(api)
    upload.upload_asset(upload_json)
    cwd = tmp_path / "job-cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    cwd.rmdir()
    upload.upload_asset(upload_json)
    assert (upload.last_result.files_skipped, upload.last_result.files_transferred) == (3, 0)
