"""The parsed-upload.json cache: used only for the very same bytes, never trusted otherwise.

Real files on disk through ``read_upload_list`` (docs/sync.md, "Upload-record database").
"""

import json
import os

import pytest

from rayvision_sync import upload_list_cache
from rayvision_sync.upload import read_upload_json, read_upload_list


@pytest.fixture
def small_lists_cached(monkeypatch):
    monkeypatch.setattr(upload_list_cache, "MIN_ENTRIES", 1)


def write(path, pairs):
    with open(str(path), "w", encoding="utf-8") as handle:
        json.dump({"asset": [{"local": local, "server": server} for local, server in pairs]},
                  handle, ensure_ascii=False)
    return str(path)


def pairs_of(count, tag="a"):
    return [("/work/{0}/f{1}.exr".format(tag, index), "/p/{0}/f{1}.exr".format(tag, index))
            for index in range(count)]


def test_the_same_bytes_come_from_the_cache(tmp_path, small_lists_cached, monkeypatch):
    upload_json = write(tmp_path / "upload.json", pairs_of(3) + [(u"/w/\u00e9t\u00e9.exr",
                                                                  u"/p/\u00e9t\u00e9.exr")])
    cache = str(tmp_path / "records" / "upload_list.cache")
    first = list(read_upload_list(upload_json, cache))
    assert first == read_upload_json(upload_json) and os.path.isfile(cache)
    monkeypatch.setattr("rayvision_sync.upload._upload_list_of",
                        lambda *args: pytest.fail("parsed although cached"))
    assert list(read_upload_list(upload_json, cache)) == first


def test_other_bytes_are_parsed_even_with_the_same_size_and_mtime(tmp_path,
                                                                  small_lists_cached):
    upload_json = write(tmp_path / "upload.json", pairs_of(3, "a"))
    cache = str(tmp_path / "upload_list.cache")
    read_upload_list(upload_json, cache)
    before = os.stat(upload_json)
    write(upload_json, pairs_of(3, "b"))
    os.utime(upload_json, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(upload_json).st_size == before.st_size
    assert list(read_upload_list(upload_json, cache)) == pairs_of(3, "b")


@pytest.mark.parametrize("damage", [b"", b"garbage", b"rayvision-upload-list 1 x 2 y\n",
                                    "truncate", "count", "flip", b"\xff" * 100])
def test_a_damaged_cache_means_not_cached(tmp_path, small_lists_cached, damage):
    upload_json = write(tmp_path / "upload.json", pairs_of(4))
    cache = str(tmp_path / "upload_list.cache")
    read_upload_list(upload_json, cache)
    with open(cache, "rb") as handle:
        data = handle.read()
    header, _, body = data.partition(b"\n")
    if damage == "truncate":
        data = data[:-10]
    elif damage == "flip":
        data = data[:-3] + b"X" + data[-2:]
    elif damage == "count":
        fields = header.split(b" ")
        fields[-2] = b"3"
        data = b" ".join(fields) + b"\n" + body
    else:
        data = damage
    with open(cache, "wb") as handle:
        handle.write(data)
    assert list(read_upload_list(upload_json, cache)) == pairs_of(4)


def test_lists_that_cannot_round_trip_or_are_small_are_not_cached(tmp_path):
    cache = str(tmp_path / "upload_list.cache")
    read_upload_list(write(tmp_path / "small.json", pairs_of(10)), cache)
    assert not os.path.exists(cache)  # below MIN_ENTRIES: parsing is cheap
    upload_list_cache.MIN_ENTRIES, saved = 1, upload_list_cache.MIN_ENTRIES
    try:
        odd = write(tmp_path / "nul.json", [("/w/a.exr", u"/p/a\u0000b.exr")])
        assert list(read_upload_list(odd, cache)) == [("/w/a.exr", u"/p/a\u0000b.exr")]
        assert not os.path.exists(cache)
    finally:
        upload_list_cache.MIN_ENTRIES = saved


def test_errors_are_the_same_with_a_cache(tmp_path, small_lists_cached):
    from rayvision_api.exception import RayvisionArgumentError

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(RayvisionArgumentError, match="not valid JSON"):
        read_upload_list(str(bad), str(tmp_path / "upload_list.cache"))
