"""``Maya``: the legacy (JsonHandle based) Maya analysis used by ``RayvisionAnalyse``.

Kept for scripts written against the 1.1.0 pipeline (``RayvisionTask`` +
``RayvisionAnalyse.execute(task)``). The analysis itself is :class:`AnalyzeMaya`'s (static
or DCC backend), and so are the version rules: reading the scene's version
(:func:`~rayvision_maya.analyze_maya.read_scene_version`) and comparing it with the
configured one (:func:`rayvision_maya.version.same_version`). Its results land in the task's
``work_dir`` files.
"""

import logging
import shutil
import sys
from typing import Any

from rayvision_maya import version
from rayvision_maya.analyze_maya import AnalyzeMaya, read_scene_version
from rayvision_utils.exception import tips_code
from rayvision_utils.exception.error_msg import VERSION_NOT_MATCH
from rayvision_utils.exception.exception import (
    CGExeNotExistError,
    FileNameContainsChineseError,
    VersionNotMatchError,
)
from rayvision_utils.json_handle import JsonHandle
from rayvision_utils.utils import check_contain_chinese, json_save

LOGGER = logging.getLogger(__name__)


class Maya(JsonHandle):
    """Analyse the Maya scene of a task (see ``rayvision_utils.json_handle.JsonHandle``)."""

    exe_name = "mayabatch.exe"
    name = "Maya"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(Maya, self).__init__(*args, **kwargs)
        self.analyzer: Any = None
        self.init()

    def init(self) -> None:
        """Refuse scene paths with Chinese characters.

        Raises:
            FileNameContainsChineseError: The path has some (tip saved).
        """
        if check_contain_chinese(self.cg_file):
            self.tips.add(tips_code.CONTAIN_CHINESE, self.cg_file)
            self.tips.save_tips()
            raise FileNameContainsChineseError(
                "{} contains Chinese characters".format(self.cg_file))

    # The documented names, the current analyser's functions.
    check_version3 = staticmethod(AnalyzeMaya.check_version3)
    check_version2 = staticmethod(AnalyzeMaya.check_version2)

    def location_from_reg(self, version_text: Any, reg: Any = None) -> Any:
        """Maya install folder of ``version_text`` from the registry (None if absent)."""
        return self._analyzer_probe().location_from_reg(version_text, reg=reg)

    def find_location(self) -> Any:
        """Set ``exe_path`` to the Maya of the scene's version.

        Raises:
            CGExeNotExistError: No Maya found (tip 15019).
        """
        probe = self._analyzer_probe()
        exe = probe.find_dcc_executable()
        if not exe:
            self.tips.add(tips_code.CG_NOTEXISTS, self.version_str)
            self.tips.save_tips()
            raise CGExeNotExistError("Maya software of scene has not been found.")
        self.exe_path = exe
        return exe

    def analyse_cg_file(self) -> Any:
        """Read the scene's Maya version; keep ``exe_path`` (custom or found) if any."""
        found = read_scene_version(self.cg_file, self.tips.add, self.tips.save_tips)
        self.version = found
        self.version_str = "Maya {}".format(found)
        if not self.exe_path:
            self.exe_path = self._analyzer_probe().find_dcc_executable()
        return self.exe_path

    def valid(self) -> None:
        """The configured software must be Maya of the scene's version (year).

        Raises:
            VersionNotMatchError: Name or version differ (tip 15013).
        """
        software = self.task.task_info.get("software_config", {})
        if (str(software.get("cg_name", "")).capitalize() != self.name
                or not version.same_version(self.version, software.get("cg_version"))):
            self.tips.add(tips_code.CG_NOTMATCH, self.version_str)
            self.tips.save_tips()
            raise VersionNotMatchError(VERSION_NOT_MATCH)

    def _analyzer_probe(self) -> Any:
        if self.analyzer is None:
            software = self.task.task_info.get("software_config", {})
            section = self.task.task_info["task_info"]
            self.analyzer = AnalyzeMaya(
                self.cg_file, software.get("cg_version") or self.version,
                section.get("project_name"), software.get("plugins") or {},
                render_layer_type=section.get("render_layer_type", "0"),
                input_project_path=section.get("input_project_path") or None,
                local_os="windows" if sys.platform.startswith("win") else "linux",
                workspace=self.task.work_dir, custom_exe_path=self.exe_path,
                platform=self.task.platform, cancel_token=self.cancel_token)
        return self.analyzer

    def analyse(self) -> None:
        """Analyse with :class:`AnalyzeMaya` and copy its results into the task's files.

        Raises:
            AnalyseFailError: The analysis failed.
        """
        analyzer = self._analyzer_probe()
        analyzer.analyse()
        self.task.task_info["scene_info"] = analyzer.task_info.get("scene_info", {})
        if not self.task.task_info.get("software_config", {}).get("plugins"):
            self.task.task_info.setdefault("software_config", {})["plugins"] = (
                analyzer.task_info.get("software_config", {}).get("plugins", {}))
        self.dump_task_json()
        shutil.copyfile(analyzer.asset_json, self.task.asset_json_path)
        shutil.copyfile(analyzer.tips_json, self.task.tips_json_path)
        self.upload_info = analyzer.upload_info

    def handle_analyse_result(self) -> None:
        """Write the task's upload.json (the scene and every asset)."""
        upload = getattr(self, "upload_info", None) or {"asset": []}
        json_save(self.task.upload_json_path, upload, ensure_ascii=False)
        self.task.upload_info = upload

    def run(self) -> None:
        """The whole analysis: version, checks, analysis, results into the task."""
        self.analyse_cg_file()
        self.valid()
        self.dump_task_json()
        self.analyse()
        self.load_output_json()
        self.handle_analyse_result()
        self.write_cg_path()

