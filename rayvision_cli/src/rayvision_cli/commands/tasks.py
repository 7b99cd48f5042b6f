"""``rayvision status | tasks | wait | stop | restart | restart-failed | delete``."""

import time
from typing import Any, Dict, List

from rayvision_api.cancel import pause
from rayvision_api.exception import RayvisionError, RayvisionOutcomeUnknownError
from rayvision_cli import client, exit_codes, task_status
from rayvision_cli.events import Output

#: Tasks per getTaskList page.
PAGE_SIZE = 50

#: ``kind`` of the error event of a change whose answer was lost and whose effect the farm
#: cannot show (exit code :data:`exit_codes.OUTCOME_UNKNOWN`).
OUTCOME_UNKNOWN_KIND = "outcome-unknown"


def register(commands: Any, parents: list, formatter: Any) -> None:
    """Add the task commands: status, tasks, wait, stop, restart, restart-failed, delete."""
    status = commands.add_parser("status", parents=parents, formatter_class=formatter,
                                 help="status of tasks (default: the most recent ones)")
    status.add_argument("task", nargs="*", help="task ids")
    status.add_argument("--limit", type=int, default=10,
                        help="tasks shown when no id is given")
    status.set_defaults(handler=run_status)
    tasks = commands.add_parser("tasks", parents=parents, formatter_class=formatter,
                                help="list the account's tasks")
    tasks.add_argument("--status", help="comma-separated statuses (words or codes), e.g. "
                                        "rendering,done")
    tasks.add_argument("--search", help="scene name or task id contains this")
    tasks.add_argument("--since", help="submitted at or after 'YYYY-MM-DD[ HH:MM:SS]'")
    tasks.add_argument("--until", help="submitted before 'YYYY-MM-DD[ HH:MM:SS]'")
    tasks.add_argument("--limit", type=int, default=50, help="most tasks listed")
    tasks.set_defaults(handler=run_tasks)
    wait = commands.add_parser("wait", parents=parents, formatter_class=formatter,
                               help="wait until a task ends; the exit code says how")
    wait.add_argument("task", help="task id")
    wait.add_argument("--interval", type=float, default=10.0, help="seconds between polls")
    wait.add_argument("--max-wait", dest="wait_timeout", type=float, default=0.0,
                      help="give up after this many seconds (0: never)")
    wait.set_defaults(handler=run_wait)
    for name, help_text in (("stop", "stop tasks"), ("restart", "start stopped tasks again"),
                            ("delete", "delete tasks")):
        command = commands.add_parser(name, parents=parents, formatter_class=formatter,
                                      help=help_text)
        command.add_argument("task", nargs="+", help="task ids")
        command.set_defaults(handler=run_action, action=name)
    failed = commands.add_parser("restart-failed", parents=parents, formatter_class=formatter,
                                 help="render the failed frames of ended tasks again")
    failed.add_argument("task", nargs="+", help="task ids")
    failed.set_defaults(handler=run_restart_failed)


def task_ids(values: List[str]) -> List[int]:
    """Task ids from arguments (``1 2`` or ``1,2``); anything else is an error.

    Raises:
        RayvisionArgumentError: A part is not a number, or the arguments hold no id at all
            (``stop ,``: an empty list must not reach the farm).
    """
    from rayvision_api.exception import RayvisionArgumentError

    ids = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise RayvisionArgumentError("task id must be a number, not {0!r}".format(part))
            ids.append(int(part))
    if not ids:
        raise RayvisionArgumentError("no task id in {0!r}".format(" ".join(
            str(value) for value in values)))
    return ids


class TaskNotFoundError(RayvisionError):
    """The farm does not know these tasks (never there, or deleted); ``task_ids`` names them.

    A :class:`RayvisionError` with code 1000002, as before (exit 1).
    """

    def __init__(self, task_ids: List[str], domain: str) -> None:
        super(TaskNotFoundError, self).__init__(1000002, "task {0} not found on {1}".format(
            ", ".join(task_ids), domain))
        self.task_ids = list(task_ids)
        self.domain = domain

    def __reduce__(self) -> Any:
        # The constructor's own arguments: the inherited form passed (code, message) as
        # (task_ids, domain), so the error failed to unpickle in the process receiving it.
        return (self.__class__, (self.task_ids, self.domain))


def fetch(api: Any, ids: List[int]) -> List[Dict[str, Any]]:
    """Rows of the given tasks, in the order asked; an unknown id is an error.

    Raises:
        TaskNotFoundError: The farm does not know some of the ids.
    """
    items = (api.query.task_info(ids) or {}).get("items") or []
    by_id = dict((str(item.get("id")), item) for item in items)
    missing = [str(task_id) for task_id in ids if str(task_id) not in by_id]
    if missing:
        raise TaskNotFoundError(missing, api.connect.domain)
    return [task_status.row(by_id[str(task_id)]) for task_id in ids]


def list_tasks(api: Any, limit: int, **filters: Any) -> List[Dict[str, Any]]:
    """Up to ``limit`` rows of the account's task list, page by page."""
    rows: List[Dict[str, Any]] = []
    page = 1
    while len(rows) < limit:
        data = api.query.get_task_list(page_num=page, page_size=PAGE_SIZE, **filters) or {}
        items = data.get("items") or []
        rows.extend(task_status.row(item) for item in items)
        if not items or page >= int(data.get("pageCount") or 0):
            break
        page += 1
    return rows[:limit]


def _show(rows: List[Dict[str, Any]], output: Output, command: str) -> None:
    for entry in rows:
        output.emit("task", **entry)
    output.emit("result", command=command, count=len(rows))
    output.table(task_status.TABLE_HEADERS, [task_status.table_row(entry) for entry in rows])


def run_status(args: Any, output: Output) -> int:
    """``rayvision status``: the named tasks, or the most recent ones."""
    api = client.connect(args)
    rows = fetch(api, task_ids(args.task)) if args.task else list_tasks(api, args.limit)
    _show(rows, output, "status")
    return exit_codes.OK


def _date(text: Any) -> Any:
    if not text:
        return None
    text = text.strip()
    return text if len(text) > 10 else text + " 00:00:00"


def run_tasks(args: Any, output: Output) -> int:
    """``rayvision tasks``: the account's tasks with filters."""
    api = client.connect(args)
    filters = {}
    if args.status:
        filters["status_list"] = task_status.codes_for(args.status.split(","))
    if args.search:
        filters["search_keyword"] = args.search
    if args.since:
        filters["start_time"] = _date(args.since)
    if args.until:
        filters["end_time"] = _date(args.until)
    _show(list_tasks(api, args.limit, **filters), output, "tasks")
    return exit_codes.OK


def final_exit_code(code: Any) -> int:
    """The exit code of ``wait`` for a final status code."""
    if str(code) in task_status.DONE_CODES:
        return exit_codes.OK
    if str(code) in task_status.FAILED_CODES:
        return exit_codes.TASK_FAILED
    return exit_codes.TASK_STOPPED


def run_wait(args: Any, output: Output) -> int:
    """``rayvision wait``: poll until the task ends; the exit code says how."""
    api = client.connect(args)
    task_id = task_ids([args.task])[0]
    started = time.monotonic()
    last = None
    while True:
        entry = fetch(api, [task_id])[0]
        if (entry["status"], entry["frames_done"]) != last:
            last = (entry["status"], entry["frames_done"])
            output.emit("task", **entry)
            output.info("task {0}: {1}, {2}/{3} frames".format(
                task_id, entry["status"], entry["frames_done"], entry["frames_total"]))
        if entry["final"]:
            code = final_exit_code(entry["status_code"])
            output.emit("result", command="wait", task_id=str(task_id),
                        status=entry["status"], status_code=entry["status_code"])
            output.result("{0} {1}".format(task_id, entry["status"]))
            return code
        waited = time.monotonic() - started
        if args.wait_timeout and waited >= args.wait_timeout:
            output.error("task {0} is still {1} after {2:.0f} s".format(
                task_id, entry["status"], args.wait_timeout), kind="timeout",
                exit_code=exit_codes.TIMEOUT)
            return exit_codes.TIMEOUT
        # The last poll comes when the time is up, not an interval after it.
        interval = min(args.interval, args.wait_timeout - waited) if args.wait_timeout \
            else args.interval
        pause(getattr(args, "cancel_token", None), interval,
              "wait for task {0}".format(task_id))


_ACTIONS = {"stop": "stop_task", "restart": "start_task", "delete": "delete_task"}


def run_action(args: Any, output: Output) -> int:
    """``rayvision stop|restart|delete``: one call for every task named."""
    api = client.connect(args)
    ids = task_ids(args.task)
    getattr(api.task, _ACTIONS[args.action])(ids)
    output.emit("result", command=args.action, task_ids=[str(task_id) for task_id in ids])
    output.result("{0}: {1}".format(args.action, " ".join(str(task_id) for task_id in ids)))
    return exit_codes.OK


def outcome_unknown(output: Output, what: str, exc: RayvisionOutcomeUnknownError,
                    task_ids: List[str]) -> int:
    """Report a change that lost its answer and that the farm cannot settle; its exit code.

    The SDK did not send it again (it may have happened once): the line says so and what to
    look at, so that neither a person nor a plugin asks for it again blindly.
    """
    where = "rayvision status {0}".format(" ".join(task_ids)) if task_ids else \
        "rayvision tasks"
    hint = "look at the task on the farm ({0}) before asking again".format(where)
    output.error("{0}: the answer was lost and the farm cannot tell whether it happened "
                 "({1}); {2}".format(what, exc, hint), code=exc.error_code,
                 kind=OUTCOME_UNKNOWN_KIND, hint=hint, exit_code=exit_codes.OUTCOME_UNKNOWN)
    return exit_codes.OUTCOME_UNKNOWN


def run_restart_failed(args: Any, output: Output) -> int:
    """``rayvision restart-failed``: render the failed frames of the tasks again, once.

    The SDK sends the request once; after a lost answer it asks the farm whether the frames
    were restarted (``rayvision_api.reconcile``) and raises when the farm cannot tell.
    """
    api = client.connect(args)
    ids = task_ids(args.task)
    names = [str(task_id) for task_id in ids]
    try:
        api.query.restart_failed_frames(ids)
    except RayvisionOutcomeUnknownError as exc:
        return outcome_unknown(output, "restart of the failed frames of task {0}".format(
            ", ".join(names)), exc, names)
    output.emit("result", command="restart-failed", task_ids=names)
    output.result("restart-failed: {0}".format(" ".join(names)))
    return exit_codes.OK
