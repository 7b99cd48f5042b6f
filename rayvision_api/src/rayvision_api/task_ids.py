"""Task-id, user-id and project-label rules shared by ``RayvisionAPI`` and ``RayvisionTask``.

One implementation, so that both raise and log alike.
"""

import logging
from typing import TYPE_CHECKING

from rayvision_api.exception import RayvisionError

if TYPE_CHECKING:
    from rayvision_api.operators import Tag, Task, User

# Rounds of "look the label up, else add it" (the documented behaviour's two rounds).
_PROJECT_ROUNDS = 2


def create_task_id(task: "Task") -> str:
    """Ask the service for one new task id.

    Args:
        task: The task operator to call.

    Returns:
        str: The new task id.

    Raises:
        RayvisionError: 1000000 when the service returned no id.
    """
    data = task.create_task(count=1) or {}
    ids = data.get("taskIdList") or []
    if not ids:
        raise RayvisionError(1000000, "Failed to create task number!")
    return str(ids[0])


def read_user_id(user: "User") -> str:
    """Read the user id from a fresh profile.

    Args:
        user: The user operator to call.

    Returns:
        str: The user id.

    Raises:
        RayvisionError: 1000000 when the profile has no userId.
    """
    user_id = (user.query_user_profile() or {}).get("userId")
    if user_id is None:
        raise RayvisionError(1000000, "Failed to get user number!")
    return str(user_id)


def project_label_id(tag: "Tag", project_name: str, logger: logging.Logger) -> str:
    """Return the id of the label ``project_name``, creating the label when missing.

    Args:
        tag: The tag operator to call.
        project_name: The label's name.
        logger: Where the failure to create the label is reported.

    Returns:
        str: The label id, or ``''`` when the service did not create it.
    """
    for attempt in range(_PROJECT_ROUNDS):
        for project in tag.get_project_list() or []:
            if project.get("projectName") == project_name:
                return str(project.get("projectId"))
        if attempt + 1 < _PROJECT_ROUNDS:
            # The original sends the status as the string '0'.
            tag.add_label(project_name, "0")
    logger.warning("label %r could not be created", project_name)
    return ""
