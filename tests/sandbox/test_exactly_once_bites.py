"""Reconciliation verdicts after lost answers that the farm's effect alone does not show.

tests/sandbox/test_sandbox_lost_answers.py checks that every state-changing call acts once;
it accepts success or ``RayvisionOutcomeUnknownError`` alike. These tests pin *which* of the
two the caller gets when the farm shows the answer (done, not done, cannot tell), found by
mutating rayvision_api/reconcile.py and connect.py by hand: each test fails on one mutant.
"""

import uuid

import pytest
import requests

from rayvision_api.connect import Connect, _never_sent
from rayvision_api.exception import RayvisionOutcomeUnknownError
from rayvision_api.operations import OPERATIONS
from rayvision_api.reconcile import RECONCILERS, Lookup, Verdict, settle

TIMEOUT = 0.5
STOPPED = 10


def unique(prefix):
    return "{0}_{1}".format(prefix, uuid.uuid4().hex[:8])


class User(object):
    """A user of its own on the shared farm, a reference client and task helpers."""

    def __init__(self, farm, credentials, new_api, storage_for, submit, maya_json):
        self.farm, self.new_api, self.maya_json = farm, new_api, maya_json
        self.credentials = credentials
        self.api = new_api(*credentials)
        self.storage = storage_for(self.api)
        self._submit = submit
        self.rendering = []

    def client(self, **options):
        options.setdefault("timeout", TIMEOUT)
        options.setdefault("max_attempts", 3)
        return self.new_api(*self.credentials, **options)

    def task(self, task_id):
        return self.farm.store.query_one("SELECT * FROM tasks WHERE id=?", (task_id,))

    def long_task(self):
        task_id = self._submit(self.maya_json(frames="1-4000[1]"), client=self.api,
                               client_storage=self.storage)
        self.rendering.append(task_id)
        return task_id

    def finished_task(self, failing):
        self.farm.faults.set(failing_frames=failing)
        task_id = self._submit(self.maya_json(frames="1-3[1]"), client=self.api,
                               client_storage=self.storage)
        self.farm.wait_for_task(task_id)
        self.farm.faults.clear()
        return task_id

    def stop_rendering(self):
        self.farm.faults.clear()  # a test's lost answers must not hit the clean-up
        ids = [task_id for task_id in self.rendering if not self.task(task_id)["deleted"]]
        if ids:
            self.api.task.abort_task(ids)


@pytest.fixture(scope="module")
def credentials(farm):
    return farm.create_user(unique("exactly_once_bites"))


@pytest.fixture
def user(farm, credentials, new_api, storage_for, submit, maya_json):
    scenario_user = User(farm, credentials, new_api, storage_for, submit, maya_json)
    yield scenario_user
    scenario_user.stop_rendering()


def lose_every_answer(farm, name):
    farm.faults.set(drop_answer=[OPERATIONS[name].path])


def test_stop_of_a_task_the_farm_no_longer_shows_cannot_be_told_done(farm, user):
    """One task of the request is missing from the farm's answer: "unknown", not "done"."""
    shown, hidden = user.long_task(), user.long_task()
    farm.faults.set(drop_answer=[OPERATIONS["stop_task"].path],
                    task_statuses={hidden: [None]})
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        user.client().task.stop_task([shown, hidden])
    farm.faults.clear()
    assert user.task(shown)["status"] == STOPPED
    assert failure.value.known["task_ids"] == [shown, hidden]
    assert list(failure.value.known["task_status"]) == [shown]


def test_abort_of_a_never_submitted_task_the_farm_shows_waiting_is_not_done(farm, user):
    """Only a stop leaves never-submitted tasks alone; an abort must show them given up."""
    task_id = int(user.api.get_task_id())
    farm.faults.set(drop_answer=[OPERATIONS["abort_task"].path],
                    task_statuses={task_id: [0]})
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        user.client().task.abort_task([task_id])
    farm.faults.clear()
    assert failure.value.known["task_status"] == {task_id: 0}


def test_stop_of_a_never_submitted_task_is_done_at_the_first_look(farm, user):
    """A stop leaves never-submitted tasks alone, so a lost answer is not sent again."""
    task_id = int(user.api.get_task_id())
    lose_every_answer(farm, "stop_task")
    dropped = farm.faults.counters["dropped_answers"]
    assert user.client().task.stop_task([task_id]) is None
    assert farm.faults.counters["dropped_answers"] - dropped == 1
    farm.faults.clear()


def test_stop_the_farm_shows_half_done_is_unknown_and_not_sent_again(farm, user):
    """One task stopped, one still rendering: neither "done" nor "not done"."""
    stopped, rendering = user.long_task(), user.long_task()
    farm.faults.set(drop_answer=[OPERATIONS["stop_task"].path],
                    task_statuses={rendering: [5]})
    dropped = farm.faults.counters["dropped_answers"]
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        user.client().task.stop_task([stopped, rendering])
    assert farm.faults.counters["dropped_answers"] - dropped == 1
    assert failure.value.known["task_status"] == {stopped: STOPPED, rendering: 5}


def test_delete_the_farm_shows_half_done_is_unknown(user):
    """What the delete check makes of a farm showing one task of the request deleted and
    the other not: "unknown" (the farm may refuse a list naming a deleted task whole, so a
    half-done delete is never sent again as "not done")."""
    kept, gone = user.long_task(), user.long_task()
    user.api.task.delete_task([gone])
    verdict = RECONCILERS["delete_task"](Lookup(user.client().connect), {"taskIds": [kept, gone]})
    assert verdict.state == Verdict.UNKNOWN
    assert verdict.known["not_deleted"] == [kept]
    untouched = RECONCILERS["delete_task"](Lookup(user.client().connect), {"taskIds": [kept]})
    assert untouched.state == Verdict.NOT_DONE


def test_restart_of_failed_frames_of_a_task_the_farm_no_longer_shows_is_unknown(farm, user):
    """No failed frame left on the task shown is no proof for the task not shown."""
    shown, hidden = user.finished_task(failing=[2]), user.finished_task(failing=[2])
    farm.faults.set(drop_answer=[OPERATIONS["restart_failed_frames"].path],
                    task_statuses={hidden: [None]})
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        user.client().query.restart_failed_frames([shown, hidden])
    assert list(failure.value.known["failed_frames"]) == [shown]


def test_failed_frames_still_shown_after_a_lost_restart_are_unknown_never_not_done(user):
    """Frames may have failed again after the restart: a restart is never sent twice."""
    task_id = user.finished_task(failing=[2])
    verdict = RECONCILERS["restart_failed_frames"](Lookup(user.client().connect),
                                                   {"taskIds": [task_id]})
    assert verdict.state == Verdict.UNKNOWN
    assert verdict.known["failed_frames"] == {task_id: 1}


def test_a_restarted_frame_beyond_the_first_pages_is_found(farm, user):
    """The restart check reads every page of frames (1,000 a page), the last one too."""
    task_id = user.long_task()
    last = farm.store.query_one("SELECT id FROM frames WHERE task_id=? ORDER BY ordinal DESC",
                                (task_id,))["id"]
    verdict = RECONCILERS["restart_frame"](Lookup(user.client().connect),
                                           {"taskIds": task_id, "ids": [last]})
    assert verdict.known["frame_status"] == {last: 1}
    assert verdict.state == Verdict.DONE


def test_a_restart_naming_no_frame_is_never_taken_for_done(user):
    task_id = user.long_task()
    verdict = RECONCILERS["restart_frame"](Lookup(user.client().connect),
                                           {"taskIds": task_id, "ids": []})
    assert verdict.state == Verdict.UNKNOWN


def test_a_connection_error_without_details_is_not_proof_the_request_was_never_sent():
    """Only a failure that names a refused or timed-out connect proves nothing reached the
    farm; anything else may have been acted on (and must not be repeated blindly)."""
    assert _never_sent(requests.exceptions.ConnectionError()) is False


def test_start_of_a_never_submitted_task_is_done_at_the_first_look(farm, user):
    """A start leaves never-submitted tasks alone too: not sent again after a lost answer."""
    task_id = int(user.api.get_task_id())
    lose_every_answer(farm, "start_task")
    dropped = farm.faults.counters["dropped_answers"]
    assert user.client().task.start_task([task_id]) is None
    assert farm.faults.counters["dropped_answers"] - dropped == 1


def test_an_abort_the_farm_shows_as_merely_stopped_is_not_done(farm, user):
    """Stopped (10) can still be started again; only the end statuses prove an abort."""
    task_id = user.long_task()
    farm.faults.set(drop_answer=[OPERATIONS["abort_task"].path],
                    task_statuses={task_id: [STOPPED]})
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        user.client().task.abort_task([task_id])
    assert failure.value.known["task_status"] == {task_id: STOPPED}


@pytest.mark.parametrize("name, status, prepare", [
    ("stop_task", 8, lambda user, task_id: None),  # pre-rendering still runs
    ("start_task", 23, lambda user, task_id: user.api.task.stop_task([task_id])),
])
def test_a_status_that_still_needs_the_change_is_not_done(farm, user, name, status, prepare):
    """Pre-rendering (8) is stoppable; a timeout stop (23) is startable: not done yet."""
    task_id = user.long_task()
    prepare(user, task_id)
    farm.faults.set(drop_answer=[OPERATIONS[name].path], task_statuses={task_id: [status]})
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        getattr(user.client().task, name)([task_id])
    assert failure.value.known["task_status"] == {task_id: status}


def test_a_render_environment_added_under_a_lost_answer_returns_what_the_answer_carries(
        farm, user):
    """Reconciled as done, the call returns the result the lost answer would have carried."""
    def body(name):
        return {"cgId": 2004, "cgName": "Houdini", "cgVersion": "17.5", "renderLayerType": 0,
                "editName": name, "renderSystem": 1, "pluginIds": [5304]}

    name = unique("lost_env")
    lose_every_answer(farm, "add_render_env")
    lost = user.client().env.add_render_env(body(name))
    assert lost == {"editName": name}


def test_after_a_read_timeout_the_look_lasts_the_read_timeout_of_a_timeout_pair():
    """``timeout=(connect, read)``: the farm may still run the request for the read part."""
    connect = Connect("AID", "very-secret-key", "http", "127.0.0.1:9", "2",
                      timeout=(1e-9, 30))
    waits = []
    connect._sleep = waits.append
    answers = [Verdict.NOT_DONE, Verdict.NOT_DONE, Verdict.DONE]
    looks = []

    def check(lookup, body):
        looks.append(body)
        return Verdict(answers[len(looks) - 1])

    lost = RuntimeError("answer lost")
    lost.__cause__ = requests.exceptions.ReadTimeout("late")
    assert settle(connect, None, check, {}, lost).state == Verdict.DONE
    assert len(looks) == 3 and len(waits) == 2
