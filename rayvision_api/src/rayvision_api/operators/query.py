"""Query operations: platforms, tasks, frames, software, plugins, transfer information."""

from typing import Any, Optional, Sequence

from rayvision_api.operators.base import Operator, TaskId


class Query(Operator):
    """Read-only queries (and the two frame restarts the service files under queries)."""

    def platforms(self) -> Any:
        """Get the render platforms of the zone of this domain.

        Returns:
            list: Platforms (``platform``, ``name``, ...).
        """
        return self._call("platforms")

    def error_detail(self, code: str, language: str = "0") -> Any:
        """Get the description and solution of an analysis error code.

        Args:
            code (str): Error (tips) code, e.g. ``"15013"``.
            language (str): ``"0"`` Chinese, ``"1"`` English.

        Returns:
            list or None: Details, or None when the service knows none.
        """
        return self._call("error_detail", code=code, language=language)

    def get_task_list(self, page_num: int = 1, page_size: int = 2,
                      status_list: Optional[Sequence[int]] = None,
                      search_keyword: Optional[str] = None, start_time: Optional[str] = None,
                      end_time: Optional[str] = None) -> Any:
        """List tasks, page by page.

        Args:
            page_num (int): Page number.
            page_size (int): Tasks per page.
            status_list (list, optional): Task status codes to keep.
            search_keyword (str, optional): Scene name or task id to search.
            start_time (str, optional): ``yyyy-MM-dd HH:mm:ss``.
            end_time (str, optional): ``yyyy-MM-dd HH:mm:ss``.

        Raises:
            RayvisionArgumentError: An argument has the wrong type (also a TypeError).
        """
        return self._call("get_task_list", page_num=page_num, page_size=page_size,
                          status_list=status_list, search_keyword=search_keyword,
                          start_time=start_time, end_time=end_time)

    def task_frames(self, task_id: TaskId, page_num: int, page_size: int,
                    search_keyword: Optional[str] = None) -> Any:
        """List the frames of a task, page by page.

        Args:
            task_id (int): Task id.
            page_num (int): Page number.
            page_size (int): Frames per page.
            search_keyword (str, optional): Frame name filter.
        """
        return self._call("task_frames", task_id=task_id, page_num=page_num,
                          page_size=page_size, search_keyword=search_keyword)

    def all_frame_status(self) -> Any:
        """Count the user's frames by status."""
        return self._call("all_frame_status")

    def restart_failed_frames(self, task_param_list: Sequence[TaskId]) -> Any:
        """Render the failed frames of tasks again.

        Args:
            task_param_list (list): Task ids.
        """
        return self._call("restart_failed_frames", task_param_list=task_param_list)

    def restart_frame(self, task_id: TaskId, select_all: int,
                      ids_list: Optional[Sequence[TaskId]] = None) -> Any:
        """Render chosen frames of one task again.

        Args:
            task_id (int): Task id (sent under the key ``taskIds``, as the service wants).
            select_all (int): 1 every frame, 0 only ``ids_list``.
            ids_list (list, optional): Frame ids.
        """
        return self._call("restart_frame", task_id=task_id, select_all=select_all,
                          ids_list=ids_list)

    def task_info(self, task_ids_list: Sequence[TaskId]) -> Any:
        """Get the details of tasks.

        Args:
            task_ids_list (list): Task ids.

        Returns:
            dict: ``pageCount``, ``pageNum``, ``total``, ``size``, ``items``.
        """
        return self._call("task_info", task_ids_list=task_ids_list)

    def supported_software(self) -> Any:
        """Get the DCC software the farm supports."""
        return self._call("supported_software")

    def supported_plugin(self, name: str) -> Any:
        """Get the plugins the farm supports for a DCC, for this machine's OS.

        Args:
            name (str): DCC name, e.g. ``"maya"`` or ``"3ds Max"`` (any case and spacing).

        Raises:
            RayvisionArgumentError: Empty name (also a TypeError).
            RayvisionLookupError: Unknown DCC (also a KeyError).
        """
        return self._call("supported_plugin", name=name)

    def get_transfer_server_msg(self) -> Any:
        """Get the transfer servers (raysync; ``httpTransfer`` on the sandbox farm)."""
        return self._call("get_transfer_server_msg")

    def get_raysync_user_key(self) -> Any:
        """Get the user's raysync key (a secret: never log it)."""
        return self._call("get_raysync_user_key")

    def get_task_processing_img(self, task_id: TaskId, frame_type: Optional[int] = None) -> Any:
        """Get the progress images of a task.

        Args:
            task_id (int): Task id.
            frame_type (int, optional): Frame type filter.
        """
        return self._call("get_task_processing_img", task_id=task_id, frame_type=frame_type)

    def get_frame_thumbnall(self, frame_id: TaskId, frame_status: int = 4) -> Any:
        """Get the thumbnails of a frame (documented spelling).

        Args:
            frame_id (int): Frame id.
            frame_status (int): Frame status, 4 (done) by default.
        """
        return self._call("get_frame_thumbnall", frame_id=frame_id, frame_status=frame_status)

    # Correctly spelled alias.
    get_frame_thumbnail = get_frame_thumbnall
