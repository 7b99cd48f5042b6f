import pytest

from helpers import wire_reference
from rayvision_api import signature, utils

HEADERS = {"accessId": "AKIDEXAMPLE", "channel": "4", "platform": "2",
           "UTCTimestamp": "1586000000", "nonce": "123456", "signature": "",
           "version": "1.0.0", "Content-Type": "application/json"}

# The worked examples of docs/wire-format.md, read from the page itself.
VECTORS = wire_reference.worked_examples()


def test_the_page_has_every_worked_example():
    assert len(VECTORS) == 7
    assert {path for path, _, _, _ in VECTORS} >= {"/api/render/task/createTask", "/x"}


@pytest.mark.parametrize("path, body, canonical, expected", VECTORS)
def test_worked_examples(path, body, canonical, expected):
    assert signature.canonical_string("task.renderbus.com", path, HEADERS, body) == canonical
    assert utils.generate_headers_body_str("task.renderbus.com", path, HEADERS, body) == canonical
    assert signature.hmac_signature("SECRET", canonical) == expected
    assert wire_reference.canonical("task.renderbus.com", path, HEADERS, body) == canonical
    assert wire_reference.sign("SECRET", canonical) == expected
    signed = signature.sign_headers(HEADERS, "SECRET", "task.renderbus.com", path, body)
    assert signed["signature"] == expected
    assert signature.verify_signature(signed, "SECRET", "task.renderbus.com", path, body)
    assert not signature.verify_signature(signed, "SECRET2", "task.renderbus.com", path, body)


def test_tampered_body_fails_verification():
    path, body = VECTORS[2][0], dict(VECTORS[2][1])
    signed = signature.sign_headers(HEADERS, "SECRET", "task.renderbus.com", path, body)
    body["count"] = 2
    assert not signature.verify_signature(signed, "SECRET", "task.renderbus.com", path, body)


def test_flattening_examples():
    assert utils.formatted_headers({"key_a": {"key_b": "value_c"}}) == {"key_a.key_b": "value_c"}
    assert utils.formatted_headers({"a": {"b": {"c": {"d": "e"}}}}) == {"a.b.c.d": "e"}
    assert utils.formatted_headers(
        {"key_a": {"sub_key": [{"c": {"d": 1234}}, {"test_key_a": {"test_key": ""}}]}}) == {
        "key_a.sub_key0.c.d": 1234, "key_a.sub_key1.test_key_a.test_key": ""}


def test_header_body_example_without_signature_key():
    header = {"accessId": "xxx", "channel": "4", "platform": "2", "UTCTimestamp": "32166266",
              "nonce": "1465", "version": "dev"}
    assert utils.generate_headers_body_str("tests.com", "api_url", header, {"key": "value"}) == (
        "[POST]tests.com:api_url&UTCTimestamp=32166266&accessId=xxx&channel=4&key=value"
        "&nonce=1465&platform=2&version=dev")
    assert list(utils.headers_body_sort(header, {"key": "value"})) == [
        "UTCTimestamp", "accessId", "channel", "key", "nonce", "platform", "version"]


def test_generate_signature_bytes_and_text():
    assert utils.generate_signature("test_key", "test_msg") == (
        b"TC9wro8movj4HGMphrpEdES3oBdPsq+y+2tAt6kM/Tw=")
    assert signature.hmac_signature("test_key", "test_msg") == (
        "TC9wro8movj4HGMphrpEdES3oBdPsq+y+2tAt6kM/Tw=")


def test_timestamp_and_nonce_shapes():
    assert utils.generate_timestamp().isdigit()
    nonces = [utils.generate_nonce() for _ in range(20000)]
    # Decimal text like the original's, with enough entropy that no two ever collide.
    assert all(len(nonce) == 18 and nonce.isdigit() for nonce in nonces)
    assert len(set(nonces)) == len(nonces)


@pytest.mark.parametrize("hump, snake", [
    ("MyKeyName", "my_key_name"), ("myKeyname", "my_keyname"), ("userId", "user_id"),
    ("raySyncUserKey", "ray_sync_user_key"), ("UTCTimestamp", "utctimestamp"),
    ("taskOverTimeSec", "task_over_time_sec"), ("config_bid", "config_bid")])
def test_hump2underline(hump, snake):
    assert utils.hump2underline(hump) == snake


def test_to_bytes_and_method_in_canonical_string():
    assert utils.to_bytes("中") == "中".encode()
    assert utils.to_bytes(b"x") == b"x"
    text = signature.canonical_string("h:1", "/storage/b/a.png", HEADERS, {"list": "1"}, "get")
    assert text.startswith("[GET]h:1:/storage/b/a.png&UTCTimestamp=")
