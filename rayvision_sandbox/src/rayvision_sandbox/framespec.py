"""Derive the frames of a task from its uploaded task.json (pure functions).

Supported scene descriptions (``scene_info_render``, else ``scene_info``):

- Maya: ``{layer_name: {"renderable": "1", "common": {"frames": "1-10[1]", ...}}}``;
- Houdini: ``{"rop_node": [{"node": "/out/mantra1", "frames": "1-10[1]", "render": "1"}]}``;
- Clarisse: ``{"image_node": [{"name", "frames", "renderable", "layers": [...]}]}``.

``task_info.frames_per_task`` groups consecutive frames of a layer into one farm frame;
``task_info.pre_frames`` (``"XYZ"`` first/middle/last flags, optionally ``":1,3-4[1]"``)
selects priority frames that render first.
"""

import re
from typing import Any, List

from rayvision_sandbox import constants

_RANGE = re.compile(r"^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*)?(?:\[\s*(\d+)\s*\])?\s*$")
MAX_FRAMES = 100000


class TaskJsonError(ValueError):
    """task.json does not describe any renderable frame; the message says where."""


def parse_frame_range(text, where: str = "frames"):
    """Expand a frame range string: ``"1-10[2]"``, ``"5"``, ``"1,3-4[1]"``.

    Args:
        text (str): The range text.
        where (str): Name of the field, for error messages.

    Returns:
        list[int]: Frame numbers in order, without duplicates.

    Raises:
        TaskJsonError: The text is not a frame range.
    """
    numbers: List[Any] = []
    seen = set()
    for part in str(text).split(","):
        if not part.strip():
            continue
        match = _RANGE.match(part)
        if not match:
            raise TaskJsonError("{0}: {1!r} is not a frame range like '1-10[1]'".format(
                where, text))
        try:
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) is not None else start
            step = int(match.group(3) or 1)
        except ValueError:  # more digits than Python turns into an int
            raise TaskJsonError("{0}: {1!r} is not a frame range like '1-10[1]'".format(
                where, _short(text)))
        if step < 1 or end < start:
            raise TaskJsonError("{0}: {1!r} is an empty frame range".format(where, text))
        if (end - start) // step + len(numbers) > MAX_FRAMES:
            raise TaskJsonError("{0}: {1!r} has more than {2} frames".format(
                where, text, MAX_FRAMES))
        for number in range(start, end + 1, step):
            if number not in seen:
                seen.add(number)
                numbers.append(number)
    return numbers


def _short(text):
    text = str(text)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(value, where):
    """``value`` when it is a JSON object (None: an empty one); else a TaskJsonError."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TaskJsonError("{0} must be an object, got {1}".format(where, _short(repr(value))))
    return value


def _items(value, where):
    """``value`` when it is a JSON list (None: an empty one); else a TaskJsonError."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TaskJsonError("{0} must be a list, got {1}".format(where, _short(repr(value))))
    return value


def _text(value, where):
    """A name or camera: a string, a number, or a list of strings joined by commas."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ",".join(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TaskJsonError("{0} must be a string, got {1}".format(where, _short(repr(value))))
    return str(value)


def _is_on(value, default: str = "1") -> bool:
    return str(value if value is not None else default).strip() not in ("0", "", "False",
                                                                       "false")


def _maya_layers(scene):
    layers = []
    for name, layer in scene.items():
        if not isinstance(layer, dict) or not _is_on(layer.get("renderable")):
            continue
        common = _object(layer.get("common"), "{0}.common".format(name))
        frames = common.get("frames")
        if not frames and common.get("start") is not None:
            frames = "{0}-{1}[{2}]".format(common.get("start"), common.get("end")
                                           or common.get("start"), common.get("by_frame") or 1)
        if not frames:
            continue
        layers.append({"name": name, "range": str(frames),
                       "frames": parse_frame_range(frames, "{0}.common.frames".format(name)),
                       "width": common.get("width"), "height": common.get("height"),
                       "camera": _text(common.get("render_camera") or [],
                                       "{0}.common.render_camera".format(name))})
    return layers


def _houdini_layers(scene):
    layers = []
    for index, node in enumerate(_items(scene.get("rop_node"), "rop_node")):
        if not isinstance(node, dict) or not _is_on(node.get("render")):
            continue
        frames = node.get("frames")
        if not frames:
            continue
        name = _text(node.get("node") or "rop{0}".format(index), "rop_node[{0}].node".format(
            index))
        layers.append({"name": name, "range": str(frames),
                       "frames": parse_frame_range(frames, "rop_node[{0}].frames".format(index)),
                       "width": node.get("width"), "height": node.get("height"),
                       "camera": _text(node.get("camera") or "",
                                       "rop_node[{0}].camera".format(index))})
    return layers


def _clarisse_layers(scene):
    layers = []
    for index, image in enumerate(_items(scene.get("image_node"), "image_node")):
        if not isinstance(image, dict):
            continue
        where = "image_node[{0}]".format(index)
        if _is_on(image.get("renderable"), "0") and image.get("frames"):
            layers.append({"name": _text(image.get("name") or where, where + ".name"),
                           "range": str(image["frames"]),
                           "frames": parse_frame_range(image["frames"], where + ".frames"),
                           "width": None, "height": None, "camera": ""})
        for sub_index, layer in enumerate(_items(image.get("layers"), where + ".layers")):
            if not isinstance(layer, dict) or not _is_on(layer.get("renderable"), "0"):
                continue
            frames = layer.get("frames") or image.get("frames")
            if not frames:
                continue
            sub_where = "{0}.layers[{1}].frames".format(where, sub_index)
            layers.append({"name": _text(layer.get("name") or sub_where, sub_where[:-7] + ".name"),
                           "range": str(frames),
                           "frames": parse_frame_range(frames, sub_where),
                           "width": None, "height": None, "camera": ""})
    return layers


def render_layers(task_json):
    """The renderable layers/nodes of a task.json.

    Returns:
        list[dict]: ``{"name", "range", "frames", "width", "height", "camera"}`` per layer.

    Raises:
        TaskJsonError: Nothing renderable, or a malformed range.
    """
    if not isinstance(task_json, dict):
        raise TaskJsonError("task.json must hold a JSON object")
    scene = task_json.get("scene_info_render") or task_json.get("scene_info") or {}
    if not isinstance(scene, dict):
        raise TaskJsonError("scene_info_render must be an object")
    if "rop_node" in scene or "geo_node" in scene:
        layers = _houdini_layers(scene)
    elif "image_node" in scene:
        layers = _clarisse_layers(scene)
    else:
        layers = _maya_layers(scene)
    if not layers:
        raise TaskJsonError("task.json has no renderable layer, ROP or image in "
                            "scene_info_render/scene_info")
    return layers


def _priority_numbers(frames, pre_frames):
    text = str(pre_frames or "000")
    flags, _, custom = text.partition(":")
    chosen = set()
    if frames:
        if flags[:1] == "1":
            chosen.add(frames[0])
        if flags[1:2] == "1":
            chosen.add(frames[len(frames) // 2])
        if flags[2:3] == "1":
            chosen.add(frames[-1])
    if custom.strip():
        chosen.update(number for number in parse_frame_range(custom, "pre_frames")
                      if number in frames)
    return chosen


def _chunks(numbers, size):
    for index in range(0, len(numbers), size):
        yield numbers[index:index + size]


def frame_index(numbers):
    """``frameIndex`` text of a farm frame: ``"5"`` or ``"1-3"`` / ``"1-5[2]"``."""
    if len(numbers) == 1:
        return str(numbers[0])
    step = numbers[1] - numbers[0]
    if step == 1:
        return "{0}-{1}".format(numbers[0], numbers[-1])
    return "{0}-{1}[{2}]".format(numbers[0], numbers[-1], step)


def plan_frames(task_json):
    """Farm frames of a task: priority frames first, then the main frames.

    Returns:
        list[dict]: ``{"layer", "numbers", "frame_index", "frame_type"}`` in render order.
    """
    if not isinstance(task_json, dict):
        raise TaskJsonError("task.json must hold a JSON object")
    info = _object(task_json.get("task_info"), "task_info")
    try:
        per_task = int(str(info.get("frames_per_task") or "1"))
    except ValueError:
        raise TaskJsonError("task_info.frames_per_task must be a whole number, got {0!r}".format(
            info.get("frames_per_task")))
    if per_task < 1:
        raise TaskJsonError("task_info.frames_per_task must be >= 1, got {0}".format(per_task))
    priority, main = [], []
    for layer in render_layers(task_json):
        chosen = _priority_numbers(layer["frames"], info.get("pre_frames"))
        for number in layer["frames"]:
            if number in chosen:
                priority.append({"layer": layer["name"], "numbers": [number],
                                 "frame_type": constants.FRAME_TYPE_PRIORITY})
        rest = [number for number in layer["frames"] if number not in chosen]
        for chunk in _chunks(rest, per_task):
            main.append({"layer": layer["name"], "numbers": chunk,
                         "frame_type": constants.FRAME_TYPE_MAIN})
    frames = priority + main
    for frame in frames:
        frame["frame_index"] = frame_index(frame["numbers"])
    return frames


def frames_range_text(layers):
    """``framesRange`` of a task: each layer's range, Houdini nodes prefixed by their path."""
    parts = []
    for layer in layers:
        if layer["name"].startswith("/"):
            parts.append("{0}{1}".format(layer["name"], layer["range"]))
        else:
            parts.append(layer["range"])
    return ";".join(dict.fromkeys(parts))


def layer_folder(name):
    """Output folder name of a layer, node or image.

    ``/out/mantra1`` -> ``out_mantra1``; ``project://scene/cam02.layer02`` -> ``cam02.layer02``.
    """
    text = str(name)
    if "://" in text:
        text = text.split("://", 1)[1].rsplit("/", 1)[-1]
    text = text.strip("/").replace("/", "_").replace("\\", "_").replace(":", "_")
    return text or "layer"
