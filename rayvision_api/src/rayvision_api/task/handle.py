"""``RayvisionTask``: the legacy "task object" the rayvision_utils pipeline analyses for.

The original asked the service for a task id, the user id and the project id inside the
constructor and filled the shared ``TASK_INFO`` dict. Here the constructor only checks its
arguments: ``task_id``, ``user_id``, ``work_dir`` (and the json paths under it) and
``task_info`` are worked out on first use, each once, through ``self.get_task_id()``,
``self.get_user_id()`` and ``self.check_and_add_project_name()`` (so tests may patch them on
the class); ``task_info`` is a private deep copy of ``TASK_INFO``.
"""

import copy
import logging
import os
from typing import Any, Dict, Optional

from rayvision_api import task_ids
from rayvision_api.connect import Connect
from rayvision_api.constants import CG_SETTING, TASK_INFO
from rayvision_api.exception import RayvisionError
from rayvision_api.operators import Tag, Task, User

LOGGER = logging.getLogger(__name__)


def _cg_id(render_software: str) -> str:
    """The cg id of a render software name (``"Maya"`` -> ``"2000"``).

    Raises:
        RayvisionError: 1000000 when the software is not supported.
    """
    if render_software not in CG_SETTING:
        raise RayvisionError(1000000, "Not matching the correct DCC software {0},"
                                      "please check again".format(render_software))
    return CG_SETTING[render_software]


class RayvisionTask(object):
    """Build a task: ids, work folder, the task.json skeleton.

    Args:
        domain (str): API domain, e.g. ``task.renderbus.com``.
        platform (str): Platform id.
        access_id (str): Access id.
        access_key (str): Access key (kept by the connection only).
        local_os (str): ``windows`` or ``linux``.
        software_version (str): DCC version, e.g. ``"2018"``.
        render_software (str): ``"Maya"``, ``"Houdini"``, ``"Clarisse"``...
        workspace (str): Folder under which ``work/<task_id>`` is created.
        cg_file (str): Scene file.
        plugin_config (dict, optional): Plugin name -> version.
        project_name (str, optional): Farm project (label) name.
        protocol (str): ``https`` (default) or ``http`` (a local sandbox farm).
        **connect_options: Passed to :class:`~rayvision_api.connect.Connect` (``timeout``,
            ``session``...).

    Raises:
        RayvisionError: 1000000 when ``render_software`` is unknown.
    """

    def __init__(self, domain: str, platform: str, access_id: Optional[str],
                 access_key: Optional[str], local_os: str, software_version: str,
                 render_software: str, workspace: str, cg_file: str,
                 plugin_config: Optional[Dict[str, Any]] = None,
                 project_name: Optional[str] = None, protocol: str = "https",
                 **connect_options: Any) -> None:
        self.domain = domain
        self.platform = platform
        self.access_id = access_id
        self.local_os = local_os
        self.software_version = software_version
        self.render_software = render_software
        self.workspace = os.path.abspath(workspace)
        self.cg_file = cg_file
        self.plugin_config = plugin_config if plugin_config is not None else {}
        self.project_name = project_name if project_name is not None else ""
        self.cg_id = _cg_id(render_software)
        self.project_id: Optional[str] = None
        self._connect = Connect(access_id, access_key, protocol, domain, platform,
                                **connect_options)
        self._task_id: Optional[str] = None
        self._user_id: Optional[str] = None
        self._work_dir: Optional[str] = None
        self._task_info: Optional[Dict[str, Any]] = None
        self.asset_info: Dict[str, Any] = {}
        self.tips_info: Dict[str, Any] = {}
        self.upload_info: Dict[str, Any] = {}

    def __repr__(self) -> str:
        return "RayvisionTask(render_software={0!r}, cg_file={1!r}, connect={2!r})".format(
            self.render_software, self.cg_file, self._connect)

    # ------------------------------------------------------------ ids (lazy)

    @property
    def task_id(self) -> str:
        """Task id (str), created on the service on first use."""
        if self._task_id is None:
            self._task_id = self.get_task_id()
        return self._task_id

    @task_id.setter
    def task_id(self, value: str) -> None:
        self._task_id = value

    @property
    def user_id(self) -> str:
        """User id (str), read from the profile on first use."""
        if self._user_id is None:
            self._user_id = self.get_user_id()
        return self._user_id

    @user_id.setter
    def user_id(self, value: str) -> None:
        self._user_id = value

    def get_task_id(self) -> str:
        """Create one task id on the service.

        Returns:
            str: The id.

        Raises:
            RayvisionError: 1000000 when the service returned none.
        """
        return task_ids.create_task_id(Task(self._connect))

    def get_user_id(self) -> str:
        """Read the user id from the profile.

        Returns:
            str: The id.

        Raises:
            RayvisionError: 1000000 when the profile has none.
        """
        return task_ids.read_user_id(User(self._connect))

    def check_and_add_project_name(self, project_name: str) -> str:
        """Return the id of label ``project_name``, adding the label when missing.

        Returns:
            str: The id, or ``''`` when the name is empty or the label could not be made.
        """
        if not project_name:
            return ""
        return task_ids.project_label_id(Tag(self._connect), project_name, LOGGER)

    # ------------------------------------------------------------ folders (lazy)

    @staticmethod
    def ckeck_and_mk(dir_path: str) -> None:
        """Create ``dir_path`` when missing (documented spelling)."""
        if not os.path.isdir(dir_path):
            os.makedirs(dir_path, exist_ok=True)

    @property
    def work_dir(self) -> str:
        """``<workspace>/work/<task_id>``, made with ``<workspace>/log/analyse`` on first use."""
        if self._work_dir is None:
            work_dir = os.path.join(self.workspace, "work", str(self.task_id))
            self.ckeck_and_mk(work_dir)
            self.ckeck_and_mk(os.path.join(self.workspace, "log", "analyse"))
            self._work_dir = work_dir
        return self._work_dir

    @property
    def task_json_path(self) -> str:
        """``<work_dir>/task.json``."""
        return os.path.join(self.work_dir, "task.json")

    @property
    def asset_json_path(self) -> str:
        """``<work_dir>/asset.json``."""
        return os.path.join(self.work_dir, "asset.json")

    @property
    def tips_json_path(self) -> str:
        """``<work_dir>/tips.json``."""
        return os.path.join(self.work_dir, "tips.json")

    @property
    def upload_json_path(self) -> str:
        """``<work_dir>/upload.json``."""
        return os.path.join(self.work_dir, "upload.json")

    # ------------------------------------------------------------ task.json (lazy)

    @property
    def task_info(self) -> Dict[str, Any]:
        """The task.json content: a private copy of ``TASK_INFO`` filled on first use."""
        if self._task_info is None:
            task_info = copy.deepcopy(TASK_INFO)
            self._task_info = task_info
            self.set_render_config()
            task_info["task_info"]["task_id"] = self.task_id
            task_info["task_info"]["platform"] = self.platform
            task_info["task_info"]["user_id"] = self.user_id
        return self._task_info

    @task_info.setter
    def task_info(self, value: Dict[str, Any]) -> None:
        self._task_info = value

    def set_render_config(self) -> None:
        """Set ``cg_id``, ``project_name``, ``project_id`` and ``software_config``.

        The cg id is the one of ``render_software`` as it is now.

        Raises:
            RayvisionError: 1000000 when ``render_software`` is not a supported software.
        """
        self.cg_id = _cg_id(self.render_software)
        if self.project_id is None:
            self.project_id = self.check_and_add_project_name(self.project_name)
        section = self.task_info["task_info"]
        section["cg_id"] = self.cg_id
        section["project_name"] = self.project_name
        section["project_id"] = self.project_id
        self.task_info["software_config"] = {
            "cg_name": self.render_software,
            "cg_version": self.software_version,
            "plugins": self.plugin_config,
        }

    def preparatory_analyse(self, cg_file: str, project_dir: str = "") -> None:
        """Set ``input_cg_file`` (forward slashes) and, if given, ``input_project_path``."""
        self.cg_file = cg_file
        self.task_info["task_info"]["input_cg_file"] = cg_file.replace("\\", "/")
        if project_dir:
            self.task_info["task_info"]["input_project_path"] = project_dir
