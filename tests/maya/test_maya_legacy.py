"""The documented 1.1.0 pipeline: RayvisionTask + RayvisionAnalyse + analyze_maya_handle.Maya."""

import json
import os

import pytest

from rayvision_api.cancel import CancelToken
from rayvision_api.exception import RayvisionCancelledError
from rayvision_api.task.handle import RayvisionTask
from rayvision_maya.analyze_maya_handle import Maya
from rayvision_utils.analyse_handle import RayvisionAnalyse
from rayvision_utils.exception.exception import (
    FileNameContainsChineseError,
    RayvisionError,
    VersionNotMatchError,
)
from rayvision_utils.json_handle import JsonHandle


@pytest.fixture
def offline_task(monkeypatch, tmp_path):
    """A RayvisionTask whose ids are patched on the class, as the original tests did."""
    monkeypatch.setattr(RayvisionTask, "get_task_id", lambda self: "1658434")
    monkeypatch.setattr(RayvisionTask, "get_user_id", lambda self: "100093088")
    monkeypatch.setattr(RayvisionTask, "check_and_add_project_name", lambda self, name: "7")

    def make(cg_file, software_version="2018", plugin_config=None):
        task = RayvisionTask(domain="task.renderbus.com", platform="2", access_id="AID",
                             access_key="KEY", local_os="linux",
                             software_version=software_version, render_software="Maya",
                             workspace=str(tmp_path / "legacy_ws"), cg_file=cg_file,
                             plugin_config=plugin_config, project_name="P1")
        task.preparatory_analyse(cg_file)
        return task
    return make


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_execute_maya(offline_task, project, monkeypatch):
    monkeypatch.setattr("rayvision_maya.analyze_maya.AnalyzeMaya.find_dcc_executable",
                        lambda self, reg=None: None)
    cg_file = str(project / "scenes" / "legacy_layers.ma")
    task = offline_task(cg_file)
    analyse = RayvisionAnalyse.execute(task)
    assert isinstance(analyse.instance, Maya)
    assert task.work_dir.endswith(os.path.join("work", "1658434"))
    saved = load(task.task_json_path)
    assert saved["task_info"]["task_id"] == "1658434"
    assert saved["task_info"]["user_id"] == "100093088"
    assert saved["task_info"]["project_id"] == "7"
    assert saved["task_info"]["cg_id"] == "2000"
    assert saved["task_info"]["input_cg_file"] == cg_file.replace(os.sep, "/")
    assert saved["scene_info_render"]["layer1"]["common"]["frames"] == "1-48[2]"
    assert saved["software_config"]["plugins"] == {"mtoa": "3.1.2.1"}
    assert load(task.tips_json_path) == {}
    upload = load(task.upload_json_path)
    assert upload["asset"][-1]["local"] == cg_file.replace(os.sep, "/")
    assert analyse.instance.user_input == "100093000/100093088"


def test_version_mismatch(offline_task, project):
    task = offline_task(str(project / "scenes" / "legacy_layers.ma"), software_version="2019")
    with pytest.raises(VersionNotMatchError):
        RayvisionAnalyse.execute(task)
    assert load(task.tips_json_path) == {"15013": ["Maya 2018"]}


def test_chinese_path(offline_task, tmp_path):
    scene = tmp_path / "场景.ma"
    scene.write_bytes(b"//Maya ASCII 2018 scene\n")
    task = offline_task(str(scene))
    with pytest.raises(FileNameContainsChineseError):
        RayvisionAnalyse(task).create_instance()


def test_create_instance_errors(offline_task, project, tmp_path):
    cg_file = str(project / "scenes" / "legacy_layers.ma")
    task = offline_task(str(tmp_path / "absent.ma"))
    with pytest.raises(RayvisionError, match="Cg file does not exist"):
        RayvisionAnalyse(task).create_instance()
    task = offline_task(cg_file)
    with pytest.raises(RayvisionError, match="exe full path"):
        RayvisionAnalyse(task, exe_path="bin/maya").create_instance()
    with pytest.raises(RayvisionError, match="does not exist"):
        RayvisionAnalyse(task, exe_path=str(tmp_path / "maya")).create_instance()
    task.task_info["task_info"]["cg_id"] = "2999"
    with pytest.raises(RayvisionError, match="cg_id does not exist"):
        RayvisionAnalyse(task).create_instance()


def test_cg_is_maya():
    scene_info = {"a": {"common": {"start": "1", "end": "10", "by_frame": "2", "frames": ""}},
                  "b": {"common": {"start": "", "end": "", "by_frame": "", "frames": ""}}}
    result = RayvisionAnalyse.cg_is_maya("2000", scene_info)
    assert result["a"]["common"]["frames"] == "1-10[2]"
    assert result["b"]["common"]["frames"] == ""
    assert RayvisionAnalyse.cg_is_maya("2004", {"x": 1}) == {"x": 1}


def test_json_handle_helpers(offline_task, project, tmp_path):
    task = offline_task(str(project / "scenes" / "legacy_layers.ma"))
    base = JsonHandle(task.cg_file, task, "2000", None)  # constructible, as in 1.1.x
    with pytest.raises(NotImplementedError):
        base.run()  # run() belongs to each DCC's handle

    class Handle(JsonHandle):
        def run(self):
            return self.json_exist()

    handle = Handle(task.cg_file, task, "2000", None)
    assert handle.run() == (False, "Json file is not generated: {}".format(
        task.task_json_path))
    assert JsonHandle.exe_path_from_location(None, "maya") is None
    assert JsonHandle.exe_path_from_location(str(tmp_path), "absent") is None
    (tmp_path / "maya").write_text("")
    assert JsonHandle.exe_path_from_location(str(tmp_path), "maya") == str(tmp_path / "maya")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff{")
    assert JsonHandle.json_load(str(bad), ["utf-8", "gbk"]) == {}
    handle.dump_task_json()
    handle.write_cg_path()
    assert load(task.task_json_path)["task_info"]["cg_id"] == "2000"
    handle.name = "Maya"
    handle.version = "2019"
    handle.version_str = "Maya 2019"
    with pytest.raises(VersionNotMatchError):
        handle.valid()


def test_cancel_token_reaches_the_maya_analysis(offline_task, project, monkeypatch):
    monkeypatch.setattr("rayvision_maya.analyze_maya.AnalyzeMaya.find_dcc_executable",
                        lambda self, reg=None: None)
    task = offline_task(str(project / "scenes" / "legacy_layers.ma"))
    token = CancelToken()
    token.cancel()
    with pytest.raises(RayvisionCancelledError):
        RayvisionAnalyse.execute(task, cancel_token=token)
    assert not os.path.exists(task.upload_json_path) or load(task.upload_json_path) == {}


@pytest.mark.parametrize("configured, accepted", [("2018", True), ("2018.5", True),
                                                  (2018, True), ("2019", False),
                                                  ("", False), (None, False)])
def test_both_entry_points_share_the_version_rule(offline_task, project, tmp_path,
                                                  configured, accepted):
    # rayvision_maya.version.same_version decides for AnalyzeMaya and the 1.1.0 Maya alike.
    from rayvision_maya.analyze_maya import AnalyzeMaya
    from rayvision_maya.version import same_version

    scene = str(project / "scenes" / "legacy_layers.ma")
    assert Maya.check_version3(scene) == AnalyzeMaya.check_version3(scene) == "2018"
    assert same_version("2018", configured) is accepted
    task = offline_task(scene)
    task.task_info["software_config"]["cg_version"] = configured
    legacy = Maya(scene, task, "2000", None)
    legacy.analyse_cg_file()
    if accepted:
        legacy.valid()
    else:
        with pytest.raises(VersionNotMatchError):
            legacy.valid()
    if configured:  # AnalyzeMaya refuses a software_version that is no version at all
        current = AnalyzeMaya(scene, configured, "P1", {}, workspace=str(tmp_path / "ws"),
                              backend="static", local_os="linux")
        if accepted:
            current.check_version()
        else:
            with pytest.raises(VersionNotMatchError):
                current.check_version()


def test_both_entry_points_refuse_an_unreadable_version_alike(offline_task, tmp_path):
    from rayvision_maya.analyze_maya import AnalyzeMaya
    from rayvision_utils.exception.exception import GetCGVersionError

    scene = tmp_path / "noversion.ma"
    scene.write_text('createNode transform -n "a";\n')
    task = offline_task(str(scene))
    with pytest.raises(GetCGVersionError) as legacy:
        Maya(str(scene), task, "2000", None).analyse_cg_file()
    with pytest.raises(GetCGVersionError) as current:
        AnalyzeMaya(str(scene), "2018", "P1", {}, workspace=str(tmp_path / "ws"),
                    backend="static", local_os="linux").check_version()
    assert str(legacy.value) == str(current.value)
    assert load(task.tips_json_path) == {"15002": [str(scene).replace(os.sep, "/")]}
