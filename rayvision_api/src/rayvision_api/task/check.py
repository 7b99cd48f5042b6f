"""Check analysis results before submitting: ids filled in, tips looked up, files rewritten.

Differences from the original 1.1.4 (behaviour-reference §10), kept on purpose:

* each of ``task_id``, ``user_id``, ``project_id`` is filled when *it* is empty (the original
  tested ``task_id`` three times);
* tips.json on disk is honoured when no analyse object is given (the original ignored it and
  overwrote it with ``{}``); codes the service does not know are kept as warnings instead of
  crashing on a ``None`` answer;
* the constructor makes no network call, nor does it create folders;
* folders for ``is_cover=False`` never collide, even within one second;
* files are written atomically.
"""

import copy
import logging
import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from rayvision_api.constants import MODIFIABLE_PARAM
from rayvision_api.exception import RayvisionError
from rayvision_api.utils import json_load, json_save
from rayvision_api.workspace import default_workspace, make_unique_folder

if TYPE_CHECKING:
    from rayvision_api.core import RayvisionAPI

LOGGER = logging.getLogger(__name__)

_JSON_NAMES = ("task", "tips", "asset", "upload")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class RayvisionCheck(object):
    r"""Check the analysis of a scene and prepare the json files for upload.

    Args:
        api (rayvision_api.RayvisionAPI): A logged-in client.
        analyze (object, optional): An analyser (e.g. ``AnalyzeMaya``) whose files and
            results are used.
        workspace (str, optional): Folder for ``is_cover=False`` results; default
            ``%USERPROFILE%\renderfarm_sdk`` / ``$HOME/renderfarm_sdk`` (not created here).

    Raises:
        RayvisionError: 1000004 when ``workspace`` is given but does not exist.
    """

    def __init__(self, api: "RayvisionAPI", analyze: Any = None,
                 workspace: Optional[str] = None) -> None:
        self.api = api
        self.analyze = analyze
        self.workspace = self.check_workspace(workspace)
        self.task_json: Optional[str] = None
        self.tips_json: Optional[str] = None
        self.asset_json: Optional[str] = None
        self.upload_json: Optional[str] = None
        self.tips_info: Dict[str, Any] = {}
        self.task_info: Dict[str, Any] = {}
        self.asset_info: Optional[Dict[str, Any]] = {}
        self.upload_info: Dict[str, Any] = {}
        self.errors_number = 0
        self.error_warn_info_list: List[Dict[str, Any]] = []

    def check_workspace(self, workspace: Optional[str]) -> str:
        """Return ``workspace`` (it must exist) or the default workspace."""
        if not workspace:
            return default_workspace()
        self.check_path(workspace)
        return workspace

    @staticmethod
    def check_path(tmp_path: Optional[str]) -> None:
        """Raise ``RayvisionError(1000004, "<path> is not found")`` if ``tmp_path`` is missing."""
        if not tmp_path or not os.path.exists(tmp_path):
            raise RayvisionError(1000004, "{0} is not found".format(tmp_path))

    def check_analyze(self, analyze: Any, workspace: str, is_cover: bool = True) -> str:
        """Decide where the checked files are written, and take the analyser's results.

        Args:
            analyze (object): Analyser with ``task_json``... paths and ``*_info`` dicts, or None.
            workspace (str): Folder of the files being checked.
            is_cover (bool): Overwrite the files in ``workspace``; else write to a new folder
                under ``self.workspace``.

        Returns:
            str: The folder the files will be written to.
        """
        if analyze is not None:
            for name in _JSON_NAMES:
                setattr(self, name + "_json", getattr(analyze, name + "_json"))
            for name in _JSON_NAMES:
                setattr(self, name + "_info", copy.deepcopy(getattr(analyze, name + "_info", {})))
            return os.path.dirname(analyze.task_json)
        # Without an analyser the tips come from tips.json on disk (see execute).
        self.tips_info = {}
        folder = workspace if is_cover else make_unique_folder(self.workspace)
        for name in _JSON_NAMES:
            setattr(self, name + "_json", os.path.join(folder, name + ".json"))
        return folder

    def check_task_info(self, task_info: Dict[str, Any]) -> Dict[str, Any]:
        """Fill the empty ``task_id``, ``user_id`` and ``project_id`` of task.json, each on its own.

        Raises:
            RayvisionError: 2000 when ``task_info`` is empty; 1000002 when its ``task_info``
                section is missing.
        """
        if not task_info:
            raise RayvisionError(2000, "task info can't be empty.")
        section = task_info.get("task_info")
        if not isinstance(section, dict):
            raise RayvisionError(1000002, "task.json has no 'task_info' section")
        if not section.get("task_id"):
            section["task_id"] = self.api.get_task_id()
        if not section.get("user_id"):
            section["user_id"] = self.api.get_user_id()
        if not section.get("project_id") and section.get("project_name"):
            section["project_id"] = self.api.check_and_add_project_name(
                section["project_name"])
        return task_info

    def check_error_warn_info(self, language: str = "0") -> List[Dict[str, Any]]:
        """Look each tip code up on the service and count the errors.

        Args:
            language (str): ``"0"`` Chinese (default), ``"1"`` English.

        Returns:
            list: One dict per detail (``code``, ``type`` -- 1 error, 0 warning --,
            ``details`` = the tip's messages, ...). A code the service does not know gives
            ``{"code": code, "details": messages}`` and counts as a warning.
        """
        self.errors_number = 0
        self.error_warn_info_list = []
        for code, value in (self.tips_info or {}).items():
            details = self.api.query.error_detail(code, language=language)
            if not details:
                LOGGER.warning("tip %s is unknown to the service: %s", code, value)
                self.error_warn_info_list.append({"code": code, "details": value})
                continue
            if isinstance(details, dict):
                details = [details]
            for detail in details:
                entry = dict(detail)
                entry["details"] = value
                if str(entry.get("type")) == "1":
                    self.errors_number += 1
                self.error_warn_info_list.append(entry)
        LOGGER.info("error_warn_info_list: %s", self.error_warn_info_list)
        return self.error_warn_info_list

    def is_scene_have_error(self) -> None:
        """Raise when the tips hold errors.

        Raises:
            RayvisionError: 1000000 with the number of errors and their details.
        """
        if self.errors_number > 0:
            raise RayvisionError(1000000, "There are {0} errors. error_warn_info_list:{1}".format(
                self.errors_number, self.error_warn_info_list))

    def _load_tips(self, source_folder: str) -> Dict[str, Any]:
        """tips.json of the checked folder, merged with the analyser's tips."""
        on_disk = json_load(os.path.join(source_folder, "tips.json")) or {}
        if not isinstance(on_disk, dict):
            raise RayvisionError(1000002, "tips.json in {0} is not a json object".format(
                source_folder))
        merged = dict(on_disk)
        merged.update(self.tips_info or {})
        return merged

    def execute(self, task_json: str, upload_json: str, asset_json: str = "",
                is_cover: bool = True) -> str:
        """Check the files of an analysis and rewrite them ready for upload.

        Args:
            task_json (str): task.json path.
            upload_json (str): upload.json path.
            asset_json (str): asset.json path (optional).
            is_cover (bool): Overwrite in place (default) or write to a new folder.

        Returns:
            str: The task id.

        Raises:
            RayvisionError: 2000 empty task.json, 1000000 the tips hold errors,
                1000005 a file is not valid json.
        """
        source_folder = os.path.dirname(task_json)
        self.check_analyze(self.analyze, source_folder, is_cover)
        task_info = json_load(task_json)
        upload_info = json_load(upload_json)
        asset_info = json_load(asset_json) if asset_json else None
        self.tips_info = self._load_tips(source_folder)
        self.task_info = self.check_task_info(task_info)
        self.upload_info = upload_info or {}
        self.asset_info = asset_info
        self.check_error_warn_info()
        self.is_scene_have_error()
        return self.write()

    def write(self) -> str:
        """Write upload.json, task.json, tips.json and asset.json (UTF-8, indent 4).

        ``scene_info_render`` is taken from ``scene_info`` when empty, and the numbers among
        the modifiable ``task_info`` values become strings.

        Returns:
            str: ``task_info["task_info"]["task_id"]``.
        """
        task_info = self.task_info
        scene_info_render = task_info.get("scene_info_render") or task_info.get("scene_info")
        if scene_info_render:
            task_info["scene_info_render"] = scene_info_render
        section = task_info["task_info"]
        for key in MODIFIABLE_PARAM:
            if key in section and _is_number(section[key]):
                section[key] = str(section[key])
        if self.upload_json is None or self.task_json is None or self.tips_json is None:
            raise RayvisionError(1000000, "RayvisionCheck.write: the json paths are not set; "
                                          "call execute() (or check_analyze()) first")
        json_save(self.upload_json, self.upload_info, ensure_ascii=False, indent=4)
        json_save(self.task_json, task_info, ensure_ascii=False, indent=4)
        json_save(self.tips_json, self.tips_info, ensure_ascii=False, indent=4)
        if self.asset_info is not None and self.asset_json is not None:
            json_save(self.asset_json, self.asset_info, ensure_ascii=False, indent=4)
        return section["task_id"]
