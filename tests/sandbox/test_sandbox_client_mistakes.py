"""A client mistake never gets a 500 (which clients retry): a 4xx naming what is wrong."""

import json

import attr
import pytest
import requests

from rayvision_api import signature
from rayvision_api.exception import RayvisionAPIError
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


def _maya(**common):
    layer = {"renderable": "1", "common": dict({"frames": "1-2[1]"}, **common)}
    return {"task_info": {}, "scene_info_render": {"beauty": layer}}


def _houdini(**node):
    return {"task_info": {}, "scene_info_render": {
        "rop_node": [dict({"node": "/out/mantra1", "frames": "1", "render": "1"}, **node)]}}


@pytest.mark.parametrize("task_json, named", [
    ([_maya()], "task.json must hold a JSON object"),
    (dict(_maya(), task_info=[1]), "task_info must be an object"),
    ({"task_info": {}, "scene_info_render": {"beauty": {"renderable": "1", "common": "x"}}},
     "beauty.common must be an object"),
    (_maya(frames="1" + "0" * 5000), "beauty.common.frames"),
    (_maya(render_camera={"cam": 1}), "beauty.common.render_camera"),
    ({"task_info": {}, "scene_info_render": {"rop_node": 5}}, "rop_node must be a list"),
    (_houdini(camera={"path": "/obj/cam1"}), "rop_node[0].camera"),
    ({"task_info": {}, "scene_info_render": {"image_node": [
        {"name": "img", "frames": "1", "renderable": "1", "layers": 5}]}},
     "image_node[0].layers must be a list"),
    (dict(_maya(), task_info={"cg_id": "9" * 30}), "cg_id"),
])
def test_submit_of_a_task_json_of_the_wrong_shape_names_the_field(api, storage, task_json,
                                                                   named):
    # These task.json files answered HTTP 500, which the SDK reports as "submit_task may or
    # may not have taken effect" (RayvisionOutcomeUnknownError) instead of what is wrong.
    task_id = int(api.get_task_id())
    storage.upload(api.user_info["config_bid"], "/{0}/cfg/task.json".format(task_id),
                   json.dumps(task_json).encode())
    with pytest.raises(RayvisionAPIError) as failure:
        api.submit(task_id)
    assert failure.value.error_code == 600 and named in failure.value.error
    assert api.query.task_info([task_id])["items"][0]["totalFrames"] == 0


@pytest.mark.parametrize("info", [{"ram": "9" * 30}, {"cg_id": "2000", "ram": "-5"}])
def test_submit_with_out_of_range_ram_or_size_renders(api, storage, farm, info):
    # A huge ram or resolution in task.json overflowed the database's integers: HTTP 500.
    task_json = _maya(width="9" * 30, height="9" * 30)
    task_json["task_info"] = info
    task_id = int(api.get_task_id())
    storage.upload(api.user_info["config_bid"], "/{0}/cfg/task.json".format(task_id),
                   json.dumps(task_json).encode())
    assert api.submit(task_id) is True
    assert farm.wait_for_task(task_id) == 25


@pytest.mark.parametrize("path, body, field", [
    ("/api/render/task/getTaskList", {"pageNum": 1, "pageSize": 10, "statusList": [25, None]},
     "statusList[1]"),
    ("/api/render/common/addRenderEnv", {"cgId": 2000, "cgName": "Maya", "cgVersion": "2018",
                                         "editName": "null-plugin", "pluginIds": [None]},
     "pluginIds[0]"),
])
def test_a_null_in_a_list_of_integers_is_invalid_and_named(farm, path, body, field):
    # A null element answered 601 "statusList is required" although the list was given.
    answer = send(farm, path, body)
    assert answer.status_code == 400
    envelope = answer.json()
    assert envelope["code"] == 600 and field in envelope["message"]
