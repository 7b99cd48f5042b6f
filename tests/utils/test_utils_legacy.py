"""RayvisionAnalyse dispatching a non-Maya task to a standalone analyser."""

import json
import sys
import types

import pytest

from rayvision_api.cancel import CancelToken
from rayvision_api.exception import RayvisionCancelledError
from rayvision_api.task.handle import RayvisionTask
from rayvision_utils import analyse_handle
from rayvision_utils.analyzer import BaseAnalyzer
from rayvision_utils.exception.exception import RayvisionError


class ToyHoudini(BaseAnalyzer):
    RENDER_SOFTWARE = "Houdini"
    CG_EXTENSIONS = (".hip",)

    def analyse_static(self):
        self.task_info["scene_info"] = {"rop_node": [{"node": "/out/mantra1"}]}
        self.asset_info = {"Normal": {}}
        self.add_tip("50001", "/tmp/missing.bgeo")
        return []

    def build_dcc_command(self, exe):
        return [exe, self.cg_file]


@pytest.fixture
def toy_module(monkeypatch):
    module = types.ModuleType("toy_houdini")
    module.AnalyzeHoudini = ToyHoudini
    monkeypatch.setitem(sys.modules, "toy_houdini", module)
    monkeypatch.setitem(analyse_handle.HANDLERS, "2004", ("toy_houdini", "AnalyzeHoudini"))


def make_task(monkeypatch, tmp_path, cg_file):
    monkeypatch.setattr(RayvisionTask, "get_task_id", lambda self: "55")
    monkeypatch.setattr(RayvisionTask, "get_user_id", lambda self: "1000")
    monkeypatch.setattr(RayvisionTask, "check_and_add_project_name", lambda self, name: "")
    task = RayvisionTask("task.renderbus.com", "2", "AID", "KEY", "linux", "17.5.293",
                         "Houdini", str(tmp_path / "ws"), cg_file)
    task.preparatory_analyse(cg_file)
    return task


def test_standalone_analyser_through_legacy_pipeline(toy_module, monkeypatch, tmp_path):
    scene = tmp_path / "fx.hip"
    scene.write_text("hip")
    task = make_task(monkeypatch, tmp_path, str(scene))
    analyse = analyse_handle.RayvisionAnalyse.execute(task)
    assert analyse.instance.name == "Houdini"
    assert analyse.cg_instance is analyse.instance  # the original's attribute name
    with open(task.task_json_path) as handle:
        saved = json.load(handle)
    assert saved["scene_info"] == {"rop_node": [{"node": "/out/mantra1"}]}
    assert saved["scene_info_render"] == saved["scene_info"]
    assert saved["task_info"]["task_id"] == "55"
    assert saved["task_info"]["cg_id"] == "2004"
    assert task.tips_info == {"50001": ["/tmp/missing.bgeo"]}
    with open(task.upload_json_path) as handle:
        assert json.load(handle)["asset"][-1]["local"] == str(scene).replace("\\", "/")


def test_missing_dcc_package(monkeypatch, tmp_path):
    monkeypatch.setitem(analyse_handle.HANDLERS, "2004", ("no_such_package.mod", "X"))
    scene = tmp_path / "fx.hip"
    scene.write_text("hip")
    task = make_task(monkeypatch, tmp_path, str(scene))
    with pytest.raises(RayvisionError) as info:
        analyse_handle.RayvisionAnalyse(task).create_instance()
    assert "no_such_package" in str(info.value)


def test_cancel_token_reaches_the_standalone_analyser(toy_module, monkeypatch, tmp_path):
    scene = tmp_path / "fx.hip"
    scene.write_text("hip")
    task = make_task(monkeypatch, tmp_path, str(scene))
    token = CancelToken()
    token.cancel("host asked")
    with pytest.raises(RayvisionCancelledError) as info:
        analyse_handle.RayvisionAnalyse.execute(task, cancel_token=token)
    assert info.value.reason == "host asked"
    assert task.task_info["scene_info"] == {}  # nothing of the analysis was copied
