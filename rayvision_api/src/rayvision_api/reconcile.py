"""After a lost answer, ask the farm whether a change that must not be repeated took effect.

An operation marked ``RECONCILE`` in :mod:`rayvision_api.operations` is sent once. When its
answer is lost (reset, read timeout, 5xx, garbage) :meth:`Connect.post` raises
``RayvisionOutcomeUnknownError`` instead of repeating it. :func:`run` then asks the farm,
with read-only queries, what happened:

* done: the call returns as if the answer had arrived;
* not done: the request is sent again (at most ``max_attempts`` rounds in all);
* cannot tell: ``RayvisionOutcomeUnknownError`` is raised with what the farm showed.

Each reconciler is a check ``check(lookup, body)`` returning a :class:`Verdict`. None looks
at the farm before the request: every call a user makes stays the one request the original
SDK made, and reconciliation costs requests only after a loss.
"""

import logging
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Set

import requests

from rayvision_api.connect import RETRY_ALWAYS, RETRY_NEVER
from rayvision_api.exception import RayvisionError, RayvisionOutcomeUnknownError
from rayvision_api.operations import OPERATIONS, RECONCILE, Operation, build_body

if TYPE_CHECKING:
    from rayvision_api.connect import Connect

#: ``lookup(name, **arguments)``: the data of a read-only operation (see :class:`Lookup`).
LookupFunction = Callable[..., Any]
#: ``check(lookup, body)``: what the farm shows of a change (a :class:`Verdict`).
Check = Callable[[LookupFunction, Mapping[str, Any]], "Verdict"]

# Task statuses of the documented task-status table.
_WAITING, _RENDERING, _PRE_RENDERING, _STOP = 0, 5, 8, 10
_ARREARAGE_STOP, _TIME_OUT_STOP, _FINISHED, _FINISHED_HAS_FAILED = 20, 23, 25, 30
_ABANDON, _FINISHED_TEST, _FAILED = 35, 40, 45
_STOPPABLE = (_WAITING, _RENDERING, _PRE_RENDERING, _FINISHED_TEST)
_STOPPED = (_STOP, _TIME_OUT_STOP, _ARREARAGE_STOP)
_OVER = (_ABANDON, _FINISHED, _FINISHED_HAS_FAILED, _FAILED)
_FRAME_PAGE = 1000

LOGGER = logging.getLogger(__name__)


class Verdict(object):
    """What the farm shows about a request whose answer was lost.

    Args:
        state (str): :attr:`DONE`, :attr:`NOT_DONE` or :attr:`UNKNOWN`.
        result: The call's result when done (what the answer would have carried).
        known (dict, optional): What the farm showed, for the error when unknown.
    """

    DONE = "done"
    NOT_DONE = "not done"
    UNKNOWN = "unknown"

    def __init__(self, state: str, result: Any = None,
                 known: Optional[Dict[str, Any]] = None) -> None:
        self.state = state
        self.result = result
        self.known = known or {}

    @classmethod
    def of(cls, done: bool, not_done: bool, result: Any = None,
           known: Optional[Dict[str, Any]] = None) -> "Verdict":
        """DONE or NOT_DONE when one of the two is true, else UNKNOWN."""
        if done:
            return cls(cls.DONE, result, known)
        return cls(cls.NOT_DONE if not_done else cls.UNKNOWN, None, known)


def _ids(body: Mapping[str, Any]) -> List[Any]:
    return list(body.get("taskIds") or [])


def _tasks(lookup: LookupFunction, ids: List[Any]) -> List[Dict[str, Any]]:
    """TaskInfo items of ``ids`` that exist (deleted ones are left out by the farm)."""
    return (lookup("task_info", task_ids_list=ids) or {}).get("items") or []


# -- task creation and submission ------------------------------------------------------------

def _newest_tasks(lookup: LookupFunction, size: int) -> List[Dict[str, Any]]:
    return (lookup("get_task_list", page_num=1, page_size=size) or {}).get("items") or []


def _create_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    """Always "unknown", carrying the user's newest tasks for the caller.

    New task ids cannot be told from older ones without a snapshot, and a snapshot before
    every creation would cost a request the original never made; unsubmitted tasks are not
    in every farm's task list either.
    """
    newest = sorted((item["id"] for item in _newest_tasks(lookup, 5)), reverse=True)
    return Verdict(Verdict.UNKNOWN, known={"newest_task_ids": newest})


def _submit_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    task_id = body["taskId"]
    items = _tasks(lookup, [task_id])
    if not items:
        return Verdict(Verdict.UNKNOWN, known={"task_ids": [task_id]})
    submitted = items[0].get("submitDate") is not None
    return Verdict.of(submitted, not submitted,
                      known={"task_ids": [task_id], "task_status": items[0].get("taskStatus")})


# -- task state changes ----------------------------------------------------------------------

def _state_check(done_when: Callable[[Any], bool], submitted_only: bool = False) -> Check:
    """A check: done when every task of the request satisfies ``done_when(status)``.

    ``submitted_only``: tasks never submitted are left alone by the operation (a stop), so
    they count as done.
    """
    def check(lookup: LookupFunction, body: Mapping[str, Any]) -> Verdict:
        ids = _ids(body)
        items = _tasks(lookup, ids)
        states = dict((item["id"], item.get("taskStatus")) for item in items)
        known = {"task_ids": ids, "task_status": states}
        if len(items) != len(set(ids)):
            return Verdict(Verdict.UNKNOWN, known=known)
        done = [done_when(item.get("taskStatus"))
                or (submitted_only and item.get("submitDate") is None) for item in items]
        return Verdict.of(all(done), not any(done), known=known)
    return check


def _delete_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    ids = _ids(body)
    left = sorted(item["id"] for item in _tasks(lookup, ids))
    return Verdict.of(not left, len(left) == len(ids), known={"task_ids": ids,
                                                                "not_deleted": left})


# -- frame restarts --------------------------------------------------------------------------
# A restart moves frames back to waiting. Without a look at the frames before the request
# (an extra request the original never made) a restart cannot be told from one that already
# rendered again, so these checks say "done" or "unknown", never "not done": a restart is
# never sent twice.

_OPEN_FRAMES = (1, 2)


def _restart_failed_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    ids = _ids(body)
    failed = dict((item["id"], item.get("failedFrames") or 0) for item in _tasks(lookup, ids))
    done = len(failed) == len(set(ids)) and not any(failed.values())
    return Verdict.of(done, False, known={"task_ids": ids, "failed_frames": failed})


def _restart_frame_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    task_id = body["taskIds"]
    frames: Dict[Any, Any] = {}
    page = 1
    while True:
        data = lookup("task_frames", task_id=task_id, page_num=page, page_size=_FRAME_PAGE) or {}
        for item in data.get("items") or []:
            frames[item["id"]] = item.get("frameStatus")
        if page >= int(data.get("pageCount") or 0):
            break
        page += 1
    chosen = list(frames) if body.get("selectAll") else list(body.get("ids") or [])
    states = dict((frame_id, frames.get(frame_id)) for frame_id in chosen)
    done = bool(states) and all(state in _OPEN_FRAMES for state in states.values())
    return Verdict.of(done, False, known={"task_ids": [task_id], "frame_status": states})


# -- names: labels and render environments ---------------------------------------------------

def _label_names(lookup: LookupFunction) -> Set[Any]:
    return set(item.get("projectName") for item in lookup("get_project_list") or [])


def _add_label_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    present = body["newName"] in _label_names(lookup)
    return Verdict.of(present, not present)


def _delete_label_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    present = body["delName"] in _label_names(lookup)
    return Verdict.of(not present, present)


def _env_names(lookup: LookupFunction, cg_id: Any) -> Set[Any]:
    return set(env.get("editName") for env in lookup("get_render_env", _body={"cgId": cg_id})
               or [])


def _add_env_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    present = body["editName"] in _env_names(lookup, body["cgId"])
    return Verdict.of(present, not present, result={"editName": body["editName"]})


def _env_names_everywhere(lookup: LookupFunction) -> Set[Any]:
    names: Set[Any] = set()
    for software in (lookup("supported_software") or {}).get("renderInfoList") or []:
        if software.get("cgId") is not None:
            names |= _env_names(lookup, software["cgId"])
    return names


def _delete_env_check(lookup: LookupFunction, body: Mapping[str, Any]) -> "Verdict":
    present = body["editName"] in _env_names_everywhere(lookup)
    return Verdict.of(not present, present)


# Operation name -> check(lookup, body), which returns a Verdict.
RECONCILERS: Dict[str, Check] = {
    "create_task": _create_check,
    "submit_task": _submit_check,
    "stop_task": _state_check(lambda status: status not in _STOPPABLE, True),
    "start_task": _state_check(lambda status: status not in _STOPPED, True),
    "abort_task": _state_check(lambda status: status in _OVER),
    "delete_task": _delete_check,
    "restart_failed_frames": _restart_failed_check,
    "restart_frame": _restart_frame_check,
    "add_label": _add_label_check,
    "delete_label": _delete_label_check,
    "add_render_env": _add_env_check,
    "delete_render_env": _delete_env_check,
}


class Lookup(object):
    """Read-only queries of the operation table, for reconcilers (``lookup(name, **args)``).

    Args:
        connect (rayvision_api.connect.Connect): The connection.
    """

    def __init__(self, connect: "Connect") -> None:
        self.connect = connect

    def __call__(self, name: str, _body: Optional[Mapping[str, Any]] = None,
                 **arguments: Any) -> Any:
        """Run the read-only operation ``name`` (``_body``: a ready body instead)."""
        operation = OPERATIONS[name]
        body = _body if _body is not None else build_body(
            operation, arguments, {"domain": self.connect.domain})
        data = self.connect.post(operation.path, body, operation.safety, name)
        return operation.result(data) if operation.result is not None else data


def run(connect: "Connect", operation: Operation, body: Any) -> Any:
    """Send ``operation`` with ``body`` under the client's retry policy; return ``data``.

    Raises:
        RayvisionOutcomeUnknownError: The farm cannot tell whether the change happened.
    """
    if operation.safety != RECONCILE or connect.retry_policy in (RETRY_ALWAYS, RETRY_NEVER):
        # Connect.post repeats what is safe, and raises RayvisionOutcomeUnknownError for a
        # lost answer of a change that must not happen twice.
        return connect.post(operation.path, body, operation.safety, operation.name)
    check = RECONCILERS[operation.name]
    lookup = Lookup(connect)
    for round_number in range(1, connect.max_attempts + 1):
        try:
            return connect.post(operation.path, body, operation.safety, operation.name)
        except RayvisionOutcomeUnknownError as unknown:
            verdict = settle(connect, lookup, check, body, unknown)
            if verdict.state == Verdict.DONE:
                return verdict.result
            if verdict.state == Verdict.UNKNOWN or round_number == connect.max_attempts:
                unknown.known.update(verdict.known)
                raise
            LOGGER.warning("%s: the farm shows it did not happen; sending it again "
                           "(round %d/%d)", operation.name, round_number + 1,
                           connect.max_attempts)


def _timed_out(error: Optional[BaseException]) -> bool:
    """True when the lost answer was a read timeout (somewhere in the chain of causes)."""
    while error is not None:
        if isinstance(error, requests.exceptions.ReadTimeout):
            return True
        error = error.__cause__
    return False


def settle(connect: "Connect", lookup: LookupFunction, check: Check, body: Mapping[str, Any],
           unknown: RayvisionOutcomeUnknownError) -> "Verdict":
    """Ask the farm until it shows the change, or one more client timeout has passed.

    A request whose answer timed out may still be running on the farm: "not done" is only
    believed after waiting as long as the client waited for the answer. After any other
    loss (a reset, a 5xx) the farm had finished with the request, and one look is enough.
    """
    deadline = time.time()
    if _timed_out(unknown):
        timeout = connect.timeout
        # requests also takes (connect timeout, read timeout).
        deadline += (timeout[-1] if isinstance(timeout, tuple) else timeout) or 0
    attempt = 0
    while True:
        attempt += 1
        try:
            verdict = check(lookup, body)
        except RayvisionError as error:
            return Verdict(Verdict.UNKNOWN, known={"lookup_error": str(error)})
        if verdict.state != Verdict.NOT_DONE or time.time() >= deadline:
            return verdict
        connect._sleep(min(connect._backoff(attempt), max(0.0, deadline - time.time())))
