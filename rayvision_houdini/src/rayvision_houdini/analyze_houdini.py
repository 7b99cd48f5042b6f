"""``AnalyzeHoudini``: analyse a Houdini scene and write task/asset/tips/upload json.

Two backends (``backend="auto"`` picks the DCC when hython is found, else static):

* ``"static"`` reads the ``.hip``/``.hipnc``/``.hiplc`` container in pure Python
  (:mod:`rayvision_houdini.hip_container`, :mod:`rayvision_houdini.hip_scene`,
  :mod:`rayvision_houdini.static_analysis`);
* ``"dcc"`` runs hython on ``dcc/HfsBase.py`` with the documented command contract::

    <hython> <pkg>/dcc/HfsBase.py -project <scene> -task <task.json> -asset <asset.json>
        -tips <tips.json> -success <workspace>/analyze_sucess -db <db folder>

Example::

    from rayvision_houdini.analyze_houdini import AnalyzeHoudini

    analyzer = AnalyzeHoudini(cg_file="D:/shots/sphere.hip", software_version="17.5.293",
                              project_name="Project1", workspace="c:/workspace")
    analyzer.analyse()
"""

import copy
import logging
import os
import re
import sys
from typing import Any, Dict, List, Mapping, Optional, Set, Union

from rayvision_api.cancel import CancelToken
from rayvision_houdini import constants
from rayvision_houdini.dcc import HfsSql
from rayvision_houdini.hip_container import HipFormatError
from rayvision_houdini.hip_scene import extract_version, load_scene
from rayvision_houdini.static_analysis import (
    LEAN_READ,
    StaticResult,
    add_missing_tips,
    analyse_scene,
    classify_reference,
    scene_variables,
    search_folders,
)
from rayvision_utils.analyzer import BaseAnalyzer
from rayvision_utils.collector import collector_paused
from rayvision_utils.exception import tips_code
from rayvision_utils.exception.exception import (
    CGExeNotExistError,
    CGFileNotExistsError,
    RayvisionArgumentError,
    VersionNotMatchError,
)
from rayvision_utils.locate import (
    env_override,
    exe_path_from_location,
    find_on_path,
    first_existing_file,
    registry_subkeys,
    registry_value,
)
from rayvision_utils.paths import DirectoryCache
from rayvision_utils.scene_input import SceneInputError, open_scene
from rayvision_utils.workspace import default_workspace

LOGGER = logging.getLogger(__name__)

#: Folder of the scripts that run inside hython.
DCC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dcc")
#: The in-hython analysis script.
HFS_BASE_SCRIPT = os.path.join(DCC_DIR, "HfsBase.py")

_REGISTRY_ROOT = r"SOFTWARE\Side Effects Software"
_RAW_SAVE_VERSION = re.compile(rb"set\s+-g\s+_HIP_SAVEVERSION\s*=\s*'?([0-9][0-9.]*)")
# Reading this much of an unreadable container is enough to find its variables section.
_RAW_SCAN_BYTES = 4 * 1024 * 1024


def resolve_db_dir(custom_db_path: Optional[str] = None,
                   environ: Optional[Mapping[str, str]] = None) -> str:
    r"""Folder of the reference-type database ``data_tl.db``.

    ``custom_db_path`` first, then environment variable ``RAYVISION_HOUDINI``, then
    ``%USERPROFILE%\\renderfarm_sdk`` / ``$HOME/renderfarm_sdk``.
    """
    environ = os.environ if environ is None else environ
    if custom_db_path:
        return custom_db_path
    if environ.get(constants.DB_ENV_VARIABLE):
        return environ[constants.DB_ENV_VARIABLE]
    return default_workspace(environ)


class _SceneView(object):
    """The scene variables a DCC run needs for path expansion (no parsed scene required)."""

    def __init__(self, variables: Any) -> None:
        self.variables = variables


class AnalyzeHoudini(BaseAnalyzer):
    """Analyse a Houdini scene.

    Args:
        cg_file (str): ``.hip``, ``.hipnc`` or ``.hiplc`` file.
        software_version (str): Houdini version wanted on the farm, e.g. ``"17.5.293"``.
        project_name (str, optional): Farm project name.
        plugin_config (dict, optional): e.g. ``{"renderman": "22.6"}``.
        render_software (str): ``"Houdini"``.
        local_os (str, optional): ``"windows"`` or ``"linux"``.
        workspace (str, optional): Existing folder for the timestamp result folder.
        custom_exe_path (str, optional): hython to use.
        platform (str): Farm platform id.
        custom_db_path (str, optional): Folder of the reference-type database; default
            ``$RAYVISION_HOUDINI``, else the default workspace folder.
        backend (str): ``"auto"``, ``"static"`` or ``"dcc"``.
        timeout (float, optional): Seconds hython may run.
        strict (bool): Refuse to finish (``MissingFilesError``) when input files are missing.
        cancel_token (CancelToken, optional): Stops :meth:`analyse` when cancelled; a
            running hython is killed with its process tree (:mod:`rayvision_api.cancel`).

    Raises:
        CGFileNotExistsError: The scene does not exist.
        CGFileNameIllegalError: Not a .hip/.hipnc/.hiplc file.
        RayvisionArgumentError: ``custom_db_path`` is an existing file, not a folder.
    """

    RENDER_SOFTWARE = "Houdini"
    CG_EXTENSIONS = constants.CG_EXTENSIONS

    def __init__(self, cg_file: str, software_version: str, project_name: Optional[str] = None,
                 plugin_config: Optional[Dict[str, Any]] = None,
                 render_software: str = "Houdini", local_os: Optional[str] = None,
                 workspace: Optional[str] = None, custom_exe_path: Optional[str] = None,
                 platform: str = "2", custom_db_path: Optional[str] = None,
                 backend: str = "auto", timeout: Optional[float] = None,
                 strict: bool = False, cancel_token: Optional[CancelToken] = None) -> None:
        if custom_db_path is not None and not isinstance(custom_db_path, str):
            raise RayvisionArgumentError("custom_db_path must be a str folder, not {0}".format(
                type(custom_db_path).__name__))
        if custom_db_path and os.path.isfile(custom_db_path):
            raise RayvisionArgumentError(
                "custom_db_path {0} is a file; it must name a folder".format(custom_db_path))
        self.custom_db_path = custom_db_path
        self.scene: Any = None
        self.scene_version: Optional[str] = None
        self.scene_hash = None
        #: Plain-English notes of the static analysis (ROPs rendering only the current frame).
        self.notes: List[str] = []
        #: ROPs / caches whose ``trange`` is off: Houdini renders their current frame only.
        self.current_frame_nodes: Set[str] = set()
        super(AnalyzeHoudini, self).__init__(
            cg_file, software_version, project_name, plugin_config, render_software,
            local_os, workspace, custom_exe_path, platform, backend=backend, timeout=timeout,
            strict=strict, cancel_token=cancel_token)
        self.success_file = os.path.join(self.workspace, constants.SUCCESS_FILE_NAME)

    # ----------------------------------------------------------------- paths

    @property
    def db_dir(self) -> str:
        """Folder of the reference-type database (see :func:`resolve_db_dir`)."""
        return resolve_db_dir(self.custom_db_path)

    @property
    def db_file(self) -> str:
        """``<db_dir>/data_tl.db``."""
        return os.path.join(self.db_dir, constants.DB_FILE_NAME)

    # ----------------------------------------------------------------- version

    def get_save_version(self, cg_file: Optional[str] = None) -> Optional[str]:
        """Houdini version that saved the scene (``_HIP_SAVEVERSION``), or None.

        Reads the scene (one streaming pass, which also parses it for the static backend and
        hashes it); for containers whose sections cannot be read statically the first bytes
        are searched instead.

        Raises:
            CGFileNotExistsError: The scene does not exist (tip 15024 saved).
            SceneInputError: The scene cannot be read: unreadable, a folder, device or FIFO,
                damaged gzip data (tip 15002 saved).
        """
        cg_file = cg_file or self.cg_file
        if not os.path.exists(cg_file):
            self.add_tip(tips_code.CGFILE_NOTEXISTS, cg_file)
            self.save_tips()
            raise CGFileNotExistsError("{0} cg file not been found.".format(cg_file))
        try:
            scene = load_scene(cg_file, lean_parms=LEAN_READ)
        except HipFormatError:
            with open_scene(cg_file) as stream:
                head = stream.read(_RAW_SCAN_BYTES)
            match = _RAW_SAVE_VERSION.search(head)
            return extract_version(match.group(1).decode("ascii")) if match else None
        except SceneInputError as error:
            self.append_tip(tips_code.CGINFO_FAILED, str(error))
            self.save_tips()
            raise
        if cg_file == self.cg_file:
            self.scene = scene
            self.scene_hash = scene.md5
        return scene.save_version

    def prepare(self) -> None:
        """Compare the scene's saved version with ``software_version`` (tip 15013 if unequal)."""
        self.scene_version = self.get_save_version(self.cg_file)
        if self.scene_version is None:
            self.append_tip(tips_code.CGINFO_FAILED,
                            "_HIP_SAVEVERSION not found in {0}".format(self.cg_file))
        elif self.scene_version != self.software_version:
            self.add_tip(tips_code.CG_NOTMATCH, "Houdini {0}".format(self.software_version))
            LOGGER.warning("%s was saved by Houdini %s, the task asks for %s", self.cg_file,
                           self.scene_version, self.software_version)
        self.save_tips()

    def analyse_cg_file(self) -> Optional[str]:
        """Check the scene's version, then return the hython to run (documented step).

        Raises:
            CGExeNotExistError: No hython found (tip 15019).
        """
        self.prepare()
        return self.custom_exe_path or self.find_location()

    # ----------------------------------------------------------------- discovery

    def find_location(self, reg: Any = None) -> Optional[str]:
        """The hython of ``software_version`` on this machine.

        Raises:
            CGExeNotExistError: None found (tip 15019 saved).
            VersionNotMatchError: Windows: Houdini installed, but not this version (tip 15013).
        """
        if sys.platform.startswith("win") or reg is not None:
            return self.location_from_reg(self.software_version, reg)
        found = self._discover_posix()
        if found:
            return found
        self.add_tip(tips_code.CG_NOTEXISTS, "Houdini {0}".format(self.software_version))
        self.save_tips()
        raise CGExeNotExistError(self.dcc_not_found_message())

    def location_from_reg(self, version: Union[str, int], reg: Any = None) -> Optional[str]:
        r"""Windows: hython of ``Side Effects Software\Houdini <version>`` in the registry.

        Falls back to the first installed ``Houdini <major>.<minor>``; the executable is
        ``<InstallPath>\bin\hython.exe``.

        Raises:
            CGExeNotExistError: No Houdini in the registry, or no hython.exe (tip 15019).
            VersionNotMatchError: No install of the version's major.minor (tip 15013).
        """
        subkeys = registry_subkeys(_REGISTRY_ROOT, reg=reg)
        if not subkeys:
            self.add_tip(tips_code.CG_NOTEXISTS, "Cannot found any houdini version")
            self.save_tips()
            raise CGExeNotExistError(self.dcc_not_found_message())
        wanted = "Houdini {0}".format(version)
        if wanted not in subkeys:
            short = "Houdini {0}".format(".".join(str(version).split(".")[:2]))
            matches = [name for name in subkeys if short in name]
            if not matches:
                self.add_tip(tips_code.CG_NOTMATCH,
                             "Your houdini Software version is not any match")
                self.save_tips()
                raise VersionNotMatchError("Houdini {0} is not installed ({1})".format(
                    version, ", ".join(subkeys)))
            wanted = matches[0]
        location = registry_value(_REGISTRY_ROOT + "\\" + wanted, "InstallPath", reg=reg)
        exe = exe_path_from_location(location, "bin", "hython.exe")
        if not exe:
            self.add_tip(tips_code.CG_NOTEXISTS, "Cannot found any houdini version")
            self.save_tips()
            raise CGExeNotExistError(self.dcc_not_found_message())
        return exe

    def _posix_candidates(self) -> Any:
        version = self.software_version
        short = ".".join(version.split(".")[:2])
        candidates = []
        for folder in ("/opt/hfs{0}".format(version), "/opt/hfs{0}".format(short)):
            candidates += [os.path.join(folder, "bin", "hython"),
                           os.path.join(folder, "bin", "hython-bin")]
        candidates.append("/Applications/Houdini/Houdini{0}/Frameworks/Houdini.framework/"
                          "Versions/Current/Resources/bin/hython".format(version))
        return candidates

    def _discover_posix(self) -> Any:
        return first_existing_file(self._posix_candidates())

    def dcc_search_locations(self) -> List[str]:
        """Where hython was looked for (for the "not found" message)."""
        places = ["${0}".format(constants.HYTHON_ENV_VARIABLE)]
        if sys.platform.startswith("win"):
            places.append("HKEY_LOCAL_MACHINE\\" + _REGISTRY_ROOT)
        else:
            places += self._posix_candidates()
        places.append("hython on PATH")
        return places

    def find_dcc_executable(self) -> Optional[str]:
        """``$RAYVISION_HYTHON``, the registry / install folders, then ``hython`` on PATH."""
        found = env_override(constants.HYTHON_ENV_VARIABLE)
        if found:
            return found
        if sys.platform.startswith("win"):
            try:
                before = dict(self.tips_info)
                found = self.location_from_reg(self.software_version)
            except (CGExeNotExistError, VersionNotMatchError):
                self.tips_info = before   # not finding hython is normal: no tip
                found = None
        else:
            found = self._discover_posix()
        return found or find_on_path(["hython"])

    # ----------------------------------------------------------------- static backend

    def analyse_static(self) -> List[str]:
        """Read the scene file and find ROPs, caches and the files it reads.

        Raises:
            HipFormatError: The file is not a readable Houdini scene (tip 15002 saved);
                ``HipUnreadableError`` for .hipnc/.hiplc whose sections are not text.
        """
        if self.scene is None:
            try:
                self.scene = load_scene(self.cg_file, lean_parms=LEAN_READ)
                self.scene_hash = self.scene.md5
            except HipFormatError as error:
                self.append_tip(tips_code.CGINFO_FAILED,
                                "{0} (the static reader cannot read it; install Houdini and "
                                "use backend='dcc')".format(error))
                self.save_tips()
                raise
        for warning in self.scene.warnings:
            self.append_tip(tips_code.SCENE_PARTLY_READ, warning)
        with collector_paused():
            result = analyse_scene(self.scene, self.cg_file)
        self.note_sources(result.sources)
        self.notes = list(result.notes)
        self.current_frame_nodes = set(result.current_frame_nodes)
        self.task_info["scene_info"] = result.scene_info
        self.asset_info = result.asset
        for code, messages in result.tips.items():
            for message in messages:
                self.append_tip(code, message)
        self._record_db(result.file_parms)
        return result.upload_files

    def _record_db(self, file_parms: Any) -> None:
        try:
            HfsSql.record_reference_types(self.db_file, file_parms)
        except (OSError, ValueError, HfsSql.sqlite3.Error) as error:
            # The database is a cache for the in-Houdini script; analysis results stand alone.
            LOGGER.warning("could not update %s: %s", self.db_file, error)

    # ----------------------------------------------------------------- DCC backend

    def build_dcc_command(self, exe: str) -> List[str]:
        """The documented command as an argument list (no shell, so no quoting problems).

        ``<hython> HfsBase.py -project ... -task ... -asset ... -tips ... -success ... -db ...``
        """
        return [
            exe, HFS_BASE_SCRIPT,
            "-project", self.cg_file,
            "-task", self.task_json.replace("\\", "/"),
            "-asset", self.asset_json.replace("\\", "/"),
            "-tips", self.tips_json.replace("\\", "/"),
            "-success", self.success_file.replace("\\", "/"),
            "-db", self.db_dir,
        ]

    def dcc_upload_paths(self) -> List[str]:
        """Resolve the references hython reported into Normal/Miss/Search/Unresolved files."""
        refs = self.asset_info.get("Refs") or {}
        self.notes = [note for note in self.asset_info.get("notes") or []
                      if isinstance(note, str)]
        result = StaticResult()
        result.asset["camera"] = self.asset_info.get("camera") or {}
        scene_vars = _SceneView(self.scene.variables if self.scene is not None else {})
        variables = scene_variables(scene_vars, self.cg_file)
        cache = DirectoryCache()
        folders = search_folders(variables)
        for key, entry in refs.items():
            if not isinstance(entry, list) or len(entry) < 2:
                continue
            raw, expanded = entry[0], entry[1]
            node_type = entry[2] if len(entry) > 2 else ""
            parm_name = entry[3] if len(entry) > 3 else key.rsplit("/", 1)[-1]
            # hython marks a ROP cache whose mode it read as Load (see HfsBase.py).
            loads = len(entry) > 4 and entry[4] == "load"
            classify_reference(result, key, raw, expanded, variables, folders, cache,
                               node_type=node_type, parm_name=parm_name, loads=loads)
        add_missing_tips(result)
        for code, messages in result.tips.items():
            for message in messages:
                self.append_tip(code, message)
        self.asset_info = result.asset
        self.note_sources(result.sources)
        return result.upload_files

    def frames_by_layer(self) -> Any:
        """Frames per ROP for the analysis summary; animation off where ``trange`` is off.

        Returns:
            list of dict: ``{"layer": node path, "frames": "1-48[1]", "animation": bool}``.
        """
        scene_info = (self.task_info.get("scene_info_render")
                      or self.task_info.get("scene_info") or {})
        layers = []
        for key in ("rop_node", "geo_node", "distributedsim_node"):
            for entry in scene_info.get(key) or []:
                node = entry.get("node")
                layers.append({"layer": node, "frames": entry.get("frames"),
                               "animation": node not in self.current_frame_nodes})
        return layers

    def finish(self) -> None:
        """Copy ``scene_info`` to ``scene_info_render`` (what the farm reads)."""
        scene_info = self.task_info.get("scene_info")
        if scene_info is not None:
            self.task_info["scene_info_render"] = copy.deepcopy(scene_info)
