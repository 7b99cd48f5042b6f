"""Error paths of the HTTP engine that a well-behaved farm never produces (``responses``)."""

import hashlib
import os

import pytest
import responses

from rayvision_api.connect import Connect
from rayvision_sync.exception import (
    StorageAccessError,
    TransferError,
    TransferIntegrityError,
    UnsafePathError,
)
from rayvision_sync.http_engine import HttpTransferEngine

BASE = "http://farm.test:80/storage"
BIDS = {"config_bid": "1_config", "input_bid": "1_input", "output_bid": "1_output"}


def engine():
    connect = Connect("AID", "very-secret-key", "http", "farm.test:80", "2")
    return HttpTransferEngine(connect, BASE, BIDS, workers=2, backoff=0)


def listing(items):
    return {"version": "1.0.0", "result": True, "message": "success", "code": 200,
            "data": {"items": items}}


@responses.activate
@pytest.mark.parametrize("evil", ["/out/../../../tmp/evil", "/out/C:/evil.exe",
                                  "/elsewhere/evil.png", "/out/a\\..\\..\\evil"])
def test_escaping_listing_writes_nothing(tmp_path, evil):
    responses.add(responses.GET, BASE + "/1_output/out", json=listing([
        {"path": "/out/good.png", "size": 1, "sha256": "0" * 64, "mtime": 1.0},
        {"path": evil, "size": 1, "sha256": "0" * 64, "mtime": 1.0}]))
    with pytest.raises(UnsafePathError):
        engine().download("output_bid", "/out", str(tmp_path / "dl"))
    assert not (tmp_path / "dl").exists()
    assert len(responses.calls) == 1


@responses.activate
def test_corrupt_download_is_refused_and_not_renamed(tmp_path):
    good = b"frame data" * 100
    sha = hashlib.sha256(good).hexdigest()
    responses.add(responses.GET, BASE + "/1_output/out", json=listing([
        {"path": "/out/f.png", "size": len(good), "sha256": sha, "mtime": 1.0}]))
    bad = b"frame dat!" * 100
    responses.add(responses.GET, BASE + "/1_output/out/f.png", body=bad,
                  headers={"X-Rayvision-Sha256": sha, "X-Rayvision-Size": str(len(good))})
    with pytest.raises(TransferError) as info:
        engine().download("output_bid", "/out", str(tmp_path))
    assert "SHA-256" in str(info.value)
    assert os.listdir(str(tmp_path / "out")) == []
    # Three attempts, each verified and dropped.
    assert len([call for call in responses.calls if call.request.url.endswith("f.png")]) == 3


@responses.activate
def test_upload_integrity_failure_every_time_is_typed(tmp_path):
    local = tmp_path / "a.bin"
    local.write_bytes(b"x" * 10)
    responses.add(responses.PUT, BASE + "/1_input/a.bin", status=422, json={
        "code": 422, "message": "SHA-256 mismatch", "data": None})
    with pytest.raises(TransferError) as info:
        engine().upload_pairs("input_bid", [(str(local), "/a.bin")])
    assert "a.bin" in str(info.value)
    assert len(responses.calls) == 3


@responses.activate
def test_refusals_are_not_retried_and_keep_the_key_secret(tmp_path):
    responses.add(responses.GET, BASE + "/1_output/out", status=401, json={
        "code": 611, "message": "signature invalid", "data": None})
    with pytest.raises(StorageAccessError) as info:
        engine().list("output_bid", "/out")
    assert info.value.status == 401 and "signature invalid" in str(info.value)
    assert "very-secret-key" not in str(info.value) + repr(engine())
    assert len(responses.calls) == 1


@responses.activate
def test_requests_are_signed_for_the_storage_netloc(tmp_path):
    from rayvision_api import signature

    responses.add(responses.GET, BASE + "/1_output/d%20%C3%BC", json=listing([]))
    engine().list("output_bid", u"/d ü")
    request = responses.calls[0].request
    assert request.url.endswith("/storage/1_output/d%20%C3%BC?list=1")
    assert signature.verify_signature(request.headers, "very-secret-key", "farm.test:80",
                                      u"/storage/1_output/d ü", {"list": "1"}, "GET")


def test_unknown_storage_name():
    with pytest.raises(TransferError, match="no storage id"):
        engine().bid("secret_bid")


def test_integrity_error_type():
    assert issubclass(TransferIntegrityError, TransferError)
