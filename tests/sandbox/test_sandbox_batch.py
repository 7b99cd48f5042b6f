"""Batch upload of small files (docs/storage-protocol.md, "Batch upload") served by the sandbox."""

import hashlib
import json
import os
import uuid

import pytest
import requests

from rayvision_sandbox.storage_batch import MAX_BYTES, MAX_FILE_SIZE, MAX_FILES


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def bid(api):
    return api.user_info["input_bid"]


@pytest.fixture
def folder():
    return "/batch/" + uuid.uuid4().hex[:10]


def batch_body(files, manifest=None):
    """Body of a batch: ``files`` are ``(path, data)``; ``manifest`` overrides its entries."""
    entries = manifest if manifest is not None else [
        {"path": path, "size": len(data), "sha256": sha(data)} for path, data in files]
    head = json.dumps({"files": entries}, ensure_ascii=False).encode("utf-8")
    return head + b"\n" + b"".join(data for _, data in files)


def put_batch(storage, bid, body, count, params=None, path="/"):
    sent = {"batch": 1, "count": count, "size": len(body), "sha256": sha(body)}
    sent.update(params or {})
    return storage.request("PUT", bid, path, sent, data=body)


def listed(storage, bid, folder):
    return dict((item["path"], item["sha256"]) for item in storage.listing(bid, folder))


def test_batch_stores_every_file_and_answers_each(storage, bid, farm, folder):
    files = [(folder + "/tex{0}.png".format(index), os.urandom(100 * index))
             for index in range(20)]
    files.append((folder + u"/sub dir/ü née.exr", b"unicode"))
    response = put_batch(storage, bid, batch_body(files), len(files))
    assert response.status_code == 200, response.text
    results = response.json()["data"]["files"]
    assert results == [{"path": path, "offset": len(data), "complete": True}
                       for path, data in files]
    assert listed(storage, bid, folder) == dict((path, sha(data)) for path, data in files)
    for path, data in files:
        with open(farm.storage_path(farm.access_id, "input", path), "rb") as handle:
            assert handle.read() == data
    # Replacing files by a batch works like a single PUT's replacement.
    again = [(files[0][0], b"new content")]
    assert put_batch(storage, bid, batch_body(again), 1).status_code == 200
    assert storage.get(bid, files[0][0]).content == b"new content"


def test_whole_body_digest_mismatch_writes_nothing(storage, bid, folder):
    files = [(folder + "/a.png", b"a" * 10), (folder + "/b.png", b"b" * 10)]
    body = batch_body(files)
    response = put_batch(storage, bid, body, 2, {"sha256": sha(body + b"x")})
    assert response.status_code == 422
    assert "nothing was written" in response.json()["message"]
    assert storage.listing(bid, folder) == []


def test_one_file_digest_mismatch_stores_only_the_verified_files(storage, bid, folder):
    files = [(folder + "/good.png", b"good"), (folder + "/bad.png", b"bad!"),
             (folder + "/also_good.png", b"fine")]
    manifest = [{"path": path, "size": len(data), "sha256": sha(data)} for path, data in files]
    manifest[1]["sha256"] = sha(b"something else")
    response = put_batch(storage, bid, batch_body(files, manifest), 3)
    assert response.status_code == 200, response.text
    results = response.json()["data"]["files"]
    assert [item["complete"] for item in results] == [True, False, True]
    assert results[1]["code"] == 422 and results[1]["offset"] == 0
    assert sorted(listed(storage, bid, folder)) == [folder + "/also_good.png",
                                                     folder + "/good.png"]
    assert storage.get(bid, folder + "/bad.png").status_code == 404


@pytest.mark.parametrize("evil", ["/a/../../../etc/passwd", "\\..\\..\\x.png", "/a/\x00b",
                                  "relative/x.png", "/"])
def test_escaping_path_refuses_the_whole_batch(storage, bid, folder, evil, farm):
    files = [(folder + "/first.png", b"first"), (evil, b"evil")]
    response = put_batch(storage, bid, batch_body(files), 2)
    assert response.status_code == 400
    assert "nothing was written" in response.json()["message"]
    assert storage.listing(bid, folder) == []
    root = os.path.dirname(farm.storage_path(farm.access_id, "input", "/"))
    assert not os.path.exists(os.path.join(root, "etc", "passwd"))


def test_other_users_storage_is_refused(storage, other_user, folder, farm):
    files = [(folder + "/x.png", b"x")]
    response = put_batch(storage, other_user.user_info["input_bid"], batch_body(files), 1)
    assert response.status_code == 403
    assert farm.storages.list(other_user.user_info["input_bid"], folder) == []


def test_unsigned_batch_is_401(storage, bid, folder, farm):
    body = batch_body([(folder + "/x.png", b"x")])
    response = requests.put(farm.url + "/storage/{0}/".format(bid), data=body, params={
        "batch": 1, "count": 1, "size": len(body), "sha256": sha(body)}, timeout=10)
    assert response.status_code == 401
    assert storage.listing(bid, folder) == []


def test_limits(storage, bid, folder):
    many = [(folder + "/m{0}.png".format(index), b"m") for index in range(MAX_FILES + 1)]
    response = put_batch(storage, bid, batch_body(many), len(many))
    assert response.status_code == 413
    assert str(MAX_FILES) in response.json()["message"]
    big = [(folder + "/big.bin", b"\0" * (MAX_FILE_SIZE + 1))]
    response = put_batch(storage, bid, batch_body(big), 1)
    assert response.status_code == 413
    assert "big.bin" in response.json()["message"]
    # A body over the batch bound is refused from its parameters, before it is read.
    response = storage.request("PUT", bid, "/", {"batch": 1, "count": 1, "size": MAX_BYTES + 1,
                                                 "sha256": "0" * 64}, data=b"x")
    assert response.status_code == 413
    assert storage.listing(bid, folder) == []
    # Exactly at the bounds is fine.
    edge = [(folder + "/e{0}.png".format(index), b"e") for index in range(MAX_FILES - 1)]
    edge.append((folder + "/edge.bin", os.urandom(MAX_FILE_SIZE)))
    response = put_batch(storage, bid, batch_body(edge), len(edge))
    assert response.status_code == 200, response.text
    assert len(storage.listing(bid, folder)) == MAX_FILES


@pytest.mark.parametrize("case", ["count", "sizes_short", "sizes_long", "duplicate", "json",
                                  "no_manifest", "not_root", "content_length", "bad_sha"])
def test_inconsistent_batches_write_nothing(storage, bid, folder, case):
    files = [(folder + "/a.png", b"aaaa"), (folder + "/b.png", b"bbbb")]
    manifest = [{"path": path, "size": len(data), "sha256": sha(data)} for path, data in files]
    count, params, path = 2, {}, "/"
    body = batch_body(files, manifest)
    if case == "count":
        count = 3
    elif case == "sizes_short":
        manifest[1]["size"] = 3
        body = batch_body(files, manifest)
    elif case == "sizes_long":
        manifest[1]["size"] = 5
        body = batch_body(files, manifest)
    elif case == "duplicate":
        manifest[1]["path"] = manifest[0]["path"]
        body = batch_body(files, manifest)
    elif case == "json":
        body = b"{not json\n" + b"aaaabbbb"
    elif case == "no_manifest":
        body = b"aaaabbbb"
    elif case == "not_root":
        path = folder
    elif case == "content_length":
        params = {"size": len(body) + 1}
    elif case == "bad_sha":
        manifest[0]["sha256"] = "xyz"
        body = batch_body(files, manifest)
    response = put_batch(storage, bid, body, count, params, path)
    assert response.status_code == 400, (case, response.text)
    assert storage.listing(bid, folder) == []


def test_cut_batch_keeps_nothing(storage, bid, folder, farm):
    files = [(folder + "/c{0}.bin".format(index), os.urandom(20000)) for index in range(10)]
    body = batch_body(files)
    farm.faults.set(reset_after_bytes=50000)
    resets = farm.faults.counters["resets"]
    with pytest.raises(requests.exceptions.ConnectionError):
        put_batch(storage, bid, body, len(files))
    farm.faults.clear()
    storage.session.close()
    assert farm.faults.counters["resets"] == resets + 1
    assert storage.listing(bid, folder) == []
    assert put_batch(storage, bid, body, len(files)).status_code == 200
    assert len(storage.listing(bid, folder)) == 10


def test_single_puts_are_unchanged_next_to_batches(storage, bid, folder):
    storage.upload(bid, folder + "/single.png", b"single")
    response = storage.put(bid, folder + "/single2.png", b"abc")
    assert response.json()["data"] == {"offset": 3, "complete": True}
    assert sorted(listed(storage, bid, folder)) == [folder + "/single.png",
                                                     folder + "/single2.png"]


def test_a_batch_of_no_files_is_a_bad_request_not_too_large(storage, bid, folder):
    # count=0 answered 413 ("over a bound"), which tells a client to send smaller batches.
    body = batch_body([])
    response = put_batch(storage, bid, body, 0)
    assert response.status_code == 400, response.text
    assert "count" in response.json()["message"]
    assert storage.listing(bid, folder) == []
