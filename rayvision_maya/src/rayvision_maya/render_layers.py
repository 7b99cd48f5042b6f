"""Render layers of a Maya ASCII scene as Maya renders them: settings, cameras, frames.

Input: a :class:`rayvision_maya.ma_reader.MayaAsciiScene` (and the cameras of its referenced
scenes). Output: ``scene_info``, one task.json entry per render layer, each seeing

* its legacy render-layer overrides (``adjs``; the master layer ``defaultRenderLayer`` has
  none: Maya ignores values stored among its adjustments);
* its Render Setup overrides: absolute and relative overrides of render settings
  collections (frame range, renderer, resolution, image format...) and overrides of the
  ``renderable`` attribute of the cameras an object collection selects;
* the frames Maya renders: the start-end range by step when animation is on
  (``defaultRenderGlobals.animation``), else only the current frame (``time1.outTime``).

Cameras whose short names collide (two ``cameraShape1`` under different parents) are named
by their full DAG paths (``|cam_a|cameraShape1``); the others by their short names.
"""

import collections
import fnmatch
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

from rayvision_maya.dcc import tables
from rayvision_maya.ma_reader import Node

if TYPE_CHECKING:
    from rayvision_maya.ma_reader import MayaAsciiScene

GLOBALS = "defaultRenderGlobals"
MASTER_LAYER = "defaultRenderLayer"
_OVERRIDE_TYPES = ("absOverride", "absUniqueOverride", "relOverride", "relUniqueOverride")
_RENDERABLE = ("rnd", "renderable")
#: Short and long name of a camera's ``renderable`` attribute.
RENDERABLE = _RENDERABLE
_MAX_DAG_DEPTH = 256

Camera = collections.namedtuple("Camera", "key name full_path node")


# ---------------------------------------------------------------------------- values

def number_text(value: Union[float, int]) -> str:
    """``1.0`` -> ``"1"``, ``1.5`` -> ``"1.5"``, other values -> ``str``."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_float(value: Union[float, int], default: float) -> float:
    """``value`` as a float when it is a number (bools count), else ``default``."""
    if isinstance(value, (bool, int, float)):
        return float(value)
    return default


def as_bool(value: Any, default: bool) -> bool:
    """``value`` as a bool when it is a bool or a number, else ``default``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return default


def _apply(value: Any, operations: List[Any]) -> Union[float, bool, int, str]:
    """Apply ``[("set", v) | ("rel", multiply, offset)]`` in order to ``value``."""
    for operation in operations:
        if operation[0] == "set":
            value = operation[1]
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = value * operation[1] + operation[2]
    return value


class LayerView(object):
    """Attribute values as one render layer sees them (its overrides applied).

    Args:
        nodes (dict): node key -> :class:`~rayvision_maya.ma_reader.Node`.
        overrides (dict): ``(node key, attribute name) -> [operations]``.
    """

    def __init__(self, nodes: Dict[str, Node], overrides: Dict[Tuple[str, str], Any]) -> None:
        self.nodes = nodes
        self.overrides = overrides

    def get(self, node_name: str, names: Union[Tuple[str, str, str], Tuple[str, str]],
            default: Optional[Union[float, str, int]] = None) -> Any:
        """The value of the first of ``names`` (short and long names) set on the node."""
        value = default
        node = self.nodes.get(node_name)
        if node is not None:
            for name in names:
                if node.attrs.get(name) is not None:
                    value = node.attrs[name]
                    break
        for name in names:
            operations = self.overrides.get((node_name, name))
            if operations:
                return _apply(value, operations)
        return value


# ---------------------------------------------------------------------------- cameras

def dag_path(dag_parents: Dict[str, str], name: str, parent: Optional[str]) -> str:
    """Full DAG path (``|grp|cam|camShape``) of a node from its parent as written."""
    chain = [name.rpartition("|")[2]]
    seen = set()
    while parent and len(chain) < _MAX_DAG_DEPTH:
        if parent.startswith("|"):
            chain.extend(reversed(parent[1:].split("|")))
            break
        parts = parent.split("|")
        chain.extend(reversed(parts))
        if parts[0] in seen:
            break
        seen.add(parts[0])
        parent = dag_parents.get(parts[0])
    return "|" + "|".join(reversed(chain))


def scene_cameras(scene: "MayaAsciiScene") -> List[Any]:
    """``[(node key, full DAG path, node)]`` of the cameras of ``scene``."""
    return [(key, dag_path(scene.dag_parents, key, node.parent), node)
            for key, node in scene.nodes.items() if node.type in tables.CAMERA_TYPES]


def name_cameras(found: List[Any]) -> List[Union[Any, Camera]]:
    """:class:`Camera` list: short names, full DAG paths where short names collide."""
    counts = collections.Counter(path.rpartition("|")[2] for _key, path, _node in found)
    cameras = []
    for key, path, node in found:
        short = path.rpartition("|")[2]
        cameras.append(Camera(key, short if counts[short] == 1 else path, path, node))
    return cameras


class CameraIndex(object):
    """Find the camera a plug's node name (short, partial or full path) stands for."""

    def __init__(self, cameras: List[Union[Any, Camera]]) -> None:
        self.cameras = cameras
        self._by_key = {camera.key: camera for camera in cameras}

    def find(self, name: str) -> Optional[Camera]:
        """The :class:`Camera` named ``name``, or None (also when ambiguous)."""
        camera = self._by_key.get(name)
        if camera is not None:
            return camera
        suffix = "|" + name.lstrip("|")
        matches = [camera for camera in self.cameras
                   if camera.full_path == name or camera.full_path.endswith(suffix)]
        return matches[0] if len(matches) == 1 else None


# ---------------------------------------------------------------------------- overrides

def legacy_overrides(scene: "MayaAsciiScene", camera_index: CameraIndex) -> Dict[str, Any]:
    """Legacy render-layer overrides: ``{layer: {(node, attr): [("set", value)]}}``."""
    overrides: Dict[Any, Any] = {}
    for source, layer_name, index in scene.adjustments:
        if layer_name == MASTER_LAYER:
            continue  # Maya ignores adjustments stored on the master layer
        layer = scene.nodes.get(layer_name)
        key = "adjs[{}].val".format(index)
        if layer is None or key not in layer.attrs:
            continue
        node_name, _, attr = source.rpartition(".")
        camera = camera_index.find(node_name)
        node_name = camera.key if camera is not None else node_name
        overrides.setdefault(layer_name, {})[(node_name, attr)] = [("set", layer.attrs[key])]
    return overrides


def _enabled(node: Node) -> bool:
    for names in (("se", "selfEnabled"), ("en", "enabled")):
        for name in names:
            if name in node.attrs:
                if not as_bool(node.attrs[name], True):
                    return False
                break
    return True


def _operation(node: Node) -> Optional[Tuple[Any, ...]]:
    """``("set", value)`` / ``("rel", multiply, offset)`` of an override node, or None."""
    if node.type.startswith("rel"):
        multiply = as_float(node.attrs.get("mul", node.attrs.get("multiply")), 1.0)
        offset = as_float(node.attrs.get("ofs", node.attrs.get("offset")), 0.0)
        return ("rel", multiply, offset)
    value = node.attrs.get("atv", node.attrs.get("attrValue"))
    return None if value is None else ("set", value)


def _selector_patterns(scene: "MayaAsciiScene", collection_name: str) -> Tuple[Any, Any]:
    """``(patterns, static names)`` of the selector of a Render Setup collection."""
    selector = scene.nodes.get(scene.selectors.get(collection_name, ""))
    if selector is None:
        return [], []
    pattern = selector.attrs.get("pat", selector.attrs.get("pattern"))
    static = selector.attrs.get("ssl", selector.attrs.get("staticSelection"))
    patterns = [part.strip() for part in pattern.split(",")] if isinstance(pattern, str) \
        else []
    names = [line.strip() for line in static.splitlines()] if isinstance(static, str) else []
    return [part for part in patterns if part], [name for name in names if name]


def _selects(camera: "Camera", patterns: List[Union[Any, str]],
             static_names: List[Union[Any, str]]) -> bool:
    """Whether a collection selecting ``patterns`` / ``static_names`` holds ``camera``."""
    components = camera.full_path.lstrip("|").split("|")
    for name in static_names:
        if name.startswith("|"):
            if (camera.full_path + "|").startswith(name + "|"):
                return True
        elif name.split("|")[-1] in components:
            return True
    selected = False
    for pattern in patterns:
        exclude = pattern.startswith("-")
        pattern = pattern.lstrip("-")
        bare = pattern[2:] if pattern.startswith("::") else pattern
        hit = any(fnmatch.fnmatchcase(part, bare)
                  or (pattern.startswith("::")
                      and fnmatch.fnmatchcase(part.rpartition(":")[2], bare))
                  for part in components)
        if hit:
            selected = not exclude
    return selected


def render_setup_overrides(scene: "MayaAsciiScene", overrides: Dict[str, Any],
                           camera_index: CameraIndex) -> None:
    """Add the overrides of every Render Setup layer to ``overrides`` (its ``rs_`` layer).

    Render settings collections: absolute and relative overrides of the node their
    ``targetNodeName`` names. Object collections: overrides of ``renderable`` on the cameras
    their selectors select. Disabled layers, collections and overrides count for nothing.

    Overrides are applied in the order Maya applies them: the layer's list from top to
    bottom, depth first (a collection's members, subcollections included, in their list
    order where the collection stands); of two overrides of one attribute the later one
    wins: a later collection's over an earlier collection's subcollection, a subcollection's
    over its parent's override above it.
    """
    children: Dict[Any, Any] = {}
    for child, parent in scene.render_setup_parents:
        children.setdefault(parent, []).append(child)
    for layer in [node for node in scene.nodes.values() if node.type == "renderSetupLayer"]:
        layer_overrides = overrides.setdefault("rs_" + layer.name, {})
        # Depth first, in list order: a stack holding each list reversed pops it in order.
        pending = [(child, None) for child in reversed(children.get(layer.name, []))]
        seen = set()
        while pending:
            name, collection = pending.pop()
            node = scene.nodes.get(name)
            if node is None or name in seen or not _enabled(node):
                continue
            seen.add(name)
            if node.type in _OVERRIDE_TYPES:
                _add_override(scene, node, collection, layer_overrides, camera_index)
                continue
            inner = node if node.type in ("collection", "renderSettingsCollection") \
                else collection
            pending.extend((child, inner) for child in reversed(children.get(name, [])))


def _add_override(scene: "MayaAsciiScene", node: Node, collection: Optional[Node],
                  layer_overrides: Dict[Tuple[str, str], Any], camera_index: CameraIndex) -> None:
    attr = node.attrs.get("atr", node.attrs.get("attribute"))
    operation = _operation(node)
    if collection is None or not isinstance(attr, str) or operation is None:
        return
    if collection.type == "renderSettingsCollection":
        target = node.attrs.get("tgName", node.attrs.get("targetNodeName"))
        if isinstance(target, str) and target:
            camera = camera_index.find(target.lstrip(":"))
            target = camera.key if camera is not None else target.lstrip(":")
            layer_overrides.setdefault((target, attr), []).append(operation)
        return
    if attr not in _RENDERABLE:
        return
    patterns, static_names = _selector_patterns(scene, collection.name)
    for camera in camera_index.cameras:
        if _selects(camera, patterns, static_names):
            layer_overrides.setdefault((camera.key, attr), []).append(operation)


# ---------------------------------------------------------------------------- layers

def layer_nodes(scene: "MayaAsciiScene") -> List[Node]:
    """The scene's own render layers (master first), referenced files' layers left out."""
    layers = [node for node in scene.nodes.values()
              if node.type == "renderLayer" and ":" not in node.name]
    if not any(layer.name == MASTER_LAYER for layer in layers):
        layers.insert(0, Node("renderLayer", MASTER_LAYER, None, {}))
    return layers


def scene_info(scene: "MayaAsciiScene",
               referenced_cameras: Sequence[Any] = ()) -> Dict[str, Any]:
    """task.json ``scene_info``: one entry per render layer of ``scene``.

    Args:
        scene: The top :class:`~rayvision_maya.ma_reader.MayaAsciiScene`.
        referenced_cameras (list): ``(key, full path, node)`` of referenced scenes' cameras.
    """
    cameras = name_cameras(scene_cameras(scene) + list(referenced_cameras))
    camera_index = CameraIndex(cameras)
    overrides = legacy_overrides(scene, camera_index)
    render_setup_overrides(scene, overrides, camera_index)
    nodes = dict(scene.nodes)
    nodes.update((camera.key, camera.node) for camera in cameras)
    info: Dict[Any, Any] = collections.OrderedDict()
    for layer in layer_nodes(scene):
        view = LayerView(nodes, overrides.get(layer.name, {}))
        renderable = as_bool(layer.attrs.get("rndr", layer.attrs.get("renderable")), True)
        info[layer.name] = collections.OrderedDict([
            ("renderable", "1" if renderable else "0"),
            ("is_default_camera", "1"),
            ("option", ""),
            ("env", {}),
            ("common", layer_common(view, cameras)),
        ])
    return info


def layer_frames(view: LayerView) -> Tuple[float, float, float, bool]:
    """``(start, end, by_frame, animation)`` Maya renders for one layer.

    With animation off Maya renders the current frame (``time1.outTime``) only.
    """
    animation = as_bool(view.get(GLOBALS, ("an", "animation")), False)
    if not animation:
        current = as_float(view.get("time1", ("o", "outTime"), tables.DEFAULT_CURRENT_FRAME),
                           tables.DEFAULT_CURRENT_FRAME)
        return current, current, 1.0, False
    start = as_float(view.get(GLOBALS, ("fs", "startFrame"), tables.DEFAULT_START),
                     tables.DEFAULT_START)
    end = as_float(view.get(GLOBALS, ("ef", "endFrame"), tables.DEFAULT_END),
                   tables.DEFAULT_END)
    by_frame = as_float(view.get(GLOBALS, ("bfs", "byFrameStep"), tables.DEFAULT_BY_FRAME),
                        tables.DEFAULT_BY_FRAME)
    return start, end, by_frame, True


def layer_common(view: LayerView, cameras: List[Union[Any, Camera]]) -> collections.OrderedDict:
    """The task.json ``common`` block of one layer."""
    renderer = view.get(GLOBALS, ("ren", "currentRenderer"), tables.DEFAULT_RENDERER)
    if not isinstance(renderer, str) or not renderer:
        renderer = tables.DEFAULT_RENDERER
    prefix = view.get(GLOBALS, ("ifp", "imageFilePrefix"), "")
    if renderer == "vray":
        prefix = view.get("vraySettings", ("fnprx", "fileNamePrefix"), prefix)
    start, end, by_frame, animation = layer_frames(view)
    start_text, end_text, by_text = number_text(start), number_text(end), number_text(by_frame)
    render_camera = [camera.name for camera in cameras
                     if as_bool(view.get(camera.key, _RENDERABLE), True)]
    width = view.get("defaultResolution", ("w", "width"), tables.DEFAULT_WIDTH)
    height = view.get("defaultResolution", ("h", "height"), tables.DEFAULT_HEIGHT)
    return collections.OrderedDict([
        ("renderer", renderer),
        ("image_file_prefix", prefix if isinstance(prefix, str) else ""),
        ("start", start_text),
        ("end", end_text),
        ("by_frame", by_text),
        ("frames", "{}-{}[{}]".format(start_text, end_text, by_text)),
        ("all_camera", [camera.name for camera in cameras]),
        ("render_camera", render_camera),
        ("renumber_frames", str(as_bool(view.get(GLOBALS, ("mex", "modifyExtension")),
                                        False))),
        ("width", number_text(width)),
        ("height", number_text(height)),
        ("image_format", image_format(view, renderer)),
        ("animation", str(animation)),
    ])


def image_format(view: LayerView, renderer: str) -> str:
    """The output image format (extension) of one layer."""
    if renderer == "arnold":
        value = view.get("defaultArnoldDriver", ("ai_translator", "aiTranslator"), "exr")
        return value if isinstance(value, str) and value else "exr"
    if renderer == "vray":
        value = view.get("vraySettings", ("imageFormatStr", "ifs"), "png")
        return value if isinstance(value, str) and value else "png"
    if renderer == "redshift":
        value = view.get("redshiftOptions", ("imageFormat", "if"), 1)
        return tables.REDSHIFT_IMAGE_FORMATS.get(value, str(value))
    key = view.get(GLOBALS, ("imfkey", "imfPluginKey"), "")
    if isinstance(key, str) and key:
        return key
    # Maya writes imageFormat under its short name "outf" (older readers said "if").
    value = view.get(GLOBALS, ("outf", "if", "imageFormat"), tables.DEFAULT_IMAGE_FORMAT)
    extension = tables.IMAGE_FORMATS.get(value, str(value))
    # 50/51 mean "the format imfkey names"; without a key Maya writes iff.
    return "iff" if extension == "imfkey" else extension
