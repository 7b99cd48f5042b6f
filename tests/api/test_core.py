import json

import pytest
import responses

from helpers.api_reference import ACCESS_ID, ACCESS_KEY, DOMAIN, assert_signed, envelope
from rayvision_api import RayvisionAPI
from rayvision_api.exception import RayvisionError, RayvisonTaskIdError

BASE = "https://" + DOMAIN


def login(mocked, profile=None, setting=None, bid=None):
    mocked.add(responses.POST, BASE + "/api/render/user/queryUserProfile",
               json=envelope(profile if profile is not None else
                             {"userId": 100093088, "userName": "rayvision", "platform": 2}))
    mocked.add(responses.POST, BASE + "/api/render/user/queryUserSetting",
               json=envelope(setting if setting is not None else
                             {"taskOverTime": 12, "shareMainCapital": 0}))
    mocked.add(responses.POST, BASE + "/api/render/task/getTransferBid",
               json=envelope(bid if bid is not None else
                             {"config_bid": "30201", "output_bid": "20201",
                              "input_bid": "10202", "parent_input_bid": "10202"}))


def make_api(mocked, **kwargs):
    login(mocked, **kwargs)
    return RayvisionAPI(ACCESS_ID, ACCESS_KEY, domain=DOMAIN, platform="2",
                        backoff_factor=0)


def test_login_fills_user_info(mocked):
    api = make_api(mocked)
    assert api.user_info == {
        "local_os": "windows", "domain": DOMAIN, "platform": "2", "user_id": 100093088,
        "user_name": "rayvision", "task_over_time": 12, "share_main_capital": 0,
        "config_bid": "30201", "output_bid": "20201", "input_bid": "10202",
        "parent_input_bid": "10202"}
    assert [c.request.path_url for c in mocked.calls] == [
        "/api/render/user/queryUserProfile", "/api/render/user/queryUserSetting",
        "/api/render/task/getTransferBid"]
    for call in mocked.calls:
        assert_signed(call)
    api.user_info = {"replaced": True}  # assignable, as sync tests expect
    assert api.user_info == {"replaced": True}
    for name in ("user", "task", "query", "tag", "env", "connect"):
        assert getattr(api, name) is not None
    assert ACCESS_KEY not in repr(api)


def test_login_tolerates_empty_answers(mocked):
    api = make_api(mocked, profile={}, setting={}, bid={})
    assert api.user_info == {"local_os": "windows", "domain": DOMAIN, "platform": "2"}


def test_get_task_id_and_user_id(mocked):
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/task/createTask",
               json=envelope({"taskIdList": [1658434], "aliasTaskIdList": ["2W1658434"],
                              "userId": 100093088}))
    assert api.get_task_id() == "1658434"
    assert json.loads(mocked.calls[-1].request.body) == {"count": 1, "taskUserLevel": 50}
    assert api.get_user_id() == "100093088"


def test_get_task_id_empty_list_is_typed_error(mocked):
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/task/createTask",
               json=envelope({"taskIdList": []}))
    with pytest.raises(RayvisionError, match="Failed to create task number!"):
        api.get_task_id()


def test_get_user_id_missing(mocked):
    api = make_api(mocked)
    mocked.replace(responses.POST, BASE + "/api/render/user/queryUserProfile",
                   json=envelope({}))
    with pytest.raises(RayvisionError, match="Failed to get user number!"):
        api.get_user_id()


def test_check_and_add_project_name_existing(mocked):
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/common/getLabelList",
               json=envelope({"projectNameList": [{"projectId": 7, "projectName": "P1"}]}))
    assert api.check_and_add_project_name("P1") == "7"


def test_check_and_add_project_name_creates_once(mocked):
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/common/getLabelList",
               json=envelope({"projectNameList": []}))
    mocked.add(responses.POST, BASE + "/api/render/common/getLabelList",
               json=envelope({"projectNameList": [{"projectId": 9, "projectName": "new"}]}))
    mocked.add(responses.POST, BASE + "/api/render/common/addLabel", json=envelope(None))
    assert api.check_and_add_project_name("new") == "9"
    adds = [c for c in mocked.calls if c.request.path_url.endswith("addLabel")]
    assert len(adds) == 1
    # The original passes the status as the string '0'; so do we, byte for byte.
    assert adds[0].request.body == b'{"newName": "new", "status": "0"}'


def test_check_and_add_project_name_gives_up(mocked):
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/common/getLabelList",
               json=envelope({"projectNameList": []}))
    mocked.add(responses.POST, BASE + "/api/render/common/addLabel", json=envelope(None))
    assert api.check_and_add_project_name("never") == ""
    assert sum(c.request.path_url.endswith("addLabel") for c in mocked.calls) == 1


def test_check_and_add_project_name_uses_a_label_another_machine_just_added(mocked):
    # Two Workers of one job look the label up at once; the second add is refused as a
    # duplicate, and the label the other Worker made is the answer.
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/common/getLabelList",
               json=envelope({"projectNameList": []}))
    mocked.add(responses.POST, BASE + "/api/render/common/getLabelList",
               json=envelope({"projectNameList": [{"projectId": 4, "projectName": "shot"}]}))
    mocked.add(responses.POST, BASE + "/api/render/common/addLabel",
               json=envelope(None, code=600, message="newName 'shot' already exists"))
    assert api.check_and_add_project_name("shot") == "4"


def test_check_and_add_project_name_raises_a_refused_add_when_no_label_exists(mocked):
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/common/getLabelList",
               json=envelope({"projectNameList": []}))
    mocked.add(responses.POST, BASE + "/api/render/common/addLabel",
               json=envelope(None, code=600, message="newName is invalid"))
    with pytest.raises(RayvisionError) as info:
        api.check_and_add_project_name("bad/name")
    assert info.value.error_code == 600


def test_submit(mocked):
    api = make_api(mocked)
    mocked.add(responses.POST, BASE + "/api/render/task/submitTask", json=envelope(None))
    assert api.submit(55) is True
    assert json.loads(mocked.calls[-1].request.body) == {"taskId": 55}
    for bad in ("55", 5.0, True, None):
        with pytest.raises(RayvisonTaskIdError) as info:
            api.submit(bad)
        assert info.value.error_code == 2000


def test_credentials_from_env(mocked, monkeypatch):
    monkeypatch.setenv("RAYVISION_ACCESS_ID", ACCESS_ID)
    monkeypatch.setenv("RAYVISION_ACCESS_KEY", ACCESS_KEY)
    login(mocked)
    api = RayvisionAPI(domain=DOMAIN, platform="2")
    assert api.user_info["user_id"] == 100093088
    assert_signed(mocked.calls[0])
