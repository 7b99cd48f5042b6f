"""Task operations: create, submit, stop, start, abort, delete, priority, overtime."""

from typing import Any, Optional, Sequence

from rayvision_api.operators.base import Operator, TaskId


class Task(Operator):
    """Life cycle of render tasks."""

    TASK_PARAM = "taskIds"

    def create_task(self, count: int = 1, out_user_id: Optional[str] = None,
                    task_user_level: int = 50, labels: Optional[Sequence[str]] = None) -> Any:
        """Create task ids.

        Args:
            count (int): How many task ids to create.
            out_user_id (str, optional): Id of an external (sub-)user.
            task_user_level (int): Priority, 50 by default.
            labels (list, optional): Label (project) names of the task.

        Returns:
            dict: ``taskIdList`` (ints), ``aliasTaskIdList`` (strs), ``userId``.

        Raises:
            RayvisionArgumentError: ``labels`` is not a list (also a TypeError).
        """
        return self._call("create_task", count=count, out_user_id=out_user_id,
                          task_user_level=task_user_level, labels=labels)

    def submit_task(self, task_id: TaskId, asset_lsolation_model: Optional[str] = None,
                    out_user_id: Optional[str] = None) -> Any:
        """Submit a task whose configuration and assets were uploaded.

        Args:
            task_id (int): Task id.
            asset_lsolation_model (str, optional): ``TASK_ID_MODEL`` or ``OUT_USER_MODEL``
                (documented spelling of "isolation").
            out_user_id (str, optional): External user id for ``OUT_USER_MODEL``.
        """
        return self._call("submit_task", task_id=task_id,
                          asset_lsolation_model=asset_lsolation_model, out_user_id=out_user_id)

    def stop_task(self, task_param_list: Sequence[TaskId]) -> Any:
        """Stop tasks.

        Args:
            task_param_list (list): Task ids.
        """
        return self._call("stop_task", task_param_list=task_param_list)

    def start_task(self, task_param_list: Sequence[TaskId]) -> Any:
        """Start (resume) stopped tasks.

        Args:
            task_param_list (list): Task ids.
        """
        return self._call("start_task", task_param_list=task_param_list)

    def abort_task(self, task_param_list: Sequence[TaskId]) -> Any:
        """Abort (give up) tasks.

        Args:
            task_param_list (list): Task ids.
        """
        return self._call("abort_task", task_param_list=task_param_list)

    def delete_task(self, task_param_list: Sequence[TaskId]) -> Any:
        """Delete tasks.

        Args:
            task_param_list (list): Task ids.
        """
        return self._call("delete_task", task_param_list=task_param_list)

    def update_task_level(self, task_id: TaskId, task_level: int) -> Any:
        """Change a task's priority.

        Args:
            task_id (int): Task id.
            task_level (int): New priority.
        """
        return self._call("update_task_level", task_id=task_id, task_level=task_level)

    def set_task_overtime_top(self, task_id_list: Sequence[TaskId], overtime: int) -> Any:
        """Set the timeout after which the tasks' frames are stopped (documented name).

        Args:
            task_id_list (list): Task ids.
            overtime (int): Timeout in seconds.
        """
        return self._call("set_task_overtime_top", task_id_list=task_id_list,
                          overtime=overtime)

    # Correctly spelled alias.
    set_task_overtime_stop = set_task_overtime_top

    def full_speed(self, task_id_list: Sequence[TaskId]) -> Any:
        """Render tasks at full speed (after the test frames).

        Args:
            task_id_list (list): Task ids.
        """
        return self._call("full_speed", task_id_list=task_id_list)
