"""Authentication exactly as the service: signature, accessId, timestamp window, replay."""

import json
import time

import pytest
import requests

from rayvision_api import signature
from rayvision_api.exception import RayvisionAPIError

PROFILE = "/api/render/user/queryUserProfile"
CREATE = "/api/render/task/createTask"


def signed(farm, path, body, access_id=None, access_key=None, timestamp=None, nonce=None,
           domain=None):
    headers = signature.build_headers(access_id or farm.access_id, farm.platform,
                                      timestamp=timestamp, nonce=nonce)
    return signature.sign_headers(headers, access_key or farm.access_key,
                                  domain or farm.domain, path, body)


def post(farm, path, body, headers, raw=None):
    data = raw if raw is not None else json.dumps(body)
    response = requests.post(farm.url + path, data=data, headers=headers, timeout=10)
    answer = response.json()
    # Client mistakes (600/601) answer HTTP 400; everything else the service's HTTP 200.
    assert response.status_code == (400 if answer["code"] in (600, 601) else 200)
    return answer


def test_correct_signature_is_accepted_and_envelope_is_complete(farm):
    answer = post(farm, CREATE, {"count": 1}, signed(farm, CREATE, {"count": 1}))
    assert set(answer) == {"version", "result", "message", "code", "data", "serverTime",
                           "requestId"}
    assert answer["code"] == 200 and answer["result"] is True and answer["message"] == "success"
    assert abs(answer["serverTime"] / 1000.0 - time.time()) < 5


def test_wrong_key_is_611(farm):
    answer = post(farm, PROFILE, {}, signed(farm, PROFILE, {}, access_key="not-the-key"))
    assert answer["code"] == 611 and answer["result"] is False and answer["data"] is None


def test_unknown_access_id_is_611(farm):
    answer = post(farm, PROFILE, {}, signed(farm, PROFILE, {}, access_id="nobody"))
    assert answer["code"] == 611 and "accessId" in answer["message"]


@pytest.mark.parametrize("field,value", [("count", 2), ("labels", ["x"]), ("taskUserLevel", 60)])
def test_tampered_body_is_611(farm, field, value):
    body = {"count": 1, "taskUserLevel": 50}
    headers = signed(farm, CREATE, body)
    tampered = dict(body)
    tampered[field] = value
    assert post(farm, CREATE, tampered, headers)["code"] == 611


@pytest.mark.parametrize("header", ["platform", "channel", "version", "nonce", "UTCTimestamp"])
def test_tampered_header_is_611(farm, header):
    headers = signed(farm, PROFILE, {})
    headers[header] = str(int(headers[header].replace(".", "")) + 1) if header != "version" \
        else "2.0.0"
    assert post(farm, PROFILE, {}, headers)["code"] == 611


def test_signature_for_another_path_or_domain_is_611(farm):
    assert post(farm, PROFILE, {}, signed(farm, CREATE, {}))["code"] == 611
    assert post(farm, PROFILE, {}, signed(farm, PROFILE, {}, domain="task.renderbus.com"))[
        "code"] == 611


@pytest.mark.parametrize("header", ["accessId", "signature", "nonce", "UTCTimestamp"])
def test_missing_header_is_611(farm, header):
    headers = signed(farm, PROFILE, {})
    del headers[header]
    answer = post(farm, PROFILE, {}, headers)
    assert answer["code"] == 611 and header in answer["message"]


@pytest.mark.parametrize("offset", [-301, 301, -4000])
def test_timestamp_outside_window_is_610(farm, offset):
    headers = signed(farm, PROFILE, {}, timestamp=str(int(time.time()) + offset))
    assert post(farm, PROFILE, {}, headers)["code"] == 610


def test_timestamp_inside_window_is_accepted(farm):
    headers = signed(farm, PROFILE, {}, timestamp=str(int(time.time()) - 250))
    assert post(farm, PROFILE, {}, headers)["code"] == 200


def test_clock_skew_fault_moves_the_window(farm):
    farm.faults.set(clock_skew=1000)
    assert post(farm, CREATE, {"count": 1}, signed(farm, CREATE, {"count": 1}))["code"] == 610
    farm.faults.clear()
    assert post(farm, CREATE, {"count": 1}, signed(farm, CREATE, {"count": 1}))["code"] == 200


def test_replayed_request_is_refused(farm):
    headers = signed(farm, CREATE, {"count": 1})
    assert post(farm, CREATE, {"count": 1}, headers)["code"] == 200
    replay = post(farm, CREATE, {"count": 1}, headers)
    assert replay["code"] == 611 and "replay" in replay["message"]


def test_missing_and_invalid_parameters_name_the_parameter(api):
    with pytest.raises(RayvisionAPIError) as failure:
        api.connect.post("/api/render/task/submitTask", {})
    assert failure.value.error_code == 601 and "taskId" in failure.value.error
    with pytest.raises(RayvisionAPIError) as failure:
        api.connect.post("/api/render/task/submitTask", {"taskId": "abc"})
    assert failure.value.error_code == 600 and "taskId" in failure.value.error
    with pytest.raises(RayvisionAPIError) as failure:
        api.task.stop_task([])
    assert failure.value.error_code == 601 and "taskIds" in failure.value.error
    with pytest.raises(RayvisionAPIError) as failure:
        api.query.task_frames("x", 1, 10)
    assert failure.value.error_code == 600 and "taskId" in failure.value.error
    with pytest.raises(RayvisionAPIError) as failure:
        api.connect.post("/api/render/common/addRenderEnv", {"cgId": 2000})
    assert failure.value.error_code == 601 and "cgName" in failure.value.error


def test_body_that_is_not_a_json_object_is_600(farm):
    answer = post(farm, PROFILE, None, signed(farm, PROFILE, {}), raw="[1, 2]")
    assert answer["code"] == 600
    answer = post(farm, PROFILE, None, signed(farm, PROFILE, {}), raw="{not json")
    assert answer["code"] == 600


def test_unknown_path_is_404(farm):
    response = requests.post(farm.url + "/api/render/nothing", data="{}",
                             headers=signed(farm, "/api/render/nothing", {}), timeout=10)
    assert response.status_code == 404 and response.json()["code"] == 404


def test_keys_never_appear_in_reprs(farm, api):
    assert farm.access_key not in repr(farm)
    assert farm.access_key not in repr(api)
