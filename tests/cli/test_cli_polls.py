"""How many times ``rayvision wait`` and ``rayvision sync-output`` ask the farm.

The farm answers each ``queryTaskInfo`` about the task with the next status of a script and
counts the answers (docs/sandbox.md, "Fault injection"), so each test states the exact
number of polls for a sequence of farm states. The interval is 0: a loop that stops
sleeping costs nothing here, and one that spins fails on its count or on the timeout.
"""

import json

import pytest

from rayvision_api import RayvisionAPI
from rayvision_cli import exit_codes

LOOP_TIMEOUT = 60


def scripted_task(farm, statuses):
    """A task of the farm's user whose queryTaskInfo answers follow ``statuses``."""
    task_id = int(RayvisionAPI(**farm.api_kwargs()).get_task_id())
    farm.faults.set(task_statuses={task_id: statuses})
    return task_id


@pytest.mark.timeout(LOOP_TIMEOUT)
@pytest.mark.parametrize("statuses, polls, code", [
    ([25], 1, exit_codes.OK),
    ([0, 1, 50, 5, 5, 25], 6, exit_codes.OK),
    ([5, 5, 30], 3, exit_codes.TASK_FAILED),
    ([5, 10], 2, exit_codes.TASK_STOPPED),
])
def test_wait_polls_once_per_status_until_the_final_one(cli, farm, sandbox_profile, statuses,
                                                        polls, code):
    task_id = scripted_task(farm, statuses)
    result = cli("--profile", "sandbox", "wait", task_id, "--interval", "0")
    assert result.code == code, result
    assert farm.faults.status_polls(task_id) == polls


@pytest.mark.timeout(LOOP_TIMEOUT)
def test_sync_output_passes_until_the_task_is_final(cli, farm, sandbox_profile, tmp_path):
    # A pass reads the task's row, then its output names: two answers a pass. The rows read
    # (waiting, rendering), (rendering, rendering), (done, done): three passes.
    task_id = scripted_task(farm, [0, 5, 5, 5, 25])
    status_file = tmp_path / "status.json"
    result = cli("--profile", "sandbox", "sync-output", task_id, "--dest", tmp_path / "out",
                 "--interval", "0", "--status-file", status_file)
    assert result.code == exit_codes.OK, result
    assert farm.faults.status_polls(task_id) == 3 * 2
    assert json.loads(status_file.read_text())["passes"] == 3


@pytest.mark.timeout(LOOP_TIMEOUT)
def test_sync_output_once_makes_one_pass(cli, farm, sandbox_profile, tmp_path):
    task_id = scripted_task(farm, [5])
    result = cli("--profile", "sandbox", "sync-output", task_id, "--dest", tmp_path / "out",
                 "--interval", "0", "--once")
    assert result.code == exit_codes.OK, result
    assert farm.faults.status_polls(task_id) == 2
