"""``RayvisionManageTask``: task status of submitted tasks, for the download loops."""

import logging
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from rayvision_api.operators.base import TaskId
from rayvision_sync.constants import TASK_FINAL_STATUS_CODES, TASK_RUNNING_STATUS_CODES
from rayvision_sync.utils import describe_task_status

if TYPE_CHECKING:
    from rayvision_api.operators import Query

LOGGER = logging.getLogger(__name__)

# Answers of :meth:`RayvisionManageTask.task_state`.
STATE_RUNNING = "running"
STATE_ENDED = "ended"
STATE_UNKNOWN = "unknown"
STATE_MISSING = "missing"


def _int_or_zero(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class RayvisionManageTask(object):
    """Processing asset information for a task.

    Args:
        query: The API's ``Query`` operator (``api.query``).
    """

    def __init__(self, query: "Query") -> None:
        self.query = query

    def get_task_status(self, task_id_list: Sequence[TaskId]) -> List[Dict[str, Any]]:
        """Get information about each task in the task id list.

        Args:
            task_id_list (list of int): Task ids.

        Returns:
            list[dict]: See :meth:`task_info_iterater`.
        """
        data = self.query.task_info(list(task_id_list)) or {}
        return self.task_info_iterater(data.get("items") or [])

    def task_info_iterater(self, task_info_list: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """Turn queryTaskInfo items into status dicts (recursing into sub-tasks).

        Returns:
            list[dict]: ``task_id``, ``task_status_code``, ``task_status_text``,
            ``task_status_description`` (English; ``Unknown(<code>)`` for codes the table
            lacks), ``is_opener``, ``output_file_name``, ``sub_task_status``.
        """
        result = []
        for info in task_info_list or []:
            opener = _int_or_zero(info.get("isOpen"))
            subs = info.get("respRenderingTaskList") or []
            result.append({
                "task_id": str(info.get("id")),
                "task_status_code": str(info.get("taskStatus")),
                "task_status_text": str(info.get("statusText")),
                "task_status_description": describe_task_status(info.get("taskStatus")),
                "is_opener": str(info.get("isOpen")),
                "output_file_name": info.get("outputFileName"),
                "sub_task_status": self.task_info_iterater(subs) if opener == 1 else [],
            })
        return result

    def output_file_names(self, task_status_list: Optional[List[Dict[str, Any]]]) -> List[str]:
        """Output folder names, depth first; an opener contributes its sub-tasks' names."""
        names = []
        for status in task_status_list or []:
            if _int_or_zero(status.get("is_opener")) == 1:
                names.extend(self.output_file_names(status.get("sub_task_status")))
            elif status.get("output_file_name") is not None:
                names.append(status["output_file_name"])
        return names

    def find_task_status_codes(self, task_status_list: Optional[List[Dict[str, Any]]]) -> List[Any]:
        """Status codes, depth first; an opener contributes its sub-tasks' codes."""
        codes = []
        for status in task_status_list or []:
            if _int_or_zero(status.get("is_opener")) == 1:
                codes.extend(self.find_task_status_codes(status.get("sub_task_status")))
            else:
                codes.append(status.get("task_status_code"))
        return codes

    def is_task_end(self, task_id: TaskId) -> Optional[bool]:
        """Check if the task rendering ends.

        Returns:
            True when every status code is an end state, False when one is not, None when
            the farm knows no such task.
        """
        codes = self.find_task_status_codes(self.get_task_status([task_id]))
        if not codes:
            return None
        return all(code in TASK_FINAL_STATUS_CODES for code in codes)

    def task_state(self, task_id: TaskId) -> str:
        """``running``, ``ended``, ``unknown`` (a code no table holds) or ``missing``.

        Any running (sub-)task makes the task running; otherwise any unknown code makes
        it unknown; otherwise it ended.
        """
        codes = self.find_task_status_codes(self.get_task_status([task_id]))
        if not codes:
            return STATE_MISSING
        if any(code in TASK_RUNNING_STATUS_CODES for code in codes):
            return STATE_RUNNING
        if all(code in TASK_FINAL_STATUS_CODES for code in codes):
            return STATE_ENDED
        return STATE_UNKNOWN
