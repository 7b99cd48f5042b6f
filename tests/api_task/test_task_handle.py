import os

import pytest

from rayvision_api.constants import TASK_INFO
from rayvision_api.exception import RayvisionError
from rayvision_api.task.handle import RayvisionTask

DOMAIN = "task.renderbus.com"


def make_task(tmp_path, **kwargs):
    args = dict(domain=DOMAIN, platform="2", access_id="AID", access_key="SECRETKEY",
                local_os="linux", software_version="2018", render_software="Maya",
                workspace=str(tmp_path / "ws"), cg_file="D:\\proj\\scene.ma",
                plugin_config={"mtoa": "3.1.2.1"}, project_name="P1", backoff_factor=0)
    args.update(kwargs)
    return RayvisionTask(**args)


def test_constructor_is_offline(service, tmp_path):
    task = make_task(tmp_path)
    assert service.calls == []
    assert not os.path.exists(str(tmp_path / "ws"))
    assert task.cg_id == "2000"
    assert "SECRETKEY" not in repr(task)


def test_lazy_ids_and_folders(service, tmp_path):
    task = make_task(tmp_path)
    assert task.task_id == "999"
    assert task.user_id == "100"
    assert task.work_dir == os.path.join(str(tmp_path / "ws"), "work", "999")
    assert os.path.isdir(task.work_dir)
    assert os.path.isdir(os.path.join(str(tmp_path / "ws"), "log", "analyse"))
    assert task.task_json_path == os.path.join(task.work_dir, "task.json")
    assert task.upload_json_path.endswith("upload.json")
    info = task.task_info
    assert info["task_info"]["task_id"] == "999"
    assert info["task_info"]["user_id"] == "100"
    assert info["task_info"]["project_id"] == "7"
    assert info["task_info"]["platform"] == "2"
    assert info["task_info"]["cg_id"] == "2000"
    assert info["software_config"] == {"cg_name": "Maya", "cg_version": "2018",
                                       "plugins": {"mtoa": "3.1.2.1"}}
    # each id asked once
    assert task.task_info is info
    assert [p.rsplit("/", 1)[1] for p, _ in service.calls] == [
        "createTask", "queryUserProfile", "getLabelList"]


def test_template_not_shared(service, tmp_path):
    first = make_task(tmp_path)
    first.preparatory_analyse("D:\\proj\\scene.ma", "D:/proj")
    assert first.task_info["task_info"]["input_cg_file"] == "D:/proj/scene.ma"
    assert first.task_info["task_info"]["input_project_path"] == "D:/proj"
    assert TASK_INFO["task_info"]["input_cg_file"] == ""
    assert TASK_INFO["task_info"]["task_id"] == ""
    second = make_task(tmp_path, project_name=None)
    assert second.task_info["task_info"]["input_cg_file"] == ""
    assert second.task_info["task_info"]["project_name"] == ""
    assert second.task_info["task_info"]["project_id"] == ""


def test_patching_on_the_class(monkeypatch, tmp_path):
    monkeypatch.setattr(RayvisionTask, "get_task_id", lambda self: "42")
    monkeypatch.setattr(RayvisionTask, "get_user_id", lambda self: "7")
    monkeypatch.setattr(RayvisionTask, "check_and_add_project_name", lambda self, n: "3")
    task = make_task(tmp_path)
    assert task.task_info["task_info"]["task_id"] == "42"
    assert task.work_dir.endswith(os.path.join("work", "42"))
    assert task.task_info["task_info"]["project_id"] == "3"


def test_unknown_software(tmp_path):
    with pytest.raises(RayvisionError) as info:
        make_task(tmp_path, render_software="Nuke")
    assert info.value.error_code == 1000000
    assert "Nuke" in str(info.value)


def test_project_label_created_when_missing(service, tmp_path):
    service.answers["/api/render/common/getLabelList"] = {"projectNameList": []}
    task = make_task(tmp_path, project_name="NEW")
    assert task.check_and_add_project_name("NEW") == ""
    assert [p.rsplit("/", 1)[1] for p, _ in service.calls] == [
        "getLabelList", "addLabel", "getLabelList"]
    assert service.calls[1][1]["newName"] == "NEW"


def test_no_task_id(service, tmp_path):
    service.answers["/api/render/task/createTask"] = {"taskIdList": []}
    with pytest.raises(RayvisionError) as info:
        make_task(tmp_path).get_task_id()
    assert info.value.error_code == 1000000
