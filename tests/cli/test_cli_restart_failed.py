"""``rayvision restart-failed``: render the failed frames of tasks again, never twice.

The real command (a subprocess) against the session's sandbox farm; the farm's recommit
counters show how many times each frame was restarted.
"""

from cli_helpers import submit

from rayvision_api import RayvisionAPI, constants
from rayvision_cli import exit_codes


def restarts(farm, task_id):
    """Sorted recommit counters of the task's frames (one per frame and layer)."""
    api = RayvisionAPI(**farm.api_kwargs())
    items = api.query.task_frames(int(task_id), page_num=1, page_size=100)["items"]
    return sorted(item["recommitFlag"] for item in items)


def failed_task(cli, farm):
    """A task of 3 frames whose frame 2 failed; the farm's fault is switched off again."""
    farm.faults.set(failing_frames=[2])
    task_id = submit(cli)
    waited = cli("--profile", "sandbox", "wait", task_id, "--interval", "0.1")
    assert waited.code == exit_codes.TASK_FAILED, waited
    farm.faults.clear()
    return task_id


def test_restart_failed_renders_the_failed_frames_again(cli, farm, sandbox_profile):
    task_id = failed_task(cli, farm)
    result = cli("--profile", "sandbox", "--json", "restart-failed", task_id)
    assert result.code == exit_codes.OK, result
    events = result.events()
    assert events[0]["event"] == "start" and events[0]["command"] == "restart-failed"
    (done,) = [event for event in events if event["event"] == "result"]
    assert done["command"] == "restart-failed" and done["task_ids"] == [task_id]
    assert events[-1] == dict(events[-1], event="end", exit_code=0)
    assert restarts(farm, task_id) == [0, 0, 1]
    waited = cli("--profile", "sandbox", "wait", task_id, "--interval", "0.1")
    assert waited.code == exit_codes.OK, waited  # frame 2 rendered this time

    text = cli("--profile", "sandbox", "restart-failed", task_id + ",999999")
    assert text.code == exit_codes.ERROR, text  # one unknown task: nothing restarted
    assert restarts(farm, task_id) == [0, 0, 1]


def test_a_lost_answer_is_settled_by_the_farm_and_sent_once(cli, farm, sandbox_profile):
    task_id = failed_task(cli, farm)
    farm.faults.set(drop_answer={constants.RESTART_FAILED_FRAMES: 1})
    result = cli("--profile", "sandbox", "--json", "restart-failed", task_id)
    assert result.code == exit_codes.OK, result
    assert restarts(farm, task_id) == [0, 0, 1]


def test_a_lost_answer_the_farm_cannot_settle_is_outcome_unknown(cli, farm, sandbox_profile):
    task_id = failed_task(cli, farm)
    # Performed, its answer lost, and the farm's task list cannot be read to settle it.
    farm.faults.set(drop_answer=[constants.RESTART_FAILED_FRAMES, constants.QUERY_TASK_INFO])
    result = cli("--profile", "sandbox", "--json", "restart-failed", task_id)
    farm.faults.clear()
    assert result.code == exit_codes.OUTCOME_UNKNOWN == 9, result
    (error,) = [event for event in result.events() if event["event"] == "error"]
    assert error["kind"] == "outcome-unknown" and error["exit_code"] == 9
    assert error["message"].startswith(
        "restart of the failed frames of task {0}: the answer was lost and the farm cannot "
        "tell whether it happened".format(task_id)), error
    assert error["hint"]
    assert result.events()[-1]["exit_code"] == 9
    assert restarts(farm, task_id) == [0, 0, 1]  # never sent again

    text = cli("--profile", "sandbox", "status", task_id)
    assert text.code == 0  # the farm answers again: the user can look


def test_every_change_that_loses_its_answer_for_good_exits_outcome_unknown(cli, farm,
                                                                           sandbox_profile):
    task_id = submit(cli)
    farm.faults.set(drop_answer=[constants.DELETE_TASK, constants.QUERY_TASK_INFO])
    result = cli("--profile", "sandbox", "delete", task_id)
    farm.faults.clear()
    assert result.code == exit_codes.OUTCOME_UNKNOWN, result
    (line,) = result.err.strip().splitlines()
    assert line.startswith("rayvision delete: the answer was lost and the farm cannot tell "
                           "whether it happened"), line
    assert line.endswith("look at the task on the farm (rayvision status {0}) before asking "
                         "again".format(task_id)), line
    assert "Traceback" not in result.err
