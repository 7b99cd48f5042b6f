import pytest

from rayvision_api import signature, utils

HEADERS = {"accessId": "AKIDEXAMPLE", "channel": "4", "platform": "2",
           "UTCTimestamp": "1586000000", "nonce": "123456", "signature": "",
           "version": "1.0.0", "Content-Type": "application/json"}

# The worked examples of behaviour-reference.md §1.4, verbatim.
VECTORS = [
    ("/api/render/user/queryUserProfile", {},
     "[POST]task.renderbus.com:/api/render/user/queryUserProfile&UTCTimestamp=1586000000&accessId=AKIDEXAMPLE&channel=4&nonce=123456&platform=2&version=1.0.0",
     "nsPdu32lSJTpWNyiTIZRMW03Iw+FFTvNKwo4Y2/kGXA="),
    ("/api/render/common/queryPlatforms", {"zone": 1},
     "[POST]task.renderbus.com:/api/render/common/queryPlatforms&UTCTimestamp=1586000000&accessId=AKIDEXAMPLE&channel=4&nonce=123456&platform=2&version=1.0.0&zone=1",
     "F9uJn43GGgaZKBih2ylEGM5dSnVyC0rajsgZaHrbRbs="),
    ("/api/render/task/createTask",
     {"count": 1, "taskUserLevel": 50, "labels": ["label_test1", "label_test2"]},
     "[POST]task.renderbus.com:/api/render/task/createTask&UTCTimestamp=1586000000&accessId=AKIDEXAMPLE&channel=4&count=1&labels0=label_test1&labels1=label_test2&nonce=123456&platform=2&taskUserLevel=50&version=1.0.0",
     "Li79mz1ZbqxGIRy9eQtV9tUxP4Cyxciw1MwtcR9Hvng="),
    ("/api/render/common/addRenderEnv",
     {"cgId": 2000, "cgName": "Maya", "cgVersion": "2018", "renderLayerType": 0,
      "editName": "tests", "renderSystem": 1, "pluginIds": [2703]},
     "[POST]task.renderbus.com:/api/render/common/addRenderEnv&UTCTimestamp=1586000000&accessId=AKIDEXAMPLE&cgId=2000&cgName=Maya&cgVersion=2018&channel=4&editName=tests&nonce=123456&platform=2&pluginIds0=2703&renderLayerType=0&renderSystem=1&version=1.0.0",
     "aEHaV+7FObqERiHO4F/pS5m1JcFpqGrfA4oAo+Lsu50="),
    ("/api/render/task/restartFrame", {"taskIds": 14362099, "selectAll": 0, "ids": []},
     "[POST]task.renderbus.com:/api/render/task/restartFrame&UTCTimestamp=1586000000&accessId=AKIDEXAMPLE&channel=4&nonce=123456&platform=2&selectAll=0&taskIds=14362099&version=1.0.0",
     "1d6MCfmgUILK7rG6Y+MfZIxexUFdGdvnbCY2bHhtLNs="),
    ("/api/render/task/getTaskList",
     {"pageNum": 1, "pageSize": 2, "statusList": [0, 5, 10, 20, 23, 25, 30, 35, 40, 45, 50]},
     "[POST]task.renderbus.com:/api/render/task/getTaskList&UTCTimestamp=1586000000&accessId=AKIDEXAMPLE&channel=4&nonce=123456&pageNum=1&pageSize=2&platform=2&statusList0=0&statusList1=5&statusList10=50&statusList2=10&statusList3=20&statusList4=23&statusList5=25&statusList6=30&statusList7=35&statusList8=40&statusList9=45&version=1.0.0",
     "bH4HwBxP4emP9bByRoTwjB8V4/aPtwJiF2AJ2zJpPL4="),
    ("/x",
     {"taksId": "2", "renderEnvs": [{"envId": 1, "pluginIds": [2, 3, 4]},
                                    {"envId": 3, "pluginIds": [7, 8, 10]}],
      "flag": True, "none": None, "f": 1.5, "emptyDict": {}, "nested": [[1, 2], [3]],
      "uni": "中文"},
     "[POST]task.renderbus.com:/x&UTCTimestamp=1586000000&accessId=AKIDEXAMPLE&channel=4&f=1.5&flag=True&nested00=1&nested01=2&nested10=3&nonce=123456&none=None&platform=2&renderEnvs0.envId=1&renderEnvs0.pluginIds0=2&renderEnvs0.pluginIds1=3&renderEnvs0.pluginIds2=4&renderEnvs1.envId=3&renderEnvs1.pluginIds0=7&renderEnvs1.pluginIds1=8&renderEnvs1.pluginIds2=10&taksId=2&uni=中文&version=1.0.0",
     "RZuJjZXoSA5kZvT7ney0b13RzhfsoL2uHSq6RmfRCic="),
]


@pytest.mark.parametrize("path, body, canonical, expected", VECTORS)
def test_worked_examples(path, body, canonical, expected):
    assert signature.canonical_string("task.renderbus.com", path, HEADERS, body) == canonical
    assert utils.generate_headers_body_str("task.renderbus.com", path, HEADERS, body) == canonical
    assert signature.hmac_signature("SECRET", canonical) == expected
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
