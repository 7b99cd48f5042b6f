"""``AnalyzeClarisse``: analyse a Clarisse project and write task/asset/tips/upload json.

Two backends (``backend="auto"`` picks Clarisse when its command-line renderer is found):

* ``"static"`` parses the ``.project`` text in pure Python
  (:mod:`rayvision_clarisse.project_parser`, :mod:`rayvision_clarisse.static_analysis`);
* ``"dcc"`` runs Clarisse's command-line node with our script::

    cnode <scene.project> -script <pkg>/dcc/clarisse_analyse.py

  The script finds its options (json paths) through the file named by the environment
  variable ``RAYVISION_CLARISSE_OPTIONS`` (written into the result folder), because cnode
  passes no arguments to scripts.

Example::

    from rayvision_clarisse.analyse_clarisse import AnalyzeClarisse

    analyzer = AnalyzeClarisse(cg_file="E:/copy/shot.project",
                               software_version="clarisse_ifx_4.0_sp3",
                               project_name="Project1", workspace="c:/workspace")
    analyzer.analyse()
"""

import copy
import glob
import logging
import os
import re
from typing import Any, Dict, List, Optional

from rayvision_api.cancel import CancelToken
from rayvision_clarisse import constants
from rayvision_clarisse.project_parser import Project, ProjectFormatError
from rayvision_clarisse.static_analysis import (
    PRUNING,
    ClarisseResult,
    analyse_project,
    classify_file,
    project_variables,
    read_for_analysis,
)
from rayvision_utils.analyzer import BaseAnalyzer
from rayvision_utils.collector import collector_paused
from rayvision_utils.exception import tips_code
from rayvision_utils.locate import env_override, find_on_path, first_existing_file
from rayvision_utils.paths import DirectoryCache, expand_env, resolve_files
from rayvision_utils.results import write_json
from rayvision_utils.scene_input import SceneInputError
from rayvision_utils.utils import json_load

LOGGER = logging.getLogger(__name__)

#: The in-Clarisse analysis script.
CLARISSE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dcc",
                               "clarisse_analyse.py")
_MAJOR = re.compile(r"(\d+)")
_REFERENCE_NOT_FOUND = "Reference file not found"


class AnalyzeClarisse(BaseAnalyzer):
    """Analyse a Clarisse project.

    Args:
        cg_file (str): The ``.project`` file.
        software_version (str): Clarisse version on the farm, e.g. ``"clarisse_ifx_4.0_sp3"``.
        project_name (str, optional): Farm project name.
        plugin_config (dict, optional): Plugin name -> version.
        render_software (str): ``"Clarisse"``.
        local_os (str, optional): ``"windows"`` or ``"linux"``.
        workspace (str, optional): Existing folder for the timestamp result folder.
        custom_exe_path (str, optional): Clarisse command-line executable (cnode) to use.
        platform (str): Farm platform id.
        backend (str): ``"auto"``, ``"static"`` or ``"dcc"``.
        timeout (float, optional): Seconds Clarisse may run.
        strict (bool): Refuse to finish (``MissingFilesError``) when input files are missing.
        cancel_token (CancelToken, optional): Stops :meth:`analyse` when cancelled; a
            running Clarisse is killed with its process tree (:mod:`rayvision_api.cancel`).
    """

    RENDER_SOFTWARE = "Clarisse"
    CG_EXTENSIONS = constants.CG_EXTENSIONS
    #: Glob patterns of cnode in the usual install folders (newest version first).
    INSTALL_PATTERNS = (
        r"C:\Program Files\Isotropix\*\Clarisse\cnode.exe",
        "/usr/local/isotropix/*/clarisse/cnode",
        "/opt/isotropix/*/clarisse/cnode",
        "/Applications/Isotropix/*/clarisse.app/Contents/MacOS/cnode",
    )

    def __init__(self, cg_file: str, software_version: str, project_name: Optional[str] = None,
                 plugin_config: Optional[Dict[str, Any]] = None,
                 render_software: str = "Clarisse", local_os: Optional[str] = None,
                 workspace: Optional[str] = None, custom_exe_path: Optional[str] = None,
                 platform: str = "2", backend: str = "auto", timeout: Optional[float] = None,
                 strict: bool = False, cancel_token: Optional[CancelToken] = None) -> None:
        self.project: Optional[Project] = None
        self.scene_version: Optional[str] = None
        self.scene_hash: Optional[str] = None
        self._upload_paths: List[str] = []
        super(AnalyzeClarisse, self).__init__(
            cg_file, software_version, project_name, plugin_config, render_software,
            local_os, workspace, custom_exe_path, platform, backend=backend, timeout=timeout,
            strict=strict, cancel_token=cancel_token)
        self.options_json = os.path.join(self.workspace, constants.OPTIONS_FILE_NAME)

    # ----------------------------------------------------------------- documented helpers

    def print_info(self, info: str) -> None:
        """Log ``info``."""
        LOGGER.info(info)

    def print_info_error(self, info: str) -> None:
        """Log ``info`` as an analysis error (``[Analyze Error]<info>``)."""
        LOGGER.error("[Analyze Error]%s", info)

    def writing_error_abort(self, error_code: Any, info: Any = None) -> None:
        """Collect an error into ``tips_info`` (appended under its code).

        A "Reference file not found" message is filed under 25009 whatever ``error_code``.
        """
        code = str(error_code)
        if info and str(info).startswith(_REFERENCE_NOT_FOUND):
            code = tips_code.CLARISSE_REFERENCE_MISSING
        self.print_info_error(info if info is not None else code)
        self.append_tip(code, "" if info is None else str(info))

    def write_tips_info(self) -> None:
        """Merge ``tips_info`` into tips.json on disk (messages already there are kept)."""
        try:
            on_disk = json_load(self.tips_json) or {}
        except (OSError, ValueError):
            on_disk = {}
        for code, messages in self.tips_info.items():
            existing = on_disk.setdefault(code, [])
            for message in messages:
                if message not in existing:
                    existing.append(message)
        self.tips_info = on_disk
        write_json(self.tips_json, on_disk)

    def gather_upload_dict(self, asset_paths: Any = None) -> Any:
        """Write upload.json: ``scene`` = the project with its md5, ``asset`` = inputs + project.

        Returns:
            dict: The upload information.
        """
        paths = self._upload_paths if asset_paths is None else asset_paths
        self.write_upload_json(paths)
        return self.upload_info

    def analyse_cg_file(self) -> Optional[str]:
        """Check the project's Clarisse version, then return the executable to run (or None)."""
        self.prepare()
        return self.locate_exe()

    # ----------------------------------------------------------------- version

    def get_project_version(self) -> Optional[str]:
        """Major Clarisse version in the project header (``'4'``), or None."""
        if self.project is None:
            self._read_project()
        assert self.project is not None  # _read_project sets it or raises
        return self.project.clarisse_version

    def _read_project(self) -> None:
        """One streaming pass: the tree the analysis reads, and the scene's md5."""
        self.project = read_for_analysis(self.cg_file)
        self.scene_hash = self.project.md5

    def prepare(self) -> None:
        """Read the header; tip 15013 when its major version differs from ``software_version``.

        A project that cannot be parsed is not fatal here: Clarisse may still read it.
        """
        try:
            self.scene_version = self.get_project_version()
        except SceneInputError as error:
            self.append_tip(tips_code.CGINFO_FAILED, str(error))
            self.save_tips()
            raise
        except ProjectFormatError as error:
            self.append_tip(tips_code.CGINFO_FAILED, str(error))
            self.save_tips()
            return
        wanted = _MAJOR.search(self.software_version or "")
        found = _MAJOR.search(self.scene_version or "")
        if wanted and found and wanted.group(1) != found.group(1):
            self.add_tip(tips_code.CG_NOTMATCH, "Clarisse {0}".format(self.software_version))
        self.save_tips()

    # ----------------------------------------------------------------- discovery

    def dcc_search_locations(self) -> List[str]:
        """Where cnode was looked for (for the "not found" message)."""
        return (["${0}".format(constants.CNODE_ENV_VARIABLE), "cnode on PATH"]
                + list(self.INSTALL_PATTERNS))

    def find_dcc_executable(self) -> Optional[str]:
        """``$RAYVISION_CNODE``, ``cnode`` on PATH, then the usual install folders."""
        found = env_override(constants.CNODE_ENV_VARIABLE) or find_on_path(["cnode"])
        if found:
            return found
        candidates = []
        for pattern in self.INSTALL_PATTERNS:
            candidates.extend(sorted(glob.glob(pattern), reverse=True))
        return first_existing_file(candidates)

    # ----------------------------------------------------------------- static backend

    def analyse_static(self) -> List[str]:
        """Parse the project and find images, layers and the files it reads.

        Raises:
            ProjectFormatError: The file is not a readable Clarisse project (tip 15002).
        """
        try:
            if self.project is None:
                self._read_project()
        except (ProjectFormatError, SceneInputError) as error:
            self.append_tip(tips_code.CGINFO_FAILED, str(error))
            self.save_tips()
            raise
        with collector_paused():
            result = analyse_project(self.project, self.cg_file, pruning=PRUNING)
        self._apply(result)
        return self._upload_paths

    def _apply(self, result: Any) -> None:
        self.task_info["scene_info"] = result.scene_info
        self.asset_info = result.asset
        for code, messages in result.tips.items():
            for message in messages:
                if code == tips_code.CLARISSE_REFERENCE_MISSING:
                    self.writing_error_abort(code, message)
                else:
                    self.append_tip(code, message)
        self._upload_paths = list(result.upload_files)
        self.note_sources(result.sources)

    # ----------------------------------------------------------------- DCC backend

    def build_dcc_command(self, exe: str) -> List[str]:
        """``cnode <project> -script <clarisse_analyse.py>``; options go in options.json."""
        write_json(self.options_json, {
            "cg_file": self.cg_file.replace("\\", "/"),
            "task_json": self.task_json.replace("\\", "/"),
            "asset_json": self.asset_json.replace("\\", "/"),
            "tips_json": self.tips_json.replace("\\", "/"),
        })
        return [exe, self.cg_file, "-script", CLARISSE_SCRIPT]

    def dcc_environment(self) -> Optional[Dict[str, str]]:
        """The inherited environment plus ``RAYVISION_CLARISSE_OPTIONS``."""
        env = dict(os.environ)
        env[constants.OPTIONS_ENV_VARIABLE] = self.options_json
        return env

    def dcc_upload_paths(self) -> List[str]:
        """Resolve what Clarisse reported (``Refs``, ``References``) into files.

        ``$PDIR`` and relative paths are read against the folder of the project file that
        holds them: a value inside a referenced context against the referenced file's folder.
        """
        refs = self.asset_info.get("Refs") or {}
        references = self.asset_info.get("References") or {}
        result = ClarisseResult()
        project_dir = os.path.dirname(os.path.abspath(self.cg_file))
        cache = DirectoryCache()
        folders = self._reference_folders(result, references, project_dir, cache)
        for key, entry in refs.items():
            if isinstance(entry, list) and entry:
                folder = _holding_folder(key, folders, project_dir)
                classify_file(result, key, entry[-1], project_variables(folder), folder, cache)
        result.scene_info = self.task_info.get("scene_info") or {"image_node": []}
        self._apply(result)
        return self._upload_paths

    @staticmethod
    def _reference_folders(result: ClarisseResult, references: Dict[str, str],
                           project_dir: str, cache: DirectoryCache) -> Dict[str, str]:
        """Resolve the referenced contexts, outer ones first; ``{context: its file's folder}``."""
        folders: Dict[str, str] = {}
        for context in sorted(references, key=lambda name: name.count("/")):
            raw = references[context]
            folder = _holding_folder(context + ".filename", folders, project_dir)
            variables = project_variables(folder)
            expanded = expand_env(raw, variables).replace("\\", "/")
            files, reported = resolve_files(expanded, [folder], variables, cache)
            if files:
                result.asset["Reference"][context] = [raw, files]
                folders[context] = os.path.dirname(files[0])
                for path in files:
                    result.add_upload(path)
            else:
                result.asset["Miss"][context] = [raw, [reported]]
                result.add_tip(tips_code.CLARISSE_REFERENCE_MISSING,
                               "{0}: {1}".format(_REFERENCE_NOT_FOUND, reported))
        return folders

    # ----------------------------------------------------------------- result

    def finish(self) -> None:
        """Copy ``scene_info`` to ``scene_info_render`` (what the farm reads)."""
        scene_info = self.task_info.get("scene_info")
        if scene_info is not None:
            self.task_info["scene_info_render"] = copy.deepcopy(scene_info)

    def write_upload_json(self, asset_paths: Any) -> None:
        """Remember the paths (for :meth:`gather_upload_dict`) and write upload.json."""
        self._upload_paths = list(asset_paths)
        super(AnalyzeClarisse, self).write_upload_json(asset_paths)


def _holding_folder(attribute: str, folders: Dict[str, str], project_dir: str) -> str:
    """Folder of the project file holding ``attribute`` (``<object full name>.<attr>``).

    That is the file of the innermost referenced context the object lives in, else the
    main project's.
    """
    owner = attribute.rsplit(".", 1)[0]
    inside = [context for context in folders if owner.startswith(context + "/")]
    return folders[max(inside, key=len)] if inside else project_dir
