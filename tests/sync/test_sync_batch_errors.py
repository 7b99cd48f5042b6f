"""Batch-upload answers a well-behaved sandbox never gives (``responses``)."""

import hashlib
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from rayvision_api import signature
from rayvision_api.connect import Connect
from rayvision_sync.exception import TransferError
from rayvision_sync.http_engine import HttpTransferEngine

BASE = "http://farm.test:80/storage"
BATCH = BASE + "/1_input/"
BIDS = {"config_bid": "1_config", "input_bid": "1_input", "output_bid": "1_output"}


def engine():
    connect = Connect("AID", "very-secret-key", "http", "farm.test:80", "2")
    return HttpTransferEngine(connect, BASE, BIDS, workers=1, backoff=0)


def envelope(data, code=200, message="success"):
    return {"version": "1.0.0", "result": code == 200, "message": message, "code": code,
            "data": data}


def make_files(tmp_path, count):
    pairs = []
    for index in range(count):
        local = tmp_path / "f{0}.png".format(index)
        local.write_bytes(b"%d" % index * (index + 1))
        pairs.append((str(local), "/p/f{0}.png".format(index)))
    return pairs


def single_done(request):
    params = dict(parse_qsl(urlsplit(request.url).query))
    return 200, {}, json.dumps(envelope({"offset": int(params["size"]), "complete": True}))


def batch_calls():
    return [call for call in responses.calls if "batch=1" in call.request.url]


def single_paths():
    return sorted(urlsplit(call.request.url).path for call in responses.calls
                  if "batch=1" not in call.request.url)


@responses.activate
def test_batch_request_is_signed_and_well_formed(tmp_path):
    pairs = make_files(tmp_path, 3)

    def answer(request):
        body = request.body if isinstance(request.body, bytes) else b"".join(request.body)
        params = dict(parse_qsl(urlsplit(request.url).query))
        assert signature.verify_signature(request.headers, "very-secret-key", "farm.test:80",
                                          "/storage/1_input/", params, "PUT")
        assert hashlib.sha256(body).hexdigest() == params["sha256"]
        assert int(params["size"]) == len(body) == int(request.headers["Content-Length"])
        head, _, rest = body.partition(b"\n")
        files = json.loads(head.decode("utf-8"))["files"]
        assert int(params["count"]) == len(files) == 3
        offset = 0
        for item in files:
            data = rest[offset:offset + item["size"]]
            assert hashlib.sha256(data).hexdigest() == item["sha256"]
            offset += item["size"]
        assert offset == len(rest)
        return 200, {}, json.dumps(envelope({"files": [
            {"path": item["path"], "offset": item["size"], "complete": True}
            for item in files]}))

    responses.add_callback(responses.PUT, BATCH, callback=answer)
    result = engine().upload_pairs("input_bid", pairs)
    assert result.files_transferred == 3 and len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize("status", [404, 405, 413])
def test_farm_without_batches_falls_back_to_single_puts(tmp_path, status):
    pairs = make_files(tmp_path, 4)
    responses.add(responses.PUT, BATCH, status=status, json=envelope(None, status, "no"))
    for _, server in pairs:
        responses.add_callback(responses.PUT, BASE + "/1_input" + server, callback=single_done)
    result = engine().upload_pairs("input_bid", pairs)
    assert result.files_transferred == 4
    assert len(batch_calls()) == 1
    assert single_paths() == sorted("/storage/1_input" + server for _, server in pairs)


@responses.activate
def test_file_the_batch_did_not_store_is_sent_alone(tmp_path):
    pairs = make_files(tmp_path, 3)
    responses.add(responses.PUT, BATCH, json=envelope({"files": [
        {"path": "/p/f0.png", "offset": 1, "complete": True},
        {"path": "/p/f1.png", "offset": 0, "complete": False, "code": 422,
         "message": "SHA-256 mismatch"},
        {"path": "/p/f2.png", "offset": 3, "complete": True}]}))
    responses.add_callback(responses.PUT, BASE + "/1_input/p/f1.png", callback=single_done)
    result = engine().upload_pairs("input_bid", pairs)
    assert result.files_transferred == 3
    assert single_paths() == ["/storage/1_input/p/f1.png"]


@responses.activate
def test_whole_batch_digest_refusal_sends_files_alone(tmp_path):
    pairs = make_files(tmp_path, 2)
    responses.add(responses.PUT, BATCH, status=422, json=envelope(None, 422, "mismatch"))
    for _, server in pairs:
        responses.add_callback(responses.PUT, BASE + "/1_input" + server, callback=single_done)
    result = engine().upload_pairs("input_bid", pairs)
    assert result.files_transferred == 2 and len(batch_calls()) == 1


@responses.activate
def test_server_errors_retry_the_batch_once_then_go_single(tmp_path):
    pairs = make_files(tmp_path, 2)
    responses.add(responses.PUT, BATCH, status=503, json=envelope(None, 503, "busy"))
    for _, server in pairs:
        responses.add_callback(responses.PUT, BASE + "/1_input" + server, callback=single_done)
    result = engine().upload_pairs("input_bid", pairs)
    assert result.files_transferred == 2 and len(batch_calls()) == 2
    assert result.retries >= 2


@responses.activate
def test_refused_batch_fails_its_files_without_retry_or_secret(tmp_path):
    pairs = make_files(tmp_path, 3)
    responses.add(responses.PUT, BATCH, status=401, json=envelope(None, 611,
                                                                  "signature invalid"))
    with pytest.raises(TransferError) as info:
        engine().upload_pairs("input_bid", pairs)
    assert "3 of 3 files" in str(info.value) and "signature invalid" in str(info.value)
    assert "very-secret-key" not in str(info.value)
    assert len(responses.calls) == 1

