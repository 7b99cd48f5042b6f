# -*- coding: utf-8 -*-
"""Scene analysis inside Maya (maya -batch / mayabatch.exe), Python 2.7 and 3.

Entry point: ``analyze_maya(options)`` with the documented option keys ``cg_file``,
``task_json``, ``asset_json``, ``tips_json``, ``cg_project``, ``cg_plugins``, ``cg_version``,
``user_id``, ``channel``. It opens the scene and writes:

* task.json  -- the file the SDK wrote, plus ``scene_info`` (one entry per render layer);
* asset.json -- ``{"asset": [{node, type, attr, value, resolved, kind, frame_extension,
  uv_tiling_mode}...], "plugins": {name: version}, "render_layer_type": "0"|"1",
  "maya_version": "..."}``; the SDK then expands sequences and checks which files exist;
* tips.json  -- ``{}``, or ``{"999": [error]}`` when the analysis failed.

Only public ``maya.cmds`` calls are used: file, about, ls, getAttr, objExists,
attributeQuery, editRenderLayerGlobals, referenceQuery, pluginInfo, workspace.
"""

import io
import json
import os
import re
import sys
import traceback

try:
    from rayvision_maya.dcc import tables
except ImportError:  # inside Maya: this folder is on sys.path
    import tables

_RENDER_GLOBALS = "defaultRenderGlobals"
_RESOLUTION = "defaultResolution"
_SKIP_REFERENCE_NODES = ("sharedReferenceNode", "_UNKNOWN_REF_NODE_")


def _text(value):
    """Unicode text on Python 2 and 3."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def write_json(path, data):
    """Write ``data`` as UTF-8 json (temp file then rename)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    text = _text(text)
    tmp_path = path + ".part"
    with io.open(tmp_path, "w", encoding="utf-8") as handle:
        handle.write(text)
    if os.path.exists(path):
        os.remove(path)
    os.rename(tmp_path, path)


def read_json(path):
    """Load a json file, ``{}`` when absent."""
    if not os.path.exists(path):
        return {}
    with io.open(path, "r", encoding="utf-8") as handle:
        return json.load(handle)


def _number_text(value):
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _get(cmds, plug, default=None):
    """``cmds.getAttr(plug)`` or ``default`` when the node or attribute is absent."""
    node, _, attr = plug.partition(".")
    if not cmds.objExists(node) or not cmds.attributeQuery(attr, node=node, exists=True):
        return default
    value = cmds.getAttr(plug)
    return default if value is None else value


def image_format(cmds, renderer):
    """Output image format (extension) of the current layer."""
    if renderer == "arnold":
        # MtoA versions differ in the attribute's long name.
        value = (_get(cmds, "defaultArnoldDriver.aiTranslator")
                 or _get(cmds, "defaultArnoldDriver.ai_translator"))
        return _text(value) or "exr"
    if renderer == "vray":
        return _text(_get(cmds, "vraySettings.imageFormatStr", "png")) or "png"
    if renderer == "redshift":
        value = _get(cmds, "redshiftOptions.imageFormat", 1)
        return tables.REDSHIFT_IMAGE_FORMATS.get(value, str(value))
    key = _get(cmds, _RENDER_GLOBALS + ".imfPluginKey", "")
    if key:
        return _text(key)
    value = _get(cmds, _RENDER_GLOBALS + ".imageFormat", tables.DEFAULT_IMAGE_FORMAT)
    extension = tables.IMAGE_FORMATS.get(value, str(value))
    # 50/51 mean "the format imfPluginKey names"; without a key Maya writes iff.
    return "iff" if extension == "imfkey" else extension


def layer_frames(cmds):
    """``(start, end, by_frame, animation)`` Maya renders for the current layer.

    With animation off Maya renders the current frame (``time1.outTime``) only.
    """
    if not _get(cmds, _RENDER_GLOBALS + ".animation", False):
        current = _number_text(_get(cmds, "time1.outTime", tables.DEFAULT_CURRENT_FRAME))
        return current, current, "1", False
    start = _number_text(_get(cmds, _RENDER_GLOBALS + ".startFrame", tables.DEFAULT_START))
    end = _number_text(_get(cmds, _RENDER_GLOBALS + ".endFrame", tables.DEFAULT_END))
    by_frame = _number_text(_get(cmds, _RENDER_GLOBALS + ".byFrameStep",
                                 tables.DEFAULT_BY_FRAME))
    return start, end, by_frame, True


def scene_cameras(cmds):
    """``[(name, full DAG path)]``: short names, full paths where short names collide."""
    paths = []
    for camera_type in tables.CAMERA_TYPES:
        for path in cmds.ls(type=camera_type, long=True) or []:
            path = _text(path)
            if path not in paths:
                paths.append(path)
    shorts = [path.rpartition("|")[2] for path in paths]
    return [(short if shorts.count(short) == 1 else path, path)
            for short, path in zip(shorts, paths)]


def layer_common(cmds, cameras):
    """Render settings of the current render layer, in the task.json ``common`` format.

    ``cameras``: ``[(name, full DAG path)]`` of :func:`scene_cameras`.
    """
    renderer = _text(_get(cmds, _RENDER_GLOBALS + ".currentRenderer",
                          tables.DEFAULT_RENDERER)) or tables.DEFAULT_RENDERER
    prefix = _get(cmds, _RENDER_GLOBALS + ".imageFilePrefix", "") or ""
    if renderer == "vray":
        prefix = _get(cmds, "vraySettings.fileNamePrefix", prefix) or prefix
    start, end, by_frame, animation = layer_frames(cmds)
    render_camera = [name for name, path in cameras if _get(cmds, path + ".renderable", True)]
    return {
        "renderer": renderer,
        "image_file_prefix": _text(prefix),
        "start": start,
        "end": end,
        "by_frame": by_frame,
        "frames": "%s-%s[%s]" % (start, end, by_frame),
        "all_camera": [name for name, _path in cameras],
        "render_camera": render_camera,
        "renumber_frames": str(bool(_get(cmds, _RENDER_GLOBALS + ".modifyExtension", False))),
        "width": _number_text(_get(cmds, _RESOLUTION + ".width", tables.DEFAULT_WIDTH)),
        "height": _number_text(_get(cmds, _RESOLUTION + ".height", tables.DEFAULT_HEIGHT)),
        "image_format": image_format(cmds, renderer),
        "animation": str(animation),
    }


def _is_referenced(cmds, node):
    try:
        return bool(cmds.referenceQuery(node, isNodeReferenced=True))
    except RuntimeError:
        return False


def collect_layers(cmds):
    """``(scene_info, render_layer_type)``: one entry per render layer of the scene."""
    layers = [layer for layer in (cmds.ls(type="renderLayer") or [])
              if not _is_referenced(cmds, layer)]
    cameras = scene_cameras(cmds)
    layer_type = "1" if cmds.ls(type="renderSetupLayer") else "0"
    current = cmds.editRenderLayerGlobals(query=True, currentRenderLayer=True)
    scene_info = {}
    try:
        for layer in layers:
            try:
                cmds.editRenderLayerGlobals(currentRenderLayer=layer)
            except RuntimeError as error:  # a layer Maya refuses to show: skip it, say why
                sys.stdout.write("cannot switch to render layer %s: %s\n" % (layer, error))
                continue
            scene_info[layer] = {
                "renderable": "1" if _get(cmds, layer + ".renderable", True) else "0",
                "is_default_camera": "1",
                "option": "",
                "env": {},
                "common": layer_common(cmds, cameras),
            }
    finally:
        if current:
            cmds.editRenderLayerGlobals(currentRenderLayer=current)
    return scene_info, layer_type


def _resolve(cmds, value):
    """Maya's own resolution of a (project-relative) path."""
    try:
        return _text(cmds.workspace(expandName=value))
    except RuntimeError:
        return value


def collect_assets(cmds):
    """Files the scene names, as Maya sees them (not yet checked for existence)."""
    assets = []
    seen = set()
    for node_type in sorted(tables.FILE_ATTRIBUTES):
        try:
            nodes = cmds.ls(type=node_type) or []
        except RuntimeError:  # node type of a plugin that is not loaded
            nodes = []
        for node in nodes:
            ufe = tables.FRAME_EXTENSION_ATTRIBUTES.get(node_type)
            frame_extension = bool(_get(cmds, node + "." + ufe[0], False)) if ufe else False
            tiling = 0
            if node_type == "file":
                tiling = _get(cmds, node + "." + tables.UV_TILING_ATTRIBUTE[0], 0) or 0
            for long_name, _short, kind in tables.FILE_ATTRIBUTES[node_type]:
                value = _get(cmds, node + "." + long_name)
                if node_type == "cacheFile" and value:
                    name = _get(cmds, node + ".cacheName", "")
                    value = value.rstrip("/\\") + "/" + name + ".xml" if name else value
                for item in (value if isinstance(value, (list, tuple)) else [value]):
                    if not item:
                        continue
                    item = _text(item)
                    resolved = _resolve(cmds, item)
                    seen.update((item, resolved))
                    assets.append({"node": node, "type": node_type, "attr": long_name,
                                   "value": item, "resolved": resolved,
                                   "kind": kind, "frame_extension": frame_extension,
                                   "uv_tiling_mode": int(tiling)})
    for reference_node in cmds.ls(type="reference") or []:
        if any(skip in reference_node for skip in _SKIP_REFERENCE_NODES):
            continue
        try:
            path = cmds.referenceQuery(reference_node, filename=True, withoutCopyNumber=True)
            loaded = cmds.referenceQuery(reference_node, isLoaded=True)
        except RuntimeError:
            continue
        path = _text(path)
        seen.add(path)
        assets.append({"node": reference_node, "type": "reference", "attr": "fileName",
                       "value": path, "resolved": path, "kind": "reference",
                       "deferred": not loaded})
    # Whatever else Maya knows the scene depends on.
    scene = _text(cmds.file(query=True, sceneName=True) or "")
    for path in cmds.file(query=True, list=True) or []:
        path = _text(path)
        if path in seen or path == scene:
            continue
        seen.add(path)
        assets.append({"node": "", "type": "", "attr": "", "value": path, "resolved": path,
                       "kind": "other"})
    return assets


def collect_plugins(cmds):
    """Plugins the scene uses: ``{name: version}``."""
    in_use = cmds.pluginInfo(query=True, pluginsInUse=True) or []
    return {_text(in_use[index]): _text(in_use[index + 1])
            for index in range(0, len(in_use) - 1, 2)}


def analyze_maya(options):
    """Open ``options["cg_file"]`` in Maya and write task/asset/tips json (see module doc)."""
    from maya import cmds

    tips_json = options["tips_json"]
    try:
        project = options.get("cg_project")
        if project and os.path.isdir(project):
            cmds.workspace(project, openWorkspace=True)
        cmds.file(options["cg_file"], open=True, force=True, ignoreVersion=True,
                  prompt=False)
        scene_info, layer_type = collect_layers(cmds)
        asset_info = {
            "asset": collect_assets(cmds),
            "plugins": collect_plugins(cmds),
            "render_layer_type": layer_type,
            "maya_version": _text(cmds.about(version=True)),
        }
        task_info = read_json(options["task_json"])
        task_info["scene_info"] = scene_info
        write_json(options["asset_json"], asset_info)
        write_json(tips_json, {})
        write_json(options["task_json"], task_info)
    except Exception as error:  # report every failure to the SDK through tips.json
        traceback.print_exc()
        message = re.sub(r"\s+", " ", "%s: %s" % (type(error).__name__, error))
        write_json(tips_json, {"999": [message]})
        raise
    sys.stdout.write("rayvision analysis done: %s\n" % options["task_json"])
    return True
