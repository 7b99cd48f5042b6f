"""``AnalyzeMaya``: analyse a Maya scene with Maya (batch mode) or without it (static).

>>> analyze = AnalyzeMaya(cg_file="D:/proj/scenes/shot.ma", software_version="2018",
...                       project_name="Project1", plugin_config={"mtoa": "3.1.2.1"},
...                       workspace="C:/workspace")
>>> analyze.analyse()

writes ``task.json``, ``asset.json``, ``tips.json`` and ``upload.json`` under
``<workspace>/<timestamp>/``. ``backend="auto"`` (default) runs Maya when one is found
(``custom_exe_path``, the Windows registry, ``/usr/autodesk/maya<v>/bin/maya``...), else the
pure-Python reader; ``backend="static"`` or ``"dcc"`` forces one. See docs/analysis-maya.md.
"""

import collections
import copy
import json
import logging
import os
import sys
from typing import Any, Callable, Dict, List, Optional, Set, Union

from rayvision_api.cancel import CancelToken
from rayvision_maya import constants, ma_reader, static_analysis, version
from rayvision_maya.dcc import tables
from rayvision_utils import locate
from rayvision_utils.analyzer import BaseAnalyzer
from rayvision_utils.exception import error_msg, tips_code
from rayvision_utils.exception.exception import (
    CGExeNotExistError,
    GetCGVersionError,
    RayvisionArgumentError,
    VersionNotMatchError,
)
from rayvision_utils.scene_input import SceneInputError
from rayvision_utils.utils import to_slash

LOGGER = logging.getLogger(__name__)

# Folder of the in-Maya scripts (Analyze.py, temp.py, workspace.mel).
SCRIPT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dcc")

# From this version on Maya runs Python 3: no ``reload`` builtin, no ``execfile``.
_FIRST_PYTHON3_MAYA = 2022


def _mel_quote(text: Any) -> Any:
    """``text`` as the inside of a MEL double-quoted string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


_version_year = version.version_year


def read_scene_version(cg_file: str, add_tip: Callable[..., Any],
                       save_tips: Callable[[], Any]) -> str:
    """The Maya version that saved ``cg_file``; on failure a saved tip 15002, then the error.

    Shared by :class:`AnalyzeMaya` and the 1.1.0 ``analyze_maya_handle.Maya`` (each passes
    its own tips).

    Raises:
        rayvision_utils.scene_input.SceneInputError: A folder, device, FIFO or unreadable
            file: refused before anything is read.
        GetCGVersionError: The scene does not say which Maya saved it.
    """
    try:
        found = version.scene_version(cg_file)
    except SceneInputError:
        add_tip(tips_code.CGINFO_FAILED, to_slash(cg_file))
        save_tips()
        raise
    if found is None:
        add_tip(tips_code.CGINFO_FAILED, to_slash(cg_file))
        save_tips()
        raise GetCGVersionError("{} ({} is not a readable Maya scene)".format(
            error_msg.ERROR_GETCGVERSION_EXCEPTION.format("Maya"), cg_file))
    return found


class AnalyzeMaya(BaseAnalyzer):
    """Analyse a Maya scene (.ma / .mb) and write the four json files.

    Args:
        cg_file (str): Scene file.
        software_version (str): Maya version to render with, e.g. ``"2018"``.
        project_name (str): Farm project name.
        plugin_config (dict): Plugin name -> version, e.g. ``{"mtoa": "3.1.2.1"}``; when
            empty, the plugins the scene requires are used.
        render_software (str): ``"Maya"``.
        render_layer_type (str): ``"0"`` legacy render layers, ``"1"`` render setup.
        input_project_path (str, optional): Maya project folder (relative paths).
        local_os (str, optional): ``"windows"`` / ``"linux"``; default this machine's.
        workspace (str, optional): Folder receiving the result folder.
        custom_exe_path (str, optional): Maya executable (mayabatch.exe / maya).
        platform (str): Farm platform id.
        backend (str): ``"auto"``, ``"static"`` or ``"dcc"``.
        timeout (float, optional): Seconds Maya may run.
        strict (bool): Refuse to finish when files are missing (``MissingFilesError``
            after task, asset and tips json are written; no upload.json).
        cancel_token (CancelToken, optional): Stops :meth:`analyse` when cancelled; a
            running Maya is killed with its process tree (:mod:`rayvision_api.cancel`).
    """

    RENDER_SOFTWARE = "Maya"
    CG_EXTENSIONS = constants.CG_EXTENSIONS

    def __init__(self, cg_file: str, software_version: Optional[str], project_name: Optional[str],
                 plugin_config: Optional[Dict[str, Any]], render_software: str = "Maya",
                 render_layer_type: Union[str, int] = "0",
                 input_project_path: Optional[str] = None, local_os: Optional[str] = None,
                 workspace: Optional[str] = None, custom_exe_path: Optional[str] = None,
                 platform: str = "2", backend: str = "auto", timeout: Optional[float] = None,
                 strict: bool = False, cancel_token: Optional[CancelToken] = None) -> None:
        if _version_year(software_version) is None:
            raise RayvisionArgumentError(
                "software_version must be a Maya version such as '2018', not {!r}".format(
                    software_version))
        self.render_layer_type = str(render_layer_type)
        self.input_project_path = input_project_path
        self.scene_version: Optional[str] = None
        self.scene_hash = None
        self.scene_plugins: Dict[str, Any] = collections.OrderedDict()
        self.user_plugins = dict(plugin_config) if plugin_config else {}
        super(AnalyzeMaya, self).__init__(
            cg_file, software_version, project_name=project_name, plugin_config=plugin_config,
            render_software=render_software, local_os=local_os, workspace=workspace,
            custom_exe_path=custom_exe_path, platform=platform, backend=backend,
            timeout=timeout, strict=strict,
            cancel_token=cancel_token)

    # ------------------------------------------------------------------ version

    @staticmethod
    def check_version3(cg_file: str) -> Optional[str]:
        """Maya version that saved ``cg_file`` (.ma or .mb), e.g. ``"2018"``; None if unknown."""
        return version.scene_version(cg_file)

    @staticmethod
    def check_version2(cg_file: str) -> Optional[str]:
        """Same as :meth:`check_version3` (kept for the documented Python 2 name)."""
        return version.scene_version(cg_file)

    def check_version(self) -> None:
        """Compare the scene's version with ``software_version``.

        Raises:
            GetCGVersionError: The scene does not say which Maya saved it (tip 15002).
            VersionNotMatchError: Another version saved it (tip 15013 ``["Maya <v>"]``).
        """
        self.scene_version = read_scene_version(self.cg_file, self.add_tip, self.save_tips)
        if not version.same_version(self.scene_version, self.software_version):
            self.add_tip(tips_code.CG_NOTMATCH, "Maya {}".format(self.software_version))
            self.save_tips()
            raise VersionNotMatchError("{} (scene {}: Maya {}, configured: Maya {})".format(
                error_msg.VERSION_NOT_MATCH, self.cg_file, self.scene_version,
                self.software_version))

    def prepare(self) -> None:
        """Version check before either backend."""
        self.check_version()

    def analyse_cg_file(self) -> Optional[str]:
        """Check the version and return the Maya executable to use (None: static backend)."""
        self.check_version()
        return self.select_backend()[1]

    # ------------------------------------------------------------------ Maya location

    def location_from_reg(self, version_text: Union[str, int], reg: Any = None) -> Optional[str]:
        """``MAYA_INSTALL_LOCATION`` of Maya ``<v>`` or ``<v>.5`` from the registry, or None."""
        for candidate in (str(version_text), "{}.5".format(version_text)):
            location = locate.registry_value(constants.REGISTRY_KEY.format(v=candidate),
                                             constants.REGISTRY_VALUE, reg=reg)
            if location:
                return location
        return None

    def find_dcc_executable(self, reg: Any = None) -> Optional[str]:
        """The Maya executable of ``software_version`` on this machine, or None."""
        year = _version_year(self.software_version)
        if year is None:
            return None
        if sys.platform.startswith("win") or reg is not None:
            location = self.location_from_reg(year, reg=reg)
            return locate.exe_path_from_location(location, *constants.WINDOWS_EXE)
        if sys.platform.startswith("linux"):
            return locate.first_existing_file(
                [template.format(v=year) for template in constants.LINUX_EXE_TEMPLATES])
        return None

    def find_location(self) -> Optional[str]:
        """The Maya executable to use (documented).

        Raises:
            CGExeNotExistError: None found (tip 15019 ``["Maya <v>"]``).
        """
        exe = self.locate_exe()
        if not exe:
            self._maya_not_found()
        return exe

    def dcc_search_locations(self) -> List[str]:
        """Where :meth:`find_dcc_executable` looks for Maya ``software_version`` (text)."""
        year = _version_year(self.software_version)
        if sys.platform.startswith("win"):
            return ["registry HKEY_LOCAL_MACHINE\\{} ({})".format(
                constants.REGISTRY_KEY.format(v=v), constants.REGISTRY_VALUE)
                for v in (year, "{}.5".format(year))]
        if sys.platform.startswith("linux"):
            return [template.format(v=year) for template in constants.LINUX_EXE_TEMPLATES]
        return ["(no Maya install location is known on {})".format(sys.platform)]

    def _maya_not_found(self) -> None:
        self.add_tip(tips_code.CG_NOTEXISTS, "Maya {}".format(self.software_version))
        self.save_tips()
        raise CGExeNotExistError(self.dcc_not_found_message())

    # ------------------------------------------------------------------ task.json

    def task_info_fields(self) -> Dict[str, Any]:
        """Maya's extra ``task_info`` keys."""
        return {"input_project_path": self.input_project_path or "",
                "render_layer_type": self.render_layer_type}

    def search_dirs(self) -> List[str]:
        """Folders relative scene paths are looked up in."""
        return static_analysis.search_dirs_for(self.cg_file, self.input_project_path)

    # ------------------------------------------------------------------ static backend

    def analyse_static(self) -> List[str]:
        """Read the scene file itself."""
        result = static_analysis.StaticMayaAnalysis(self.cg_file, self.input_project_path,
                                                    hash_name="md5").run()
        self.hash_scene_later(result.scene_digest)
        self.note_sources(result.sources)
        self.task_info["scene_info"] = result.scene_info
        self.asset_info = {"asset": result.assets}
        self.scene_plugins = result.plugins
        self._note_layer_system(result.render_layer_type)
        for code, messages in result.tips.items():
            for message in messages:
                self.append_tip(code, message)
        return result.upload_paths

    def _note_layer_system(self, detected: Any) -> None:
        if detected and detected != self.render_layer_type:
            LOGGER.warning("%s uses %s but render_layer_type is %r", self.cg_file,
                           "render setup" if detected == "1" else "legacy render layers",
                           self.render_layer_type)

    # ------------------------------------------------------------------ DCC backend

    def options(self) -> Dict[str, Any]:
        """The options the in-Maya script receives (documented key order)."""
        project = (self.input_project_path
                   or static_analysis.find_project_root(os.path.dirname(self.cg_file))
                   or os.path.dirname(self.cg_file))
        return collections.OrderedDict([
            ("cg_file", to_slash(self.cg_file)),
            ("task_json", to_slash(self.task_json)),
            ("asset_json", to_slash(self.asset_json)),
            ("tips_json", to_slash(self.tips_json)),
            ("cg_project", to_slash(project)),
            ("cg_plugins", self.user_plugins),
            ("cg_version", self.software_version),
            ("user_id", "0"),
            ("channel", "api"),
        ])

    def build_dcc_command(self, exe: str) -> List[str]:
        """Argument list running Maya in batch mode on our script (documented contract).

        Windows: ``mayabatch.exe -command 'python "options=<repr>;...;import Analyze;
        reload(Analyze);Analyze.analyze_maya(options)"'``. Linux: options written to
        ``<workspace>/options.json``, then ``maya -batch -command 'python "channel,
        options_json=...;execfile(<script dir>/temp.py)"'``. Maya 2022 and later run
        Python 3: they get ``from importlib import reload`` and ``exec(open(...).read())``.
        """
        options = self.options()
        script_dir = to_slash(SCRIPT_DIR)
        python3 = (_version_year(self.software_version) or 0) >= _FIRST_PYTHON3_MAYA
        # The form follows the machine Maya runs on (local_os describes the scene's paths).
        if sys.platform.startswith("win") or exe.lower().endswith(".exe"):
            code = "options={!r};import sys;sys.path.insert(0, {!r});".format(
                dict(options), script_dir)
            code += "from importlib import reload;" if python3 else ""
            code += "import Analyze;reload(Analyze);Analyze.analyze_maya(options)"
            return [exe, "-command", 'python "{}"'.format(_mel_quote(code))]
        options_json = to_slash(os.path.join(self.workspace, "options.json"))
        with open(options_json, "w", encoding="utf-8") as handle:
            json.dump(options, handle, indent=4, ensure_ascii=False)
        temp_py = script_dir + "/temp.py"
        run = ("exec(open({0!r}).read())" if python3 else "execfile({0!r})").format(temp_py)
        code = "channel,options_json={!r},{!r};import sys;sys.path.insert(0, {!r});{}".format(
            "api", options_json, script_dir, run)
        return [exe, "-batch", "-command", 'python "{}"'.format(_mel_quote(code))]

    def dcc_upload_paths(self) -> List[str]:
        """Resolve what Maya reported like the static backend does (sequences, tips)."""
        if not isinstance(self.asset_info, dict):
            self.asset_info = {}
        reported = self.asset_info.get("asset") or []
        resolver = static_analysis.StaticMayaAnalysis(self.cg_file, self.input_project_path)
        search_dirs = resolver.search_dirs
        for entry in reported:
            if not isinstance(entry, dict) or not entry.get("value"):
                continue
            value = entry.get("resolved") or entry["value"]
            kind = entry.get("kind") if entry.get("kind") in tables.KIND_TIP_CODES else "other"
            if kind == "reference":
                files, path = static_analysis.resolve_value(value, search_dirs)
                resolver.add_entry(entry.get("node", ""), "reference", "fileName",
                                   entry["value"], files[:1], not files, "reference")
                if not files and not entry.get("deferred"):
                    resolver.result.tip(tables.KIND_TIP_CODES["reference"], path)
            elif entry.get("type") == "cacheFile":
                folder, _, file_name = to_slash(value).rpartition("/")
                node = ma_reader.Node("cacheFile", entry.get("node", ""), None,
                                      {"cn": os.path.splitext(file_name)[0]})
                resolver.add_cache_file(node, folder, search_dirs)
            elif kind == "other":
                files, _ = static_analysis.resolve_value(value, search_dirs)
                if files:
                    resolver.add_entry(entry.get("node", ""), entry.get("type", ""),
                                       entry.get("attr", ""), entry["value"], files, False,
                                       "other")
            else:
                resolver.add_file(entry.get("node", ""), entry.get("type", ""),
                                  entry.get("attr", ""), value, kind, search_dirs,
                                  bool(entry.get("frame_extension")),
                                  int(entry.get("uv_tiling_mode") or 0))
        plugins = self.asset_info.get("plugins")
        if isinstance(plugins, dict):
            self.scene_plugins = static_analysis.farm_plugins(plugins)
        self._note_layer_system(self.asset_info.get("render_layer_type"))
        self.asset_info = dict(self.asset_info, asset=resolver.result.assets)
        self.note_sources(resolver.result.sources)
        for code, messages in resolver.result.tips.items():
            for message in messages:
                self.append_tip(code, message)
        return resolver.result.upload_paths

    # ------------------------------------------------------------------ both

    def finish(self) -> None:
        """Plugins into software_config; ``scene_info_render`` = ``scene_info``."""
        software = self.task_info.setdefault("software_config", {})
        if not self.user_plugins and self.scene_plugins:
            software["plugins"] = dict(self.scene_plugins)
        elif self.user_plugins:
            self._compare_plugins()
        scene_info = self.task_info.get("scene_info") or {}
        self.task_info["scene_info_render"] = copy.deepcopy(scene_info)

    def _compare_plugins(self) -> None:
        """Tips for plugins whose configured version differs from the scene's."""
        renderers: Set[Any] = set()
        for layer in (self.task_info.get("scene_info") or {}).values():
            if isinstance(layer, dict):
                renderers.add((layer.get("common") or {}).get("renderer"))
        for name, scene_version in self.scene_plugins.items():
            configured = self.user_plugins.get(name)
            code = (tips_code.VRAY_NOTMATCH if name.lower().startswith("vray")
                    else tips_code.PLUGIN_NOTMATCH)
            if configured is not None and str(configured) != str(scene_version):
                self.append_tip(code, "{}: scene saved with {}, plugin_config has {}".format(
                    name, scene_version, configured))
            elif configured is None and name in [static_analysis.RENDERER_PLUGINS.get(r)
                                                 for r in renderers]:
                self.append_tip(code, "{}: renderer plugin {} required by the scene is not in "
                                      "plugin_config".format(name, scene_version))

