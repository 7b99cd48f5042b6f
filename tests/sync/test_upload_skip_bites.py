"""The unchanged-file skip decision, pinned where hand-made mutants of it survived.

Each test fails on one mutant of rayvision_sync (records.compare_record, record_summary,
upload_plan) that the other tests let through: an edited texture must never be skipped,
and a summary must never vouch for records another machine changed meanwhile.
"""

import os

from rvsync_helpers import make_file

from rayvision_sync.record_summary import SummaryRun
from rayvision_sync.records import UNCHANGED, SqliteRecordStore, compare_record, record_value
from rayvision_sync.upload_plan import plan_uploads

SCOPE = "task.renderbus.com|9001"
SHA = "b" * 64


def test_a_record_of_another_inode_sharing_its_leading_digits_does_not_match(tmp_path):
    """Inode 12 is not inode 123: the fields are compared whole, not as text prefixes."""
    texture = tmp_path / "wood.tx"
    make_file(texture, 64)
    info = os.stat(str(texture))
    other_inode = int("{0}7".format(info.st_ino))
    recorded = record_value(info.st_size, info.st_mtime_ns, SHA, info.st_ctime_ns,
                            other_inode, 1700000000)
    assert compare_record(recorded, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                          info.st_ino) is None
    plan = plan_uploads({"/wood.tx": (str(texture), info)}, {"/wood.tx": recorded},
                        verify_fraction=0)
    assert [transfer.server for transfer in plan.transfers] == ["/wood.tx"]
    assert plan.skipped == []
    # The same record with the file's own inode is the unchanged file.
    same = record_value(info.st_size, info.st_mtime_ns, SHA, info.st_ctime_ns, info.st_ino,
                        1700000000)
    assert compare_record(same, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                          info.st_ino) == UNCHANGED


def test_a_run_writes_no_summary_after_another_machine_changed_a_record(tmp_path):
    """The generation expected is the one read before the records plus the run's own bumps;
    another writer's bump in between means the run's view may be stale."""
    path = str(tmp_path / "records.db")
    store, other = SqliteRecordStore(path), SqliteRecordStore(path)
    try:
        store.save(SCOPE, {"/a": record_value(1, 10, SHA, 20, 30, 1700000000)})
        generation = store.summary(SCOPE, "d1")[1]
        run = SummaryRun(store, SCOPE, "d1", generation)
        other.save(SCOPE, {"/a": record_value(5, 11, SHA, 21, 30, 1700000000)})
        assert not run.write(store)
        assert store.summary(SCOPE, "d1")[0] is None
    finally:
        store.close()
        other.close()


def _recorded(tmp_path, name, seed, checked, sha=SHA):
    path = tmp_path / name
    make_file(path, 32, seed)
    info = os.stat(str(path))
    value = record_value(info.st_size, info.st_mtime_ns, sha, info.st_ctime_ns, info.st_ino,
                         checked)
    return "/" + name, (str(path), info), value


def test_the_plan_carries_the_oldest_confirmation_of_the_records_it_trusts(tmp_path):
    """A summary written from this plan stays valid until its oldest record ages: taking a
    younger time would let an aged record go unconfirmed."""
    now = 1700100000
    entries, known = {}, {}
    for name, seed, checked in (("a.tx", 1, now - 300), ("b.tx", 2, now - 100),
                                ("c.tx", 3, now - 200)):
        server, entry, value = _recorded(tmp_path, name, seed, checked)
        entries[server], known[server] = entry, value
    plan = plan_uploads(entries, known, verify_fraction=0, verify_age=3600, now=now)
    assert plan.transfers == [] and len(plan.skipped) == 3
    assert plan.oldest == now - 300


def test_hash_verification_sends_a_file_whose_record_holds_no_digest(tmp_path):
    """verify="hash" trusts only a digest it compared; a record without one proves nothing."""
    server, entry, value = _recorded(tmp_path, "grass.tx", 4, 1700000000, sha="")
    plan = plan_uploads({server: entry}, {server: value}, verify="hash", verify_fraction=0,
                        now=1700000100)
    assert [transfer.server for transfer in plan.transfers] == [server]
    assert plan.skipped == []


def test_hash_verification_sends_a_file_it_could_not_read(tmp_path):
    """A file gone between its stat and its digest is not vouched for: it goes to the sends
    (which report it), never silently to the skipped files."""
    server, entry, value = _recorded(tmp_path, "rock.tx", 5, 1700000000)
    os.remove(entry[0])
    plan = plan_uploads({server: entry}, {server: value}, verify="hash", verify_fraction=0,
                        now=1700000100)
    assert [transfer.server for transfer in plan.transfers] == [server]
    assert plan.skipped == []


def test_an_older_form_record_with_another_digest_is_not_rewritten(tmp_path):
    """Rewriting it in the new form (which trusts size, times and inode) would make the
    edited file look unchanged to every later run if this run's send failed."""
    server, entry, _ = _recorded(tmp_path, "leaf.tx", 6, 1700000000)
    info = entry[1]
    older = "{0}:{1}:{2}".format(info.st_size, info.st_mtime_ns, "c" * 64)
    plan = plan_uploads({server: entry}, {server: older}, verify="hash", verify_fraction=0,
                        now=1700000100)
    assert [transfer.server for transfer in plan.transfers] == [server]
    assert server not in plan.refresh
    # With verify="stat" the same record is trusted once and rewritten in the new form.
    trusted = plan_uploads({server: entry}, {server: older}, verify_fraction=0,
                           now=1700000100)
    assert server in trusted.refresh and trusted.transfers == []
