"""The sandbox answers carry every key of the documentation's example answers, with its type.

Scripts read these keys straight from the ``data`` the SDK returns; the lists below are the
keys of the example answers of the original API documentation ("API接口使用方法").
"""

import json

import requests

ENVELOPE = {"version": str, "result": bool, "message": str, "code": int, "serverTime": int,
            "requestId": str}

# queryTaskInfo / getTaskList item (TaskInfo).
TASK_INFO_KEYS = [
    "sceneName", "id", "taskAlias", "taskStatus", "statusText", "preTaskStatus",
    "preStatusText", "totalFrames", "abortFrames", "executingFrames", "doneFrames",
    "failedFrames", "framesRange", "projectName", "renderConsume", "taskArrears",
    "submitDate", "startTime", "completedDate", "renderDuration", "userName", "producer",
    "taskLevel", "taskUserLevel", "taskLimit", "taskOverTime", "overTimeStop", "userId",
    "outputFileName", "munuTaskId", "munuTaskIds", "layerParentId", "cgId",
    "userAccountConsume", "couponConsume", "qyCouponConsume", "isOpen", "taskType",
    "renderCamera", "cloneParentId", "cloneOriginalId", "shareMainCapital", "taskRam",
    "respRenderingTaskList", "layerName", "taskTypeText", "locationOutput", "isDelete",
    "channel", "remark", "labels", "isOverTime", "taskKeyValueVo", "waitingCount", "stopType"]

# queryTaskFrames item (FrameInfo).
FRAME_KEYS = [
    "id", "userId", "framePrice", "feeType", "platform", "frameIndex", "frameStatus",
    "feeAmount", "startTime", "endTime", "frameExecuteTime", "frameStatusText", "arrearsFee",
    "munuJobId", "taskId", "munuTaskId", "frameType", "couponFee", "recommitFlag", "isCopy",
    "frameBlock", "taskOverTime", "gopName", "frameRam"]

FRAME_STATS_KEYS = ["executingFramesTotal", "doneFramesTotal", "failedFramesTotal",
                    "waitingFramesTotal", "abandonFramesTotal", "totalFrames"]

PROCESS_IMG_KEYS = ["isRenderPhoton", "completedTime", "currentTaskType", "sceneName",
                    "grabInfo", "width", "block", "startTime", "height"]
GRAB_KEYS = ["couponFee", "frameIndex", "renderInfo", "frameBlock", "frameEst", "grabUrl",
             "feeAmount", "frameUsed", "frameStatus", "framePercent", "isMaxPrice", "startTime",
             "endTime"]

ERROR_DETAIL_KEYS = ["id", "code", "type", "languageFlag", "desDescriptionCn",
                     "desSolutionCn", "solutionPath", "isRepair", "isDelete", "isOpen",
                     "lastModifyAdmin", "updateTime"]

USER_SETTING_KEYS = ["infoStatus", "accountType", "shareMainCapital", "subDeleteTask",
                     "useMainBalance", "singleNodeRenderFrames", "maxIgnoreMapFlag",
                     "autoCommit", "separateAccountFlag", "mifileSwitchFlag",
                     "assfileSwitchFlag", "manuallyStartAnalysisFlag", "downloadDisable",
                     "taskOverTime", "taskOverTimeSec"]

RAYSYNC_KEY_KEYS = ["channel", "platform", "signature", "version", "userKey", "id", "userName",
                    "zone", "phone", "email", "loginTime", "infoStatus", "accountType",
                    "shareMainCapital", "subDeleteTask", "subDeleteCapital", "useMainBalance",
                    "downloadDisable", "raySyncUserKey"]

RENDER_ENV_KEYS = ["cgId", "editName", "cgName", "cgVersion", "osName", "renderLayerType",
                   "isDefault", "projectPath", "isMainUserId", "respUserPluginInfoVos"]


def missing(keys, answer):
    return [key for key in keys if key not in answer]


def test_envelope_keys_and_types(api, farm):
    path = "/api/render/user/queryUserSetting"
    headers = api.connect.signed_headers(path, {})
    response = requests.post(farm.url + path, data=json.dumps({}), headers=headers,
                             timeout=10)
    envelope = response.json()
    for key, kind in ENVELOPE.items():
        assert isinstance(envelope[key], kind), key
    assert (envelope["code"], envelope["result"], envelope["version"]) == (200, True, "1.0.0")
    assert missing(USER_SETTING_KEYS, envelope["data"]) == []


def test_task_and_frame_answers_have_the_documented_keys(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-2[1]"))
    assert farm.wait_for_task(task_id) == 25
    info = api.query.task_info([task_id])
    assert missing(["pageCount", "pageNum", "total", "size", "items"], info) == []
    item = info["items"][0]
    assert missing(TASK_INFO_KEYS, item) == []
    assert set(item["taskKeyValueVo"]) == {"tiles", "allCamera", "renderableCamera"}
    assert isinstance(item["labels"], str)  # a json text, as documented ("{}")
    assert (item["isDelete"], item["submitDate"] > 10 ** 12) == (1, True)  # 1: not deleted; ms
    listed = api.query.get_task_list(page_num=1, page_size=1)
    assert missing(TASK_INFO_KEYS, listed["items"][0]) == []
    frame = api.query.task_frames(task_id, 1, 1)["items"][0]
    assert missing(FRAME_KEYS, frame) == []
    assert isinstance(frame["frameIndex"], str) and isinstance(frame["munuJobId"], str)
    assert isinstance(frame["frameBlock"], str) and frame["endTime"] > 10 ** 12
    assert missing(FRAME_STATS_KEYS, api.query.all_frame_status()) == []
    progress = api.query.get_task_processing_img(task_id)
    assert missing(PROCESS_IMG_KEYS, progress) == []
    grab = progress["grabInfo"][0][0]
    assert missing(GRAB_KEYS, grab) == []
    # Every value of a grab block is text in the documentation's example.
    assert all(isinstance(grab[key], str) for key in GRAB_KEYS if key not in ("startTime",
                                                                              "endTime"))


def test_catalogue_answers_have_the_documented_keys(api):
    detail = api.query.error_detail("15000")
    assert missing(ERROR_DETAIL_KEYS, detail[0]) == []
    assert isinstance(detail[0]["code"], str) and isinstance(detail[0]["type"], int)
    assert missing(RAYSYNC_KEY_KEYS, api.query.get_raysync_user_key()) == []
    transfer = api.query.get_transfer_server_msg()
    assert missing(["serverIp", "serverPort", "proxyIp", "proxyPort", "sslPort", "port"],
                   transfer["raysyncTransfer"]) == []
    platforms = api.query.platforms()
    assert all(set(item) == {"platform", "name"} and isinstance(item["platform"], int)
               for item in platforms)
    software = api.query.supported_software()
    assert missing(["isAutoCommit", "renderInfoList", "defaultCgId"], software) == []
    assert missing(["cgId", "cgName", "cgType", "iconPath", "isNeedProjectPath",
                    "isNeedAnalyse", "isSupportLinux"], software["renderInfoList"][0]) == []
    plugins = api.query.supported_plugin("maya")
    assert missing(["cvId", "pluginName", "pluginVersions"], plugins["cgPlugin"][0]) == []
    assert missing(["pluginId", "pluginName", "pluginVersion"],
                   plugins["cgPlugin"][0]["pluginVersions"][0]) == []
    assert missing(["id", "cgId", "cgName", "cgVersion"], plugins["cgVersion"][0]) == []


def test_render_env_answer_has_the_documented_keys(api):
    env = {"cgId": 2000, "cgName": "Maya", "cgVersion": "2020", "renderLayerType": 0,
           "editName": "answer_keys_env", "renderSystem": "0", "pluginIds": [1166]}
    assert api.env.add_render_env(render_env=env) == {"editName": "answer_keys_env"}
    try:
        listed = [item for item in api.env.get_render_env(name="maya")
                  if item["editName"] == "answer_keys_env"]
        assert len(listed) == 1
        assert missing(RENDER_ENV_KEYS, listed[0]) == []
        assert missing(["pluginId", "pluginName", "pluginVersion"],
                       listed[0]["respUserPluginInfoVos"][0]) == []
    finally:
        api.env.delete_render_env(edit_name="answer_keys_env")
