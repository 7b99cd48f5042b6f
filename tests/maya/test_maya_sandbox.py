"""End to end without Maya and without the real service: static analysis, then
RayvisionCheck against the sandbox farm (real HTTP server, real signatures)."""

import json

import pytest

from rayvision_api import RayvisionAPI
from rayvision_api.exception import RayvisionError
from rayvision_api.task.check import RayvisionCheck
from rayvision_api.utils import update_task_info
from rayvision_maya.analyze_maya import AnalyzeMaya
from rayvision_sandbox import Sandbox
from rayvision_utils.exception.exception import CGExeNotExistError


@pytest.fixture(scope="module")
def farm():
    with Sandbox(seconds_per_frame=0.01) as sandbox:
        yield sandbox


@pytest.fixture
def api(farm):
    return RayvisionAPI(**farm.api_kwargs())


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_static_analysis_checked_by_the_farm(api, project, workspace):
    analyze = AnalyzeMaya(str(project / "scenes" / "assets.ma"), "2018", "SandboxProject",
                          {}, workspace=workspace, backend="static").analyse()
    update_task_info({"pre_frames": "100"}, analyze.task_json)
    check = RayvisionCheck(api, analyze)
    task_id = check.execute(analyze.task_json, analyze.upload_json, analyze.asset_json)
    assert task_id and task_id.isdigit()
    task = load(analyze.task_json)
    assert task["task_info"]["task_id"] == task_id
    assert task["task_info"]["user_id"] == str(api.user_info["user_id"])
    assert task["task_info"]["project_id"] not in ("", None)
    assert task["task_info"]["pre_frames"] == "100"
    # 10012 (missing textures) is a warning on the farm; the unknown SDK codes are too
    assert check.errors_number == 0
    codes = {entry["code"] for entry in check.error_warn_info_list}
    assert {"10012", "10018", "10030"} <= codes


def test_scene_error_stops_the_check(api, project, workspace, monkeypatch):
    monkeypatch.setattr(AnalyzeMaya, "find_dcc_executable", lambda self, reg=None: None)
    analyze = AnalyzeMaya(str(project / "scenes" / "legacy_layers.ma"), "2018", "P",
                          {}, workspace=workspace, backend="dcc")
    with pytest.raises(CGExeNotExistError):
        analyze.analyse()
    # the 15019 tip written by the failed analysis is an error for the farm
    check = RayvisionCheck(api, analyze)
    with pytest.raises(RayvisionError) as info:
        check.execute(analyze.task_json, analyze.upload_json)
    assert info.value.error_code == 1000000
    assert check.errors_number == 1
