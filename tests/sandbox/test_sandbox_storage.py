"""HTTP storage protocol (docs/storage-protocol.md) served by the sandbox."""

import hashlib
import os

import pytest


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def bid(api):
    return api.user_info["input_bid"]


def test_upload_list_download_roundtrip(storage, bid, farm):
    data = os.urandom(100000)
    storage.upload(bid, "/D/proj/roundtrip/a.bin", data)
    items = storage.listing(bid, "/D/proj/roundtrip")
    assert [(i["path"], i["size"], i["sha256"]) for i in items] == [
        ("/D/proj/roundtrip/a.bin", 100000, sha(data))]
    assert isinstance(items[0]["mtime"], float)
    response = storage.get(bid, "/D/proj/roundtrip/a.bin")
    assert response.status_code == 200 and response.content == data
    assert response.headers["X-Rayvision-Sha256"] == sha(data)
    assert response.headers["X-Rayvision-Size"] == "100000"
    assert response.headers["Accept-Ranges"] == "bytes"
    with open(farm.storage_path(farm.access_id, "input", "/D/proj/roundtrip/a.bin"), "rb") as f:
        assert f.read() == data


def test_resumable_upload_in_chunks_is_atomic(storage, bid, farm):
    data = os.urandom(30000)
    path = "/D/proj/chunks/b.bin"
    first = storage.put(bid, path, data, offset=0, chunk=data[:10000])
    assert first.status_code == 200 and first.json()["data"] == {"offset": 10000,
                                                                "complete": False}
    # The partial upload is neither listed nor visible on disk.
    assert storage.listing(bid, "/D/proj/chunks") == []
    assert not os.path.exists(farm.storage_path(farm.access_id, "input", path))
    state = storage.get(bid, path, params={"upload": 1, "size": 30000, "sha256": sha(data)})
    assert state.json()["data"] == {"offset": 10000, "complete": False}
    wrong = storage.put(bid, path, data, offset=0, chunk=data[:100])
    assert wrong.status_code == 409 and wrong.json()["data"] == {"offset": 10000, "busy": False}
    second = storage.put(bid, path, data, offset=10000, chunk=data[10000:])
    assert second.json()["data"] == {"offset": 30000, "complete": True}
    assert storage.get(bid, path).content == data
    done = storage.get(bid, path, params={"upload": 1, "size": 30000, "sha256": sha(data)})
    assert done.json()["data"] == {"offset": 30000, "complete": True,
                                   "stored": {"size": 30000, "sha256": sha(data)}}


def test_checksum_mismatch_drops_the_partial(storage, bid):
    data = b"x" * 1000
    response = storage.put(bid, "/bad/sum.bin", data, sha="0" * 64)
    assert response.status_code == 422 and response.json()["code"] == 422
    state = storage.get(bid, "/bad/sum.bin", params={"upload": 1, "size": 1000,
                                                    "sha256": "0" * 64})
    assert state.json()["data"] == {"offset": 0, "complete": False}
    assert storage.get(bid, "/bad/sum.bin").status_code == 404


def test_body_past_the_size_is_400(storage, bid):
    response = storage.put(bid, "/big.bin", b"abcdef", size=3, chunk=b"abcdef")
    assert response.status_code == 400


def test_empty_file_and_replacement(storage, bid):
    storage.upload(bid, "/empty.txt", b"")
    assert storage.get(bid, "/empty.txt").content == b""
    storage.upload(bid, "/empty.txt", b"now full")
    assert storage.get(bid, "/empty.txt").content == b"now full"


def test_range_and_head(storage, bid):
    data = bytes(range(256)) * 4
    storage.upload(bid, "/range.bin", data)
    part = storage.get(bid, "/range.bin", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["Content-Range"] == "bytes 100-199/1024"
    tail = storage.get(bid, "/range.bin", headers={"Range": "bytes=1000-"})
    assert tail.status_code == 206 and tail.content == data[1000:]
    assert storage.get(bid, "/range.bin", headers={"Range": "bytes=5000-"}).status_code == 416
    head = storage.request("HEAD", bid, "/range.bin")
    assert head.status_code == 200 and head.headers["Content-Length"] == "1024"
    assert head.headers["X-Rayvision-Sha256"] == sha(data) and head.content == b""
    assert storage.request("HEAD", bid, "/nothing.bin").status_code == 404


def test_unicode_and_windows_style_paths(storage, bid):
    path = u"/D/uni/tex ü 中文.png"
    storage.upload(bid, path, b"png")
    assert [i["path"] for i in storage.listing(bid, "/D/uni")] == [path]
    assert storage.get(bid, path).content == b"png"


def test_listing_is_recursive_sorted_and_answers_single_files(storage, api):
    bid = api.user_info["output_bid"]
    for name in ("/L/b/2.txt", "/L/a.txt", "/L/b/1.txt"):
        storage.upload(bid, name, name.encode())
    assert [i["path"] for i in storage.listing(bid, "/L")] == ["/L/a.txt", "/L/b/1.txt",
                                                                "/L/b/2.txt"]
    assert [i["path"] for i in storage.listing(bid, "/L/a.txt")] == ["/L/a.txt"]
    assert storage.listing(bid, "/L/none") == []
    assert "/L/a.txt" in [i["path"] for i in storage.listing(bid, "/")]


def test_delete_file_and_folder(storage, api):
    bid = api.user_info["output_bid"]
    for name in ("/Del/x/1.txt", "/Del/x/2.txt", "/Del/y.txt"):
        storage.upload(bid, name, b"1")
    assert storage.request("DELETE", bid, "/Del/y.txt").status_code == 200
    assert storage.request("DELETE", bid, "/Del/x").status_code == 200
    assert storage.listing(bid, "/Del") == []
    assert storage.request("DELETE", bid, "/Del/x").status_code == 404


def test_path_escape_is_refused(storage, bid):
    response = storage.request("GET", bid, "/a/../../../etc/passwd")
    assert response.status_code in (400, 404)
    assert response.status_code != 200


def test_unsigned_or_wrongly_signed_storage_requests_are_401(storage, bid, farm):
    response = storage.request("GET", bid, "/", params={"list": 1}, sign=False)
    assert response.status_code == 401 and response.json()["code"] == 611
    # The query parameters are signed: changing one breaks the signature.
    url_path = "/storage/{0}/x.bin".format(bid)
    headers = storage.api.connect.signed_headers(url_path, {"list": "1"}, method="GET",
                                                 domain=farm.domain)
    response = storage.session.get(farm.url + url_path, params={"list": "2"}, headers=headers)
    assert response.status_code == 401 and response.json()["code"] == 611
    # The method is signed too.
    headers = storage.api.connect.signed_headers(url_path, {}, method="GET", domain=farm.domain)
    response = storage.session.delete(farm.url + url_path, headers=headers)
    assert response.status_code == 401


def test_partial_uploads_survive_a_restart(tmp_path, new_api, storage_for):
    from rayvision_sandbox import Sandbox

    data = os.urandom(5000)
    with Sandbox(data_dir=str(tmp_path)) as first:
        client = storage_for(new_api(target=first), first)
        bid = client.api.user_info["input_bid"]
        assert client.put(bid, "/r.bin", data, chunk=data[:2000]).json()["data"]["offset"] == 2000
    with Sandbox(data_dir=str(tmp_path)) as second:
        client = storage_for(new_api(target=second), second)
        state = client.get(bid, "/r.bin", params={"upload": 1, "size": 5000,
                                                  "sha256": sha(data)})
        assert state.json()["data"] == {"offset": 2000, "complete": False}
        done = client.put(bid, "/r.bin", data, offset=2000)
        assert done.json()["data"]["complete"] is True
        assert client.get(bid, "/r.bin").content == data


def test_a_body_cut_by_the_client_is_kept_for_resuming(storage, bid, farm):
    import socket

    try:
        from urllib.parse import quote, urlencode
    except ImportError:  # pragma: no cover
        from urllib import quote, urlencode

    data = os.urandom(10000)
    params = {"offset": "0", "size": "10000", "sha256": sha(data)}
    url_path = "/storage/{0}/cut/c.bin".format(bid)
    headers = storage.api.connect.signed_headers(url_path, params, method="PUT",
                                                 domain=farm.domain)
    head = ["PUT {0}?{1} HTTP/1.1".format(quote(url_path), urlencode(params)),
            "Host: {0}".format(farm.domain), "Content-Length: 10000", "Connection: close"]
    head += ["{0}: {1}".format(key, value) for key, value in headers.items()]
    client = socket.create_connection((farm.host, farm.port), timeout=10)
    client.sendall(("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + data[:4000])
    client.shutdown(socket.SHUT_WR)  # the client dies after 4000 bytes
    client.recv(65536)
    client.close()
    state = storage.get(bid, "/cut/c.bin", params={"upload": 1, "size": 10000,
                                                  "sha256": sha(data)})
    assert state.json()["data"] == {"offset": 4000, "complete": False}
    assert storage.listing(bid, "/cut") == []
    done = storage.put(bid, "/cut/c.bin", data, offset=4000)
    assert done.json()["data"] == {"offset": 10000, "complete": True}
    assert storage.get(bid, "/cut/c.bin").content == data
