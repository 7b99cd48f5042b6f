"""``RayvisionAnalyse``: the legacy entry point that picks the analysis of a task's DCC.

Maya goes to ``rayvision_maya.analyze_maya_handle.Maya``. Houdini and Clarisse (whose
classes the original named but never shipped) go through :class:`StandaloneHandle`, which
runs ``AnalyzeHoudini`` / ``AnalyzeClarisse`` and copies their results into the task.
"""

import importlib
import logging
import os
import shutil
from typing import TYPE_CHECKING, Any, Dict, Optional, Type, Union

from rayvision_utils.exception.exception import RayvisionError
from rayvision_utils.json_handle import JsonHandle
from rayvision_utils.utils import json_save

if TYPE_CHECKING:
    from rayvision_api.cancel import CancelToken
    from rayvision_api.task.handle import RayvisionTask

LOGGER = logging.getLogger(__name__)

# cg_id -> (module, class) of the analysis; imported on use (the DCC packages are optional).
HANDLERS = {
    "2000": ("rayvision_maya.analyze_maya_handle", "Maya"),
    "2004": ("rayvision_houdini.analyze_houdini", "AnalyzeHoudini"),
    "2013": ("rayvision_clarisse.analyse_clarisse", "AnalyzeClarisse"),
}


class StandaloneHandle(JsonHandle):
    """Run a standalone analyser (``AnalyzeHoudini``, ``AnalyzeClarisse``) for a task.

    The analyser writes into its own timestamp folder under the task's ``work_dir``; its
    ``scene_info`` and the asset/tips/upload files are then copied into the task's files.
    """

    analyzer_class: Any = None

    def run(self) -> None:
        """Analyse and merge the results into the task."""
        software = self.task.task_info.get("software_config", {})
        analyzer = self.analyzer_class(
            cg_file=self.cg_file, software_version=software.get("cg_version"),
            project_name=self.task.task_info["task_info"].get("project_name"),
            plugin_config=software.get("plugins"), local_os=self.task.local_os,
            workspace=self.task.work_dir, custom_exe_path=self.exe_path,
            platform=self.task.platform, cancel_token=self.cancel_token)
        analyzer.analyse()
        self.task.task_info["scene_info"] = analyzer.task_info.get("scene_info", {})
        self.dump_task_json()
        for source, target in ((analyzer.asset_json, self.task.asset_json_path),
                               (analyzer.tips_json, self.task.tips_json_path),
                               (analyzer.upload_json, self.task.upload_json_path)):
            if os.path.exists(source):
                shutil.copyfile(source, target)
            elif target != self.task.upload_json_path:
                json_save(target, {})
        self.load_output_json()
        self.write_cg_path()


def _handler_class(cg_id: str) -> Type[Any]:
    try:
        module_name, class_name = HANDLERS[cg_id]
    except KeyError:
        raise RayvisionError(1000000, "The cg_id does not exist!")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise RayvisionError(1000000, "The analysis of cg_id {} needs {}: {}".format(
            cg_id, module_name.split(".")[0], error))
    handler = getattr(module, class_name)
    if isinstance(handler, type) and issubclass(handler, JsonHandle):
        return handler
    return type("Standalone" + class_name, (StandaloneHandle,), {
        "analyzer_class": handler, "name": class_name.replace("Analyze", "")})


class RayvisionAnalyse(object):
    """Analyse the scene of a task with the analysis of its DCC.

    Args:
        task (RayvisionTask): The task (its ``task_info`` gives ``cg_id`` and
            ``input_cg_file``, see ``RayvisionTask.preparatory_analyse``).
        exe_path (str, optional): Full path of the DCC executable to use.
        cancel_token (CancelToken, optional): Stops the analysis when cancelled (a running
            DCC is killed with its process tree).
    """

    def __init__(self, task: "RayvisionTask", exe_path: Optional[str] = None,
                 cancel_token: Optional["CancelToken"] = None) -> None:
        self.task = task
        self.exe_path = exe_path
        self.cancel_token = cancel_token
        section = task.task_info["task_info"]
        self.cg_id = str(section["cg_id"])
        self.cg_file = section["input_cg_file"]
        self.instance: Any = None

    @property
    def cg_instance(self) -> Any:
        """The DCC's analysis object (the original's attribute name); None before it is built."""
        return self.instance

    @cg_instance.setter
    def cg_instance(self, value: Any) -> None:
        self.instance = value

    def create_instance(self) -> Any:
        """Check the scene and executable, then build the DCC's analysis object.

        Raises:
            RayvisionError: 1000000 -- scene missing, exe path not absolute or missing,
                unknown cg_id, DCC package not installed.
        """
        if not os.path.isfile(self.cg_file):
            raise RayvisionError(1000000, "Cg file does not exist: {}".format(self.cg_file))
        if self.exe_path:
            if not os.path.isabs(self.exe_path):
                raise RayvisionError(1000000, "Please specify the exe full path")
            if not os.path.isfile(self.exe_path):
                raise RayvisionError(1000000, "The specified exe path does not exist")
        handler = _handler_class(self.cg_id)
        self.instance = handler(cg_id=self.cg_id, cg_file=self.cg_file, task=self.task,
                                custom_exe_path=self.exe_path,
                                cancel_token=self.cancel_token)
        return self.instance

    @classmethod
    def execute(cls, task: "RayvisionTask", exe_path: Optional[str] = None,
                cancel_token: Optional["CancelToken"] = None) -> "RayvisionAnalyse":
        """Analyse: build, run, copy ``scene_info`` to ``scene_info_render``, Maya frames."""
        analyse = cls(task, exe_path, cancel_token)
        analyse.create_instance()
        analyse.run()
        scene_info = task.task_info.get("scene_info") or {}
        task.task_info["scene_info_render"] = cls.cg_is_maya(analyse.cg_id, scene_info)
        json_save(task.task_json_path, task.task_info, ensure_ascii=False)
        return analyse

    def run(self) -> None:
        """Run the analysis of the instance."""
        return self._instance().run()

    def analyse_cg_file(self) -> Any:
        """Read what the scene file says (version...) -- delegated to the instance."""
        return self._instance().analyse_cg_file()

    def analyse(self) -> Any:
        """Analyse the scene in the DCC -- delegated to the instance."""
        return self._instance().analyse()

    def _instance(self) -> Any:
        return self.instance or self.create_instance()

    @staticmethod
    def cg_is_maya(cg_id: str,
                   scene_info_data: Dict[str, Union[Any, int]]) -> Dict[str, Union[Any, int]]:
        """For Maya, set each layer's ``common.frames`` to ``<start>-<end>[<by_frame>]``.

        Layers without a start or end keep their ``frames``.
        """
        if str(cg_id) != "2000" or not isinstance(scene_info_data, dict):
            return scene_info_data
        for layer in scene_info_data.values():
            common = layer.get("common") if isinstance(layer, dict) else None
            if not isinstance(common, dict):
                continue
            start, end = common.get("start"), common.get("end")
            if start not in (None, "") and end not in (None, ""):
                common["frames"] = "{}-{}[{}]".format(start, end, common.get("by_frame") or 1)
        return scene_info_data
