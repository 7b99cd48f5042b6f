"""The table of API operations: one entry per operator method, path and body shape.

Operator methods are thin: they hand their arguments to :func:`build_body` with the name of
their operation, and post the result to the operation's path. Adding an endpoint means adding
a row here and a two-line method, never another copy of request code.

Each row also says whether repeating the operation is safe (``safety``), which decides how
the client retries it (see :mod:`rayvision_api.reconcile` and ``docs/retries.md``):

* ``READ``: a query; retried after any transport failure.
* ``IDEMPOTENT``: a change that sets a value; doing it twice leaves the farm as doing it once.
* ``RECONCILE``: a change that must not happen twice. It is repeated only when the request
  provably never reached the farm; otherwise the farm is asked whether it took effect.
"""

import sys
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from rayvision_api import constants
from rayvision_api.exception import RayvisionArgumentError, RayvisionLookupError
from rayvision_api.fields import Env

#: ``convert(value, arg, context)``: the value to send, or :data:`OMIT`.
Converter = Callable[[Any, str, Mapping[str, Any]], Any]

# Returned by a converter when the key must not appear in the body.
OMIT = object()

# Retry classes of an operation (``Operation.safety``).
READ = "read"
IDEMPOTENT = "idempotent"
RECONCILE = "reconcile"


class Field(object):
    """How one method argument becomes one body key.

    Args:
        arg (str): The method's argument name.
        key (str): The body key (camelCase, as the service spells it).
        convert (callable, optional): ``convert(value, arg, context)`` returns the value to
            send, or :data:`OMIT` to leave the key out; raises ``RayvisionArgumentError``.
    """

    __slots__ = ("arg", "key", "convert")

    def __init__(self, arg: str, key: str, convert: Optional["Converter"] = None) -> None:
        self.arg = arg
        self.key = key
        self.convert = convert


class Operation(object):
    """One API operation.

    Args:
        name (str): The documented operator method name.
        path (str): URL path.
        fields (tuple[Field]): Body keys in the order they are sent.
        result (callable, optional): Turns the envelope's ``data`` into the method's result.
        safety (str): :data:`READ`, :data:`IDEMPOTENT` or :data:`RECONCILE`.
        why (str, optional): Why repeating it is (un)safe; shown in the retry table.
    """

    __slots__ = ("name", "path", "fields", "result", "safety", "why")

    def __init__(self, name: str, path: str, fields: Iterable[Field] = (),
                 result: Optional[Callable[[Any], Any]] = None, safety: str = READ,
                 why: Optional[str] = None) -> None:
        self.name = name
        self.path = path
        self.fields = tuple(fields)
        self.result = result
        self.safety = safety
        self.why = why or ("a query: it changes nothing" if safety == READ else "")

    @property
    def repeatable(self) -> bool:
        """True when sending the request twice has the effect of sending it once."""
        return self.safety != RECONCILE

    def __repr__(self) -> str:
        return "Operation({0!r}, {1!r})".format(self.name, self.path)


def _type_name(value: object) -> str:
    return type(value).__name__


def optional(value: Any, arg: str, context: Mapping[str, Any]) -> Any:
    """Send the value only when it is truthy."""
    return value if value else OMIT


def id_list(value: Any, arg: str, context: Mapping[str, Any]) -> List[Any]:
    """A list of task ids (ints or strings); a tuple is sent as a list, one int as ``[int]``."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    raise RayvisionArgumentError("{0} must be a task id or a list of task ids, got {1}: "
                                 "{2!r}".format(arg, _type_name(value), value))


def optional_list(value: Any, arg: str, context: Mapping[str, Any]) -> Any:
    """Send a truthy value, which must be a list."""
    if not value:
        return OMIT
    if not isinstance(value, list):
        raise RayvisionArgumentError("{0} must be a list, got {1}: {2!r}".format(
            arg, _type_name(value), value))
    return value


def list_or_empty(value: Any, arg: str, context: Mapping[str, Any]) -> List[Any]:
    """Always send a list: ``None``/empty becomes ``[]``; anything else must be a list."""
    if not value:
        return []
    if not isinstance(value, list):
        raise RayvisionArgumentError("{0} must be a list, got {1}: {2!r}".format(
            arg, _type_name(value), value))
    return value


def optional_str(value: Any, arg: str, context: Mapping[str, Any]) -> Any:
    """Send a truthy value, which must be a string."""
    if not value:
        return OMIT
    if not isinstance(value, str):
        raise RayvisionArgumentError("{0} must be a str, got {1}: {2!r}".format(
            arg, _type_name(value), value))
    return value


def isolation_model(value: Any, arg: str, context: Mapping[str, Any]) -> Any:
    """``TASK_ID_MODEL`` or ``OUT_USER_MODEL`` (any case, blanks stripped), or nothing."""
    if value is None or value == "":
        return OMIT
    if not isinstance(value, str):
        raise RayvisionArgumentError("{0} must be a str, got {1}: {2!r}".format(
            arg, _type_name(value), value))
    model = value.strip().upper()
    if model not in constants.ASSET_ISOLATION_MODELS:
        raise RayvisionArgumentError("{0} must be one of {1}, got {2!r}".format(
            arg, ", ".join(constants.ASSET_ISOLATION_MODELS), value))
    return model


def out_user_id(value: Any, arg: str, context: Mapping[str, Any]) -> Any:
    """A sub-account id: a non-empty string is stripped, an int sent as is, else nothing."""
    if isinstance(value, str):
        return value.strip() or OMIT
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value is None:
        return OMIT
    raise RayvisionArgumentError("{0} must be a str or int, got {1}: {2!r}".format(
        arg, _type_name(value), value))


def _dcc_key(name: str) -> str:
    # The documentation spells 3ds Max both '3ds Max' (the mapping) and '3dsmax' (the
    # example of get_render_env): blanks inside the name do not count either.
    return "".join(name.split()).lower()


def dcc_id(value: Any, arg: str, context: Mapping[str, Any]) -> int:
    """Map a DCC name ('maya', ' 3ds Max ', '3dsmax') to its cgId, ignoring case and blanks."""
    if not isinstance(value, str) or not value.strip():
        raise RayvisionArgumentError("{0} must be a non-empty DCC name, got {1!r}".format(
            arg, value))
    wanted = _dcc_key(value)
    for name, cg_id in constants.DCC_ID_MAPPINGS.items():
        if _dcc_key(name) == wanted:
            return cg_id
    raise RayvisionLookupError("{0}: unknown DCC {1!r}; known: {2}".format(
        arg, value, ", ".join(sorted(constants.DCC_ID_MAPPINGS))))


def render_env(value: Any, arg: str, context: Mapping[str, Any]) -> Dict[str, Any]:
    """A render environment as a dict (exactly the seven keys) or a ``fields.Env``."""
    return Env.coerce(value, arg).to_dict()


def zone_of_domain(value: Any, arg: str, context: Mapping[str, Any]) -> int:
    """Zone 1 for renderbus domains, 2 for foxrenderfarm and every other domain."""
    return 1 if "renderbus" in context["domain"].lower() else 2


def local_os_name(value: Any, arg: str, context: Mapping[str, Any]) -> str:
    """The operating system whose plugins are wanted: 'windows' or 'linux'."""
    return "windows" if sys.platform.startswith("win") else "linux"


def _none_if_empty(data: Any) -> Any:
    return data or None


def _project_names(data: Optional[Dict[str, Any]]) -> List[Any]:
    return (data or {}).get("projectNameList", [])


_TASK_IDS = Field("task_param_list", "taskIds", id_list)

# Why an operation is (not) safe to repeat, for the retry table of the docs.
_SETS_A_VALUE = "sets a value: a second request leaves the same state"
_CREATES_TASKS = ("every request creates new task ids; after a lost answer the user's newest "
                  "tasks are looked up")
_SUBMITS = ("a repeat is refused as already submitted (or renders twice); the task's status "
            "tells whether it was submitted")
_TASK_STATE = ("a repeat may be refused for the new task state; the tasks' states tell "
               "whether it happened")
_DELETES_TASKS = "a repeat answers 404; the tasks' absence tells whether it happened"
_RENDERS_AGAIN = ("every request renders (and bills) the frames again; the frames' restart "
                  "counters tell whether it happened")
_ADDS_A_NAME = "a repeat is refused as a duplicate name; the list of names tells"
_REMOVES_A_NAME = "a repeat answers 404; the list of names tells"
_RELEASES_FRAMES = "releases the rest of the frames; a second release changes nothing"

_OPERATIONS = [
    # User
    Operation("query_user_profile", constants.QUERY_USER_PROFILE),
    Operation("query_user_setting", constants.QUERY_USER_SETTING),
    Operation("update_user_settings", constants.UPDATE_USER_SETTING,
              [Field("task_over_time", "taskOverTimeSec")], safety=IDEMPOTENT,
              why=_SETS_A_VALUE),
    Operation("get_transfer_bid", constants.GET_TRANSFER_BID),
    # Task
    Operation("create_task", constants.CREATE_TASK,
              [Field("count", "count"),
               Field("task_user_level", "taskUserLevel"),
               Field("out_user_id", "outUserId", optional),
               Field("labels", "labels", optional_list)],
              safety=RECONCILE, why=_CREATES_TASKS),
    Operation("submit_task", constants.SUBMIT_TASK,
              [Field("task_id", "taskId"),
               Field("asset_lsolation_model", "assetIsolationModel", isolation_model),
               Field("out_user_id", "outUserId", out_user_id)],
              safety=RECONCILE, why=_SUBMITS),
    Operation("stop_task", constants.STOP_TASK, [_TASK_IDS],
              safety=RECONCILE, why=_TASK_STATE),
    Operation("start_task", constants.START_TASK, [_TASK_IDS],
              safety=RECONCILE, why=_TASK_STATE),
    Operation("abort_task", constants.ABORT_TASK, [_TASK_IDS],
              safety=RECONCILE, why=_TASK_STATE),
    Operation("delete_task", constants.DELETE_TASK, [_TASK_IDS],
              safety=RECONCILE, why=_DELETES_TASKS),
    Operation("update_task_level", constants.UPDATE_TASK_USER_LEVEL,
              [Field("task_id", "taskId"), Field("task_level", "taskUserLevel")],
              safety=IDEMPOTENT, why=_SETS_A_VALUE),
    Operation("set_task_overtime_top", constants.SET_OVER_TIME_STOP,
              [Field("task_id_list", "taskIds", id_list), Field("overtime", "overTime")],
              safety=IDEMPOTENT, why=_SETS_A_VALUE),
    Operation("full_speed", constants.FULL_SPEED,
              [Field("task_id_list", "taskIds", id_list)],
              safety=IDEMPOTENT, why=_RELEASES_FRAMES),
    # Query
    Operation("platforms", constants.QUERY_PLATFORMS, [Field("zone", "zone", zone_of_domain)]),
    Operation("error_detail", constants.QUERY_ERROR_DETAIL,
              [Field("code", "code"), Field("language", "language")], result=_none_if_empty),
    Operation("get_task_list", constants.GET_TASK_LIST,
              [Field("page_num", "pageNum"),
               Field("page_size", "pageSize"),
               Field("status_list", "statusList", optional_list),
               Field("search_keyword", "searchKeyword", optional_str),
               Field("start_time", "startTime", optional_str),
               Field("end_time", "endTime", optional_str)]),
    Operation("task_frames", constants.QUERY_TASK_FRAMES,
              [Field("task_id", "taskId"),
               Field("page_num", "pageNum"),
               Field("page_size", "pageSize"),
               Field("search_keyword", "searchKeyword", optional)]),
    Operation("all_frame_status", constants.QUERY_ALL_FRAME_STATS),
    Operation("restart_failed_frames", constants.RESTART_FAILED_FRAMES, [_TASK_IDS],
              safety=RECONCILE, why=_RENDERS_AGAIN),
    # The service takes a single task id under the plural key here.
    Operation("restart_frame", constants.RESTART_FRAME,
              [Field("task_id", "taskIds"),
               Field("select_all", "selectAll"),
               Field("ids_list", "ids", list_or_empty)],
              safety=RECONCILE, why=_RENDERS_AGAIN),
    Operation("task_info", constants.QUERY_TASK_INFO,
              [Field("task_ids_list", "taskIds", id_list)]),
    Operation("supported_software", constants.QUERY_SUPPORTED_SOFTWARE),
    Operation("supported_plugin", constants.QUERY_SUPPORTED_PLUGIN,
              [Field("name", "cgId", dcc_id), Field("os_name", "osName", local_os_name)]),
    Operation("get_transfer_server_msg", constants.GET_TRANSFER_SERVER_MSG,
              [Field("zone", "zone", zone_of_domain)]),
    Operation("get_raysync_user_key", constants.GET_RAYSYNC_USER_KEY),
    Operation("get_task_processing_img", constants.LOAD_TASK_PROCESS_IMG,
              [Field("task_id", "taskId"), Field("frame_type", "frameType", optional)]),
    Operation("get_frame_thumbnall", constants.LOADING_FRAME_THUMBNAIL,
              [Field("frame_id", "id"), Field("frame_status", "frameStatus")]),
    # Tag
    Operation("add_label", constants.ADD_LABEL,
              [Field("new_name", "newName"), Field("status", "status")],
              safety=RECONCILE, why=_ADDS_A_NAME),
    Operation("delete_label", constants.DELETE_LABEL, [Field("del_name", "delName")],
              safety=RECONCILE, why=_REMOVES_A_NAME),
    Operation("get_label_list", constants.GET_LABEL_LIST),
    Operation("get_project_list", constants.GET_LABEL_LIST, result=_project_names),
    # RenderEnv
    Operation("add_render_env", constants.ADD_RENDER_ENV,
              safety=RECONCILE, why=_ADDS_A_NAME),
    Operation("update_render_env", constants.UPDATE_RENDER_ENV,
              safety=IDEMPOTENT, why=_SETS_A_VALUE),
    Operation("delete_render_env", constants.DELETE_RENDER_ENV,
              [Field("edit_name", "editName")],
              safety=RECONCILE, why=_REMOVES_A_NAME),
    Operation("set_default_render_env", constants.SET_DEFAULT_RENDER_ENV,
              [Field("edit_name", "editName")],
              safety=IDEMPOTENT, why=_SETS_A_VALUE),
    Operation("get_render_env", constants.GET_RENDER_ENV, [Field("name", "cgId", dcc_id)]),
]

# Documented method name -> Operation.
OPERATIONS = dict((operation.name, operation) for operation in _OPERATIONS)

# Operations whose whole body is one structured argument rather than a set of keys.
WHOLE_BODY = {"add_render_env": ("render_env", render_env),
              "update_render_env": ("render_env", render_env)}


def build_body(operation: Operation, arguments: Mapping[str, Any],
               context: Mapping[str, Any]) -> Any:
    """Build the JSON body of ``operation`` from the method's ``arguments``.

    Args:
        operation (Operation): The table row.
        arguments (dict): Argument name -> value, as the method received them.
        context (dict): Facts of the client the converters may use (``domain``).

    Returns:
        dict: The body, keys in the service's order.
    """
    if operation.name in WHOLE_BODY:
        arg, convert = WHOLE_BODY[operation.name]
        return convert(arguments[arg], arg, context)
    body: Dict[str, Any] = {}
    for field in operation.fields:
        value = arguments.get(field.arg)
        if field.convert is not None:
            value = field.convert(value, field.arg, context)
        if value is not OMIT:
            body[field.key] = value
    return body
