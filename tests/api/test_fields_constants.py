import copy

import pytest

from rayvision_api import constants
from rayvision_api.exception import RayvisionArgumentError
from rayvision_api.fields import Env


def test_env_keys_and_order():
    env = Env(cgId=2000, cgName="Maya", cgVersion="2018", renderLayerType=0, editName="t",
              renderSystem=1, pluginIds=[1])
    assert list(env.to_dict()) == ["cgId", "cgName", "cgVersion", "renderLayerType",
                                   "editName", "renderSystem", "pluginIds"]
    with pytest.raises(TypeError):
        Env(cgId=1)
    assert Env.coerce(env) is env
    with pytest.raises(RayvisionArgumentError, match="missing"):
        Env.coerce({})


def test_env_fields_can_be_changed_like_the_originals():
    # The original Env is a plain (mutable) attrs class: scripts adjust one and send it again.
    env = Env(cgId=2000, cgName="Maya", cgVersion="2018", renderLayerType=0, editName="t",
              renderSystem=1, pluginIds=[1])
    env.cgVersion = "2019"
    env.editName = "t2019"
    assert env.to_dict() == {"cgId": 2000, "cgName": "Maya", "cgVersion": "2019",
                             "renderLayerType": 0, "editName": "t2019", "renderSystem": 1,
                             "pluginIds": [1]}


def test_constants_documented_values():
    assert constants.DCC_ID_MAPPINGS["3ds Max"] == 2001
    assert constants.DCC_ID_MAPPINGS["katana"] == 2016
    assert constants.CG_SETTING["Maya"] == "2000" and constants.CG_SETTING["2013"] == "Clarisse"
    assert list(constants.TASK_INFO) == ["task_info", "software_config", "scene_info",
                                         "scene_info_render"]
    info = constants.TASK_INFO["task_info"]
    assert list(info)[:4] == ["enable_layered", "input_cg_file", "is_picture", "task_id"]
    assert (info["job_stop_time"], info["task_stop_time"], info["ram"]) == ("259200", "0", "64")
    assert len(info) == 25
    assert "enable_layered" in constants.MODIFIABLE_PARAM
    assert constants.UPDATE_TASK_USER_LEVEL.startswith("/api/rendering/")


def test_task_info_is_not_shared_by_callers():
    snapshot = copy.deepcopy(constants.TASK_INFO)
    mine = copy.deepcopy(constants.TASK_INFO)
    mine["task_info"]["project_name"] = "leak?"
    assert constants.TASK_INFO == snapshot
