"""Analyse a parsed Houdini scene without Houdini: render ROPs, caches and the files it reads.

The result has the same shape as the in-Houdini script's (see ``dcc/HfsBase.py``), so the
analyser writes the same task.json / asset.json / tips.json whichever backend ran.

Rules (documented in docs/analysis-houdini-clarisse.md):

* Render ROPs (mantra ``ifd``, ``karma``, ``usdrender``, ``arnold``, ``Redshift_ROP``,
  RenderMan ``ris``, ``baketexture``..., Solaris ``usdrender_rop`` in any LOP network, and a
  Karma LOP rendering to disk, reported as the USD Render ROP inside it, the node the farm
  renders) become ``rop_node`` entries, with the frames Houdini renders: the ``f`` range, or
  only the current frame when ``trange`` is off; geometry, Alembic, DOP, USD and file-cache
  outputs become ``geo_node`` entries; ``hq_sim`` becomes ``distributedsim_node``.
* A parameter is an *input* when its value looks like a file (known extension, or a known
  file parameter) and it is not an output parameter (``vm_picture``, ``sopoutput``,
  ``dcmfilename``, ``checkpointfile``, a file cache that writes...). Outputs are never
  uploaded; ``filetype`` (an extension) and a parameter VOP's ``filedef`` name no file.
* A string parameter driven by a channel expression is read as its expression (what Houdini
  evaluates for every frame), not the value cached when the scene was saved; a Python or
  function-call expression is listed under ``Unresolved``.
* ``$HIP``, ``$HIPNAME``, ``$HIPFILE``, ``$JOB``, ``$OS``, scene variables and environment
  variables (``$VAR``/``${VAR}``) are expanded; ``$F``/``$F4``/``$FF``, ``<UDIM>``,
  ``%(UDIM)d`` become "every existing file that matches". Values with backticks are
  expressions a static reader cannot evaluate: they are listed under ``Unresolved``.
* Relative paths are looked up under ``$HIP`` then ``$JOB``; when not found they are assumed
  to come from the Houdini search path (``default.pic``) and listed under ``Search``.
  Absolute paths that match no file are missing: tip 50001.
"""

import ast
import math
import os
import posixpath
import re
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Set

from rayvision_houdini.dcc import hfs_rules
from rayvision_houdini.dcc.hfs_rules import format_frame
from rayvision_houdini.hip_scene import ChannelRef, LeanNames
from rayvision_utils.exception import tips_code
from rayvision_utils.findings import StaticFindings
from rayvision_utils.paths import (
    DirectoryCache,
    expand_env,
    is_absolute,
    unexpanded_variables,
)

if TYPE_CHECKING:
    from rayvision_houdini.hip_scene import HipNode, HipScene

#: Parameters that name files a node reads, whatever their extension.
INPUT_PARMS = frozenset([
    "file", "fileName", "filename", "filepath", "filepath1", "texture", "map", "env_map",
    "ar_filename", "ar_light_color_texture", "RS_proxy_file", "ies_file", "light_texture",
])

_FILE_EXTENSIONS = (
    "abc|ass|bgeo|bgeo\\.sc|bgeo\\.gz|bgeo\\.lzma|bhclassic|bmp|bphys|cin|dds|dpx|exr|fbx|geo|"
    "geo\\.gz|gif|hda|hdalc|hdanc|hdr|hdri|ies|ifd|jpeg|jpg|json|mov|mp4|obj|ocio|otl|otllc|"
    "otlnc|pc|pic|pic\\.gz|ply|png|psd|ptex|rat|rs|rstexbin|sim|simdata|stl|tex|tga|tif|tiff|"
    "tx|usd|usda|usdc|usdz|vdb|wav"
)
_FILE_LIKE = re.compile(r"\.(?:{0})$".format(_FILE_EXTENSIONS), re.IGNORECASE)
# A value that is only an extension (``.bgeo.sc``) or only a file name pattern piece.
_EXTENSION_ONLY = re.compile(r"^\.[A-Za-z0-9_.]+$")
# An hscript expression that calls a function: its value cannot be had without Houdini.
_FUNCTION_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*\(")
#: Parameters the analysis reads besides file-like values (a lean scene read keeps them).
SCENE_PARMS = frozenset([
    "f", "trange", "camera", "RS_renderCamera", "res", "resolution", "picture",
    "loadfromdisk", "filemode", "hq_driver", "hq_sim_controls",
    "slice_type", "num_slices", "slicediv", "cluster_filter", "sopoutput", "dopoutput",
]) | INPUT_PARMS | hfs_rules.RESOLUTION_OVERRIDE_PARMS | hfs_rules.ROP_CACHE_MODE_PARMS \
    | frozenset(hfs_rules.PICTURE_PARMS.values())
#: Base operator types whose parameters the analysis reads by name (ROPs, caches, cameras,
#: File SOPs); other nodes matter only through values that look like paths.
SCENE_PARM_TYPES = (hfs_rules.RENDER_ROP_TYPES | hfs_rules.ANY_CONTEXT_RENDER_TYPES
                    | hfs_rules.GEO_ROP_TYPES | hfs_rules.GEO_SOP_TYPES
                    | hfs_rules.DISTRIBUTED_SIM_TYPES | frozenset(["cam", "file", "filecache"]))
#: What a lean scene read keeps for this analysis (see :func:`hip_scene.read_scene`).
LEAN_READ = LeanNames(SCENE_PARMS, SCENE_PARM_TYPES)
_NOT_A_FILE = re.compile(r"^(?:op:|opdef:|oplib:|temp:|https?://|\*$)", re.IGNORECASE)
_EXPR_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


class StaticResult(StaticFindings):
    """What the static backend found; the analyser turns it into the four json files.

    Attributes:
        scene_info (dict): ``{"geo_node": [...], "rop_node": [...], "distributedsim_node": [...]}``.
        asset (dict): asset.json (``Normal``, ``Miss``, ``Search``, ``Unresolved``, ``camera``,
            ``Output``).
        tips (dict): tip code -> list of messages.
        upload_files (list): Existing input files, in discovery order, no duplicates.
        file_parms (dict): parm name -> node type, for the reference-type database.
    """

    def __init__(self) -> None:
        super(StaticResult, self).__init__()
        self.scene_info: Dict[str, Any] = {"geo_node": [], "rop_node": [],
                                           "distributedsim_node": []}
        self.asset: Dict[str, Any] = {"Normal": {}, "Miss": {}, "Search": {}, "Unresolved": {},
                                      "camera": {}, "Output": {}}
        self.file_parms: Dict[Any, Any] = {}
        #: Plain-English notes for the analysis summary (e.g. ROPs rendering one frame).
        self.notes: List[Any] = []
        #: Nodes that render only the current frame (``trange`` off).
        self.current_frame_nodes: List[Any] = []


def scene_variables(scene: Any, cg_file: str,
                    environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Variables used to expand paths: environment, then the scene's, then HIP and friends.

    ``$HIP`` is where the scene is now, not where it was saved (as when Houdini loads it);
    ``$JOB`` comes from the environment when set there, else from the scene.
    """
    environ = os.environ if environ is None else environ
    variables = dict(environ)
    for name, value in scene.variables.items():
        if name == "JOB" and environ.get("JOB"):
            continue
        variables[name] = value
    cg_path = os.path.abspath(cg_file).replace("\\", "/")
    hip = os.path.dirname(cg_path)
    variables["HIP"] = hip
    variables["HIPFILE"] = cg_path
    variables["HIPNAME"] = os.path.splitext(os.path.basename(cg_path))[0]
    return variables


def analyse_scene(scene: "HipScene", cg_file: str,
                  environ: Optional[Mapping[str, str]] = None) -> StaticResult:
    """Run the static analysis of a parsed scene.

    Args:
        scene (rayvision_houdini.hip_scene.HipScene): The parsed scene.
        cg_file (str): Path of the scene file (sets ``$HIP``).
        environ (dict, optional): Environment variables (default ``os.environ``).

    Returns:
        StaticResult: ROP/cache entries, assets, tips and the upload list.
    """
    result = StaticResult()
    variables = scene_variables(scene, cg_file, environ)
    cache = DirectoryCache()
    search_dirs = search_folders(variables)
    frame_vars = _frame_variables(scene)

    drivers: Dict[Any, Any] = {}
    rop_holders = None   # nodes holding a render ROP, found when a Karma LOP needs them
    kind_types = hfs_rules.KIND_TYPES
    bases: Dict[str, str] = {}   # operator type -> base type: scenes use a few hundred types
    for node in scene.nodes.values():
        base = bases.get(node.type)
        if base is None:
            base = bases[node.type] = node.base_type
        if not node.parms and base not in kind_types:
            continue   # no kind in any network, nothing to read: most nodes of a scene
        driver = is_driver(scene, node, drivers)
        kind = hfs_rules.node_kind(base, driver)
        usd_camera = False
        if kind is None and not driver and base in hfs_rules.LOP_RENDER_WRAPPER_TYPES:
            if rop_holders is None:
                rop_holders = _render_rop_holders(scene)
            kind = "rop" if _lop_renders_to_disk(node, rop_holders, result) else None
            usd_camera = True
        if kind == "rop" and not usd_camera and hfs_rules.renders_to_mplay(base,
                                                                         node.parm_string):
            result.notes.append(hfs_rules.mplay_note(node.path))
        elif kind == "rop":
            result.scene_info["rop_node"].append(
                _rop_entry(scene, node, frame_vars, result, usd_camera,
                           _inner_rop_path(node) if usd_camera else None))
        elif kind == "geo" and not _filecache_reads(node):
            result.scene_info["geo_node"].append({
                "node": node.path,
                "frames": _frames(node, frame_vars, result),
                "option": "0",
                "render": "0",
            })
        elif kind == "distributedsim":
            result.scene_info["distributedsim_node"].append(
                _distributed_entry(scene, node, frame_vars, result))
        _collect_files(node, driver, variables, search_dirs, cache, result)

    for number, library in enumerate(scene.libraries):
        classify_reference(result, "/.OPlibraries/{0}".format(number), library, library,
                           variables, search_dirs, cache, node_type="OPlibraries",
                           parm_name="OPlibraries")
    add_missing_tips(result)
    return result


def add_missing_tips(result: StaticResult) -> None:
    """Tip 50001 with every missing file (a warning: the scene still renders without them)."""
    for values in result.asset["Miss"].values():
        for path in values[1]:
            result.add_tip(tips_code.HOUDINI_MISSING_FILE, path)


def search_folders(variables: Mapping[str, str]) -> List[str]:
    """Folders relative paths are looked up in: ``$HIP``, then ``$JOB``."""
    folders = [variables["HIP"]]
    if variables.get("JOB"):
        folders.append(variables["JOB"].replace("\\", "/"))
    return folders


def _frame_variables(scene: Any) -> Any:
    start, end = scene.frange if scene.frange else (1.0, 240.0)
    current = round(scene.current_frame(), 6)
    return {"FSTART": start, "FEND": end, "RFSTART": start, "RFEND": end, "F": current,
            "FF": current, "NFRAMES": end - start + 1, "FPS": scene.fps,
            "T": scene.tcur, "PI": 3.141592653589793}


def evaluate_number(value: Any, channels: Any, frame_vars: Any) -> Any:
    """Value of a numeric parameter component: a literal, or a channel's simple expression.

    Expressions made of numbers, ``+ - * /``, parentheses and frame variables (``$FSTART``,
    ``$FEND``, ``$RFSTART``, ``$RFEND``, ``$F``...) are evaluated; anything else falls back to
    the value Houdini cached when saving.

    Returns:
        float or None: None when no number can be had.
    """
    if isinstance(value, ChannelRef):
        channel = channels.get(value.name)
        if channel is not None and len(channel.expressions) == 1:
            number = _safe_eval(channel.expressions[0], frame_vars)
            if number is not None:
                return number
        return _to_float(value.cached)
    number = _to_float(value)
    if number is None:
        number = _safe_eval(value, frame_vars)
    return number


def _to_float(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_NUMBER_NODES = tuple(getattr(ast, name) for name in ("Constant", "Num") if hasattr(ast, name))


def _safe_eval(expression: Any, frame_vars: Any) -> Any:
    """Evaluate ``+ - * /`` arithmetic over numbers and frame variables; None otherwise."""
    if not expression or "`" in expression or len(expression) > 200:
        return None
    names = {}

    def _name(match: Any) -> Any:
        name = match.group(1)
        if name not in frame_vars:
            raise KeyError(name)
        names["v_" + name] = float(frame_vars[name])
        return "v_" + name

    try:
        source = _EXPR_VARIABLE.sub(_name, expression.strip())
        tree = ast.parse(source, mode="eval")
        value = _evaluate(tree.body, names)
    except (KeyError, SyntaxError, ValueError, TypeError, ArithmeticError, RecursionError):
        return None
    return value if math.isfinite(value) else None


def _evaluate(item: Any, names: Any) -> Any:
    if isinstance(item, _NUMBER_NODES):
        value = getattr(item, "value", getattr(item, "n", None))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("not a number")
        return float(value)
    if isinstance(item, ast.Name):
        return names[item.id]
    if isinstance(item, ast.UnaryOp) and isinstance(item.op, (ast.USub, ast.UAdd)):
        value = _evaluate(item.operand, names)
        return -value if isinstance(item.op, ast.USub) else value
    if isinstance(item, ast.BinOp) and type(item.op) in _BINARY:
        return _BINARY[type(item.op)](_evaluate(item.left, names), _evaluate(item.right, names))
    raise ValueError("unsupported expression")


def _frames(node: Any, frame_vars: Any, result: Any = None, path: Optional[str] = None) -> Any:
    """Frames the node renders: its ``f`` range, or the current frame when ``trange`` is off.

    ``path`` is the node reported for it (the ROP inside a Karma LOP), the node's own by default.
    """
    if hfs_rules.renders_current_frame(node.parm_string("trange")):
        current = frame_vars["F"]
        if result is not None:
            path = path or node.path
            result.current_frame_nodes.append(path)
            result.notes.append("{0}: 'Valid frame range' is 'Render Current Frame', so only "
                                "frame {1} is rendered".format(path, format_frame(current)))
        return hfs_rules.frames_string(current, current, 1)
    values = node.parm("f") or []
    numbers = [evaluate_number(value, node.channels, frame_vars) for value in values[:3]]
    while len(numbers) < 3:
        numbers.append(None)
    start, end, step = numbers
    if start is None:
        start = frame_vars["FSTART"]
    return hfs_rules.frames_string(start, end, step)


def _render_rop_holders(scene: Any) -> Set[str]:
    """Every node path above a USD render ROP of the scene (one pass, for all Karma LOPs)."""
    holders: Set[str] = set()
    for path, node in scene.nodes.items():
        if node.base_type in hfs_rules.ANY_CONTEXT_RENDER_TYPES:
            parent = path.rsplit("/", 1)[0]
            while parent and parent not in holders:
                holders.add(parent)
                parent = parent.rsplit("/", 1)[0]
    return holders


def _lop_renders_to_disk(node: Any, rop_holders: Set[str], result: Any) -> bool:
    """Whether a Karma LOP is a render node of the farm (see ``LOP_RENDER_WRAPPER_TYPES``).

    Not when it renders to MPlay only (``picture`` is ``ip`` or ``md``), nor when the scene
    holds the USD Render ROP inside it (contents unlocked and saved): that ROP is the render
    node then.
    """
    if node.path in rop_holders:
        return False   # the saved ROP inside is analysed (and its picture checked) itself
    if hfs_rules.renders_to_mplay(node.base_type, node.parm_string):
        result.notes.append(hfs_rules.mplay_note(_inner_rop_path(node)))
        return False
    return True


def _inner_rop_path(node: Any) -> str:
    """Path of the USD Render ROP inside a Karma LOP: the node the farm renders."""
    return "{0}/{1}".format(node.path, hfs_rules.LOP_RENDER_WRAPPER_ROP)


def _rop_entry(scene: Any, node: Any, frame_vars: Any, result: Any,
               usd_camera: bool = False, path: Optional[str] = None) -> Any:
    """The ``rop_node`` entry of a render node.

    Args:
        scene (HipScene): The scene.
        node (HipNode): The render node (a ROP, or a Karma LOP).
        frame_vars (dict): Frame variables of expressions.
        result (StaticResult): Where tips and notes go.
        usd_camera (bool): Its camera is a USD prim path.
        path (str, optional): The node reported (the ROP inside a Karma LOP, whose
            parameters follow the LOP's); the node's own path by default.
    """
    path = path or node.path
    entry = {"node": path, "frames": _frames(node, frame_vars, result, path)}
    if ((usd_camera or node.base_type in hfs_rules.USD_RENDER_TYPES)
            and hfs_rules.renders_stage_range(node.parm_string("trange"))):
        result.add_tip(tips_code.SCENE_PARTLY_READ,
                       hfs_rules.stage_range_tip(path, entry["frames"]))
    camera_parm = hfs_rules.camera_parm(node.base_type)
    if camera_parm and node.parm(camera_parm) is not None:
        camera = (node.parm_string(camera_parm) or "").strip()
        entry["camera"] = camera
        width, height = _resolution(scene, node, None if usd_camera else camera, frame_vars)
        if width is not None:
            entry["width"] = format_frame(width)
            entry["height"] = format_frame(height)
        info = {"camera": camera}
        # A USD camera is a prim of the stage (``/cameras/camera1``), not a node, and an empty
        # one lets the stage's render settings choose: only Houdini can check it.
        if not usd_camera:
            _check_camera(scene, node, camera, info, result)
        result.asset["camera"][path] = info
    elif node.base_type in hfs_rules.USD_RENDER_TYPES:
        # No camera node: only the ROP's own size override can be known.
        width, height = _resolution(scene, node, None, frame_vars)
        if width is not None:
            entry["width"] = format_frame(width)
            entry["height"] = format_frame(height)
    entry["option"] = "-1"
    entry["render"] = "0" if node.bypassed else "1"
    return entry


def _check_camera(scene: Any, node: Any, camera: str, info: Any, result: Any) -> None:
    """Tips 50003 (no camera) and 50002 (no such node), and the ``error`` of ``info``."""
    if not camera:
        result.add_tip(tips_code.HOUDINI_CAMERA_WARNING,
                       "{0}: no render camera is set".format(node.path))
    elif scene.node(_absolute_node_path(node, camera)) is None:
        asset = _locked_asset_holding(scene, _absolute_node_path(node, camera))
        if asset is not None:
            # Inside a locked digital asset (a camera rig): its nodes are not in the file.
            result.notes.append("{0}: render camera {1} is inside the locked asset {2}, whose "
                                "contents the scene file does not hold: not checked".format(
                                    node.path, camera, asset))
            return
        info["error"] = "camera not found"
        result.add_tip(tips_code.HOUDINI_CAMERA_ERROR,
                       "{0}: render camera {1} does not exist".format(node.path, camera))


def _locked_asset_holding(scene: Any, path: str) -> Optional[str]:
    """The nearest existing node above ``path`` when it is a locked digital asset, else None."""
    walk = path.rsplit("/", 1)[0]
    while walk:
        owner = scene.node(walk)
        if owner is not None:
            return walk if owner.locked else None
        walk = walk.rsplit("/", 1)[0]
    return None


def _absolute_node_path(node: Any, path: Any) -> Any:
    if path.startswith("/"):
        return path.rstrip("/") or "/"
    # Houdini resolves a relative node path from the node holding the parameter: ".." is
    # its network, "../cam1" a sibling.
    return posixpath.normpath(node.path + "/" + path)


def _resolution(scene: Any, node: Any, camera_path: Any, frame_vars: Any) -> Any:
    """Resolution the ROP renders at.

    Its override when on (a size, or a fraction of the camera's resolution; see
    ``hfs_rules.RESOLUTION_OVERRIDES``), else ``resolution`` for Karma, else the
    camera's ``res``. A USD Render ROP renders at its ``res_user`` when its ``override_res`` is
    ``specific``, else at what the stage's render settings say: unknown here (None, None).
    """
    if node.base_type in hfs_rules.USD_RENDER_TYPES:
        size_parm = hfs_rules.usd_render_size_parm(node.base_type, node.parm_string)
        size = _number_pair(node, size_parm, frame_vars) if size_parm else None
        return size if size is not None else (None, None)
    fraction = None
    override = hfs_rules.resolution_override(node.base_type, node.parm_string)
    if override is not None:
        size_parm, fraction = override
        if size_parm is not None:
            size = _number_pair(node, size_parm, frame_vars)
            if size is not None:
                return size
    size = None
    if node.base_type == "karma":
        for parm in ("resolution", "res"):
            size = _number_pair(node, parm, frame_vars)
            if size is not None:
                break
    if size is None:
        camera = scene.node(_absolute_node_path(node, camera_path)) if camera_path else None
        if camera is not None:
            size = _number_pair(camera, "res", frame_vars)
    if size is None:
        return None, None
    if fraction is not None:
        return (hfs_rules.scaled_size(size[0], fraction),
                hfs_rules.scaled_size(size[1], fraction))
    return size


def _number_pair(node: Any, parm: str, frame_vars: Any) -> Any:
    """The first two components of a parameter as numbers, or None."""
    values = node.parm(parm) or []
    if len(values) < 2:
        return None
    numbers = [evaluate_number(v, node.channels, frame_vars) for v in values[:2]]
    if None in numbers:
        return None
    return numbers[0], numbers[1]


def _distributed_entry(scene: Any, node: Any, frame_vars: Any, result: Any) -> Any:
    driver = (node.parm_string("hq_driver") or "").strip()
    driver_node = scene.node(_absolute_node_path(node, driver)) if driver else None
    output_file = ""
    if driver_node is not None:
        for parm in ("sopoutput", "dopoutput", "filename", "file"):
            if driver_node.parm(parm) is not None:
                output_file = driver_node.parm_string(parm) or ""
                break
    slice_type = node.parm_string("slice_type", "0")
    num_slices = node.parm_string("num_slices", "1")
    entry = {
        "node": node.path,
        "output_driver": driver,
        "output_file": output_file,
        "sliceType": slice_type,
        "simControlName": node.parm_string("hq_sim_controls", "") or "",
        "num_slices": num_slices,
    }
    if slice_type in ("0", "volume"):
        entry["slicediv"] = " ".join(str(v) for v in (node.parm("slicediv") or []))
    elif slice_type in ("1", "particle"):
        entry["cluster_filter"] = node.parm_string("cluster_filter", "") or ""
    else:
        result.add_tip(tips_code.HOUDINI_SLICE_TYPE_NOTSUPPORT,
                       "{0}: slice type {1} is not supported".format(node.path, slice_type))
    try:
        if int(float(num_slices)) > 16:
            result.add_tip(tips_code.HOUDINI_SLICES_TOO_MANY,
                           "{0}: {1} slices (at most 16)".format(node.path, num_slices))
    except ValueError:
        pass
    entry["frames"] = _frames(node, frame_vars, result)
    entry["option"] = "1"
    entry["render"] = "0"
    return entry


def _filecache_reads(node: Any) -> Any:
    return hfs_rules.filecache_reads(node.base_type, node.parm_string("loadfromdisk"))


def _is_output(node: Any, parm_name: Any, driver: Any) -> Any:
    return hfs_rules.is_output_parm(node.base_type, parm_name, node.parm_string("filemode"),
                                    node.parm_string("loadfromdisk"), driver)


#: Parameters whose value is a file whatever its extension.
_NAMED_FILE_PARMS = INPUT_PARMS | hfs_rules.ROP_CACHE_PARM_NAMES


def _looks_like_file(parm_name: Any, value: Any) -> Any:
    if "." not in value and parm_name not in _NAMED_FILE_PARMS:
        return False   # no extension, and not a file parameter: what most values are
    if not value or _NOT_A_FILE.match(value) or "\n" in value or len(value) > 1024:
        return False
    if not hfs_rules.names_input(parm_name) or _EXTENSION_ONLY.match(value):
        return False
    if parm_name in _NAMED_FILE_PARMS:
        return True
    return bool(_FILE_LIKE.search(value.rstrip()))


def string_value(node: Any, value: Any) -> Any:
    """``(text, evaluable)`` of a string parameter component.

    A component driven by a channel is read as the channel's expression, which Houdini
    evaluates on every frame (the cached value is the saved frame's result only). The
    expression is not ``evaluable`` when it is Python or calls a function.
    """
    if not isinstance(value, ChannelRef):
        return value, True
    channel = node.channels.get(value.name)
    if channel is None or len(channel.expressions) != 1:
        return value.cached, True
    expression = channel.expressions[0].strip()
    if channel.languages[0] != "hscript":
        return expression, False
    if len(expression) >= 2 and expression[0] == expression[-1] == '"':
        expression = _unescape_hscript(expression[1:-1])
    if _FUNCTION_CALL.search(expression) or "`" in expression:
        return expression, False
    return expression, True


def _unescape_hscript(text: Any) -> Any:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def is_driver(scene: "HipScene", node: "HipNode", known: Any = None) -> bool:
    """Whether the node is an output driver: in ``/out`` or a ``ropnet``, as its nearest network.

    A network of another context on the way (``/out/sopnet1/alembic1``, a SOP) makes its
    children nodes of that context, as in Houdini.

    Args:
        scene (rayvision_houdini.hip_scene.HipScene): The scene holding the node.
        node (rayvision_houdini.hip_scene.HipNode): The node.
        known (dict, optional): Answers per parent path, shared between calls.
    """
    parent = node.path.rsplit("/", 1)[0]
    if parent == "/out":
        return True   # most drivers
    if known is not None and parent in known:
        return known[parent]
    answer = False
    walk = parent
    while walk:
        if walk == "/out":
            answer = True
            break
        owner = scene.node(walk)
        if owner is not None:
            base = owner.base_type
            if base in hfs_rules.DRIVER_NETWORKS:
                answer = True
                break
            if base in hfs_rules.OTHER_CONTEXT_NETWORKS:
                break
        walk = walk.rsplit("/", 1)[0]
    if known is not None:
        known[parent] = answer
    return answer


def _collect_files(node: Any, driver: Any, variables: Any, search_dirs: Any, cache: Any,
                   result: Any) -> None:
    node_variables = None
    for parm_name, values in node.parms.items():
        if len(values) != 1:
            continue
        value, evaluable = string_value(node, values[0])
        value = value.strip()
        if not _looks_like_file(parm_name, value):
            # An expression Houdini alone can evaluate: a file if its saved result is one.
            cached = values[0].cached.strip() if not evaluable else ""
            if not cached or not _looks_like_file(parm_name, cached):
                continue
        parm_path = "{0}/{1}".format(node.path, parm_name)
        if _is_output(node, parm_name, driver):
            result.asset["Output"][parm_path] = value
            continue
        if not evaluable:
            result.asset["Unresolved"][parm_path] = [value, []]
            continue
        if node_variables is None:
            node_variables = dict(variables, OS=node.name)
        loads = (parm_name in hfs_rules.ROP_CACHE_PARM_NAMES
                 and hfs_rules.cache_loads(node.base_type, parm_name, node.parm_string))
        classify_reference(result, parm_path, value, value, node_variables, search_dirs, cache,
                           node_type=node.type, parm_name=parm_name, loads=loads)


def classify_reference(result: Any, key: Any, raw: Any, value: Any, variables: Any,
                       search_dirs: Any, cache: Any, node_type: Any, parm_name: Any,
                       loads: bool = False) -> None:
    """File it as Normal (existing files), Miss, Search (relative, not found) or Unresolved.

    A ROP's cache that the render reads when present (``hfs_rules.ROP_CACHE_PARMS``) is Normal
    when it exists, else an ``Output`` (the file the render writes), unless ``loads``.

    Args:
        result (StaticResult): Where to record it.
        key (str): Parameter path, e.g. ``/obj/geo1/file1/file``.
        raw (str): The value as written in the scene.
        value (str): The value to expand (the raw one, or Houdini's expansion of it).
        variables (dict): Variables for ``$VAR`` expansion.
        search_dirs (list): Folders for relative paths.
        cache (DirectoryCache): Listing cache.
        node_type (str): Operator type (for the reference-type database).
        parm_name (str): Parameter name (for the reference-type database).
        loads (bool): The ROP's cache is set to Load (``hfs_rules.cache_loads``): read only,
            so a missing file is missing (tip 50001), not an output.
    """
    if "`" in value:
        result.asset["Unresolved"][key] = [raw, []]
        return
    expanded = expand_env(value, variables).replace("\\", "/")
    if unexpanded_variables(expanded):
        result.asset["Unresolved"][key] = [raw, [expanded]]
        return
    result.file_parms.setdefault(parm_name, node_type)
    files, reported = result.resolve(expanded, search_dirs, variables, cache)
    if files:
        result.asset["Normal"][key] = [raw, files]
        for path in files:
            result.add_upload(path, source=key)
    elif not loads and hfs_rules.reads_if_present(hfs_rules.base_type(node_type), parm_name):
        result.asset["Output"][key] = raw
    elif is_absolute(expanded):
        result.asset["Miss"][key] = [raw, [reported]]
        result.add_source(reported, key)
    else:
        result.asset["Search"][key] = [raw, [expanded]]
