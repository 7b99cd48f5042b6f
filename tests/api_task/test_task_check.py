import json
import os

import pytest
import responses

from rayvision_api.constants import TASK_INFO
from rayvision_api.exception import RayvisionError
from rayvision_api.task.check import RayvisionCheck


def write(path, data):
    with open(str(path), "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return str(path)


def read(path):
    with open(str(path), encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def job(tmp_path):
    task = json.loads(json.dumps(TASK_INFO))
    task["task_info"]["project_name"] = "P1"
    task["task_info"]["pre_frames"] = 100
    task["task_info"]["ram"] = 64.0
    task["scene_info"] = {"defaultRenderLayer": {"renderable": "1"}}
    folder = tmp_path / "job"
    folder.mkdir()
    return {
        "folder": folder,
        "task": write(folder / "task.json", task),
        "upload": write(folder / "upload.json", {"asset": [{"local": "D:/a.png",
                                                            "server": "/D/a.png"}]}),
        "asset": write(folder / "asset.json", {"asset": []}),
    }


class AnalyzerResults(object):
    """What an analyser hands the check: its json paths and tips (the analysers are tested
    on their own; the check reads only these attributes)."""

    def __init__(self, folder, tips):
        self.task_json = str(folder / "task.json")
        self.tips_json = str(folder / "tips.json")
        self.asset_json = str(folder / "asset.json")
        self.upload_json = str(folder / "upload.json")
        self.tips_info = tips
        self.task_info = {}
        self.asset_info = {}
        self.upload_info = {}


def test_constructor_makes_no_request_and_no_folder(recorded, api, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    check = RayvisionCheck(api)
    assert recorded.calls == []
    assert check.workspace.endswith("renderfarm_sdk")
    assert not os.path.exists(check.workspace)
    assert (check.task_json, check.errors_number, check.error_warn_info_list) == (None, 0, [])


def test_missing_workspace(api, tmp_path):
    with pytest.raises(RayvisionError) as info:
        RayvisionCheck(api, workspace=str(tmp_path / "nope"))
    assert info.value.error_code == 1000004
    assert "nope" in str(info.value)


def test_verified_run_with_analyzer(farm, user, recorded, api, project, job):
    # 15013 is a warning in the farm's catalogue: the check goes on.
    analyzer = AnalyzerResults(job["folder"], {"15013": ["Maya 2018"]})
    check = RayvisionCheck(api, analyzer)
    task_id = check.execute(job["task"], job["upload"], job["asset"])
    assert int(task_id) > 0
    assert recorded.paths() == ["createTask", "queryUserProfile", "getLabelList",
                                "queryErrorDetail"]
    assert recorded.calls[-1][1] == {"code": "15013", "language": "0"}
    assert [(item["code"], item["type"]) for item in check.error_warn_info_list] == [
        ("15013", 0)]
    task = read(job["task"])
    assert task["task_info"]["task_id"] == task_id
    assert task["task_info"]["user_id"] == str(farm.user(user[0])["id"])
    assert task["task_info"]["project_id"] == project
    assert task["task_info"]["pre_frames"] == "100"
    assert task["task_info"]["ram"] == "64.0"
    assert task["scene_info_render"] == task["scene_info"]
    assert read(job["folder"] / "tips.json") == {"15013": ["Maya 2018"]}
    assert read(job["folder"] / "asset.json") == {"asset": []}
    # indent 4, UTF-8
    with open(job["task"], encoding="utf-8") as handle:
        assert handle.read().startswith('{\n    "')


def test_each_id_filled_on_its_own(farm, user, recorded, api, project, job):
    task = read(job["task"])
    task["task_info"].update(task_id="555", user_id="", project_id="")
    write(job["task"], task)
    assert RayvisionCheck(api).execute(job["task"], job["upload"]) == "555"
    assert recorded.paths() == ["queryUserProfile", "getLabelList"]
    task = read(job["task"])
    assert (task["task_info"]["user_id"], task["task_info"]["project_id"]) == (
        str(farm.user(user[0])["id"]), project)


def test_nothing_filled_when_all_set(recorded, api, job):
    task = read(job["task"])
    task["task_info"].update(task_id="1", user_id="2", project_id="3")
    write(job["task"], task)
    RayvisionCheck(api).execute(job["task"], job["upload"])
    assert recorded.paths() == []


def test_tips_on_disk_honoured(recorded, api, project, job):
    # 15019 (software not found) is an error in the farm's catalogue: the check stops.
    write(job["folder"] / "tips.json", {"15019": ["Maya 2018"]})
    check = RayvisionCheck(api)
    with pytest.raises(RayvisionError) as info:
        check.execute(job["task"], job["upload"])
    assert info.value.error_code == 1000000
    assert "There are 1 errors" in str(info.value)
    assert [(item["code"], item["type"], item["details"])
            for item in check.error_warn_info_list] == [("15019", 1, ["Maya 2018"])]
    # tips.json was not replaced by {}
    assert read(job["folder"] / "tips.json") == {"15019": ["Maya 2018"]}


def test_unknown_code_is_a_warning(api, project, job):
    # No catalogue has this code: the farm answers an empty detail list.
    write(job["folder"] / "tips.json", {"19999": ["mtoa 3.1 != 2.0"]})
    check = RayvisionCheck(api)
    assert int(check.execute(job["task"], job["upload"])) > 0
    assert check.errors_number == 0
    assert check.error_warn_info_list == [{"code": "19999", "details": ["mtoa 3.1 != 2.0"]}]
    assert read(job["folder"] / "tips.json") == {"19999": ["mtoa 3.1 != 2.0"]}


def test_not_cover_writes_new_folders(api, project, job, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    check = RayvisionCheck(api, workspace=str(ws))
    check.execute(job["task"], job["upload"], is_cover=False)
    first = os.path.dirname(check.task_json)
    check.execute(job["task"], job["upload"], is_cover=False)
    second = os.path.dirname(check.task_json)
    assert first != second
    assert os.path.dirname(first) == str(ws)
    assert int(read(os.path.join(second, "task.json"))["task_info"]["task_id"]) > 0
    assert not os.path.exists(os.path.join(second, "asset.json"))
    # the original files are untouched
    assert read(job["task"])["task_info"]["task_id"] == ""


def test_empty_task_info(api, job):
    write(job["task"], {})
    with pytest.raises(RayvisionError) as info:
        RayvisionCheck(api).execute(job["task"], job["upload"])
    assert info.value.error_code == 2000


def test_task_json_without_section(api, job):
    write(job["task"], {"software_config": {}})
    with pytest.raises(RayvisionError) as info:
        RayvisionCheck(api).execute(job["task"], job["upload"])
    assert info.value.error_code == 1000002


def test_missing_task_json(api, job):
    with pytest.raises(RayvisionError) as info:
        RayvisionCheck(api).execute(str(job["folder"] / "absent.json"), job["upload"])
    assert info.value.error_code == 2000


def test_broken_json(api, job):
    with open(job["upload"], "w") as handle:
        handle.write("{broken")
    with pytest.raises(RayvisionError) as info:
        RayvisionCheck(api).execute(job["task"], job["upload"])
    assert "upload.json" in str(info.value)


def test_error_detail_in_english_counted_once(recorded, api):
    check = RayvisionCheck(api)
    check.tips_info = {"15019": ["Maya 2018"]}
    result = check.check_error_warn_info(language="1")
    assert [(item["code"], item["type"], item["languageFlag"], item["details"])
            for item in result] == [("15019", 1, 1, ["Maya 2018"])]
    assert check.errors_number == 1
    assert recorded.calls[0][1]["language"] == "1"
    # calling again does not double count
    check.check_error_warn_info()
    assert check.errors_number == 1


def test_error_detail_as_dict(scripted):
    # The farm answers a list; a single dict is the other form the service may send.
    from rayvision_api import RayvisionAPI
    for path, data in (("user/queryUserProfile", {"userId": 100}),
                       ("user/queryUserSetting", {}), ("task/getTransferBid", {})):
        scripted.add(responses.POST, "https://task.renderbus.com/api/render/" + path,
                     json={"code": 200, "message": "success", "data": data})
    scripted.add(responses.POST, "https://task.renderbus.com/api/render/common/queryErrorDetail",
                 json={"code": 200, "message": "success",
                       "data": {"code": "15019", "type": "1"}})
    api = RayvisionAPI(access_id="AID", access_key="SECRETKEY", domain="task.renderbus.com",
                       platform="2", backoff_factor=0)
    check = RayvisionCheck(api)
    check.tips_info = {"15019": ["Maya 2018"]}
    result = check.check_error_warn_info(language="1")
    assert result == [{"code": "15019", "type": "1", "details": ["Maya 2018"]}]
    assert check.errors_number == 1
    # calling again does not double count
    check.check_error_warn_info()
    assert check.errors_number == 1


def test_write_without_scene_info(api, tmp_path):
    check = RayvisionCheck(api)
    check.check_analyze(None, str(tmp_path))
    check.task_info = {"task_info": {"task_id": "1", "tiles": 2}}
    check.asset_info = None
    assert check.write() == "1"
    assert read(tmp_path / "task.json") == {"task_info": {"task_id": "1", "tiles": "2"}}
    assert read(tmp_path / "tips.json") == {}
    assert read(tmp_path / "upload.json") == {}


def test_check_path():
    with pytest.raises(RayvisionError):
        RayvisionCheck.check_path("/definitely/not/here")
