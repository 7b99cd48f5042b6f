"""End-to-end: every rayvision_api operator method against a live sandbox (no mocking)."""

import threading

import pytest
import requests

from rayvision_api import RayvisionAPI
from rayvision_api.exception import RayvisionAPIError
from rayvision_api.operations import OPERATIONS
from rayvision_sandbox import png
from rayvision_sandbox.api import ApiHandlers


def test_every_documented_operation_has_a_route(farm):
    routes = ApiHandlers(farm).routes()
    assert set(op.path for op in OPERATIONS.values()) == set(routes)
    assert len(OPERATIONS) >= 35


def test_login_fills_user_info(api, farm):
    info = api.user_info
    assert info["user_name"] == "sandbox"
    assert info["config_bid"] == "{0}_config".format(info["user_id"])
    assert info["input_bid"] == "{0}_input".format(info["user_id"])
    assert info["output_bid"] == "{0}_output".format(info["user_id"])
    assert info["task_over_time_sec"] == 43200
    assert api.get_user_id() == str(info["user_id"])


def test_user_operators(api):
    profile = api.user.query_user_profile()
    for key in ("userId", "userName", "platform", "phone", "email", "zone", "level",
                "shareMainCapital", "subDeleteTask", "useMainBalance", "studentEndTime"):
        assert key in profile
    api.user.update_user_settings(task_over_time=7200)
    settings = api.user.query_user_setting()
    assert settings["taskOverTimeSec"] == 7200 and settings["taskOverTime"] == 2
    api.user.update_user_settings(task_over_time=43200)
    bids = api.user.get_transfer_bid()
    assert set(bids) == {"config_bid", "output_bid", "input_bid", "parent_input_bid"}


def test_create_task_answers_ids_aliases_and_user(api):
    data = api.task.create_task(count=2, task_user_level=60, labels=["a", "b"])
    assert len(data["taskIdList"]) == 2
    assert data["aliasTaskIdList"] == ["2W{0}".format(i) for i in data["taskIdList"]]
    assert data["userId"] == api.user_info["user_id"]


def test_task_control_operators(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-4000[1]"))
    assert api.task.stop_task([task_id]) is None
    assert api.query.task_info([task_id])["items"][0]["taskStatus"] == 10
    api.task.start_task([str(task_id)])
    assert api.query.task_info([task_id])["items"][0]["taskStatus"] in (0, 5)
    api.task.update_task_level(task_id, 60)
    assert api.query.task_info([task_id])["items"][0]["taskUserLevel"] == 60
    assert api.task.set_task_overtime_top([task_id], 3600) == "SUCCESS"
    assert api.query.task_info([task_id])["items"][0]["overTimeStop"] == 3600
    assert api.task.full_speed([task_id]) == u"成功"
    api.task.abort_task([task_id])
    assert api.query.task_info([task_id])["items"][0]["taskStatus"] == 35
    api.task.delete_task([task_id])
    assert api.query.task_info([task_id])["items"] == []
    assert task_id not in [item["id"] for item in api.query.get_task_list(1, 100)["items"]]


def test_submit_task_with_isolation_model(api, storage, maya_json, farm):
    task_id = int(api.get_task_id())
    storage.upload(api.user_info["config_bid"], "/{0}/cfg/task.json".format(task_id),
                   __import__("json").dumps(maya_json()).encode())
    assert api.task.submit_task(task_id, asset_lsolation_model="out_user_model",
                                out_user_id="12345") is None
    assert farm.wait_for_task(task_id) == 25


def test_query_reference_operators(api):
    platforms = api.query.platforms()
    assert platforms and set(platforms[0]) == {"platform", "name"}
    detail = api.query.error_detail("15013", language="1")
    assert detail[0]["code"] == "15013" and detail[0]["languageFlag"] == 1
    assert set(["type", "desDescriptionCn", "desSolutionCn", "solutionPath", "isRepair",
                "isOpen", "updateTime"]) <= set(detail[0])
    assert api.query.error_detail("12345678") is None  # no detail: documented None
    software = api.query.supported_software()
    assert software["defaultCgId"] == 2001
    assert {"Maya", "Houdini", "Clarisse"} <= set(i["cgName"] for i in software["renderInfoList"])
    plugins = api.query.supported_plugin("maya")
    assert plugins["cgVersion"][0]["cgId"] == 2000
    version = plugins["cgPlugin"][0]["pluginVersions"][0]
    assert set(version) == {"pluginId", "pluginName", "pluginVersion"}


def test_transfer_discovery_points_at_this_farm(api, farm):
    message = api.query.get_transfer_server_msg()
    assert message["httpTransfer"] == {"url": farm.url + "/storage", "chunkSize": 8388608}
    assert message["raysyncTransfer"]["serverPort"] == farm.port
    key = api.query.get_raysync_user_key()
    assert len(key["raySyncUserKey"]) == 40 and key["id"] == api.user_info["user_id"]


def test_task_queries_of_a_finished_task(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-3[1]", layers=("beauty", "mask")))
    assert farm.wait_for_task(task_id) == 25
    info = api.query.task_info([task_id])
    assert info["total"] == 1 and info["pageNum"] == 1
    item = info["items"][0]
    assert item["outputFileName"] == "{0}_shot_010".format(task_id)
    assert item["sceneName"] == "shot_010.ma" and item["cgId"] == 2000
    assert item["totalFrames"] == 6 and item["doneFrames"] == 6
    assert item["statusText"] == "render_task_status_25" and item["projectName"] == "P1"
    frames = api.query.task_frames(task_id, 1, 4)
    assert frames["total"] == 6 and frames["pageCount"] == 2 and len(frames["items"]) == 4
    assert all(f["frameStatus"] == 4 and f["taskId"] == task_id for f in frames["items"])
    assert api.query.task_frames(task_id, 1, 10, search_keyword="2")["total"] == 2
    stats = api.query.all_frame_status()
    assert stats["doneFramesTotal"] >= 6 and stats["totalFrames"] >= stats["doneFramesTotal"]
    urls = api.query.get_frame_thumbnall(frames["items"][0]["id"])
    assert len(urls) == 1
    image = requests.get(urls[0], timeout=10)
    assert image.status_code == 200 and png.read_png_size(image.content) == (80, 45)
    progress = api.query.get_task_processing_img(task_id)
    assert progress["width"] == 640 and progress["height"] == 360
    assert len(progress["grabInfo"][0]) == 6 and progress["grabInfo"][0][0]["grabUrl"]
    assert len(api.query.get_task_processing_img(task_id, frame_type=5)["grabInfo"][0]) == 6
    assert api.query.get_task_processing_img(task_id, frame_type=2)["grabInfo"] == [[]]


def test_restart_operators(api, submit, maya_json, farm):
    farm.faults.set(failing_frames=[2])
    task_id = submit(maya_json(frames="1-3[1]"))
    assert farm.wait_for_task(task_id) == 30
    farm.faults.clear()
    assert api.query.restart_failed_frames([task_id]) is None
    assert farm.wait_for_task(task_id) == 25
    frames = api.query.task_frames(task_id, 1, 10)["items"]
    assert [f["recommitFlag"] for f in frames] == [0, 1, 0]
    assert api.query.restart_frame(task_id, 0, [frames[0]["id"]]) is None
    assert farm.wait_for_task(task_id) == 25
    assert api.query.restart_frame(task_id, 1) is None
    assert farm.wait_for_task(task_id) == 25
    frames = api.query.task_frames(task_id, 1, 10)["items"]
    assert [f["recommitFlag"] for f in frames] == [2, 2, 1]


def test_get_task_list_filters_and_pages(api, submit, maya_json, farm):
    ids = [submit(maya_json(scene="E:/x/list_probe_{0}.ma".format(i))) for i in range(3)]
    for task_id in ids:
        farm.wait_for_task(task_id)
    page = api.query.get_task_list(page_num=1, page_size=2, search_keyword="list_probe_")
    assert page["total"] == 3 and page["pageCount"] == 2 and len(page["items"]) == 2
    assert page["items"][0]["id"] == ids[-1]  # newest first
    done = api.query.get_task_list(1, 100, status_list=[25], search_keyword="list_probe_")
    assert done["total"] == 3
    assert api.query.get_task_list(1, 100, status_list=[45],
                                   search_keyword="list_probe_")["total"] == 0
    dated = api.query.get_task_list(1, 100, search_keyword="list_probe_",
                                    start_time="2000-01-01 00:00:00",
                                    end_time="2999-01-01 00:00:00")
    assert dated["total"] == 3
    with pytest.raises(RayvisionAPIError) as failure:
        api.query.get_task_list(1, 10, start_time="yesterday")
    assert failure.value.error_code == 600 and "startTime" in failure.value.error


def test_tag_operators(api):
    api.tag.add_label("tag_probe", status=0)
    names = [p["projectName"] for p in api.tag.get_label_list()["projectNameList"]]
    assert "tag_probe" in names
    assert any(p["projectName"] == "tag_probe" for p in api.tag.get_project_list())
    with pytest.raises(RayvisionAPIError) as failure:
        api.tag.add_label("tag_probe")
    assert failure.value.error_code == 600 and "newName" in failure.value.error
    project_id = api.check_and_add_project_name("tag_probe_2")
    assert project_id and project_id == api.check_and_add_project_name("tag_probe_2")
    api.tag.delete_label("tag_probe")
    assert "tag_probe" not in [p["projectName"] for p in api.tag.get_project_list()]
    with pytest.raises(RayvisionAPIError) as failure:
        api.tag.delete_label("tag_probe")
    assert failure.value.error_code == 404


def _ask_at_once(clients, name):
    """Every client asks for the label ``name`` at the same moment; (answers, errors)."""
    barrier = threading.Barrier(len(clients))
    answers, errors = [], []

    def ask(client):
        barrier.wait()
        try:
            answers.append(client.check_and_add_project_name(name))
        except Exception as error:  # collected: the assertion names it
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, errors


def test_concurrent_project_labels_end_as_one_label(farm):
    # The Workers of one render-manager job ask for the same new project label at once.
    clients = [RayvisionAPI(timeout=10, **farm.api_kwargs()) for _ in range(4)]
    for round_number in range(5):
        name = "concurrent_label_{0}".format(round_number)
        answers, errors = _ask_at_once(clients, name)
        assert errors == []
        labels = [p for p in clients[0].tag.get_project_list() if p["projectName"] == name]
        assert len(labels) == 1
        assert answers == [str(labels[0]["projectId"])] * len(clients)


def test_render_env_operators(api):
    env = {"cgId": 2004, "cgName": "Houdini", "cgVersion": "17.5", "renderLayerType": 0,
           "editName": "env_probe", "renderSystem": 1, "pluginIds": [5304]}
    assert api.env.add_render_env(env) == {"editName": "env_probe"}
    env2 = dict(env, editName="env_probe_2", pluginIds=[])
    api.env.add_render_env(env2)
    api.env.update_render_env(dict(env, cgVersion="18.0", renderSystem=0))
    api.env.set_default_render_env("env_probe_2")
    envs = dict((e["editName"], e) for e in api.env.get_render_env("houdini"))
    assert envs["env_probe"]["cgVersion"] == "18.0" and envs["env_probe"]["osName"] == 0
    assert envs["env_probe"]["respUserPluginInfoVos"] == [
        {"pluginId": 5304, "pluginName": "renderman", "pluginVersion": "renderman 22.6"}]
    assert envs["env_probe_2"]["isDefault"] == 1 and envs["env_probe"]["isDefault"] == 0
    api.env.delete_render_env("env_probe")
    api.env.delete_render_env("env_probe_2")
    assert api.env.get_render_env("houdini") == []
    with pytest.raises(RayvisionAPIError) as failure:
        api.env.update_render_env(env)
    assert failure.value.error_code == 404


def test_frames_of_a_deleted_task_are_gone(api, submit, maya_json, farm, storage):
    # A deleted task vanished from every query but its frames' thumbnails: the frame id
    # still answered thumbnail URLs (and the monitor still served the frame's images).
    task_id = submit(maya_json(frames="1"))
    farm.wait_for_task(task_id)
    frame_id = api.query.task_frames(task_id, 1, 10)["items"][0]["id"]
    assert len(api.query.get_frame_thumbnall(frame_id)) == 1
    session = requests.Session()
    assert session.get(farm.monitor_login_link(), timeout=10).status_code == 200
    image = "{0}/monitor/frames/{1}/image/0".format(farm.url, frame_id)
    assert session.get(image, timeout=10).status_code == 200
    api.task.delete_task([task_id])
    with pytest.raises(RayvisionAPIError) as failure:
        api.query.get_frame_thumbnall(frame_id)
    assert failure.value.error_code == 404
    assert session.get(image, timeout=10).status_code == 404
