import os

import pytest
import responses

from rayvision_api.constants import TASK_INFO
from rayvision_api.exception import RayvisionError
from rayvision_api.task.handle import RayvisionTask


@pytest.fixture
def make_task(client_options, tmp_path):
    def make(**kwargs):
        args = dict(client_options, local_os="linux", software_version="2018",
                    render_software="Maya", workspace=str(tmp_path / "ws"),
                    cg_file="D:\\proj\\scene.ma", plugin_config={"mtoa": "3.1.2.1"},
                    project_name="P1")
        args.update(kwargs)
        return RayvisionTask(**args)
    return make


def test_constructor_is_offline(make_task, recorded, user, tmp_path):
    task = make_task()
    assert recorded.calls == []
    assert not os.path.exists(str(tmp_path / "ws"))
    assert task.cg_id == "2000"
    assert user[1] not in repr(task)


def test_lazy_ids_and_folders(farm, make_task, recorded, project, user, tmp_path):
    task = make_task()
    task_id = task.task_id
    user_id = str(farm.user(user[0])["id"])
    assert int(task_id) > 0
    assert task.user_id == user_id
    assert task.work_dir == os.path.join(str(tmp_path / "ws"), "work", task_id)
    assert os.path.isdir(task.work_dir)
    assert os.path.isdir(os.path.join(str(tmp_path / "ws"), "log", "analyse"))
    assert task.task_json_path == os.path.join(task.work_dir, "task.json")
    assert task.upload_json_path.endswith("upload.json")
    info = task.task_info
    assert info["task_info"]["task_id"] == task_id
    assert info["task_info"]["user_id"] == user_id
    assert info["task_info"]["project_id"] == project
    assert info["task_info"]["platform"] == "2"
    assert info["task_info"]["cg_id"] == "2000"
    assert info["software_config"] == {"cg_name": "Maya", "cg_version": "2018",
                                       "plugins": {"mtoa": "3.1.2.1"}}
    # each id asked once
    assert task.task_info is info
    assert recorded.paths() == ["createTask", "queryUserProfile", "getLabelList"]


def test_template_not_shared(make_task, project):
    first = make_task()
    first.preparatory_analyse("D:\\proj\\scene.ma", "D:/proj")
    assert first.task_info["task_info"]["input_cg_file"] == "D:/proj/scene.ma"
    assert first.task_info["task_info"]["input_project_path"] == "D:/proj"
    assert TASK_INFO["task_info"]["input_cg_file"] == ""
    assert TASK_INFO["task_info"]["task_id"] == ""
    second = make_task(project_name=None)
    assert second.task_info["task_info"]["input_cg_file"] == ""
    assert second.task_info["task_info"]["project_name"] == ""
    assert second.task_info["task_info"]["project_id"] == ""


def test_patching_on_the_class(monkeypatch, make_task, recorded):
    monkeypatch.setattr(RayvisionTask, "get_task_id", lambda self: "42")
    monkeypatch.setattr(RayvisionTask, "get_user_id", lambda self: "7")
    monkeypatch.setattr(RayvisionTask, "check_and_add_project_name", lambda self, n: "3")
    task = make_task()
    assert task.task_info["task_info"]["task_id"] == "42"
    assert task.work_dir.endswith(os.path.join("work", "42"))
    assert task.task_info["task_info"]["project_id"] == "3"
    assert recorded.calls == []


def test_unknown_software(make_task):
    with pytest.raises(RayvisionError) as info:
        make_task(render_software="Nuke")
    assert info.value.error_code == 1000000
    assert "Nuke" in str(info.value)


def test_set_render_config_reads_render_software(monkeypatch, make_task):
    # Documented: set_render_config raises RayvisionError for a software it does not know;
    # it takes the cg id of the task's render_software as it is when called.
    monkeypatch.setattr(RayvisionTask, "get_task_id", lambda self: "42")
    monkeypatch.setattr(RayvisionTask, "get_user_id", lambda self: "7")
    monkeypatch.setattr(RayvisionTask, "check_and_add_project_name", lambda self, n: "3")
    task = make_task()
    task.render_software = "Houdini"
    task.set_render_config()
    assert task.task_info["task_info"]["cg_id"] == "2004"
    assert task.cg_id == "2004"
    assert task.task_info["software_config"]["cg_name"] == "Houdini"
    task.render_software = "Nuke"
    with pytest.raises(RayvisionError) as info:
        task.set_render_config()
    assert info.value.error_code == 1000000
    assert "Nuke" in str(info.value)


def test_project_label_created_when_missing(make_task, recorded, api):
    task = make_task(project_name="NEW")
    project_id = task.check_and_add_project_name("NEW")
    assert recorded.paths() == ["getLabelList", "addLabel", "getLabelList"]
    assert recorded.calls[1][1]["newName"] == "NEW"
    labels = api.tag.get_label_list()["projectNameList"]
    assert [str(item["projectId"]) for item in labels if item["projectName"] == "NEW"] == [
        project_id]
    # asked again, the label is found and not added a second time
    recorded.clear()
    assert task.check_and_add_project_name("NEW") == project_id
    assert recorded.paths() == ["getLabelList"]


def test_no_task_id(scripted, tmp_path):
    # The farm always answers with one id; an empty list is the service's error path.
    scripted.add(responses.POST, "https://task.renderbus.com/api/render/task/createTask",
                 json={"code": 200, "message": "success", "data": {"taskIdList": []}})
    task = RayvisionTask(domain="task.renderbus.com", platform="2", access_id="AID",
                         access_key="SECRETKEY", local_os="linux", software_version="2018",
                         render_software="Maya", workspace=str(tmp_path / "ws"),
                         cg_file="D:\\proj\\scene.ma", backoff_factor=0)
    with pytest.raises(RayvisionError) as info:
        task.get_task_id()
    assert info.value.error_code == 1000000
