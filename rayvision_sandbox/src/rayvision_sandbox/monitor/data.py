"""What the monitor's pages show, read for one signed-in user (never another user's rows).

Every query filters by the user's id; the storage and configuration files are read through
:func:`storage_files` and :func:`config_file`, the monitor's only contact with the storages.
"""

import inspect
import json
import re
import time

from rayvision_sandbox import catalog
from rayvision_sandbox import constants as c
from rayvision_sandbox.storage import bid_for

PAGE_SIZE = 50
FRAME_PAGE_SIZE = 200

TASK_STATUS_WORDS = {
    c.WAITING: "waiting", c.RENDERING: "rendering", c.PRE_RENDERING: "pre-rendering",
    c.STOP: "stopped", c.ARREARAGE_STOP: "stopped (arrears)", c.TIME_OUT_STOP: "timed out",
    c.FINISHED: "done", c.FINISHED_HAS_FAILED: "done, frames failed", c.ABANDON: "abandoned",
    c.FINISHED_TEST: "test frames done", c.FAILED: "failed", c.ANALYSE: "analysing",
}
FRAME_STATUS_WORDS = {
    c.FRAME_WAITING: "waiting", c.FRAME_EXECUTING: "rendering", c.FRAME_STOPPED: "stopped",
    c.FRAME_DONE: "done", c.FRAME_FAILED: "failed", c.FRAME_TIMEOUT: "timed out",
}
# Filter name -> task statuses (None: every status).
STATUS_FILTERS = (
    ("all", None),
    ("active", (c.WAITING, c.RENDERING, c.PRE_RENDERING, c.ANALYSE)),
    ("paused", (c.STOP, c.ARREARAGE_STOP, c.TIME_OUT_STOP, c.FINISHED_TEST)),
    ("done", (c.FINISHED,)),
    ("failed", (c.FINISHED_HAS_FAILED, c.FAILED)),
    ("abandoned", (c.ABANDON,)),
)
# Tip codes that mean "a file the scene needs is missing" (docs/codes.md).
MISSING_FILE_TIPS = frozenset((
    "10011", "10012", "10018", "10019", "10020", "10021", "10022", "10023", "10024", "10025",
    "10027", "10028", "10030", "10032", "15024", "25009", "50001"))
CONFIG_FILES = ("task", "upload", "tips", "asset")


def status_class(status):
    """CSS class of a task status: active, paused, done, failed or abandoned."""
    for name, statuses in STATUS_FILTERS[1:]:
        if status in statuses:
            return name
    return "active"


def text_time(seconds):
    """Local ``YYYY-MM-DD HH:MM:SS``, or '' for None."""
    if seconds is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def duration(seconds) -> str:
    """``1 h 02 min``, ``3 min 05 s``, ``4.2 s``; '' for None."""
    if seconds is None:
        return ""
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return "{0:.1f} s".format(seconds)
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return "{0} min {1:02d} s".format(minutes, secs)
    hours, minutes = divmod(minutes, 60)
    return "{0} h {1:02d} min".format(hours, minutes)


def human_size(size) -> str:
    """``812 B``, ``13.4 KiB``..."""
    if size < 1024:
        return "{0} B".format(size)
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024.0
        if value < 1024 or unit == "TiB":
            break
    return "{0:.1f} {1}".format(value, unit)


# -- tasks -------------------------------------------------------------------------------------


def _task_filter(user_id, status_filter, search):
    where = ["user_id=?", "deleted=0", "submitted=1"]
    args = [user_id]
    statuses = dict(STATUS_FILTERS).get(status_filter)
    if statuses:
        where.append("status IN ({0})".format(",".join("?" * len(statuses))))
        args.extend(statuses)
    if search:
        where.append("(keyword_in(?, scene_name) OR keyword_in(?, CAST(id AS TEXT)) "
                     "OR keyword_in(?, project_name))")
        args.extend([search] * 3)
    return " AND ".join(where), args


def task_page(store, user_id, status_filter: str = "all", search: str = "", page=1, now=None):
    """One page of a user's tasks with their frame counts, newest first.

    Returns:
        dict: ``items`` (rows with ``total``, ``done``, ``failed``, ``executing`` frames),
        ``total`` (matching tasks), ``page``, ``pages``, ``counts`` (tasks per filter).
    """
    where, args = _task_filter(user_id, status_filter, search)
    total = store.query_one("SELECT COUNT(*) AS n FROM tasks WHERE " + where, args)["n"]
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(1, page), pages)
    # The page of tasks is chosen first, so frames are counted for 50 tasks, not all of them.
    rows = store.query(
        "WITH page AS (SELECT * FROM tasks WHERE {0} ORDER BY id DESC LIMIT ? OFFSET ?) "
        "SELECT page.*, COUNT(f.id) AS total, COALESCE(SUM(f.status=?), 0) AS done, "
        "COALESCE(SUM(f.status=?), 0) AS failed, COALESCE(SUM(f.status=?), 0) AS executing "
        "FROM page LEFT JOIN frames f ON f.task_id = page.id GROUP BY page.id "
        "ORDER BY page.id DESC".format(where),
        args + [PAGE_SIZE, (page - 1) * PAGE_SIZE, c.FRAME_DONE, c.FRAME_FAILED,
                c.FRAME_EXECUTING])
    now = time.time() if now is None else now
    for row in rows:
        row["dcc"] = catalog.software_name(row["cg_id"]) or ""
        row["status_words"] = TASK_STATUS_WORDS.get(row["status"], str(row["status"]))
        row["status_class"] = status_class(row["status"])
        row["elapsed"] = elapsed(row, now)
    return {"items": rows, "total": total, "page": page, "pages": pages,
            "counts": filter_counts(store, user_id)}


def filter_counts(store, user_id):
    """Number of a user's tasks under each status filter."""
    by_status = dict((row["status"], row["n"]) for row in store.query(
        "SELECT status, COUNT(*) AS n FROM tasks WHERE user_id=? AND deleted=0 AND submitted=1 "
        "GROUP BY status", (user_id,)))
    return dict((name, sum(n for status, n in by_status.items()
                           if statuses is None or status in statuses))
                for name, statuses in STATUS_FILTERS)


def elapsed(task, now):
    """Render time so far (start to completion, or to now while it runs)."""
    if not task["start_time"]:
        return ""
    end = task["completed_date"] or (now if task["status"] in (c.RENDERING, c.WAITING)
                                     else None)
    return duration(end - task["start_time"]) if end else ""


def task_detail(farm, user, task_id, now=None):
    """The task row (404 when not the user's) and its frames with words and times."""
    task = farm.tasks.owned(user, task_id)
    now = farm.clock() if now is None else now
    task["dcc"] = catalog.software_name(task["cg_id"]) or ""
    task["status_words"] = TASK_STATUS_WORDS.get(task["status"], str(task["status"]))
    task["status_class"] = status_class(task["status"])
    task["elapsed"] = elapsed(task, now)
    frames = farm.tasks.frames(task_id)
    for frame in frames:
        describe_frame(frame, now)
    task["counts"] = dict((word, sum(1 for frame in frames if frame["status_words"] == word))
                          for word in FRAME_STATUS_WORDS.values())
    return task, frames


def describe_frame(frame, now):
    """Add ``status_words``, ``time`` and ``images`` (output paths) to a frame row."""
    frame["status_words"] = FRAME_STATUS_WORDS.get(frame["status"], str(frame["status"]))
    if frame["start_time"] is None:
        frame["time"] = ""
    else:
        frame["time"] = duration((frame["end_time"] or now) - frame["start_time"])
    frame["images"] = [pair[0] for pair in json.loads(frame["outputs"] or "[]")]
    return frame


def frame_page(frames, number):
    """The frames of page ``number`` (``FRAME_PAGE_SIZE`` a page) and the page facts."""
    pages = max(1, (len(frames) + FRAME_PAGE_SIZE - 1) // FRAME_PAGE_SIZE)
    number = min(max(1, number), pages)
    start = (number - 1) * FRAME_PAGE_SIZE
    return frames[start:start + FRAME_PAGE_SIZE], {
        "page": number, "pages": pages, "total": len(frames), "first": start + 1,
        "last": min(len(frames), start + FRAME_PAGE_SIZE)}


def frame_of_user(store, user_id, frame_id):
    """A frame row of the user, or None."""
    return store.query_one("SELECT f.* FROM frames f JOIN tasks t ON t.id = f.task_id "
                           "WHERE f.id=? AND f.user_id=? AND t.deleted=0", (frame_id, user_id))


# -- files -------------------------------------------------------------------------------------


def storage_files(farm, user, kind, path: str = "/"):
    """``[{"path", "size", "sha256"}]`` of one of the user's storages below ``path``."""
    return farm.storages.list(bid_for(user["id"], kind), path)


def storage_bytes(farm, user, kind, path):
    """Content of a file of one of the user's storages, or None."""
    return farm.storages.read_bytes(bid_for(user["id"], kind), path)


def config_file(farm, user, task_id, name):
    """``(text, parsed)`` of ``/<task_id>/cfg/<name>.json``.

    Returns:
        tuple: ``(None, None)`` when the file is absent; ``parsed`` is None when the text is
        not JSON.
    """
    data = storage_bytes(farm, user, "config", "/{0}/cfg/{1}.json".format(task_id, name))
    if data is None:
        return None, None
    text = data.decode("utf-8-sig", "replace")
    try:
        return text, json.loads(text)
    except ValueError:
        return text, None


def tip_meaning(code):
    """English description of a tip code the farm knows ('' for others)."""
    details = catalog.error_details(code, "1")
    return details[0]["desDescriptionCn"] if details else ""


def missing_file_tips(tips):
    """``[(code, description, [messages])]`` of the tips about missing files."""
    found = []
    if not isinstance(tips, dict):
        return found
    for code, messages in sorted(tips.items()):
        if str(code) in MISSING_FILE_TIPS:
            text = tip_meaning(code) or "Files the scene needs are missing"
            found.append((str(code), text, messages if isinstance(messages, list)
                          else [messages]))
    return found


def storage_tree(files):
    """Nested folders of a flat listing, with sizes and file counts added up per folder.

    Returns:
        dict: ``{"dirs": {name: node}, "files": [...], "size", "count"}``.
    """
    root = {"dirs": {}, "files": [], "size": 0, "count": 0}
    for item in files:
        node = root
        parts = item["path"].strip("/").split("/")
        node["size"] += item["size"]
        node["count"] += 1
        for part in parts[:-1]:
            node = node["dirs"].setdefault(part, {"dirs": {}, "files": [], "size": 0,
                                                  "count": 0})
            node["size"] += item["size"]
            node["count"] += 1
        node["files"].append(dict(item, name=parts[-1]))
    return root


# -- farm --------------------------------------------------------------------------------------

_ARG_LINE = re.compile(r"^\s{8}(\w+) \(([^)]*)\): ?(.*)$")


def fault_fields(faults):
    """Every keyword argument of ``faults.set``: name, type, help and current value (JSON).

    Read from the signature and docstring, so new fault settings appear by themselves.
    """
    helps = _argument_docs(inspect.getdoc(faults.set) or "")
    current = faults.as_dict()
    fields = []
    for name, parameter in inspect.signature(faults.set).parameters.items():
        if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
            continue
        value = current.get(name)
        kind, text = helps.get(name, ("", ""))
        fields.append({"name": name, "type": kind, "help": text,
                       "value": _as_json(value, parameter.default)})
    return fields


def _argument_docs(doc):
    docs, current = {}, None
    lines = ("\n" + doc).split("\nArgs:\n", 1)
    if len(lines) < 2:
        return docs
    for line in lines[1].splitlines():
        match = _ARG_LINE.match("    " + line)
        if match:
            current = match.group(1)
            docs[current] = [match.group(2), match.group(3)]
        elif current and line.startswith("        ") and line.strip():
            docs[current][1] += " " + line.strip()
        elif line.strip() and not line.startswith(" "):
            break
    return dict((name, tuple(value)) for name, value in docs.items())


def _plain(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=lambda item: (str(type(item)), item))
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict((str(key), _plain(item)) for key, item in value.items())
    return value


def _as_json(value, default):
    """Text of a setting for its form field: '' when off (None or the default)."""
    if value is None or (value == default and not value):
        return ""
    try:
        return json.dumps(_plain(value), default=str)
    except (TypeError, ValueError):
        return json.dumps(str(value))


def parse_fault_form(fields, form):
    """Keyword arguments for ``faults.set`` from the farm page's form.

    Each field is JSON (``0.2``, ``[503, 3]``, ``"all"``, ``{"/api/x": 2}``); a word that is
    not JSON is taken as a string; an empty field leaves the setting off.
    """
    kwargs = {}
    for field in fields:
        text = (form.get(field["name"]) or "").strip()
        if not text:
            continue
        try:
            kwargs[field["name"]] = json.loads(text)
        except ValueError:
            kwargs[field["name"]] = text
    return kwargs
