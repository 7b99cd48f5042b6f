"""Storage client mistakes answer 4xx naming the parameter; caches and partials are bounded."""

import hashlib
import os
import threading
import time

import pytest

from rayvision_sandbox.storage import Storages


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def bid(api):
    return api.user_info["input_bid"]


def test_streaming_protocol_digest_commits_the_upload(storage, bid):
    data = os.urandom(300000)
    identity = {"size": len(data), "token": "client-token-1"}
    first = storage.request("PUT", bid, "/stream/a.bin", dict(identity, offset=0),
                            data=data[:100000])
    assert first.status_code == 200 and first.json()["data"] == {"offset": 100000,
                                                                 "complete": False}
    state = storage.get(bid, "/stream/a.bin", params=dict(identity, upload=1))
    assert state.json()["data"]["offset"] == 100000
    rest = storage.request("PUT", bid, "/stream/a.bin", dict(identity, offset=100000),
                           data=data[100000:])
    # Every byte is held, but nothing is visible before the digest commits it.
    assert rest.json()["data"] == {"offset": len(data), "complete": False}
    assert storage.get(bid, "/stream/a.bin").status_code == 404
    wrong = storage.request("PUT", bid, "/stream/a.bin",
                            dict(identity, offset=len(data), sha256="0" * 64), data=b"")
    assert wrong.status_code == 422
    assert storage.get(bid, "/stream/a.bin").status_code == 404
    again = storage.request("PUT", bid, "/stream/a.bin",
                            dict(identity, offset=0, sha256=sha(data)), data=data)
    assert again.json()["data"] == {"offset": len(data), "complete": True}
    assert storage.get(bid, "/stream/a.bin").content == data


@pytest.mark.parametrize("params, name", [
    ({"offset": "\u0661\u0662", "size": "2", "sha256": "0" * 64}, "offset"),
    ({"offset": "0", "size": "\u00b2", "sha256": "0" * 64}, "size"),
    ({"offset": "1" * 4400, "size": "2", "sha256": "0" * 64}, "offset"),
    ({"offset": "0", "size": "9" * 4400, "sha256": "0" * 64}, "size"),
    ({"offset": "0", "size": str(10 ** 40), "sha256": "0" * 64}, "size"),
    ({"offset": "0", "size": "2", "sha256": "xyz"}, "sha256"),
    ({"offset": "0", "size": "2", "token": "a/b"}, "token"),
    ({"offset": "0", "size": "2"}, "token"),
])
def test_bad_put_parameters_answer_4xx_naming_them(storage, bid, params, name):
    response = storage.request("PUT", bid, "/bad/a.bin", params, data=b"ab")
    assert 400 <= response.status_code < 500, response.text
    assert name in response.json()["message"]


@pytest.mark.parametrize("path", ["/" + "x" * 256 + "/a.bin", "/a" * 2100 + "/b.bin"])
def test_overlong_paths_answer_400(storage, bid, path):
    response = storage.request("PUT", bid, path, {"offset": 0, "size": 1, "sha256": sha(b"a")},
                               data=b"a")
    assert response.status_code in (400, 414), response.text
    if response.status_code == 400:
        assert "path" in response.json()["message"]


def test_put_below_a_file_or_over_a_folder_answers_409(storage, bid):
    storage.upload(bid, "/conflict/file.bin", b"file")
    storage.upload(bid, "/conflict/folder/inner.bin", b"inner")
    below = storage.put(bid, "/conflict/file.bin/child.bin", b"child")
    assert below.status_code == 409 and "path" in below.json()["message"]
    over = storage.put(bid, "/conflict/folder", b"over")
    assert over.status_code == 409 and "folder" in over.json()["message"]


@pytest.mark.parametrize("header", ["bytes=\u0661-".encode("utf-8"), "bytes=\u00b2-",
                                    "bytes=" + "1" * 4400 + "-", "bytes=0-" + "9" * 4400,
                                    "pages=1-2"])
def test_bad_range_answers_416_naming_it(storage, bid, header):
    storage.upload(bid, "/range/a.bin", b"0123456789")
    response = storage.get(bid, "/range/a.bin", headers={"Range": header})
    assert response.status_code == 416 and "Range" in response.json()["message"]


class _Trickle(object):
    """A request body that sends a byte every 50 ms for ``seconds``."""

    def __init__(self, data, seconds):
        self.data = data
        self.seconds = seconds

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        pieces = int(self.seconds / 0.05)
        for index in range(pieces):
            yield self.data[index:index + 1]
            time.sleep(0.05)
        yield self.data[pieces:]


def test_trickling_upload_does_not_hold_back_another_clients_upload(farm, api, bid,
                                                                     storage):
    slow_data, fast_data = os.urandom(4000), os.urandom(5000)
    client = type(storage)  # one session per client, as two machines would have
    slow = client(farm, api)
    answers = {}

    def trickle():
        answers["slow"] = slow.put(bid, "/trickle/same.bin", slow_data,
                                   chunk=_Trickle(slow_data, 3.0))

    thread = threading.Thread(target=trickle)
    thread.start()
    time.sleep(0.5)  # the slow body is being read now
    fast = client(farm, api)
    started = time.monotonic()
    answer = fast.put(bid, "/trickle/same.bin", fast_data)
    elapsed = time.monotonic() - started
    thread.join()
    assert answer.json()["data"]["complete"] and elapsed < 1.0
    assert answers["slow"].json()["data"]["complete"]


def _make_partial(storages, bid, path, size, token, data):
    class Body(object):
        def __init__(self):
            self.left = data

        def read(self, count):
            block, self.left = self.left[:count], self.left[count:]
            return block

    return storages.receive(bid, path, size, token, 0, Body(), len(data))


def test_partials_expire_and_crash_leftovers_go_at_start(tmp_path):
    storages = Storages(str(tmp_path), partial_ttl=3600)
    assert _make_partial(storages, "1_input", "/p/a.bin", 10 ** 6, "t1", b"x" * 100) == (
        100, False)
    folder = tmp_path / "1_input" / "partial"
    (folder / "leftover.tmp").write_bytes(b"crash")
    names = sorted(os.listdir(str(folder)))
    assert len(names) == 3
    assert Storages(str(tmp_path), partial_ttl=3600).sweep_partials() == 0
    assert not (folder / "leftover.tmp").exists()  # removed when the farm started
    old = time.time() - 7200
    for name in os.listdir(str(folder)):
        os.utime(str(folder / name), (old, old))
    assert Storages(str(tmp_path), partial_ttl=3600).partial_size(
        "1_input", "/p/a.bin", 10 ** 6, "t1") == 0
    assert os.listdir(str(folder)) == []


def test_caches_are_bounded_and_freed_on_delete(tmp_path, monkeypatch):
    from rayvision_sandbox import storage as storage_module

    storages = Storages(str(tmp_path))
    monkeypatch.setattr(storages._digests, "limit", 50)
    for index in range(120):
        storages.write_bytes("1_input", "/c/f{0}.bin".format(index), b"%d" % index)
        storages.stat("1_input", "/c/f{0}.bin".format(index))
    assert len(storages._digests) == 50
    assert len(storages._path_locks) == 0 and len(storages._partial_locks) == 0
    storages.delete("1_input", "/c")
    assert len(storages._digests) == 0
    assert storage_module.DIGEST_CACHE_SIZE >= 1000


def test_commit_request_publishes_a_streamed_upload(storage, bid):
    data = os.urandom(200000)
    identity = {"size": len(data), "token": "client-token-2"}
    streamed = storage.request("PUT", bid, "/stream/b.bin", dict(identity, offset=0), data=data)
    assert streamed.json()["data"] == {"offset": len(data), "complete": False}
    commit = storage.request("PUT", bid, "/stream/b.bin",
                             dict(identity, offset=len(data), sha256=sha(data)), data=b"")
    assert commit.json()["data"] == {"offset": len(data), "complete": True}
    assert storage.get(bid, "/stream/b.bin").content == data


def test_a_chunked_upload_without_content_length_answers_411(storage, bid):
    # A PUT whose body came chunked (requests sends a generator so) was answered 200
    # {"offset": 0, "complete": false}: the bytes were dropped without a word.
    data = b"chunked body " * 1000
    params = {"offset": 0, "size": len(data), "token": "chunked", "sha256": sha(data)}
    answer = storage.request("PUT", bid, "/chunked/a.bin", params,
                             data=(data[i:i + 1000] for i in range(0, len(data), 1000)))
    assert answer.status_code == 411 and "Content-Length" in answer.json()["message"]
    assert storage.listing(bid, "/chunked") == []
    batch = storage.request("PUT", bid, "/", {"batch": 1, "count": 1, "size": 3, "sha256":
                                              sha(b"abc")}, data=iter([b"abc"]))
    assert batch.status_code == 411


def _raw_path_request(storage, method, bid, signed_path, wire_path, params, data=None):
    """A request whose URL path on the wire is ``wire_path`` (already percent-encoded)."""
    url_path = "/storage/{0}{1}".format(bid, signed_path)
    params = dict((key, str(value)) for key, value in params.items())
    headers = {} if signed_path is None else storage.api.connect.signed_headers(
        url_path, params, method=method, domain=storage.farm.domain)
    return storage.session.request(
        method, "{0}/storage/{1}{2}".format(storage.farm.url, bid, wire_path), params=params,
        data=data, headers=headers, timeout=10)


def test_a_path_that_is_not_utf8_is_refused_not_read_as_its_replacement(storage, bid):
    # "%FF" was decoded with U+FFFD for the undecodable byte: the request wrote (and read)
    # the file of the other path "\ufffd", a different name on the client's side.
    storage.upload(bid, "/utf8/\ufffd.bin", b"the real file")
    data = b"another file"
    for signed in ("/utf8/\ufffd.bin", None):  # signed as the farm read it; not signed
        put = _raw_path_request(storage, "PUT", bid, signed, "/utf8/%FF.bin",
                                {"offset": 0, "size": len(data), "sha256": sha(data)}, data)
        assert put.status_code == 400, put.text
        assert "path" in put.json()["message"] and "UTF-8" in put.json()["message"]
    get = _raw_path_request(storage, "GET", bid, "/utf8/\ufffd.bin", "/utf8/%FF.bin", {})
    assert get.status_code == 400 and "UTF-8" in get.json()["message"]
    assert storage.get(bid, "/utf8/\ufffd.bin").content == b"the real file"


def test_flag_zero_is_off(storage, bid):
    # "?list=0" listed the folder (any non-empty value switched the listing on), as did
    # "upload=0": the documented flags are 1 (on); 0 is off, anything else a named mistake.
    storage.upload(bid, "/flags/a.bin", b"content")
    plain = storage.get(bid, "/flags/a.bin", params={"list": 0, "upload": 0})
    assert plain.status_code == 200 and plain.content == b"content"
    assert storage.get(bid, "/flags", params={"list": 0}).status_code == 404
    assert [item["path"] for item in storage.listing(bid, "/flags")] == ["/flags/a.bin"]
    for name in ("list", "upload", "batch"):
        wrong = storage.request("PUT" if name == "batch" else "GET", bid, "/flags/a.bin",
                                {name: "yes"})
        assert wrong.status_code == 400 and name in wrong.json()["message"]


def test_range_on_an_empty_file_is_416_with_the_unsatisfied_range(storage, bid):
    # RFC 9110 (14.1.2): no first-pos is below a length of 0, so bytes=0- is unsatisfiable
    # and 416 is right; its answer should carry "Content-Range: bytes */<length>" (15.5.17).
    storage.upload(bid, "/range/empty.bin", b"")
    storage.upload(bid, "/range/ten.bin", b"0123456789")
    for path, header, length in (("/range/empty.bin", "bytes=0-", 0),
                                 ("/range/ten.bin", "bytes=10-", 10)):
        response = storage.get(bid, path, headers={"Range": header})
        assert response.status_code == 416
        assert response.headers["Content-Range"] == "bytes */{0}".format(length)
    whole = storage.get(bid, "/range/empty.bin")
    assert whole.status_code == 200 and whole.content == b""
