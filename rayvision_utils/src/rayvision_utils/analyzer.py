"""The base class of the scene analysers (Maya, Houdini, Clarisse).

An analyser checks its inputs, claims a fresh result folder, writes task.json from a copy of
``TASK_INFO``, then analyses the scene with one of two backends and writes the other three
json files:

* ``"static"`` -- pure Python, reads the scene file itself (no DCC, no licence);
* ``"dcc"``    -- runs the DCC in batch mode with our in-DCC script, which writes the json
  files; the analyser then loads and completes them.

``backend="auto"`` (default) uses the DCC when one is found (``custom_exe_path`` or the
subclass's discovery) and the static backend otherwise. A subclass fills in the hooks listed
in :class:`BaseAnalyzer`; see docs/dev/analysis-machinery.md.
"""

import abc
import copy
import logging
import os
import sys
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    Union,
    cast,
)

from rayvision_api.cancel import CancelToken
from rayvision_utils import paths as path_utils
from rayvision_utils.cmd import run_command
from rayvision_utils.collector import collector_paused
from rayvision_utils.constants import CG_SETTING, OS_NAME, TASK_INFO
from rayvision_utils.dependencies import follow_dependencies
from rayvision_utils.exception import tips_code
from rayvision_utils.exception.error_msg import ERROR9899_CGEXE_NOTEXIST
from rayvision_utils.exception.exception import (
    AnalyseFailError,
    CGExeNotExistError,
    CGFileNameIllegalError,
    CGFileNotExistsError,
    FileNameContainsChineseError,
    RayvisionArgumentError,
)
from rayvision_utils.report import AnalysisReport, MissingFilesError, frames_in
from rayvision_utils.results import AnalysisFiles, build_upload, write_json
from rayvision_utils.scene_input import (
    NotRegularFileError,
    PendingDigest,
    SceneInputError,
    check_regular_file,
)
from rayvision_utils.utils import check_contain_chinese, get_file_md5, json_load, to_slash
from rayvision_utils.workspace import check_workspace, make_unique_folder

if TYPE_CHECKING:
    from rayvision_utils.cmd import CmdResult

LOGGER = logging.getLogger(__name__)

BACKENDS = ("auto", "static", "dcc")

# Output lines of a failed DCC run quoted in the error.
_FAILURE_TAIL_LINES = 20


_Analyzer = TypeVar("_Analyzer", bound="BaseAnalyzer")


class BaseAnalyzer(abc.ABC):
    r"""Common part of ``AnalyzeMaya``, ``AnalyzeHoudini``, ``AnalyzeClarisse``.

    Subclasses set the class attributes and implement the hooks:

    * ``RENDER_SOFTWARE`` (str): default ``render_software``, e.g. ``"Maya"``.
    * ``CG_EXTENSIONS`` (tuple of str): accepted scene extensions, lower case; empty = any.
    * :meth:`find_dcc_executable` -- the DCC executable, or None (never raises).
    * :meth:`analyse_static` -- fill ``task_info["scene_info"]``, ``asset_info``, tips and
      return the list of files to upload.
    * :meth:`build_dcc_command` -- argv list running the DCC on our script.
    * optional :meth:`prepare` (version checks), :meth:`task_info_fields` (extra task_info
      keys), :meth:`dcc_upload_paths` (files to upload after a DCC run), :meth:`finish`,
      :meth:`dcc_search_locations` (where the DCC was looked for),
      :meth:`dependency_search_dirs`, :meth:`frames_by_layer` (the report's frames).

    After either backend, :meth:`analyse` follows the files named inside the dependencies
    (``.usda``, ``.ass``, ``.vrscene``, ``.mtlx``, OCIO configs; see
    :mod:`rayvision_utils.dependencies`), records every dependency's chain in asset.json
    (``dependency_chains``) and logs the plain report (:attr:`report`).

    Args:
        cg_file (str): Scene file.
        software_version (str): DCC version the user wants on the farm.
        project_name (str, optional): Farm project name.
        plugin_config (dict, optional): Plugin name -> version.
        render_software (str, optional): Default ``RENDER_SOFTWARE``.
        local_os (str, optional): ``"windows"`` or ``"linux"``; default: this machine's.
        workspace (str, optional): Existing folder receiving the timestamp result folder;
            default ``%USERPROFILE%\renderfarm_sdk`` / ``$HOME/renderfarm_sdk``.
        custom_exe_path (str, optional): DCC executable to use (must exist).
        platform (str): Farm platform id.
        backend (str): ``"auto"``, ``"static"`` or ``"dcc"``.
        timeout (float, optional): Seconds the DCC may run before it is killed.
        strict (bool): Refuse to finish the analysis when files are missing
            (:class:`~rayvision_utils.report.MissingFilesError`, no upload.json).
        cancel_token (CancelToken, optional): Cancelling it stops :meth:`analyse` within a
            second (a running DCC is killed with its process tree); see
            :mod:`rayvision_api.cancel`.

    Attributes:
        report (AnalysisReport): The plain report of the last :meth:`analyse` (None before).
        dependency_sources (dict): Path -> what named it (``"file1.fileTextureName"``), set
            through :meth:`note_source`; the second link of the dependency chains.

    Raises:
        CGFileNotExistsError: ``cg_file`` is missing, a folder, a device, a FIFO or a socket.
        CGFileNameIllegalError: ``cg_file`` has an extension the analyser does not read.
        FileNameContainsChineseError: ``cg_file`` holds Chinese characters (tip saved too).
        CGExeNotExistError: ``custom_exe_path`` is given but does not exist.
        RayvisionArgumentError: ``workspace`` missing, ``backend`` or ``local_os`` unknown.
    """

    RENDER_SOFTWARE: Optional[str] = None
    _scene_digest: Optional[PendingDigest] = None
    CG_EXTENSIONS: Tuple[str, ...] = ()

    def __init__(self, cg_file: str, software_version: Optional[str],
                 project_name: Optional[str] = None, plugin_config: Optional[Dict[str, Any]] = None,
                 render_software: Optional[str] = None, local_os: Optional[str] = None,
                 workspace: Optional[str] = None, custom_exe_path: Optional[str] = None,
                 platform: str = "2", backend: str = "auto", timeout: Optional[float] = None,
                 strict: bool = False, cancel_token: Optional[CancelToken] = None) -> None:
        self.check_cg_file(cg_file)
        if backend not in BACKENDS:
            raise RayvisionArgumentError(
                "backend must be one of {}, not {!r}".format(", ".join(BACKENDS), backend))
        if custom_exe_path and not os.path.isfile(custom_exe_path):
            raise CGExeNotExistError("{} is not found".format(custom_exe_path))
        self.cg_file = cg_file if path_utils.is_absolute(cg_file) else os.path.abspath(cg_file)
        self.software_version = str(software_version) if software_version is not None else ""
        self.project_name = project_name
        self.plugin_config = dict(plugin_config) if plugin_config else {}
        self.render_software = render_software or self.RENDER_SOFTWARE
        self.local_os = self.check_local_os(local_os)
        self.platform = platform
        self.custom_exe_path = custom_exe_path
        self.backend = backend
        self.timeout = timeout
        self.strict = bool(strict)
        self.cancel_token = cancel_token
        self.backend_used: Optional[str] = None
        self.scene_hash = None
        self.dependency_sources: Dict[str, str] = {}
        self.dependency_graph: Any = None
        self.report: Optional[AnalysisReport] = None
        self.workspace = make_unique_folder(self.check_workspace(workspace))
        self.tmp_mark = os.path.basename(self.workspace)
        self.files = AnalysisFiles(self.workspace)
        self.task_json = self.files.task_json
        self.tips_json = self.files.tips_json
        self.asset_json = self.files.asset_json
        self.upload_json = self.files.upload_json
        self.tips_info: Dict[str, Any] = {}
        self._tip_sets: Dict[str, Any] = {}
        self.task_info: Dict[str, Any] = {}
        self.asset_info: Dict[str, Any] = {}
        self.upload_info: Dict[str, Any] = {}
        self.check_cg_name()

    @property
    def scene_hash(self) -> Optional[str]:
        """md5 of the scene when the analysis computed it while reading the scene, else None.

        upload.json takes it instead of reading the scene again. Reading it waits for a
        helper thread still hashing a big scene (see
        :meth:`hash_scene_later`).
        """
        digest = self._scene_digest
        return digest.result() if digest is not None else None

    @scene_hash.setter
    def scene_hash(self, value: Optional[str]) -> None:
        self._scene_digest = None if value is None else PendingDigest(value)

    def hash_scene_later(self, digest: Optional[PendingDigest]) -> None:
        """Take the scene's md5 as a :class:`~rayvision_utils.scene_input.PendingDigest`.

        The helper thread hashing a big scene goes on while the analysis resolves files and
        writes its json files; upload.json, written last, waits for it. A failed or
        cancelled analysis stops it.
        """
        self._scene_digest = digest

    def _drop_pending_scene_hash(self) -> None:
        if self._scene_digest is not None:
            self._scene_digest.cancel()

    # ----------------------------------------------------------------- input checks

    @staticmethod
    def check_path(tmp_path: Optional[str]) -> None:
        """Raise CGFileNotExistsError when ``tmp_path`` does not exist."""
        if not tmp_path or not os.path.exists(tmp_path):
            raise CGFileNotExistsError("{} is not found".format(tmp_path))

    def check_cg_file(self, cg_file: str) -> None:
        """The scene must be an existing file with an accepted extension."""
        if not isinstance(cg_file, str):
            raise RayvisionArgumentError(
                "cg_file must be a str path, not {}".format(type(cg_file).__name__))
        self.check_path(cg_file)
        if os.path.isdir(cg_file):
            raise CGFileNotExistsError("{} is a folder, not a scene file".format(cg_file))
        try:
            check_regular_file(cg_file)
        except NotRegularFileError as error:
            # A FIFO or a device (/dev/zero behind a symlink) would be read forever.
            raise CGFileNotExistsError("{}: {}".format(cg_file, error.reason))
        except SceneInputError:
            pass  # unreadable: the backend reading it says so, naming the file
        extension = os.path.splitext(cg_file)[1].lower()
        if self.CG_EXTENSIONS and extension not in self.CG_EXTENSIONS:
            raise CGFileNameIllegalError("{} is not a {} scene ({} expected)".format(
                cg_file, self.RENDER_SOFTWARE, ", ".join(self.CG_EXTENSIONS)))

    def check_cg_name(self) -> None:
        """The farm cannot take Chinese characters in the scene path: tip + error."""
        if check_contain_chinese(self.cg_file):
            self.add_tip(tips_code.CONTAIN_CHINESE, self.cg_file)
            self.save_tips()
            raise FileNameContainsChineseError(
                "{} contains Chinese characters, which the farm cannot take".format(
                    self.cg_file))

    @staticmethod
    def check_local_os(local_os: Optional[str]) -> str:
        """``local_os`` if given (``windows``/``linux``), else this machine's."""
        if not local_os:
            return "windows" if sys.platform.startswith("win") else "linux"
        local_os = str(local_os).lower()
        if local_os not in OS_NAME:
            raise RayvisionArgumentError(
                "local_os must be 'windows' or 'linux', not {!r}".format(local_os))
        return local_os

    @staticmethod
    def check_workspace(workspace: Optional[str]) -> str:
        """The given workspace (must exist) or the default one."""
        return check_workspace(workspace)

    @staticmethod
    def get_file_md5(file_path: str) -> str:
        """Hex md5 of a file (md5 of empty input when it is missing)."""
        return get_file_md5(file_path)

    # ----------------------------------------------------------------- tips

    def add_tip(self, code: Union[int, str], info: Any) -> None:
        """Set tip ``code`` to ``[info]`` (str) or ``info`` (list); replaces what was there."""
        self.tips_info[str(code)] = [info] if isinstance(info, str) else list(info)

    def append_tip(self, code: Union[int, str], message: str) -> None:
        """Add ``message`` under ``code`` after the messages already there (no duplicates)."""
        code = str(code)
        messages = self.tips_info.setdefault(code, [])
        index = self._tip_sets.get(code)
        if index is None or index[0] is not messages or index[1] != len(messages):
            # First use, or tips_info was changed directly: index the list again.
            index = [messages, len(messages), set(messages)]
            self._tip_sets[code] = index
        if message not in index[2]:
            index[2].add(message)
            messages.append(message)
            index[1] += 1

    def save_tips(self) -> None:
        """Write tips.json."""
        write_json(self.tips_json, self.tips_info)

    # ----------------------------------------------------------------- task.json

    def task_info_fields(self) -> Dict[Any, Any]:
        """Extra ``task_info`` keys of this DCC (subclass hook), e.g. Maya's project path."""
        return {}

    def write_task_json(self) -> None:
        """Write task.json from a fresh copy of ``TASK_INFO`` and the constructor's arguments."""
        task_info: Dict[str, Any] = copy.deepcopy(TASK_INFO)
        section = task_info["task_info"]
        section["input_cg_file"] = to_slash(self.cg_file)
        section["project_name"] = self.project_name or ""  # the original wrote null
        section["cg_id"] = CG_SETTING.get(str(self.render_software).capitalize(),
                                          CG_SETTING.get(self.render_software or ""))
        section["os_name"] = OS_NAME[self.local_os]
        section["platform"] = self.platform
        section.update(self.task_info_fields())
        task_info["software_config"] = {
            "plugins": self.plugin_config,
            "cg_version": self.software_version,
            "cg_name": self.render_software,
        }
        self.task_info = task_info
        write_json(self.task_json, task_info, ensure_ascii=True)

    # ----------------------------------------------------------------- backends

    def find_dcc_executable(self) -> Optional[str]:
        """The DCC executable found on this machine, or None (subclass hook, never raises)."""
        return None

    def dcc_search_locations(self) -> List[Any]:
        """Where the DCC was looked for (registry keys, folders), for the "not found" error.

        Subclass hook; default: nothing to name.
        """
        return []

    def locate_exe(self) -> Optional[str]:
        """``custom_exe_path`` if given, else :meth:`find_dcc_executable`."""
        return self.custom_exe_path or self.find_dcc_executable()

    def select_backend(self) -> Union[Tuple[str, None], Tuple[str, str]]:
        """Return ``("static", None)`` or ``("dcc", exe)`` for this run.

        Raises:
            CGExeNotExistError: ``backend="dcc"`` and no executable was found (tip 15019).
        """
        if self.backend == "static":
            return "static", None
        exe = self.locate_exe()
        if exe:
            return "dcc", exe
        if self.backend == "dcc":
            self.add_tip(tips_code.CG_NOTEXISTS,
                         "{} {}".format(self.render_software, self.software_version))
            self.save_tips()
            raise CGExeNotExistError(self.dcc_not_found_message())
        return "static", None

    def dcc_not_found_message(self) -> str:
        """The ``CGExeNotExistError`` text: the version, where we looked, what to do.

        It starts with the documented sentence (``error_msg.ERROR9899_CGEXE_NOTEXIST``).
        """
        software = str(self.render_software or "DCC")
        wanted = " ".join(part for part in (software, self.software_version) if part)
        try:
            locations = [str(place) for place in self.dcc_search_locations() if place]
        except Exception as error:  # noqa: BLE001 - the hook must not hide the real error
            LOGGER.debug("dcc_search_locations failed: %s", error)
            locations = []
        where = ("{} is not in any place the SDK looked ({})".format(wanted, ", ".join(locations))
                 if locations else "no {} on this machine".format(wanted))
        return ("{} {}. Install it, pass custom_exe_path=<its executable>, or use "
                "backend='static'.".format(
                    ERROR9899_CGEXE_NOTEXIST.format(software)[:-1] + ":", where))

    def prepare(self) -> None:
        """Checks before either backend runs, e.g. the scene's version (subclass hook)."""
        return None

    @abc.abstractmethod
    def analyse_static(self) -> List[str]:
        """Analyse the scene without the DCC (subclass hook).

        Fill ``self.task_info["scene_info"]``, ``self.asset_info`` and tips.

        Returns:
            list[str]: Files to upload besides the scene.
        """

    @abc.abstractmethod
    def build_dcc_command(self, exe: str) -> List[str]:
        """Argument list that runs ``exe`` on our in-DCC script (subclass hook)."""

    def dcc_environment(self) -> Optional[Dict[str, str]]:
        """Environment of the DCC process (default: inherited)."""
        return None

    def dcc_upload_paths(self) -> List[str]:
        """Files to upload after a DCC run, read from ``self.asset_info`` (subclass hook)."""
        return []

    def finish(self) -> None:
        """Last changes to ``task_info`` before task.json is rewritten (subclass hook)."""
        return None

    def run_dcc(self, cmd: List[str]) -> "CmdResult":
        """Run the DCC command; check the exit code and that the json files exist.

        Raises:
            AnalyseFailError: Non-zero exit, timeout, or a json file missing (tip 999).
        """
        try:
            result = run_command(cmd, timeout=self.timeout, env=self.dcc_environment(),
                                 merge_stderr=True, cancel_token=self.cancel_token)
        except OSError as error:
            self.add_tip(tips_code.UNKNOW_ERR, "")
            self.save_tips()
            raise AnalyseFailError("{} could not be started: {}".format(cmd[0], error))
        if result.timed_out or result.returncode != 0:
            self.add_tip(tips_code.UNKNOW_ERR, "")
            self.save_tips()
            tail = "\n".join(result.stdout.splitlines()[-_FAILURE_TAIL_LINES:])
            reason = ("timed out after {}s".format(self.timeout) if result.timed_out
                      else "exit code {}".format(result.returncode))
            raise AnalyseFailError("{} analysis of {} failed ({}):\n{}".format(
                self.render_software, self.cg_file, reason, tail))
        return result

    def check_result(self) -> Union[Tuple[bool, None], Tuple[bool, str]]:
        """``(True, None)`` when task/asset/tips json exist, else ``(False, message)``."""
        for json_path in (self.task_json, self.asset_json, self.tips_json):
            if not os.path.exists(json_path):
                return False, "Json file is not generated: {}".format(json_path)
        return True, None

    def load_results(self) -> None:
        """Load the json files the DCC script wrote; keep tips added before the run."""
        status, message = self.check_result()
        if not status:
            # The script may have written its error into tips.json before giving up.
            try:
                script_tips = json_load(self.tips_json) if os.path.isfile(self.tips_json) else {}
            except ValueError:
                script_tips = {}
            details = [str(text) for texts in (script_tips or {}).values()
                       for text in (texts if isinstance(texts, list) else [texts]) if text]
            if details:
                message = "{} ({})".format(message, "; ".join(details))
            self.add_tip(tips_code.UNKNOW_ERR, message)
            self.save_tips()
            raise AnalyseFailError(message)
        before = self.tips_info
        try:
            tips = json_load(self.tips_json)
            task = json_load(self.task_json)
            self.asset_info = json_load(self.asset_json) or {}
        except ValueError as error:
            self.add_tip(tips_code.UNKNOW_ERR, "unreadable analysis result: {}".format(error))
            self.save_tips()
            raise AnalyseFailError("unreadable analysis result in {}: {}".format(
                self.workspace, error))
        # Anything but json objects here is a broken script: keep what we had.
        self.tips_info = tips if isinstance(tips, dict) else {}
        if isinstance(task, dict) and task:
            self.task_info = task
        for code, messages in before.items():
            for message in messages:
                self.append_tip(code, message)

    def write_upload_json(self, asset_paths: List[str]) -> None:
        """Write upload.json for the scene and ``asset_paths`` (``scene_hash`` when set)."""
        self.upload_info = build_upload(self.cg_file, asset_paths, scene_hash=self.scene_hash)
        write_json(self.upload_json, self.upload_info)

    # ----------------------------------------------------------------- dependencies

    def note_source(self, path: str, source: str) -> None:
        """Record that ``source`` named ``path`` (the second link of its dependency chain).

        ``source`` is what a user recognises: ``"file1.fileTextureName"``,
        ``"/obj/geo1/file1.file"``. The first source noted for a path is kept.
        """
        if path and source:
            self.dependency_sources.setdefault(to_slash(str(path)), str(source))

    def note_sources(self, sources: Mapping[str, str]) -> None:
        """:meth:`note_source` for every ``path -> source`` of a mapping."""
        for path, source in (sources or {}).items():
            self.note_source(path, source)

    def dependency_search_dirs(self) -> List[str]:
        """Folders for relative paths inside dependencies, after the naming file's folder.

        Subclass hook; default: the scene's folder.
        """
        return [to_slash(os.path.dirname(self.cg_file))]

    def follow_nested_dependencies(self,
                                   upload_paths: List[Union[Any, str]]) -> List[Union[Any, str]]:
        """Follow the files named inside ``upload_paths``; return the extended upload list.

        Missing nested files get tip ``10012``; every dependency's chain goes to
        ``asset_info["dependency_chains"]``; files that could not be read to ``15036``.
        """
        scene = to_slash(self.cg_file)
        uploads = list(dict.fromkeys([to_slash(str(path)) for path in upload_paths]))
        chains = []
        roots = []
        sources = self.dependency_sources
        for path in uploads:
            source = sources.get(path)
            chain = [scene, source, path] if source else [scene, path]
            chains.append({"path": path, "exists": True, "chain": chain})
            roots.append((path, chain))
        listed = set(uploads)
        for path, source in self.dependency_sources.items():
            if path not in listed:
                chains.append({"path": path, "exists": False, "chain": [scene, source, path]})
        graph = follow_dependencies(roots, self.dependency_search_dirs())
        self.dependency_graph = graph
        for dependency in graph.found:
            chains.append(dependency.as_dict())
            if not dependency.exists:
                self.append_tip(tips_code.MISSING_FILE, dependency.path)
        for path, reason in graph.skipped:
            self.append_tip(tips_code.DEPENDENCY_NOT_FOLLOWED, "{}: {}".format(path, reason))
        if isinstance(self.asset_info, dict):
            self.asset_info["dependency_chains"] = chains
        return uploads + [path for path in graph.existing_files if path not in listed]

    # ----------------------------------------------------------------- report

    def frames_by_layer(self) -> List[Any]:
        """``[{"layer", "frames", "animation"}]`` per layer / ROP / image, for the report.

        Default: every dict with a ``"frames"`` key in ``scene_info_render`` (else
        ``scene_info``) of task.json; see :func:`rayvision_utils.report.frames_in`.
        """
        info = self.task_info.get("scene_info_render") or self.task_info.get("scene_info")
        return frames_in(info or {})

    def build_report(self, upload_paths: List[str]) -> AnalysisReport:
        """The :class:`~rayvision_utils.report.AnalysisReport` of the finished analysis."""
        graph = self.dependency_graph
        try:
            frames = self.frames_by_layer()
        except Exception as error:  # noqa: BLE001 - a report must not fail the analysis
            LOGGER.debug("frames_by_layer failed: %s", error)
            frames = []
        return AnalysisReport.from_tips(
            to_slash(self.cg_file), self.backend_used, self.tips_info, frames,
            dependencies=len(upload_paths),
            nested=len(graph.existing_files) if graph is not None else 0,
            not_followed=graph.skipped if graph is not None else ())

    def _check_cancel(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.raise_if_cancelled("analysis of {}".format(self.cg_file))

    def analyse(self: _Analyzer, no_upload: bool = False,
                strict: Optional[bool] = None,
                cancel_token: Optional[CancelToken] = None) -> _Analyzer:
        """Analyse the scene and write the four json files; log the plain report.

        Args:
            no_upload (bool): Do not write upload.json.
            strict (bool, optional): Refuse missing files (default: the constructor's).
            cancel_token (CancelToken, optional): Stops the analysis when cancelled
                (default: the constructor's). The json files written before are left as
                they are; upload.json is written only by an analysis that finished.

        Returns:
            BaseAnalyzer: ``self`` (attributes ``task_info``, ``asset_info``, ``tips_info``,
            ``upload_info``, ``backend_used``, ``report`` filled).

        Raises:
            MissingFilesError: ``strict`` and files are missing; task, asset and tips json
                are written, upload.json is not.
            RayvisionCancelledError: The cancel token was cancelled.
        """
        if cancel_token is not None:
            self.cancel_token = cancel_token
        self._check_cancel()
        # The analysis keeps its objects (parsed scene, assets, chains) alive to the end: the
        # cyclic collector would only walk them again and again (reference counting still
        # frees what is dropped).
        with collector_paused():
            try:
                upload_paths = self._analyse_and_report(strict)
                if not no_upload:
                    self.write_upload_json(upload_paths)
            except BaseException:
                self._drop_pending_scene_hash()
                raise
        return self

    def _analyse_and_report(self, strict: Optional[bool]) -> List[str]:
        """Analyse, write task, asset and tips json, log the report; return the uploads."""
        self.write_task_json()
        self.prepare()
        self._check_cancel()
        backend, exe = self.select_backend()
        self.backend_used = backend
        LOGGER.info("analysing %s with the %s backend%s", self.cg_file, backend,
                    " ({})".format(exe) if exe else "")
        if backend == "dcc":
            self.save_tips()
            # select_backend pairs the dcc backend with an executable
            self.run_dcc(self.build_dcc_command(cast(str, exe)))
            self.load_results()
            upload_paths = self.dcc_upload_paths()
        else:
            upload_paths = self.analyse_static()
        self._check_cancel()
        self.finish()
        upload_paths = self.follow_nested_dependencies(upload_paths)
        self._check_cancel()
        write_json(self.task_json, self.task_info, ensure_ascii=True)
        write_json(self.asset_json, self.asset_info)
        self.save_tips()
        self.report = self.build_report(upload_paths)
        LOGGER.info("%s", self.report)
        if (self.strict if strict is None else strict) and self.report.missing:
            raise MissingFilesError(to_slash(self.cg_file), self.report.missing)
        return upload_paths
