"""Downloads never trust the storage: hostile listings and bodies from a lying server."""

import hashlib
import os

import pytest
from hostile_storage import HostileStorage

from rayvision_api.connect import Connect
from rayvision_sync.exception import (
    ListingError,
    TransferError,
    UnsafePathError,
    UnverifiedFileError,
)
from rayvision_sync.http_engine import HttpTransferEngine

BIDS = {"config_bid": "1_config", "input_bid": "1_input", "output_bid": "1_output"}
GOOD = b"frame bytes " * 100


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def hostile():
    server = HostileStorage()
    yield server
    server.stop()


@pytest.fixture
def engine(hostile):
    connect = Connect("AID", "very-secret-key", "http", hostile.netloc, "2")
    made = HttpTransferEngine(connect, hostile.url, BIDS, workers=2, backoff=0,
                              max_attempts=2)
    yield made
    made.close()


def files_below(folder):
    found = []
    for base, _, names in os.walk(str(folder)):
        found.extend(os.path.join(base, name) for name in names)
    return found


def good_item(**changes):
    item = {"path": "/out/a.png", "size": len(GOOD), "sha256": sha(GOOD), "mtime": 1.5e9}
    item.update(changes)
    return item


@pytest.mark.parametrize("changes, field", [
    ({"sha256": "../../../../tmp/x" + "0" * 47}, "sha256"),
    ({"sha256": "0" * 63}, "sha256"),
    ({"sha256": "g" * 64}, "sha256"),
    ({"sha256": 12}, "sha256"),
    ({"size": "1200"}, "size"),
    ({"size": -1}, "size"),
    ({"size": True}, "size"),
    ({"size": 1200.0}, "size"),
    ({"size": 10 ** 40}, "size"),
    ({"mtime": 1e300}, "mtime"),
    ({"mtime": -5}, "mtime"),
    ({"mtime": "yesterday"}, "mtime"),
    ({"path": 5}, "path"),
    ({"path": None}, "path"),
    ({"path": "relative/a.png"}, "path"),
])
def test_hostile_listing_item_is_refused_naming_the_field(hostile, engine, tmp_path, changes,
                                                          field):
    hostile.serve([good_item(path="/out/first.png"), good_item(**changes)],
                  {"/out/first.png": GOOD, "/out/a.png": GOOD})
    with pytest.raises(ListingError) as info:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert "'{0}'".format(field) in str(info.value)
    assert isinstance(info.value, ValueError)
    assert files_below(tmp_path) == []


@pytest.mark.parametrize("data", [{"items": "all of them"}, {"items": [["/out/a.png", 1]]},
                                  {"items": {"path": "/out/a.png"}}])
def test_hostile_listing_shape_is_refused(hostile, engine, tmp_path, data):
    hostile.serve(data)
    with pytest.raises(ListingError):
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert files_below(tmp_path) == []


def test_body_longer_than_the_listed_size_is_never_written(hostile, engine, tmp_path):
    huge = os.urandom(30 * 1024 * 1024)
    hostile.serve([good_item(size=1024, sha256=sha(huge[:1024]))], {"/out/a.png": huge})
    with pytest.raises(TransferError) as info:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert "where 1024 remain of the listed size 1024" in str(info.value)
    assert files_below(tmp_path) == []


def test_chunked_body_is_cut_at_the_listed_size(hostile, engine, tmp_path):
    data = os.urandom(4096)

    def chunked(handler):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for _ in range(200):  # 200 x 64 KiB announced nowhere
            block = data + os.urandom(65536 - len(data))
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
        handler.wfile.write(b"0\r\n\r\n")

    hostile.serve([good_item(size=4096, sha256=sha(data))], {"/out/a.png": chunked})
    result = engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert result.files_transferred == 1
    with open(str(tmp_path / "dl" / "out" / "a.png"), "rb") as handle:
        assert handle.read() == data
    assert files_below(tmp_path) == [str(tmp_path / "dl" / "out" / "a.png")]


def test_file_without_digest_is_reported_unverified_or_refused_under_strict(hostile, engine,
                                                                          tmp_path):
    hostile.serve([good_item(sha256=None), good_item(path="/out/b.png")],
                  {"/out/a.png": GOOD, "/out/b.png": GOOD})
    with pytest.raises(UnverifiedFileError) as info:
        engine.download("output_bid", "/out", str(tmp_path / "strict"), strict=True)
    assert "/out/a.png" in str(info.value)
    assert files_below(tmp_path) == []
    result = engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert result.unverified == ["/out/a.png"] and result.files_unverified == 1
    assert result.files_transferred == 2


def test_wrong_bytes_are_never_renamed_into_place(hostile, engine, tmp_path):
    hostile.serve([good_item()], {"/out/a.png": b"X" * len(GOOD)})
    with pytest.raises(TransferError, match="SHA-256"):
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert files_below(tmp_path) == []


def test_symlink_inside_the_download_folder_is_not_followed(hostile, engine, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    download = tmp_path / "dl"
    download.mkdir()
    os.symlink(str(outside), str(download / "out"))
    hostile.serve([good_item()], {"/out/a.png": GOOD})
    with pytest.raises(UnsafePathError):
        engine.download("output_bid", "/out", str(download))
    assert os.listdir(str(outside)) == []


def test_symlink_at_the_destination_is_replaced_not_written_through(hostile, engine,
                                                                    tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    folder = tmp_path / "dl" / "out"
    folder.mkdir(parents=True)
    os.symlink(str(victim), str(folder / "a.png"))
    hostile.serve([good_item()], {"/out/a.png": GOOD})
    engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert victim.read_bytes() == b"precious"
    assert not os.path.islink(str(folder / "a.png"))
    assert (folder / "a.png").read_bytes() == GOOD


def test_every_worker_session_takes_the_supplied_settings(hostile):
    import requests

    template = requests.Session()
    template.proxies = {"https": "http://proxy.studio:3128"}
    template.verify = "/etc/studio/ca.pem"
    template.headers["X-Studio"] = "lighting"
    connect = Connect("AID", "very-secret-key", "http", hostile.netloc, "2")
    made = HttpTransferEngine(connect, hostile.url, BIDS, session=template,
                              session_settings={"trust_env": False})
    session = made.client.new_session()
    assert session is not template
    assert session.proxies == template.proxies and session.verify == "/etc/studio/ca.pem"
    assert session.headers["X-Studio"] == "lighting" and session.trust_env is False
    made.close()


def test_listing_naming_a_file_twice_is_refused(hostile, engine, tmp_path):
    # Two items for one path would be downloaded at once into one partial file and one
    # destination; which content and which digest won would be a race.
    other = b"other bytes " * 50
    hostile.serve([good_item(), good_item(path="/out/b.png"),
                   good_item(size=len(other), sha256=sha(other))],
                  {"/out/a.png": GOOD, "/out/b.png": GOOD})
    with pytest.raises(ListingError) as info:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    assert "'path'" in str(info.value) and "/out/a.png" in str(info.value)
    assert files_below(tmp_path) == []
