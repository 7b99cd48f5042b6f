"""The ids a task needs before analysis: a new task id, the user id, a project label's id.

One implementation behind both documented entry points, ``RayvisionAPI.get_task_id`` /
``get_user_id`` / ``check_and_add_project_name`` and the legacy ``RayvisionTask`` methods of
the same names, so a fix or a test of either reaches both.
"""

import logging
from typing import TYPE_CHECKING, Optional

from rayvision_api.exception import RayvisionAPIError, RayvisionError

if TYPE_CHECKING:
    from rayvision_api.operators import Tag, Task, User

LOGGER = logging.getLogger(__name__)

# Look the label up, add it when missing, look again: the service may not list a new label
# at once, and adding it a second time would make a duplicate.
PROJECT_ROUNDS = 2


def create_task_id(task: "Task") -> str:
    """Create one task id on the farm.

    Args:
        task (rayvision_api.operators.Task): The task operator.

    Returns:
        str: The task id.

    Raises:
        RayvisionError: 1000000 when the service returned no id.
    """
    data = task.create_task(count=1) or {}
    ids = data.get("taskIdList") or []
    if not ids:
        raise RayvisionError(1000000, "Failed to create task number!")
    return str(ids[0])


def read_user_id(user: "User") -> str:
    """The user id of a fresh profile.

    Args:
        user (rayvision_api.operators.User): The user operator.

    Returns:
        str: The user id.

    Raises:
        RayvisionError: 1000000 when the profile has no ``userId``.
    """
    user_id = (user.query_user_profile() or {}).get("userId")
    if user_id is None:
        raise RayvisionError(1000000, "Failed to get user number!")
    return str(user_id)


def project_label_id(tag: "Tag", project_name: str,
                     logger: logging.Logger = LOGGER) -> str:
    """The id of the label ``project_name``, adding the label when it is missing.

    Args:
        tag (rayvision_api.operators.Tag): The tag operator.
        project_name (str): Label name.
        logger (logging.Logger): Where a label that could not be made is reported.

    Returns:
        str: The label id, or ``''`` when the service did not create it.

    Raises:
        RayvisionAPIError: The farm refused to add the label and has none of that name.
    """
    for attempt in range(PROJECT_ROUNDS):
        found = _label_id(tag, project_name)
        if found is not None:
            return found
        if attempt + 1 < PROJECT_ROUNDS:
            try:
                # The original sends the status as the string '0'.
                tag.add_label(project_name, "0")
            except RayvisionAPIError:
                # Another machine may have added the same label a moment ago (one
                # render-manager job submitting several tasks at once): the farm refuses
                # the duplicate, and the label it has is the one to use.
                found = _label_id(tag, project_name)
                if found is None:
                    raise
                return found
    logger.warning("label %r could not be created", project_name)
    return ""


def _label_id(tag: "Tag", project_name: str) -> Optional[str]:
    """The id of the label named ``project_name``, or None when the farm has none."""
    for project in tag.get_project_list() or []:
        if project.get("projectName") == project_name:
            return str(project.get("projectId"))
    return None
