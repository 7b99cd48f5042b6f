"""The unchanged-file check over a mixed job: upload.json entries, unreadable files, folders,
and every kind of record (docs/sync.md, "Upload-record database")."""

import json
import os
import time

import pytest

from rayvision_api.exception import RayvisionArgumentError
from rayvision_sync.exception import UnsafePathError
from rayvision_sync.records import record_value
from rayvision_sync.upload import read_upload_json
from rayvision_sync.upload_plan import plan_uploads, stat_pairs


def _upload_json(tmp_path, assets):
    path = tmp_path / "upload.json"
    path.write_text(json.dumps({"asset": assets}), encoding="utf-8")
    return str(path)


def test_a_plain_upload_json_gives_its_pairs_in_order(tmp_path):
    assets = [{"local": "D:/p/{0}.png".format(index), "server": "/D/p/{0}.png".format(index)}
              for index in range(50)]
    pairs = read_upload_json(_upload_json(tmp_path, assets))
    assert pairs == [(asset["local"], asset["server"]) for asset in assets]


def test_a_dot_dot_inside_a_name_is_accepted(tmp_path):
    assets = [{"local": "/p/a..b.png", "server": "/p/a..b.png"},
              {"local": "/p/c.png", "server": "/p/c.png"}]
    assert read_upload_json(_upload_json(tmp_path, assets)) == [
        ("/p/a..b.png", "/p/a..b.png"), ("/p/c.png", "/p/c.png")]


@pytest.mark.parametrize("bad, error, named", [
    ({"local": "/p/x.png"}, RayvisionArgumentError, "asset[3]"),
    ({"local": "", "server": "/p/x.png"}, RayvisionArgumentError, "asset[3]"),
    ({"local": "/p/x.png", "server": 7}, RayvisionArgumentError, "asset[3]"),
    ({"local": "/p/x.png", "server": ""}, RayvisionArgumentError, "asset[3]"),
    ("/p/x.png", RayvisionArgumentError, "asset[3]"),
    ({"local": "/p/x.png", "server": "/p/../x.png"}, UnsafePathError, "asset[3]"),
])
def test_the_bad_entry_among_good_ones_is_named(tmp_path, bad, error, named):
    assets = [{"local": "/p/{0}.png".format(index), "server": "/p/{0}.png".format(index)}
              for index in range(3)]
    with pytest.raises(error, match=named.replace("[", r"\[").replace("]", r"\]")):
        read_upload_json(_upload_json(tmp_path, assets + [bad] + assets))


def _files(tmp_path, count):
    paths = []
    for index in range(count):
        path = tmp_path / "f{0}.png".format(index)
        path.write_bytes(b"x" * (index + 1))
        paths.append(str(path))
    return paths


def test_unreadable_files_are_failures_and_the_others_are_all_stated(tmp_path):
    paths = _files(tmp_path, 6)
    missing = [str(tmp_path / "gone0.png"), str(tmp_path / "gone1.png")]
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "in.png").write_bytes(b"abc")
    pairs = [(missing[0], "/p/gone0.png")] + [(path, "/p/" + os.path.basename(path))
                                               for path in paths[:3]]
    pairs += [(missing[1], "/p/gone1.png"), (str(folder), "/p/folder")]
    pairs += [(path, "/p/" + os.path.basename(path)) for path in paths[3:]]
    failures = []
    entries = stat_pairs(pairs, failures)
    assert [failed for failed, _ in failures] == missing
    expected = ["/p/" + os.path.basename(path) for path in paths] + ["/p/folder/sub/in.png"]
    assert sorted(entries) == sorted(expected)
    assert entries["/p/f2.png"][1].st_size == 3


def _value(info, checked):
    return record_value(info.st_size, info.st_mtime_ns, "ab" * 32, info.st_ctime_ns,
                        info.st_ino, checked)


def test_a_mixed_job_is_split_as_the_per_file_rules_say(tmp_path):
    paths = _files(tmp_path, 8)
    entries = stat_pairs([(path, "/p/" + os.path.basename(path)) for path in paths], [])
    now = time.time()
    info = dict((server, entry[1]) for server, entry in entries.items())
    known = {
        "/p/f0.png": _value(info["/p/f0.png"], now),  # current
        "/p/f1.png": _value(info["/p/f1.png"], now - 8 * 24 * 3600),  # current but aged
        "/p/f2.png": "{0}:{1}:{2}".format(info["/p/f2.png"].st_size,
                                          info["/p/f2.png"].st_mtime_ns, "cd" * 32),  # old
        "/p/f3.png": record_value(info["/p/f3.png"].st_size, info["/p/f3.png"].st_mtime_ns,
                                  "ab" * 32, info["/p/f3.png"].st_ctime_ns + 1,
                                  info["/p/f3.png"].st_ino, now),  # ctime moved
        "/p/f4.png": "not a record",
        "/p/f6.png": _value(info["/p/f6.png"], 0),  # confirmed at 0: aged
        "/p/f7.png": _value(info["/p/f7.png"], now),
    }
    plan = plan_uploads(entries, known, verify_fraction=0)
    assert sorted(entry[0] for entry in plan.skipped) == [
        "/p/f0.png", "/p/f1.png", "/p/f2.png", "/p/f6.png", "/p/f7.png"]
    assert sorted(transfer.server for transfer in plan.transfers) == [
        "/p/f3.png", "/p/f4.png", "/p/f5.png"]
    assert sorted(check[0] for check in plan.to_check) == ["/p/f1.png", "/p/f6.png"]
    assert list(plan.refresh) == ["/p/f2.png"]
    sizes = dict((entry[0], entry[2]) for entry in plan.skipped)
    assert sizes["/p/f7.png"] == 8


def test_all_current_and_fresh_records_skip_everything_and_check_nothing(tmp_path):
    paths = _files(tmp_path, 20)
    entries = stat_pairs([(path, "/p/" + os.path.basename(path)) for path in paths], [])
    known = dict((server, _value(entry[1], time.time())) for server, entry in entries.items())
    plan = plan_uploads(entries, known, verify_fraction=0)
    assert len(plan.skipped) == 20 and not plan.transfers and not plan.to_check
    assert not plan.refresh
