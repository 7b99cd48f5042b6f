# -*- coding: utf-8 -*-
"""Project analysis inside Clarisse (Python 2.7 and 3), public ``ix`` API only.

Run by the SDK as ``cnode <scene.project> -script clarisse_analyse.py``. cnode loads the
project, then runs this script, which reads its options from the json file named by the
environment variable ``RAYVISION_CLARISSE_OPTIONS``::

    {"cg_file": ..., "task_json": ..., "asset_json": ..., "tips_json": ...}

and writes:

* task.json: the file the SDK wrote plus ``scene_info = {"image_node": [...]}``;
* asset.json: ``{"Refs": {"<object>.<attr>": [value]}, "References": {context: filename}}``
  -- the SDK resolves them into files with the rules of its static parser;
* tips.json: the existing tips (this script adds none; missing files are the SDK's job).
"""

from __future__ import print_function

import io
import json
import os
import sys

OPTIONS_ENV_VARIABLE = "RAYVISION_CLARISSE_OPTIONS"
IMAGE_FORMATS = {
    0: "exr16", 1: "exr32", 2: "tif8", 3: "tif16", 4: "tif32", 5: "jpg", 6: "bmp", 7: "tga",
    8: "png8", 9: "png16", 10: "psd8", 11: "psd16", 12: "psd32", 13: "dpx10", 14: "dpx16",
    15: "cin",
}
OUTPUT_HINT = "VISUAL_HINT_FILENAME_SAVE"


def read_json(path):
    """Load a json file; {} when missing or empty."""
    if not path or not os.path.isfile(path):
        return {}
    with io.open(path, "r", encoding="utf-8") as handle:
        text = handle.read()
    return json.loads(text) if text.strip() else {}


def write_json(path, data):
    """Write json atomically (temp file, then replace)."""
    temp = path + ".tmp"
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if not isinstance(text, type(u"")):
        text = text.decode("utf-8")
    with io.open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
    if os.path.exists(path) and sys.platform.startswith("win"):
        os.remove(path)
    os.rename(temp, path)


def _attr(obj, name):
    return obj.attribute_exists(name)


def _long(obj, name, default=None):
    attr = _attr(obj, name)
    return attr.get_long() if attr is not None else default


def _text(obj, name, default=""):
    attr = _attr(obj, name)
    return attr.get_string() if attr is not None else default


def _flag(obj, name, default="0"):
    attr = _attr(obj, name)
    if attr is None:
        return default
    return "1" if attr.get_bool() else "0"


def _frames(obj, fallback=None):
    first = _long(obj, "first_frame")
    last = _long(obj, "last_frame")
    if first is None or last is None:
        if fallback is not None:
            return fallback
        first = last = first if first is not None else 0
    step = _long(obj, "frame_step") or 1
    return "{0}-{1}[{2}]".format(first, last, step)


def _format(obj):
    attr = _attr(obj, "format")
    if attr is None:
        return ""
    value = attr.get_long()
    return IMAGE_FORMATS.get(value, str(value))


def _layers(obj):
    attr = _attr(obj, "layers")
    if attr is None:
        return []
    return [attr.get_object(index) for index in range(attr.get_value_count())]


def image_entry(image):
    """The task.json entry of an Image and of its 3D layers."""
    frames = _frames(image)
    entry = {
        "frames": frames,
        "renderable": "0",
        "output": _text(image, "save_as"),
        "format": _format(image),
        "LUT": _text(image, "lut") or "linear",
        "save_to_disk": _flag(image, "save_to_disk"),
        "name": image.get_full_name(),
        "layers": [],
    }
    for layer in _layers(image):
        if layer is None:
            continue
        entry["layers"].append({
            "frames": _frames(layer, fallback=frames),
            "renderable": "0" if layer.is_disabled() else "1",
            "output": _text(layer, "save_as"),
            "format": _format(layer),
            "enable_deep_output": _flag(layer, "enable_deep_output"),
            "save_to_disk": _flag(layer, "save_to_disk"),
            "enable_deep_output_path": _text(layer, "deep_output_path"),
            "name": layer.get_full_name(),
        })
    return entry


def collect_images(ix):
    """Every Image object of the project (referenced contexts included)."""
    objects = ix.api.OfObjectArray()
    ix.application.get_factory().get_all_objects("Image", objects)
    return [image_entry(objects[index]) for index in range(objects.get_count())]


def collect_references(ix):
    """Path attributes Clarisse reads from, and the files of referenced contexts."""
    refs = {}
    for attr in ix.api.OfAttr.get_path_attrs():
        owner = attr.get_parent_object()
        if owner.is_disabled() or attr.is_private():
            continue
        if ix.api.OfAttr.get_visual_hint_name(attr.get_visual_hint()) == OUTPUT_HINT:
            continue
        value = attr.get_string()
        if not value:
            continue
        refs["{0}.{1}".format(owner.get_full_name(), attr.get_name())] = [value]
    references = {}
    contexts = ix.api.OfContextSet()
    ix.application.get_factory().get_root().resolve_all_contexts(contexts)
    for context in contexts:
        if context.is_reference() and not context.is_disabled():
            references[context.get_full_name()] = context.get_attribute("filename").get_string()
    return refs, references


def analyse(ix, options):
    """Write the json files named in ``options``."""
    images = collect_images(ix)
    refs, references = collect_references(ix)
    task = read_json(options["task_json"])
    task["scene_info"] = {"image_node": images}
    write_json(options["task_json"], task)
    write_json(options["asset_json"], {"Refs": refs, "References": references})
    write_json(options["tips_json"], read_json(options["tips_json"]))


def main():
    """Entry point inside Clarisse."""
    options = read_json(os.environ.get(OPTIONS_ENV_VARIABLE))
    missing = [key for key in ("task_json", "asset_json", "tips_json") if key not in options]
    if missing:
        print("[clarisse_analyse] no options ({0} not set or incomplete: {1})".format(
            OPTIONS_ENV_VARIABLE, ", ".join(missing)))
        return 1
    import ix  # only available inside Clarisse

    analyse(ix, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
