"""Task rows for people: status in words, frames done / total, times."""

import datetime
from typing import Any, Dict, Iterable, List, Optional

from rayvision_sync.constants import (
    EXTRA_TASK_STATUS_DESCRIPTION,
    TASK_FINAL_STATUS_CODES,
    TASK_STATUS_DESCRIPTION,
)

#: Final states in which the task rendered what it could, but with failures.
FAILED_CODES = frozenset(["30", "45"])
#: Final states in which the task rendered completely.
DONE_CODES = frozenset(["25"])

_ALL = dict(EXTRA_TASK_STATUS_DESCRIPTION, **TASK_STATUS_DESCRIPTION)


def status_words(code: Any) -> str:
    """``Rendering``, ``Done(with failed frame)``... (``status <code>`` when unknown)."""
    entry = _ALL.get(str(code))
    return entry["1"] if entry else "status {0}".format(code)


def codes_for(names: Iterable[str]) -> List[int]:
    """Status codes from words (``done``, ``rendering``...) or numbers."""
    wanted = []
    for name in names:
        name = name.strip().lower()
        if name.isdigit():
            wanted.append(int(name))
            continue
        matches = [int(code) for code, text in _ALL.items() if text["1"].lower() == name or
                   text["1"].lower().startswith(name)]
        if not matches:
            from rayvision_api.exception import RayvisionArgumentError

            raise RayvisionArgumentError("unknown task status {0!r}; known: {1}".format(
                name, ", ".join(sorted(set(text["1"] for text in _ALL.values())))))
        wanted.extend(matches)
    return sorted(set(wanted))


def is_final(code: Any) -> bool:
    """Whether the status code is a final one (the task no longer changes)."""
    return str(code) in TASK_FINAL_STATUS_CODES


def _when(milliseconds: Any) -> Optional[str]:
    if not milliseconds:
        return None
    stamp = datetime.datetime.fromtimestamp(float(milliseconds) / 1000.0)
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


def row(item: Dict[str, Any]) -> Dict[str, Any]:
    """The fields of a ``TaskInfo`` the CLI shows and streams."""
    code = item.get("taskStatus")
    return {
        "task_id": str(item.get("id")),
        "scene": item.get("sceneName"),
        "project": item.get("projectName"),
        "status_code": code,
        "status": status_words(code),
        "final": is_final(code),
        "frames_done": item.get("doneFrames") or 0,
        "frames_failed": item.get("failedFrames") or 0,
        "frames_total": item.get("totalFrames") or 0,
        "submitted": _when(item.get("submitDate")),
        "started": _when(item.get("startTime")),
        "completed": _when(item.get("completedDate")),
        "output": item.get("outputFileName"),
    }


TABLE_HEADERS = ("TASK", "STATUS", "FRAMES", "FAILED", "SUBMITTED", "COMPLETED", "SCENE")


def table_row(entry: Dict[str, Any]) -> List[Any]:
    """The cells of one row of the task table."""
    return [entry["task_id"], entry["status"],
            "{0}/{1}".format(entry["frames_done"], entry["frames_total"]),
            entry["frames_failed"], entry["submitted"] or "-", entry["completed"] or "-",
            entry["scene"] or "-"]
