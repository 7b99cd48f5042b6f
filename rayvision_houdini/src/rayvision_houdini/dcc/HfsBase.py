# -*- coding: utf-8 -*-
"""Scene analysis inside hython (Python 2.7 and 3), public ``hou`` API only.

Command contract (what ``AnalyzeHoudini.build_dcc_command`` runs)::

    hython HfsBase.py -project <scene> -task <task.json> -asset <asset.json>
        -tips <tips.json> [-success <marker file>] [-db <folder of data_tl.db>]

It loads the scene with simulations off and manual cooking, then writes:

* task.json: the file the SDK wrote, plus ``scene_info`` =
  ``{"geo_node": [...], "rop_node": [...], "distributedsim_node": [...]}``;
* asset.json: ``{"Refs": {parm_path: [raw, expanded, node_type, parm_name]}, "camera": {...},
  "notes": [...]}`` -- the SDK turns ``Refs`` into Normal/Miss/... with the same rules as its
  static reader (a fifth item ``"load"`` marks a ROP cache set to Load), and ``notes`` (plain
  English, e.g. ROPs left out) into ``analyzer.notes``;
* tips.json: the existing tips plus camera tips (50002/50003) and slice tips (50007/50008);
* the success marker (``{'is_success': 1}``) and new rows of the reference-type database.

Exit code 0 on success, 1 on a bad command line or an unreadable scene.
"""

from __future__ import print_function

import argparse
import io
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import hfs_rules  # noqa: E402
import HfsSql  # noqa: E402

CAMERA_ERROR = "50002"
CAMERA_WARNING = "50003"
SLICE_TYPE_NOTSUPPORT = "50007"
SLICES_TOO_MANY = "50008"
# The SDK's "only part of the scene could be read" warning (rayvision_utils tips_code).
SCENE_PARTLY_READ = "15035"

_FRAME_TOKEN = re.compile(r"\$\{?F(F|\d*)\}?(?![A-Za-z_])")
_MASK = re.compile(r"@@RVF(F|\d*)@@")
_TEXT_TYPES = (str, type(u""))


def parse_args(argv):
    """The documented flags: -project -task -asset -tips (required), -success -db."""
    parser = argparse.ArgumentParser(prog="HfsBase.py",
                                     description="Analyse a Houdini scene for the farm.")
    parser.add_argument("-project", required=True, help="scene file (.hip/.hipnc/.hiplc)")
    parser.add_argument("-task", required=True, help="task.json to complete")
    parser.add_argument("-asset", required=True, help="asset.json to write")
    parser.add_argument("-tips", required=True, help="tips.json to write")
    parser.add_argument("-success", default=None, help="marker file written on success")
    parser.add_argument("-db", default=None, help="folder of the reference-type database")
    return parser.parse_args(argv)


def read_json(path):
    """Load a json file; {} when missing or empty."""
    if not os.path.isfile(path):
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


def _call(function, *args):
    """Call an optional hou function; older Houdini versions may lack it."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - any failure of an optional step is logged
        print("[HfsBase] optional step failed: {0}".format(error))
        return None


def load_scene(hou, path):
    """Load the scene without simulating or cooking, with $HIP set to its folder."""
    if hasattr(hou, "setSimulationEnabled"):
        _call(hou.setSimulationEnabled, False)
    if hasattr(hou, "setUpdateMode") and hasattr(hou, "updateMode"):
        _call(hou.setUpdateMode, hou.updateMode.Manual)
    hou.hipFile.load(path, suppress_save_prompt=True, ignore_load_warnings=True)
    folder = os.path.dirname(os.path.abspath(path)).replace("\\", "/")
    _call(hou.hscript, 'setenv HIP = "{0}"'.format(folder))
    _call(hou.hscript, "varchange")


def _eval(node, name, default=None):
    parm = node.parm(name)
    if parm is None:
        return default
    try:
        return parm.eval()
    except Exception:  # noqa: BLE001 - a parm whose expression fails to evaluate
        return default


def _renders_current_frame(node):
    parm = node.parm("trange")
    if parm is None:
        return False
    try:
        return hfs_rules.renders_current_frame(parm.evalAsString())
    except Exception:  # noqa: BLE001 - an unevaluable menu keeps the stored range
        return False


def _frames(hou, node):
    """The frames Houdini renders: the current one when ``trange`` is off, else ``f``."""
    if _renders_current_frame(node):
        current = hou.frame()
        return hfs_rules.frames_string(current, current, 1)
    values = None
    tuple_parm = node.parmTuple("f")
    if tuple_parm is not None:
        try:
            values = list(tuple_parm.eval())
        except Exception:  # noqa: BLE001
            values = None
    if not values:
        values = [_eval(node, "f1"), _eval(node, "f2"), _eval(node, "f3")]
    if values[0] is None:
        start, end = hou.playbar.playbackRange()
        values = [start, end, 1]
    while len(values) < 3:
        values.append(None)
    return hfs_rules.frames_string(values[0], values[1], values[2])


def is_driver(node):
    """The node is an output driver (ROP category)."""
    try:
        return node.type().category().name() == "Driver"
    except AttributeError:
        return node.path().startswith("/out/")


def _bypassed(node):
    try:
        return bool(node.isBypassed())
    except AttributeError:
        return False


def _number(value):
    try:
        return hfs_rules.format_frame(float(value))
    except (TypeError, ValueError):
        return None


def _parm_text(node, name):
    """A parameter's value as the scene saves it (a toggle or menu index as its number)."""
    value = _eval(node, name)
    if value is None:
        return None
    if isinstance(value, bool):
        value = int(value)
    return str(value)


def _rop_size(node, base, camera):
    """``(width, height)`` the ROP renders at (see ``hfs_rules.resolution_override``)."""
    if base in hfs_rules.USD_RENDER_TYPES:
        # The stage's render settings decide, unless the ROP's own size override is on.
        size_parm = hfs_rules.usd_render_size_parm(base, lambda name: _parm_text(node, name))
        res = node.parmTuple(size_parm) if size_parm else None
        return list(res.eval())[:2] if res is not None else (None, None)
    fraction = None
    override = hfs_rules.resolution_override(base, lambda name: _parm_text(node, name))
    if override is not None:
        size_parm, fraction = override
        if size_parm is not None:
            res = node.parmTuple(size_parm)
            return list(res.eval())[:2] if res is not None else (None, None)
    if camera is None or camera.parmTuple("res") is None:
        return None, None
    width, height = list(camera.parmTuple("res").eval())[:2]
    if fraction is None:
        return width, height
    return hfs_rules.scaled_size(width, fraction), hfs_rules.scaled_size(height, fraction)


def _karma_lop_of(node):
    """The Karma LOP whose USD Render ROP this is (see LOP_RENDER_WRAPPER_ROP), or None."""
    if node.name() != hfs_rules.LOP_RENDER_WRAPPER_ROP:
        return None
    parent = node.node("..")
    if parent is None:
        return None
    base = hfs_rules.base_type(parent.type().name())
    return parent if base in hfs_rules.LOP_RENDER_WRAPPER_TYPES else None


def _karma_lop_settings(entry, lop, cameras, path):
    """Camera (a USD prim path: no tips) and resolution of a Karma LOP's ROP, from the LOP."""
    camera_path = (_eval(lop, "camera", "") or "").strip()
    entry["camera"] = camera_path
    res = lop.parmTuple("resolution")
    if res is not None:
        width, height = list(res.eval())[:2]
        entry["width"] = _number(width)
        entry["height"] = _number(height)
    cameras[path] = {"camera": camera_path}


def rop_entry(hou, node, tips, cameras):
    """``{node, frames, camera, width, height, option "-1", render}`` for a render ROP."""
    base = hfs_rules.base_type(node.type().name())
    entry = {"node": node.path(), "frames": _frames(hou, node)}
    lop = _karma_lop_of(node) if base in hfs_rules.USD_RENDER_TYPES else None
    if base in hfs_rules.USD_RENDER_TYPES and hfs_rules.renders_stage_range(
            _parm_text(node, "trange")):
        tips.setdefault(SCENE_PARTLY_READ, []).append(
            hfs_rules.stage_range_tip(node.path(), entry["frames"]))
    parm_name = hfs_rules.camera_parm(base)
    if lop is not None and lop.parm("camera") is not None:
        # The ROP follows its Karma LOP's settings: the static reader reads them there too.
        _karma_lop_settings(entry, lop, cameras, node.path())
    elif parm_name and node.parm(parm_name) is not None:
        camera_path = (_eval(node, parm_name, "") or "").strip()
        entry["camera"] = camera_path
        camera = node.node(camera_path) if camera_path else None
        width, height = _rop_size(node, base, camera)
        if width is not None:
            entry["width"] = _number(width)
            entry["height"] = _number(height)
        info = {"camera": camera_path}
        if not camera_path:
            tips.setdefault(CAMERA_WARNING, []).append(
                "{0}: no render camera is set".format(node.path()))
        elif camera is None:
            info["error"] = "camera not found"
            tips.setdefault(CAMERA_ERROR, []).append(
                "{0}: render camera {1} does not exist".format(node.path(), camera_path))
        cameras[node.path()] = info
    elif base in hfs_rules.USD_RENDER_TYPES:
        width, height = _rop_size(node, base, None)
        if width is not None:
            entry["width"] = _number(width)
            entry["height"] = _number(height)
    entry["option"] = "-1"
    entry["render"] = "0" if _bypassed(node) else "1"
    return entry


def distributed_entry(hou, node, tips):
    """Entry of an ``hq_sim`` distributed simulation."""
    driver_path = _eval(node, "hq_driver", "") or ""
    driver = node.node(driver_path) if driver_path else None
    output_file = ""
    if driver is not None:
        for name in ("sopoutput", "dopoutput", "filename", "file"):
            parm = driver.parm(name)
            if parm is not None:
                output_file = parm.unexpandedString()
                break
    slice_type = str(_eval(node, "slice_type", 0))
    num_slices = str(_eval(node, "num_slices", 1))
    entry = {"node": node.path(), "output_driver": driver_path, "output_file": output_file,
             "sliceType": slice_type, "simControlName": _eval(node, "hq_sim_controls", "") or "",
             "num_slices": num_slices}
    if slice_type in ("0", "volume"):
        res = node.parmTuple("slicediv")
        entry["slicediv"] = " ".join(str(v) for v in (res.eval() if res is not None else []))
    elif slice_type in ("1", "particle"):
        entry["cluster_filter"] = _eval(node, "cluster_filter", "") or ""
    else:
        tips.setdefault(SLICE_TYPE_NOTSUPPORT, []).append(
            "{0}: slice type {1} is not supported".format(node.path(), slice_type))
    try:
        if int(float(num_slices)) > 16:
            tips.setdefault(SLICES_TOO_MANY, []).append(
                "{0}: {1} slices (at most 16)".format(node.path(), num_slices))
    except ValueError:
        pass
    entry["frames"] = _frames(hou, node)
    entry["option"] = "1"
    entry["render"] = "0"
    return entry


def expand_keeping_frames(hou, raw):
    """Expand variables with Houdini but keep $F/$F4/$FF, which stand for file sequences."""
    masked = _FRAME_TOKEN.sub(lambda match: "@@RVF{0}@@".format(match.group(1)), raw)
    try:
        expanded = hou.expandString(masked)
    except Exception:  # noqa: BLE001
        expanded = masked
    return _MASK.sub(lambda match: "$F{0}".format(match.group(1)), expanded)


def raw_parm_value(hou, parm, evaluated):
    """The value as the user wrote it: the text, or the hscript expression driving it.

    A parameter driven by an expression has no unexpanded string; its expression is what
    Houdini evaluates on every frame (``$HIP/render/$OS.$F4.exr``), so that is reported rather
    than the current frame's result. Python expressions keep the evaluated value.
    """
    try:
        return parm.unexpandedString()
    except Exception:  # noqa: BLE001 - keyframed / expression / not a string parm
        pass
    try:
        language = parm.expressionLanguage()
        if language == hou.exprLanguage.Hscript:
            expression = parm.expression().strip()
            if len(expression) >= 2 and expression[0] == expression[-1] == '"':
                expression = expression[1:-1]
            return expression
    except Exception:  # noqa: BLE001 - no expression: keep what fileReferences gave
        pass
    return evaluated


def collect_references(hou):
    """Input files of the scene: ``{parm_path: [raw, expanded, node_type, parm_name]}``."""
    refs = {}
    for parm, raw in hou.fileReferences():
        if parm is None or not isinstance(raw, _TEXT_TYPES) or not raw.strip():
            continue
        node = parm.node()
        type_name = node.type().name()
        base = hfs_rules.base_type(type_name)
        if hfs_rules.is_output_parm(base, parm.name(), _eval(node, "filemode"),
                                    _eval(node, "loadfromdisk"), is_driver(node)):
            continue
        if not hfs_rules.names_input(parm.name()):
            continue
        raw_value = raw_parm_value(hou, parm, raw)
        refs[parm.path()] = [raw_value, expand_keeping_frames(hou, raw_value), type_name,
                             parm.name()]
        if hfs_rules.cache_loads(base, parm.name(), lambda name: _parm_text(node, name)):
            refs[parm.path()].append("load")
    hda = getattr(hou, "hda", None)
    if hda is not None and hasattr(hda, "loadedFiles"):
        hfs = os.environ.get("HFS", "").replace("\\", "/")
        number = 0
        for library in hda.loadedFiles():
            path = library.replace("\\", "/")
            if path == "Embedded" or (hfs and path.startswith(hfs)):
                continue
            refs["/.OPlibraries/{0}".format(number)] = [path, path, "OPlibraries",
                                                         "OPlibraries"]
            number += 1
    return refs


def analyse(hou, options):
    """Run the analysis and write the files named in ``options``."""
    load_scene(hou, options.project)
    tips = read_json(options.tips)
    new_tips = {}
    cameras = {}
    notes = []
    scene_info = {"geo_node": [], "rop_node": [], "distributedsim_node": []}
    for node in hou.node("/").allSubChildren():
        base = hfs_rules.base_type(node.type().name())
        kind = hfs_rules.node_kind(base, is_driver(node))
        if kind == "rop" and hfs_rules.renders_to_mplay(
                base, lambda name, node=node: _parm_text(node, name)):
            notes.append(hfs_rules.mplay_note(node.path()))
        elif kind == "rop":
            scene_info["rop_node"].append(rop_entry(hou, node, new_tips, cameras))
        elif kind == "geo" and not hfs_rules.filecache_reads(base, _eval(node, "loadfromdisk")):
            scene_info["geo_node"].append({"node": node.path(), "frames": _frames(hou, node),
                                           "option": "0", "render": "0"})
        elif kind == "distributedsim":
            scene_info["distributedsim_node"].append(distributed_entry(hou, node, new_tips))
    refs = collect_references(hou)

    task = read_json(options.task)
    task["scene_info"] = scene_info
    write_json(options.task, task)
    write_json(options.asset, {"Refs": refs, "camera": cameras, "notes": notes})
    for code, messages in new_tips.items():
        existing = tips.setdefault(code, [])
        for message in messages:
            if message not in existing:
                existing.append(message)
    write_json(options.tips, tips)
    if options.db:
        parm_types = dict((entry[3], entry[2]) for entry in refs.values())
        try:
            HfsSql.record_reference_types(os.path.join(options.db, "data_tl.db"), parm_types)
        except Exception as error:  # noqa: BLE001 - the database is only a cache
            print("[HfsBase] reference database not updated: {0}".format(error))
    if options.success:
        with io.open(options.success, "w", encoding="utf-8") as handle:
            handle.write(u"{'is_success': 1}")


def main(argv=None):
    """Entry point inside hython."""
    options = parse_args(sys.argv[1:] if argv is None else argv)
    if not os.path.isfile(options.project):
        print("[HfsBase] scene not found: {0}".format(options.project))
        return 1
    import hou  # only available inside Houdini

    try:
        analyse(hou, options)
    except hou.Error as error:
        print("[HfsBase] Houdini error: {0}".format(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
