"""``JsonHandle``: base of the legacy per-DCC analysis classes (documented 1.1.0 pipeline).

Used with ``rayvision_api.task.handle.RayvisionTask`` and
``rayvision_utils.analyse_handle.RayvisionAnalyse``. New code should use the standalone
analysers (``rayvision_maya.analyze_maya.AnalyzeMaya``...), which need no task object.
"""

import codecs
import json
import logging
import os
from typing import TYPE_CHECKING, Any, Optional, Sequence, Tuple

from rayvision_utils.exception import tips_code
from rayvision_utils.exception.error_msg import VERSION_NOT_MATCH
from rayvision_utils.exception.exception import VersionNotMatchError
from rayvision_utils.exception.tips import TipsInfo
from rayvision_utils.utils import get_os, json_save, to_slash

if TYPE_CHECKING:
    from rayvision_api.cancel import CancelToken
    from rayvision_api.task.handle import RayvisionTask

LOGGER = logging.getLogger(__name__)


class JsonHandle(object):
    """Read and write the json files of a task's analysis.

    It can be constructed as in 1.1.x (the original's test suite builds one directly); only
    :meth:`run` is left to each DCC's handle.

    Args:
        cg_file (str): Scene file.
        task (RayvisionTask): The task (``task_info``, ``work_dir``, json paths, ``user_id``).
        cg_id (str): DCC id, e.g. ``"2000"``.
        custom_exe_path (str): DCC executable given by the user, or None.
        cancel_token (CancelToken, optional): Handed to the analyser (stops the analysis).
    """

    name: Optional[str] = None

    def __init__(self, cg_file: str, task: "RayvisionTask", cg_id: str,
                 custom_exe_path: Optional[str],
                 cancel_token: Optional["CancelToken"] = None) -> None:
        self.cg_file = cg_file
        self.cancel_token = cancel_token
        self.task = task
        self.cg_id = cg_id
        self.exe_path = custom_exe_path
        self.version: Optional[str] = None
        self.version_str: Optional[str] = None
        self.local_os = get_os()
        self.tips = TipsInfo(save_path=task.work_dir)
        user_id = int(task.user_id)
        self.user_input = "{}/{}".format((user_id // 500) * 500, user_id)
        self.cmd = None

    def valid(self) -> None:
        """Check the configured DCC name and version against the scene's.

        Raises:
            VersionNotMatchError: Name or version differ (tip 15013 saved).
        """
        software = self.task.task_info.get("software_config", {})
        cg_name = str(software.get("cg_name", ""))
        cg_version = software.get("cg_version")
        if (cg_name.capitalize() != str(self.name).capitalize()
                or str(cg_version) != str(self.version)):
            self.tips.add(tips_code.CG_NOTMATCH, self.version_str)
            self.tips.save_tips()
            raise VersionNotMatchError(VERSION_NOT_MATCH)

    def dump_task_json(self) -> None:
        """Write ``task.task_info`` to the task's task.json."""
        json_save(self.task.task_json_path, self.task.task_info, ensure_ascii=False)

    @staticmethod
    def exe_path_from_location(location: Optional[str], exe_name: str) -> Optional[str]:
        """``<location>/<exe_name>`` if it exists, else None (None ``location`` -> None)."""
        if location is None:
            return None
        exe_path = os.path.join(location, exe_name)
        return exe_path if os.path.exists(exe_path) else None

    def load_output_json(self) -> None:
        """Load task/asset/tips json into this object and onto the task."""
        self.task_info = self.json_load(self.task.task_json_path)
        self.asset_info = self.json_load(self.task.asset_json_path)
        self.tips_info = self.json_load(self.task.tips_json_path)
        self.task.task_info = self.task_info
        self.task.asset_info = self.asset_info
        self.task.tips_info = self.tips_info

    @staticmethod
    def json_load(json_path: str, encodings: Optional[Sequence[str]] = None) -> Any:
        """Load ``json_path`` trying each of ``encodings`` (default utf-8); ``{}`` on failure."""
        for encoding in encodings or ["utf-8"]:
            try:
                with codecs.open(json_path, "r", encoding=encoding) as handle:
                    return json.load(handle)
            except (OSError, ValueError, UnicodeDecodeError) as error:
                LOGGER.debug("cannot load %s as %s: %s", json_path, encoding, error)
        return {}

    def write_cg_path(self) -> None:
        """Set ``input_cg_file`` (forward slashes) and ``cg_id``, then save task.json."""
        section = self.task.task_info["task_info"]
        section["input_cg_file"] = to_slash(self.cg_file)
        section["cg_id"] = self.cg_id
        json_save(self.task.task_json_path, self.task.task_info, ensure_ascii=False)

    def json_exist(self) -> Tuple[bool, Optional[str]]:
        """``(False, "Json file is not generated: <path>")`` for the first missing file."""
        for json_path in (self.task.task_json_path, self.task.asset_json_path,
                          self.task.tips_json_path):
            if not os.path.exists(json_path):
                return False, "Json file is not generated: {}".format(json_path)
        return True, None

    def run(self) -> None:
        """Run the whole analysis: each DCC's handle implements it.

        Raises:
            NotImplementedError: Always, on the base class (as in 1.1.x).
        """
        raise NotImplementedError("{0} does not implement run(): use a DCC's handle such as "
                                  "rayvision_maya.analyze_maya_handle.Maya".format(
                                      type(self).__name__))
