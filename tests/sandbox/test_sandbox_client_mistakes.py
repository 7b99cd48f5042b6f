"""A client mistake never gets a 500 (which clients retry): a 4xx naming what is wrong."""

import json

import attr
import pytest
import requests

from rayvision_api import signature
from rayvision_api.fields import Env
from rayvision_api.operations import OPERATIONS, WHOLE_BODY

HUGE = int("9" * 309)
BAD_VALUES = [HUGE, -HUGE, 10 ** 20, float("nan"), float("inf"), 1e308, "1" * 400, [HUGE],
              [[1]], {"a": 1}, "\u0660\u0661"]
PROFILE = "/api/render/user/queryUserProfile"


def send(farm, path, body, raw=None, **header_values):
    headers = signature.build_headers(farm.access_id, farm.platform)
    headers.update(header_values)
    headers = signature.sign_headers(headers, farm.access_key, farm.domain, path, body)
    data = raw if raw is not None else json.dumps(body)
    return requests.post(farm.url + path, data=data, headers=headers, timeout=10)


def body_keys(operation):
    if operation.name in WHOLE_BODY:
        return [field.name for field in attr.fields(Env)]
    return [field.key for field in operation.fields]


CASES = [(name, key) for name, operation in sorted(OPERATIONS.items())
         for key in body_keys(operation)]


@pytest.mark.parametrize("name, key", CASES)
def test_malformed_fields_get_a_client_error(farm, name, key):
    path = OPERATIONS[name].path
    for value in BAD_VALUES:
        response = send(farm, path, {key: value})
        answer = response.json()
        assert response.status_code < 500, (key, value, answer)
        if answer["code"] in (600, 601):
            assert response.status_code == 400
            assert answer["message"].split(":", 1)[1].strip(), answer


@pytest.mark.parametrize("key, value", [("taskId", HUGE), ("taskId", 10 ** 20),
                                        ("taskId", float("inf")), ("taskId", "9" * 30)])
def test_out_of_range_id_names_the_field(farm, key, value):
    response = send(farm, OPERATIONS["submit_task"].path, {key: value})
    assert response.status_code == 400
    assert response.json()["code"] == 600 and key in response.json()["message"]


def test_nan_count_names_the_field(farm):
    response = send(farm, OPERATIONS["create_task"].path, {"count": float("nan")},
                    raw='{"count": NaN}')
    assert response.status_code == 400
    assert "count" in response.json()["message"]


@pytest.mark.parametrize("stamp", ["9" * 309, "-" + "9" * 309, "1e10", "abc", "0x10",
                                   "99999999999999999999"])
def test_malformed_timestamp_header_names_the_header(farm, stamp):
    response = send(farm, PROFILE, {}, UTCTimestamp=stamp)
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == 600 and "UTCTimestamp" in answer["message"]
    assert len(answer["message"]) < 200  # the 309 digits are not echoed back


def test_body_that_is_not_json_is_a_client_error(farm):
    response = send(farm, PROFILE, {}, raw="{not json")
    assert response.status_code == 400 and response.json()["code"] == 600
