# -*- coding: utf-8 -*-
"""Renderbus shelf tools for Houdini 17.5+ (Python 2.7 and 3).

*Submit to Renderbus* analyses the open hip file inside Houdini with the SDK's own
in-Houdini analysis (``rayvision_houdini/dcc/HfsBase.py``: render ROPs and their frames, the
files the scene reads), shows what it found, and submits the saved hip file through the
``rayvision`` command on a worker thread: Houdini stays responsive and the status bar shows
the upload's progress. *Cancel Renderbus Submission* kills the command's process tree.

Settings (environment of Houdini): ``RAYVISION_EXECUTABLE``, ``RAYVISION_SITE`` (folder
holding the installed ``rayvision_houdini`` package, when the SDK is not importable from
Houdini's Python) and ``RAYVISION_PROFILE``, as for the Maya menu.

Houdini API used: ``hou.applicationVersionString``, ``hou.node``, ``Node.allSubChildren``,
``Node.type``, ``hou.fileReferences``, ``hou.hipFile`` (``path``, ``hasUnsavedChanges``, ``save``),
``hou.ui`` (``readMultiInput``, ``displayMessage``, ``setStatusMessage``) and
``hdefereval.executeDeferred``.
"""

import os
import sys

import hou

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import rayvision_job  # noqa: E402

_STATE = {"submission": None, "last": None}


def dcc_analysis():
    """The SDK's in-Houdini analysis module (``HfsBase``)."""
    return rayvision_job.dcc_module("rayvision_houdini", "HfsBase", "Houdini")


def _missing(expanded):
    if not expanded:
        return None
    if "$F" in expanded or "<udim>" in expanded.lower():
        return None if os.path.isdir(os.path.dirname(expanded)) else expanded
    return None if os.path.exists(expanded) else expanded


def analyse_open_scene():
    """``{scene, rops: [{name, frames, renderable}], missing, files}`` of the open hip file."""
    analysis = dcc_analysis()
    rules = analysis.hfs_rules
    rops, tips, cameras = [], {}, {}
    for node in hou.node("/").allSubChildren():
        base = rules.base_type(node.type().name())
        if rules.node_kind(base, analysis.is_driver(node)) == "rop":
            entry = analysis.rop_entry(hou, node, tips, cameras)
            rops.append({"name": entry["node"], "frames": entry.get("frames"),
                         "renderable": entry.get("render") == "1"})
    references = analysis.collect_references(hou)
    missing = sorted(set(path for path in (_missing(values[1])
                                           for values in references.values()) if path))
    return {"scene": hou.hipFile.path(), "rops": rops, "missing": missing,
            "files": len(references)}


def findings_text(found):
    """The findings as the dialog shows them."""
    text = rayvision_job.text_of  # Python 2: Houdini's byte paths beside unicode ones
    lines = [u"Scene: {0}".format(text(found["scene"])), "", "Render ROPs:"]
    for rop in found["rops"]:
        lines.append(u"  {0}  frames {1}{2}".format(text(rop["name"]), rop["frames"],
                                                    "" if rop["renderable"] else "  (bypassed)"))
    lines += rayvision_job.files_lines("scene", found["files"], found["missing"])
    return u"\n".join(text(line) for line in lines)


def _saved_scene():
    if hou.hipFile.hasUnsavedChanges():
        choice = hou.ui.displayMessage("Save the hip file before submitting it?",
                                       buttons=("Save", "Cancel"), default_choice=0,
                                       close_choice=1)
        if choice != 0:
            return None
        hou.hipFile.save()
    return hou.hipFile.path()


def show():
    """Shelf tool: analyse, show the findings, submit on a worker thread."""
    if _STATE["submission"] is not None:
        hou.ui.displayMessage("A Renderbus submission is still running.")
        return None
    found = analyse_open_scene()
    renderable = [rop["name"] for rop in found["rops"] if rop["renderable"]]
    choice, values = hou.ui.readMultiInput(
        findings_text(found), ("ROPs", "Frames", "Farm project"), buttons=("Submit", "Cancel"),
        default_choice=0, close_choice=1, title="Submit to Renderbus",
        initial_contents=(",".join(renderable), "", ""))
    if choice != 0:
        return None
    scene = _saved_scene()
    if not scene:
        return None
    layers = [name.strip() for name in values[0].split(",") if name.strip()]
    settings = rayvision_job.RenderSettings(scene=scene, output="", layers=layers,
                                            software_version=hou.applicationVersionString(),
                                            frames=values[1].strip() or None,
                                            project=values[2].strip() or None)
    profile = os.environ.get("RAYVISION_PROFILE")
    process = rayvision_job.RayvisionProcess(
        global_args=["--profile", profile] if profile else [], env=dict(os.environ))
    import hdefereval

    _STATE["submission"] = rayvision_job.BackgroundSubmit(
        settings, process, hdefereval.executeDeferred, _on_progress, _on_log,
        _on_done).start()
    return _STATE["submission"]


def cancel():
    """Shelf tool: kill the running submission."""
    if _STATE["submission"] is not None:
        _STATE["submission"].cancel()
        hou.ui.setStatusMessage("Renderbus: cancelling...")


def _on_progress(percent, message):
    hou.ui.setStatusMessage(u"{0} ({1:.0f}%)".format(message, percent))


def _on_log(text):
    sys.stdout.write(u"Renderbus: {0}\n".format(text))


def _on_done(task_id, error):
    _STATE["submission"] = None
    _STATE["last"] = (task_id, error)
    if task_id:
        text = "Submitted: Renderbus task {0}".format(task_id)
    elif error:
        text = u"Renderbus submission failed: {0}".format(error)
    else:
        text = "Renderbus submission cancelled"
    hou.ui.setStatusMessage(text)
    hou.ui.displayMessage(text)
