"""Analyse a Maya scene without Maya: render layers, cameras, settings, plugins, files.

Input: the scene path and where relative paths may live (project root, scene folder...).
Output (:class:`StaticResult`): ``scene_info`` per render layer in the task.json format, the
asset.json entries, the files to upload, the tips (code -> messages), the plugins the scene
requires and the detected render-layer system.
"""

import collections
import logging
import ntpath
import os
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Tuple, Union

from rayvision_maya import ma_reader, mb_reader, project_paths, render_layers
from rayvision_maya.dcc import tables
from rayvision_utils import paths as path_utils
from rayvision_utils.exception import tips_code
from rayvision_utils.findings import StaticFindings
from rayvision_utils.scene_input import PendingDigest, SceneInputError

if TYPE_CHECKING:
    from rayvision_maya.ma_reader import MayaAsciiScene, Node
    from rayvision_utils.paths import DirectoryCache

LOGGER = logging.getLogger(__name__)

# Plugins that ship with Maya: they are not render-farm plugin configuration.
BUILTIN_PLUGINS = frozenset([
    "maya", "stereoCamera", "AbcImport", "AbcExport", "AbcBullet", "gpuCache", "fbxmaya",
    "objExport", "OpenEXRLoader", "matrixNodes", "quatNodes", "lookdevKit", "renderSetup.py",
    "mayaHIK", "mayaCharacterization", "MASH", "xgenToolkit", "ikSpringSolver", "Turtle",
    "invertShape", "poseInterpolator", "sceneAssembly", "shaderFXPlugin", "hairPhysicalShader",
    "mtoh", "GamePipeline", "ATFPlugin", "modelingToolkit", "curveWarp", "Unfold3D",
    "tiffFloatReader", "ddsFloatReader", "MayaMuscle", "bullet", "cgfxShader", "glslShader",
    "dx11Shader", "fltTranslator", "deformerEvaluator", "cacheEvaluator", "Type",
    "timeSliderBookmark", "mayaVnnPlugin", "bifrostGraph", "bifrostshellnode",
    "bifrostvisplugin", "BifrostMain", "Boss", "OneClick", "mayaUsdPlugin", "ufeSupport",
    "autoLoader", "retargeterNodes", "nearestPointOnMesh", "closestPointOnCurve",
])

# Renderer -> the plugin it needs.
RENDERER_PLUGINS = {"arnold": "mtoa", "vray": "vrayformaya", "redshift": "redshift4maya",
                    "renderman": "RenderMan_for_Maya", "mentalRay": "Mayatomr"}

_COPY_NUMBER = re.compile(r"\{\d+\}$")
_FRAME_NUMBER = re.compile(r"(\d+)(\.[^./\\]*)$")
# The frame number of a compressed file: crowd.0001.ass.gz (stand-ins).
_COMPRESSED_FRAME_NUMBER = re.compile(r"(\d+)(\.[A-Za-z][^./\\]*\.gz)$", re.I)
_UDIM_NUMBER = re.compile(r"(?<!\d)(1\d{3})(?!\d)(?=[^/\\]*$)")
_UVTILE_NUMBER = re.compile(r"_?u\d+_v\d+(?=[^/\\]*$)", re.I)
_MAX_REFERENCE_DEPTH = 16
_MAX_FOLDER_FILES = 10000
# Folders looked in for workspace.mel above a scene (far more than any real path is deep).
_MAX_PROJECT_LEVELS = 256
# Longer values are no file paths (Windows allows 32767 characters; nobody writes them).
_MAX_PATH_LENGTH = 32767


class StaticResult(StaticFindings):
    """What the static analysis found (see module docstring)."""

    def __init__(self) -> None:
        super(StaticResult, self).__init__()
        self.scene_info: Dict[Any, Any] = collections.OrderedDict()
        self.assets: List[Any] = []
        self.plugins: Dict[Any, Any] = collections.OrderedDict()
        self.render_layer_type: Optional[str] = None
        self.complete = True
        #: md5 of the scene, possibly still being computed (see :attr:`scene_hash`).
        self.scene_digest: Optional[PendingDigest] = None

    # Names the Maya backend grew up with.
    tip = StaticFindings.add_tip

    @property
    def scene_hash(self) -> Optional[str]:
        """md5 of the scene when it was asked for (waits for a helper thread hashing it)."""
        return self.scene_digest.result() if self.scene_digest is not None else None

    @scene_hash.setter
    def scene_hash(self, value: Optional[str]) -> None:
        self.scene_digest = None if value is None else PendingDigest(value)

    @property
    def upload_paths(self) -> List[Union[Any, str]]:
        """Files to upload, without repeats (same list as ``upload_files``)."""
        return self.upload_files


def find_project_root(scene_dir: str, levels: Optional[int] = None) -> Optional[str]:
    """The nearest folder at or above ``scene_dir`` holding ``workspace.mel``, or None.

    Every folder up to the file system's root is looked in (a scene may sit many folders
    below its project: ``scenes/seq/shot/anim/v003``), or ``levels`` folders above
    ``scene_dir`` when given. A network path (``//server/share/...``) is not looked at
    above its share: the server itself holds no files.
    """
    folder = os.path.abspath(scene_dir)
    stop = _share_root(folder)
    for _ in range(_MAX_PROJECT_LEVELS + 1 if levels is None else levels + 1):
        if os.path.isfile(os.path.join(folder, "workspace.mel")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder or folder == stop:
            break
        folder = parent
    return None


def _share_root(folder: str) -> Optional[str]:
    r"""``\\server\share`` of a network path (its top folder, as written), else None.

    Windows' rules on every OS: ``//server/share`` is read the same way on a POSIX host.
    """
    drive = ntpath.splitdrive(folder)[0]
    return drive if len(drive) > 2 else None


def search_dirs_for(cg_file: str, input_project_path: Optional[str] = None) -> List[str]:
    """Folders where relative scene paths are looked up, best first."""
    scene_dir = os.path.dirname(os.path.abspath(cg_file))
    result = []
    for folder in (input_project_path, find_project_root(scene_dir), scene_dir,
                   os.path.dirname(scene_dir)):
        if folder and folder not in result:
            result.append(folder)
    return result


class StaticMayaAnalysis(object):
    """Analyse ``cg_file`` (.ma fully, .mb partly) without Maya.

    Args:
        cg_file (str): Scene path.
        input_project_path (str, optional): Maya project folder.
        environ (dict, optional): Variables for paths (default ``os.environ``).
        hash_name (str, optional): e.g. ``"md5"``: hash the scene while reading it
            (``result.scene_hash``).
    """

    def __init__(self, cg_file: str, input_project_path: Optional[str] = None,
                 environ: Optional[Any] = None, hash_name: Optional[str] = None) -> None:
        self.cg_file = cg_file
        self.hash_name = hash_name
        self.search_dirs = search_dirs_for(cg_file, input_project_path)
        # The project Maya relocates missing absolute paths into (see project_paths).
        self.project_root = input_project_path or find_project_root(
            os.path.dirname(os.path.abspath(cg_file)))
        self._file_rules: Optional[Dict[str, str]] = None
        self._folders: Dict[str, bool] = {}
        self.environ = environ
        self.cache = path_utils.DirectoryCache()
        self.result = StaticResult()
        self._read_scenes: Set[Any] = set()
        # Cameras of referenced scenes ("namespace:cameraShape").
        self._referenced_cameras: List[Any] = []
        # Reference edits (setAttr) by namespace and referenced node:
        # {namespace: {node: {attr: value}}}. The scene read first (the top one) holds the
        # edits Maya applies last: its values win.
        self._reference_edits: Dict[str, Dict[str, Dict[str, Any]]] = {}
        # The Maya that saved the top scene (renders it): decides which plugins ship with it.
        self._maya_year: Optional[int] = None

    def run(self) -> StaticResult:
        """Analyse; returns the :class:`StaticResult`."""
        if self.cg_file.lower().endswith(".mb"):
            self._binary(self.cg_file)
        else:
            scene = ma_reader.read_scene(self.cg_file, hash_name=self.hash_name)
            # A helper thread may still be hashing a big scene: the files are resolved
            # meanwhile, and whoever writes the digest waits for it.
            self.result.scene_digest = scene.digest
            try:
                self._ascii(scene)
            except BaseException:
                if scene.digest is not None:
                    scene.digest.cancel()
                raise
        return self.result

    def _ascii(self, scene: "MayaAsciiScene") -> None:
        """What a .ma scene names: plugins, files, references, render layers."""
        self._read_scenes.add(os.path.normcase(os.path.realpath(self.cg_file)))
        self.result.complete = scene.complete
        if scene.capped:
            self.result.tip(tips_code.SCENE_PARTLY_READ, "{} goes beyond the reading "
                            "limits (more than {} records of one kind, or statements "
                            "longer than {} bytes): those were skipped".format(
                                path_utils.to_slash(self.cg_file), ma_reader.MAX_RECORDS,
                                ma_reader.MAX_PARSED))
        if not scene.complete:
            self.result.tip(tips_code.SCENE_PARTLY_READ, "{} ends early (no '// End of' "
                            "line): it may be truncated; what it holds was read".format(
                                path_utils.to_slash(self.cg_file)))
        self._maya_year = scene_year(scene.requires)
        self.result.plugins = farm_plugins(scene.requires, self._maya_year)
        self._keep_reference_edits(scene)
        self._assets(scene, self.search_dirs)
        self._references(scene, self.search_dirs, depth=1)
        self.result.scene_info = self._scene_info(scene)

    # ------------------------------------------------------------------ plugins

    # ------------------------------------------------------------------ layers

    def _scene_info(self, scene: "MayaAsciiScene") -> Dict[str, Any]:
        uses_render_setup = any(node.type == "renderSetupLayer" for node in scene.nodes.values())
        self.result.render_layer_type = "1" if uses_render_setup else "0"
        return render_layers.scene_info(scene, self._referenced_cameras)

    # ------------------------------------------------------------------ files

    def _resolve(self, value: str, search_dirs: List[str],
                 kind: Optional[str] = None) -> Tuple[Any, str]:
        if kind not in tables.FOLDER_KINDS:
            return path_utils.resolve_files(value, search_dirs, self.environ, self.cache)
        return resolve_value(value, search_dirs, self.environ, self.cache)

    def add_entry(self, node_name: str, node_type: str, attr: str, value: str,
                  files: List[Union[Any, str]], missing: bool, kind: Optional[str]) -> None:
        """Record one asset.json entry and its files for upload."""
        self.result.assets.append(collections.OrderedDict([
            ("node", node_name), ("type", node_type), ("attr", attr), ("value", value),
            ("kind", kind), ("path", files), ("missing", missing)]))
        source = "{}.{}".format(node_name, attr) if node_name and attr else None
        for path in files:
            self.result.add_upload(path, source)

    def add_file(self, node_name: str, node_type: str, attr: str, value: str, kind: Optional[str],
                 search_dirs: List[str], use_frame_extension: bool = False,
                 uv_tiling_mode: int = 0) -> None:
        """Resolve one file attribute value: an asset entry, its files, a tip if missing."""
        pattern, entry_kind = sequence_pattern(node_type, value, kind, use_frame_extension,
                                               uv_tiling_mode)
        files, reported = self._resolve(pattern, search_dirs, kind)
        if not files:
            files = self._relocated(pattern, kind)
        self.add_entry(node_name, node_type, attr, value, files, not files, entry_kind)
        if not files:
            self.result.tip(tables.KIND_TIP_CODES[entry_kind], reported)
            self.result.add_source(reported, "{}.{}".format(node_name, attr))

    def _relocated(self, value: str, kind: Optional[str]) -> List[str]:
        """The files Maya finds for a missing absolute path under the project, or ``[]``.

        Maya looks for such a file in the current project (the project root joined with the
        path's trailing parts, then its name in the kind's file-rule folder such as
        ``sourceimages``): the first candidate holding files is the one it loads.
        """
        if not self.project_root:
            return []
        expanded = path_utils.to_slash(path_utils.expand_env(value.strip(), self.environ))
        if not path_utils.is_absolute(expanded):
            return []  # relative paths were looked up under the project already
        if self._file_rules is None:
            self._file_rules = project_paths.read_file_rules(self.project_root)
        # Most candidates lie in folders the project does not have: one look at each folder
        # (remembered) spares resolving every path in it. The candidates' folders are the
        # project's and trailing parts of the path's own: tokens there are the path's.
        plain_folders = not path_utils.has_sequence_token(expanded.rpartition("/")[0])
        for candidate in project_paths.relocated_paths(expanded, self.project_root,
                                                       self._file_rules, kind):
            if plain_folders and not self._is_folder(candidate.rpartition("/")[0]):
                continue
            files = self._resolve(candidate, [], kind)[0]
            if files:
                return files
        return []

    def _is_folder(self, folder: str) -> bool:
        """``os.path.isdir(folder)``, asked once per folder."""
        exists = self._folders.get(folder)
        if exists is None:
            exists = self._folders[folder] = os.path.isdir(folder)
        return exists

    def _assets(self, scene: "MayaAsciiScene", search_dirs: List[str]) -> None:
        handled = set()
        for node in scene.nodes.values():
            for long_name, short_name, kind in tables.FILE_ATTRIBUTES.get(node.type, ()):
                raw = node.attrs.get(short_name, node.attrs.get(long_name))
                handled.add((node.name, short_name))
                handled.add((node.name, long_name))
                for value in (raw if isinstance(raw, list) else [raw]):
                    if not isinstance(value, str) or not value.strip() \
                            or len(value) > _MAX_PATH_LENGTH:
                        continue  # empty, or too long to be a path (garbage)
                    if node.type == "cacheFile":
                        self.add_cache_file(node, value, search_dirs)
                        continue
                    ufe = tables.FRAME_EXTENSION_ATTRIBUTES.get(node.type, ())
                    self.add_file(node.name, node.type, long_name, value, kind, search_dirs,
                                  render_layers.as_bool(_attr(node, ufe), False),
                                  _attr(node, tables.UV_TILING_ATTRIBUTE) or 0)
            # Other string attributes of these nodes: files when they exist.
            for attr, value in node.attrs.items():
                if (node.name, attr) in handled or not isinstance(value, str):
                    continue
                self._generic(node.name, node.type, attr, value, search_dirs)
        for item in scene.string_attrs:
            self._generic(item.node, item.type, item.attr, item.value, search_dirs)

    def _generic(self, node_name: str, node_type: str, attr: str, value: str,
                 search_dirs: List[str]) -> None:
        if len(value) > 1024 or "\n" in value or ("/" not in value and "\\" not in value):
            return
        files, _ = path_utils.resolve_files(value, search_dirs, self.environ, self.cache)
        if files:
            self.add_entry(node_name, node_type, attr, value, files, False, "other")

    def add_cache_file(self, node: "Node", cache_path: str, search_dirs: List[str]) -> None:
        """A Maya cache (``cacheFile``): its ``.xml`` and per-frame ``.mc``/``.mcx`` files."""
        name = node.attrs.get("cn", node.attrs.get("cacheName"))
        if not isinstance(name, str) or not name:
            return
        folder = path_utils.to_slash(cache_path).rstrip("/")
        files: List[Any] = []
        reported = folder + "/" + name + ".xml"
        for pattern in (name + ".xml", name + "Frame#.mc", name + "Frame#.mcx", name + ".mc",
                        name + ".mcx"):
            found, candidate = path_utils.resolve_files(folder + "/" + pattern, search_dirs,
                                                        self.environ, self.cache)
            files.extend(f for f in found if f not in files)
            if pattern.endswith(".xml"):
                reported = candidate
        self.add_entry(node.name, node.type, "cachePath", cache_path, files, not files,
                       "cache")
        if not files:
            self.result.tip(tables.KIND_TIP_CODES["cache"], reported)
            self.result.add_source(reported, "{}.cachePath".format(node.name))

    # ------------------------------------------------------------------ references

    def _references(self, scene: "MayaAsciiScene", search_dirs: List[str], depth: int,
                    load_states: Optional[Dict[str, bool]] = None) -> None:
        """Record the references of ``scene`` and read the loaded ones, recursively.

        Maya loads neither a deferred (unloaded) reference nor anything inside it: those are
        recorded (and uploaded when they exist) but not read, and a missing one is no tip.
        ``load_states`` are the top scene's ``file -rdi <depth> -dr ...`` entries: the load
        state of nested references as the top scene sets them.
        """
        if load_states is None:
            load_states = _nested_load_states(scene)
        for raw, (deferred, name, namespace) in _direct_references(scene).items():
            deferred = deferred or load_states.get(raw, False)
            files, reported = path_utils.resolve_files(raw, search_dirs, self.environ,
                                                       self.cache)
            if not files:
                files = self._relocated(raw, "reference")
            self.add_entry(name or namespace, "reference", "fileName", raw, files[:1],
                           not files, "reference")
            if deferred:
                self.result.assets[-1]["deferred"] = True
                continue
            if not files:
                self.result.tip(tables.KIND_TIP_CODES["reference"], reported)
                self.result.add_source(reported, "{}.fileName".format(name or namespace))
                continue
            self._read_reference(scene, files[0], namespace, search_dirs, depth, load_states)

    def _read_reference(self, scene: "MayaAsciiScene", path: str, namespace: str,
                        search_dirs: List[str], depth: int, load_states: Dict[str, bool]) -> None:
        key = os.path.normcase(os.path.realpath(path))
        if key in self._read_scenes:
            return
        self._read_scenes.add(key)
        if depth > _MAX_REFERENCE_DEPTH:
            self.result.tip(tips_code.SCENE_PARTLY_READ,
                            "{}: references nested deeper than {} were not read".format(
                                path, _MAX_REFERENCE_DEPTH))
            return
        if scene.namespace and namespace:
            namespace = scene.namespace + ":" + namespace
        child_dirs = list(search_dirs) + [os.path.dirname(path)]
        if path.lower().endswith(".mb"):
            try:
                self._binary(path, child_dirs, is_reference=True)
            except SceneInputError as error:
                self._unreadable_reference(path, error)
            return
        if not path.lower().endswith(".ma"):
            # Alembic, FBX, USD... references are files to upload, not Maya scenes: read as
            # MEL they name nothing, and a cache of gigabytes would be scanned for nothing.
            return
        try:
            child = ma_reader.read_scene(path, namespace=namespace)
        except SceneInputError as error:
            self._unreadable_reference(path, error)
            return
        self._add_reference_plugins(child.requires)
        self._keep_reference_edits(child)
        self._apply_reference_edits(child)
        self._assets(child, child_dirs)
        self._referenced_cameras.extend(render_layers.scene_cameras(child))
        self._references(child, child_dirs, depth + 1, load_states)

    def _add_reference_plugins(self, requires: Dict[str, str]) -> None:
        """The plugins a loaded referenced scene requires: Maya loads them with it.

        The top scene's version of a plugin both name is kept (it is the one saved last).
        """
        for name, version in farm_plugins(requires, self._maya_year).items():
            self.result.plugins.setdefault(name, version)

    def _unreadable_reference(self, path: str, error: SceneInputError) -> None:
        """A referenced scene that exists but cannot be read (permissions, I/O error...).

        Maya cannot load it either: it is a reference the render misses, told with its path
        and the reason, and the rest of the scene is analysed.
        """
        self.result.tip(tables.KIND_TIP_CODES["reference"],
                        "{} ({})".format(path, error.reason))

    def _keep_reference_edits(self, scene: "MayaAsciiScene") -> None:
        for edit in scene.reference_edits:
            by_node = self._reference_edits.setdefault(edit.node.rpartition(":")[0], {})
            by_node.setdefault(edit.node, {}).setdefault(edit.attr, edit.value)

    def _apply_reference_edits(self, child: "MayaAsciiScene") -> None:
        """Set the edited values on the nodes of a referenced scene, as Maya loads them."""
        # Only the edits of the child's namespace: a scene with many references and many
        # edits does not compare every edit with every referenced scene.
        for name, edits in self._reference_edits.get(child.namespace, {}).items():
            node = child.nodes.get(name)
            if node is None:
                continue
            for attr, value in edits.items():
                names = _attribute_names(node.type, attr)
                for other in names[1:]:
                    node.attrs.pop(other, None)
                node.attrs[names[0]] = value

    # ------------------------------------------------------------------ Maya binary

    def _binary(self, path: str, search_dirs: Optional[List[str]] = None,
                is_reference: bool = False) -> None:
        search_dirs = search_dirs or self.search_dirs
        head = mb_reader.read_head(path)
        if not is_reference:
            self.result.plugins = farm_plugins(head.requires, _year_of(head.version))
        found = 0
        values, digest = mb_reader.scan_binary(path, None if is_reference else self.hash_name)
        if not is_reference:
            self.result.scene_hash = digest
        for value in values:
            files, _ = path_utils.resolve_files(value, search_dirs, self.environ, self.cache)
            if files and path_utils.to_slash(files[0]) != path_utils.to_slash(path):
                found += 1
                self.add_entry("", "", "", value, files, False, "other")
        self.result.complete = False
        self.result.tip(tips_code.SCENE_PARTLY_READ, (
            "{} is a Maya binary file: without Maya only its version, plugins and the {} "
            "existing files named in it were read; render layers, cameras, render settings "
            "and missing files need the DCC backend (Maya)").format(
                path_utils.to_slash(path), found))


def _attribute_names(node_type: str, attr: str) -> Tuple[str, ...]:
    """The names the reader may hold ``attr`` under, the one it reads first at the front."""
    pairs = [(short, long_name)
             for long_name, short, _kind in tables.FILE_ATTRIBUTES.get(node_type, ())]
    pairs.append(render_layers.RENDERABLE)
    for short, long_name in pairs:
        if attr in (short, long_name):
            return (short, long_name)
    return (attr,)


def _direct_references(scene: "MayaAsciiScene") -> collections.OrderedDict:
    """``{path: (deferred, reference node, namespace)}`` of the references of ``scene``.

    One path may appear in a ``file -rdi 1`` (load info) and in ``file -r`` statements
    (several with copy numbers ``{1}``): it is deferred only if every ``file -r`` of it
    says so (or, without ``file -r``, its ``-rdi 1`` entry). Its reference node and
    namespace are those of its first loaded ``file -r``: the instance Maya reads, whose
    namespace prefixes the cameras the render uses (the first statement's when none is
    loaded). ``-rdi 2`` and deeper entries describe references inside references: they are
    read from those files.
    """
    merged: Dict[Any, Any] = collections.OrderedDict()
    for reference in scene.references:
        if reference.depth > 1:
            continue
        raw = _COPY_NUMBER.sub("", reference.path)
        by_r, by_rdi, name, namespace = merged.get(raw, (None, False, "", ""))
        if reference.depth == 0:
            if not reference.deferred and by_r is not False:
                # The first loaded instance names the reference.
                name, namespace = reference.rfn or name, reference.namespace or namespace
            by_r = reference.deferred if by_r is None else (by_r and reference.deferred)
        else:
            by_rdi = by_rdi or reference.deferred
        merged[raw] = (by_r, by_rdi, name or reference.rfn, namespace or reference.namespace)
    return collections.OrderedDict(
        (raw, (by_rdi if by_r is None else by_r, name, namespace))
        for raw, (by_r, by_rdi, name, namespace) in merged.items())


def _nested_load_states(scene: "MayaAsciiScene") -> Dict[str, bool]:
    """``{path: deferred}`` of the nested references a top scene sets (``-rdi 2``...)."""
    states: Dict[Any, Any] = {}
    for reference in scene.references:
        if reference.depth > 1:
            raw = _COPY_NUMBER.sub("", reference.path)
            states[raw] = states.get(raw, False) or reference.deferred
    return states


def farm_plugins(requires: Union[collections.OrderedDict, Dict[str, str]],
                 maya_year: Optional[int] = None) -> collections.OrderedDict:
    """The plugins of ``requires`` that are render-farm configuration (Maya's own left out).

    Args:
        requires (dict): plugin -> version, as the scene states them.
        maya_year (int, optional): The Maya that saved the scene (``requires maya``): a
            plugin bundled with Maya only from a later version (``mayaUsdPlugin`` before
            2022) is a separate install, hence farm configuration.
    """
    if maya_year is None:
        maya_year = scene_year(requires)
    plugins = collections.OrderedDict()
    for name, version in requires.items():
        bundled_since = tables.BUNDLED_SINCE.get(name)
        built_in = name in BUILTIN_PLUGINS and (
            bundled_since is None or (maya_year is not None and maya_year >= bundled_since))
        if not built_in:
            plugins[name] = version
    return plugins


def _year_of(text: Optional[str]) -> Optional[int]:
    match = re.search(r"(\d{4})", str(text or ""))
    return int(match.group(1)) if match else None


def scene_year(requires: Union[collections.OrderedDict, Dict[str, str]]) -> Optional[int]:
    """The year of ``requires maya "2018"`` (int), or None."""
    return _year_of(requires.get("maya"))


def _attr(node: "Node", names: Union[Tuple[str, str], Tuple[()]]) -> Optional[Union[bool, int]]:
    """The first of ``names`` set on ``node`` (short name first), or None."""
    for name in reversed(names):
        if name in node.attrs:
            return node.attrs[name]
    return None


def sequence_pattern(node_type: str, value: str, kind: Optional[str],
                     use_frame_extension: bool = False,
                     uv_tiling_mode: int = 0) -> Tuple[str, Optional[str]]:
    """Turn frame-extension and UV-tiling settings into sequence tokens.

    Returns:
        tuple: ``(pattern, kind)``; kind becomes ``"sequence"`` for a frame sequence.
    """
    if path_utils.has_sequence_token(value):
        return value, kind
    if use_frame_extension:
        for frame_number in (_FRAME_NUMBER, _COMPRESSED_FRAME_NUMBER):
            replaced = frame_number.sub(lambda m: "<f>" + m.group(2), value)
            if replaced != value:
                return replaced, "sequence"
    if node_type == "file":
        if uv_tiling_mode == 3:
            return _UDIM_NUMBER.sub("<UDIM>", value), kind
        if uv_tiling_mode in (1, 2):
            return _UVTILE_NUMBER.sub(
                lambda m: ("_" if m.group(0).startswith("_") else "") + "<UVTILE>", value), kind
    return value, kind


def resolve_value(value: str, search_dirs: List[str], environ: Optional[Any] = None,
                  cache: Optional["DirectoryCache"] = None) -> Tuple[Any, str]:
    """Existing files for a scene path (a folder gives its files) and the path to report."""
    files, reported = path_utils.resolve_files(value, search_dirs, environ, cache)
    if not files:
        for candidate in path_utils.candidate_paths(value, search_dirs, environ):
            if path_utils.is_dir(candidate):
                return _folder_files(candidate), candidate
    return files, reported


def _folder_files(folder: Any) -> Any:
    files = []
    for root, _dirs, names in os.walk(folder):
        for name in sorted(names):
            files.append(path_utils.to_slash(os.path.join(root, name)))
            if len(files) >= _MAX_FOLDER_FILES:
                return files
    return files
