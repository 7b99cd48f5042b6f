"""Every operator method: URL path, exact JSON body (key order too) and signature."""

import json
import sys

import pytest
import responses

from helpers.api_reference import DOMAIN, assert_signed, envelope
from rayvision_api.exception import RayvisionArgumentError, RayvisionLookupError
from rayvision_api.fields import Env
from rayvision_api.operations import OPERATIONS
from rayvision_api.operators import Query, RenderEnv, Tag, Task, User

OS_NAME = "windows" if sys.platform.startswith("win") else "linux"
ENV = {"cgId": 2000, "cgName": "Maya", "cgVersion": "2018", "renderLayerType": 0,
       "editName": "tests", "renderSystem": 1, "pluginIds": [2703]}

# (operator class, method, args, kwargs, path, exact body)
CASES = [
    (User, "query_user_profile", (), {}, "/api/render/user/queryUserProfile", {}),
    (User, "query_user_setting", (), {}, "/api/render/user/queryUserSetting", {}),
    (User, "update_user_settings", (3600,), {}, "/api/render/user/updateUserSetting",
     {"taskOverTimeSec": 3600}),
    (User, "get_transfer_bid", (), {}, "/api/render/task/getTransferBid", {}),
    (Task, "create_task", (), {}, "/api/render/task/createTask",
     {"count": 1, "taskUserLevel": 50}),
    (Task, "create_task", (2,), {"out_user_id": "u1", "task_user_level": 60,
                                 "labels": ["a", "b"]}, "/api/render/task/createTask",
     {"count": 2, "taskUserLevel": 60, "outUserId": "u1", "labels": ["a", "b"]}),
    (Task, "submit_task", (123,), {}, "/api/render/task/submitTask", {"taskId": 123}),
    (Task, "submit_task", (123,), {"asset_lsolation_model": " task_id_model ",
                                   "out_user_id": " 88 "},
     "/api/render/task/submitTask",
     {"taskId": 123, "assetIsolationModel": "TASK_ID_MODEL", "outUserId": "88"}),
    (Task, "stop_task", ([1, 2],), {}, "/api/render/task/stopTask", {"taskIds": [1, 2]}),
    (Task, "start_task", (["1"],), {}, "/api/render/task/startTask", {"taskIds": ["1"]}),
    (Task, "abort_task", ([1],), {}, "/api/render/task/abortTask", {"taskIds": [1]}),
    (Task, "delete_task", ((1, 2),), {}, "/api/render/task/deleteTask", {"taskIds": [1, 2]}),
    (Task, "update_task_level", (5, 70), {},
     "/api/rendering/task/renderingTask/updateTaskUserLevel",
     {"taskId": 5, "taskUserLevel": 70}),
    (Task, "set_task_overtime_top", ([5], 3600), {}, "/api/render/task/setOverTimeStop",
     {"taskIds": [5], "overTime": 3600}),
    (Task, "full_speed", ([5],), {}, "/api/render/task/fullSpeed", {"taskIds": [5]}),
    (Query, "platforms", (), {}, "/api/render/common/queryPlatforms", {"zone": 1}),
    (Query, "error_detail", ("15013",), {}, "/api/render/common/queryErrorDetail",
     {"code": "15013", "language": "0"}),
    (Query, "get_task_list", (), {}, "/api/render/task/getTaskList",
     {"pageNum": 1, "pageSize": 2}),
    (Query, "get_task_list", (2, 10, [25, 30], "scene", "2020-01-01 00:00:00",
                              "2020-02-01 00:00:00"), {}, "/api/render/task/getTaskList",
     {"pageNum": 2, "pageSize": 10, "statusList": [25, 30], "searchKeyword": "scene",
      "startTime": "2020-01-01 00:00:00", "endTime": "2020-02-01 00:00:00"}),
    (Query, "task_frames", (7, 1, 20), {"search_keyword": "0001"},
     "/api/render/task/queryTaskFrames",
     {"taskId": 7, "pageNum": 1, "pageSize": 20, "searchKeyword": "0001"}),
    (Query, "all_frame_status", (), {}, "/api/render/task/queryAllFrameStats", {}),
    (Query, "restart_failed_frames", ([7],), {}, "/api/render/task/restartFailedFrames",
     {"taskIds": [7]}),
    (Query, "restart_frame", (14362099, 0), {}, "/api/render/task/restartFrame",
     {"taskIds": 14362099, "selectAll": 0, "ids": []}),
    (Query, "restart_frame", (7, 0, [1, 2]), {}, "/api/render/task/restartFrame",
     {"taskIds": 7, "selectAll": 0, "ids": [1, 2]}),
    (Query, "task_info", ([7],), {}, "/api/render/task/queryTaskInfo", {"taskIds": [7]}),
    (Query, "supported_software", (), {}, "/api/render/common/querySupportedSoftware", {}),
    (Query, "supported_plugin", ("Maya",), {}, "/api/render/common/querySupportedPlugin",
     {"cgId": 2000, "osName": OS_NAME}),
    (Query, "supported_plugin", (" 3DS MAX ",), {}, "/api/render/common/querySupportedPlugin",
     {"cgId": 2001, "osName": OS_NAME}),
    (Query, "get_transfer_server_msg", (), {}, "/api/render/task/getTransferServerMsg",
     {"zone": 1}),
    (Query, "get_raysync_user_key", (), {}, "/api/render/user/getRaySyncUserKey", {}),
    (Query, "get_task_processing_img", (7,), {}, "/api/render/task/loadTaskProcessImg",
     {"taskId": 7}),
    (Query, "get_task_processing_img", (7, 2), {}, "/api/render/task/loadTaskProcessImg",
     {"taskId": 7, "frameType": 2}),
    (Query, "get_frame_thumbnall", (99,), {}, "/api/render/task/loadingFrameThumbnail",
     {"id": 99, "frameStatus": 4}),
    (Tag, "add_label", ("proj",), {}, "/api/render/common/addLabel",
     {"newName": "proj", "status": 1}),
    (Tag, "delete_label", ("proj",), {}, "/api/render/common/deleteLabel", {"delName": "proj"}),
    (Tag, "get_label_list", (), {}, "/api/render/common/getLabelList", {}),
    (Tag, "get_project_list", (), {}, "/api/render/common/getLabelList", {}),
    (RenderEnv, "add_render_env", (ENV,), {}, "/api/render/common/addRenderEnv", ENV),
    (RenderEnv, "add_render_env", (Env(**ENV),), {}, "/api/render/common/addRenderEnv", ENV),
    (RenderEnv, "update_render_env", (ENV,), {}, "/api/render/common/updateRenderEnv", ENV),
    (RenderEnv, "delete_render_env", ("tests",), {}, "/api/render/common/deleteRenderEnv",
     {"editName": "tests"}),
    (RenderEnv, "set_default_render_env", ("tests",), {},
     "/api/render/common/setDefaultRenderEnv", {"editName": "tests"}),
    (RenderEnv, "get_render_env", ("maya",), {}, "/api/render/common/getRenderEnv",
     {"cgId": 2000}),
    # The documented example name of get_render_env, without the space of '3ds Max'.
    (RenderEnv, "get_render_env", ("3dsmax",), {}, "/api/render/common/getRenderEnv",
     {"cgId": 2001}),
    (Query, "supported_plugin", ("3dsmax",), {}, "/api/render/common/querySupportedPlugin",
     {"cgId": 2001, "osName": OS_NAME}),
]


HEADER_ORDER = ["accessId", "channel", "platform", "UTCTimestamp", "nonce", "signature",
                "version", "Content-Type"]


@pytest.mark.parametrize("cls, method, args, kwargs, path, body", CASES,
                         ids=["%s-%d" % (c[1], i) for i, c in enumerate(CASES)])
def test_operator_request(mocked, connect, cls, method, args, kwargs, path, body):
    mocked.add(responses.POST, "https://%s%s" % (DOMAIN, path), json=envelope({"ok": 1}))
    getattr(cls(connect), method)(*args, **kwargs)
    assert len(mocked.calls) == 1
    sent_path, sent_body = assert_signed(mocked.calls[0])
    assert sent_path == path
    assert sent_body == body
    assert list(sent_body) == list(body)  # key order as the service documents it
    # Byte for byte what the original sends: json.dumps with Python's defaults.
    assert mocked.calls[0].request.body == json.dumps(body).encode("utf-8")
    signed_order = [key for key in mocked.calls[0].request.headers if key in HEADER_ORDER]
    assert signed_order == HEADER_ORDER


def test_every_operation_has_a_case_and_a_method():
    covered = {case[1] for case in CASES}
    assert covered == set(OPERATIONS)
    for name in OPERATIONS:
        assert any(hasattr(cls, name) for cls in (User, Task, Query, Tag, RenderEnv)), name


def test_foxrenderfarm_zone(mocked):
    from rayvision_api.connect import Connect
    conn = Connect("id", "key", "https", "jop.foxrenderfarm.com", "2")
    for path in ("/api/render/common/queryPlatforms", "/api/render/task/getTransferServerMsg"):
        mocked.add(responses.POST, "https://jop.foxrenderfarm.com" + path, json=envelope([]))
    Query(conn).platforms()
    Query(conn).get_transfer_server_msg()
    assert [json.loads(c.request.body) for c in mocked.calls] == [{"zone": 2}, {"zone": 2}]


def test_result_shaping(mocked, connect):
    mocked.add(responses.POST, "https://%s/api/render/common/queryErrorDetail" % DOMAIN,
               json=envelope([]))
    mocked.add(responses.POST, "https://%s/api/render/common/getLabelList" % DOMAIN,
               json=envelope({"projectNameList": [{"projectId": 3, "projectName": "p"}]}))
    assert Query(connect).error_detail("1") is None
    assert Tag(connect).get_project_list() == [{"projectId": 3, "projectName": "p"}]


@pytest.mark.parametrize("call, message", [
    (lambda c: Task(c).create_task(labels=("a",)), "labels must be a list"),
    (lambda c: Task(c).submit_task(1, asset_lsolation_model="OTHER"), "asset_lsolation_model"),
    (lambda c: Task(c).submit_task(1, asset_lsolation_model=3), "asset_lsolation_model"),
    (lambda c: Task(c).stop_task("5"), "task_param_list must be a task id or a list"),
    (lambda c: Task(c).stop_task(True), "task_param_list must be a task id or a list"),
    (lambda c: Query(c).get_task_list(status_list=(1,)), "status_list must be a list"),
    (lambda c: Query(c).get_task_list(search_keyword=5), "search_keyword must be a str"),
    (lambda c: Query(c).get_task_list(start_time=20200101), "start_time must be a str"),
    (lambda c: Query(c).restart_frame(1, 0, ids_list="1,2"), "ids_list must be a list"),
    (lambda c: Query(c).supported_plugin(""), "name must be a non-empty DCC name"),
    (lambda c: Query(c).supported_plugin(None), "name must be a non-empty DCC name"),
    (lambda c: RenderEnv(c).add_render_env({"cgId": 1}), "missing cgName"),
    (lambda c: RenderEnv(c).add_render_env(dict(ENV, extra=1)), "unknown extra"),
    (lambda c: RenderEnv(c).add_render_env([1]), "render_env must be a dict"),
])
def test_bad_arguments_are_typed_errors_before_any_request(mocked, connect, call, message):
    with pytest.raises(RayvisionArgumentError, match=message) as info:
        call(connect)
    assert isinstance(info.value, TypeError)
    assert not mocked.calls


def test_unknown_dcc_is_lookup_error(mocked, connect):
    for call in (lambda: Query(connect).supported_plugin("photoshop"),
                 lambda: RenderEnv(connect).get_render_env("photoshop")):
        with pytest.raises(RayvisionLookupError, match="photoshop") as info:
            call()
        assert isinstance(info.value, KeyError)
    assert not mocked.calls


def test_aliases_point_at_documented_names():
    assert Query.get_frame_thumbnail is Query.get_frame_thumbnall
    assert Task.set_task_overtime_stop is Task.set_task_overtime_top
    assert Task.TASK_PARAM == "taskIds"
