"""Task monitoring logic (RayvisionManageTask), with the spec's worked examples."""

import pytest
from rvsync_helpers import ScriptedQuery

from rayvision_api.exception import RayvisionError
from rayvision_sync.constants import TASK_END_STATUS_CODE_LIST, TASK_STATUS_DESCRIPTION
from rayvision_sync.manage import RayvisionManageTask
from rayvision_sync.utils import get_task_status_description

SPEC_ITEMS = [
    {"id": 6419169, "taskStatus": 30, "statusText": "render_task_status_0", "isOpen": 0,
     "outputFileName": "test_info_1"},
    {"id": 647611, "taskStatus": 35, "statusText": "render_task_status_35", "isOpen": 1,
     "outputFileName": "test_info_2",
     "respRenderingTaskList": [{"id": 6416355, "taskStatus": 45,
                                "statusText": "render_task_status_45", "isOpen": 1,
                                "outputFileName": "test_info_3"}]},
]


def test_task_info_iterater_spec_example():
    manage = RayvisionManageTask(None)
    result = manage.task_info_iterater(SPEC_ITEMS)
    assert result[0] == {"task_id": "6419169", "sub_task_status": [],
                         "task_status_description": "Done(with failed frame)",
                         "is_opener": "0", "task_status_text": "render_task_status_0",
                         "task_status_code": "30", "output_file_name": "test_info_1"}
    assert result[1]["task_status_description"] == "Abort"
    assert result[1]["sub_task_status"][0]["task_status_description"] == "Failed"
    assert result[1]["sub_task_status"][0]["task_id"] == "6416355"
    assert result[1]["sub_task_status"][0]["sub_task_status"] == []


def test_codes_and_names_spec_example():
    manage = RayvisionManageTask(None)
    status = [{"task_status_code": "-1", "is_opener": "1", "output_file_name": "test1",
               "sub_task_status": [{"task_status_code": "11", "is_opener": "0",
                                    "output_file_name": "test2", "sub_task_status": []}]},
              {"task_status_code": "10", "is_opener": "0", "output_file_name": "test3",
               "sub_task_status": []}]
    assert manage.find_task_status_codes(status) == ["11", "10"]
    assert manage.output_file_names(status) == ["test2", "test3"]


def test_opener_with_null_sub_list_and_missing_is_open():
    items = [{"id": 1, "taskStatus": 25, "isOpen": 1, "respRenderingTaskList": None},
             {"id": 2, "taskStatus": 25, "outputFileName": None}]
    result = RayvisionManageTask(None).task_info_iterater(items)
    assert result[0]["sub_task_status"] == []
    assert result[1]["is_opener"] == "None"
    assert RayvisionManageTask(None).output_file_names(result) == []


@pytest.mark.parametrize("code,description", [(1, "Waiting"), (15, "User stop"),
                                              (50, "Analysing"), (77, "Unknown(77)")])
def test_codes_outside_the_documented_table_do_not_raise(code, description):
    result = RayvisionManageTask(None).task_info_iterater([{"id": 9, "taskStatus": code,
                                                            "isOpen": 0}])
    assert result[0]["task_status_description"] == description


def test_documented_description_function():
    assert get_task_status_description("25") == "Done"
    assert get_task_status_description("25", "0") == u"已完成"
    with pytest.raises(RayvisionError) as info:
        get_task_status_description("77")
    assert info.value.error_code == 1000000


def test_documented_constants():
    assert TASK_END_STATUS_CODE_LIST == ["10", "20", "23", "25", "30", "35", "45"]
    assert sorted(TASK_STATUS_DESCRIPTION, key=int) == [
        "0", "5", "8", "10", "20", "23", "25", "30", "35", "40", "45"]


@pytest.mark.parametrize("code,ended,state", [
    (0, False, "running"), (1, False, "running"), (5, False, "running"),
    (8, False, "running"), (40, False, "running"), (50, False, "running"),
    (10, True, "ended"), (15, True, "ended"), (20, True, "ended"), (23, True, "ended"),
    (25, True, "ended"), (30, True, "ended"), (35, True, "ended"), (45, True, "ended"),
    (99, False, "unknown")])
def test_is_task_end_and_state(code, ended, state):
    manage = RayvisionManageTask(ScriptedQuery({7: [{"id": 7, "taskStatus": code,
                                                     "isOpen": 0}]}))
    assert manage.is_task_end(7) is ended
    assert manage.task_state(7) == state


def test_unknown_task():
    manage = RayvisionManageTask(ScriptedQuery({}))
    assert manage.is_task_end(5) is None
    assert manage.task_state(5) == "missing"


def test_sub_tasks_decide():
    item = {"id": 7, "taskStatus": -1, "isOpen": 1,
            "respRenderingTaskList": [{"id": 71, "taskStatus": 25, "isOpen": 0},
                                      {"id": 72, "taskStatus": 5, "isOpen": 0}]}
    manage = RayvisionManageTask(ScriptedQuery({7: [item]}))
    assert manage.is_task_end(7) is False
    assert manage.task_state(7) == "running"
