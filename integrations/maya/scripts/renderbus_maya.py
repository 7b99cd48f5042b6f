# -*- coding: utf-8 -*-
"""Renderbus menu for Maya 2018+ (Python 2.7 and 3).

``install_menu()`` adds a *Renderbus* menu to Maya's main window (``userSetup.py`` in this
folder does it at startup). *Submit Scene...* analyses the open scene inside Maya with the
SDK's own in-Maya analysis (``rayvision_maya/dcc/Analyze.py``: render layers, their frames,
the files the scene reads), shows what it found in a small window, and submits the saved
scene through the ``rayvision`` command on a worker thread: Maya stays responsive, the
window shows the upload's progress, and *Cancel* kills the command's process tree.

Settings (environment of Maya):
    RAYVISION_EXECUTABLE: the ``rayvision`` command (default: ``rayvision`` on PATH).
    RAYVISION_SITE: folder holding the installed ``rayvision_maya`` package, when the SDK
        is not importable from Maya's own Python.
    RAYVISION_PROFILE: the rayvision profile to submit with (credentials stay there).

Maya API used: ``maya.cmds`` (``menu``, ``menuItem``, ``window``, ``columnLayout``,
``rowLayout``, ``scrollField``, ``textFieldGrp``, ``progressBar``, ``text``, ``button``,
``showWindow``, ``deleteUI``, ``setParent``, ``confirmDialog``, ``file``, ``about``) and
``maya.utils.executeDeferred``.
"""

import os
import sys

import maya.cmds as cmds
import maya.utils

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import rayvision_job  # noqa: E402

MENU = "RenderbusMenu"
WINDOW = "RenderbusSubmitWindow"
MAIN_WINDOW = "MayaWindow"

#: Control names of the submit window (stable, so scripts and tests can find them).
FINDINGS = "renderbusFindings"
FRAMES = "renderbusFrames"
LAYERS = "renderbusLayers"
PROJECT = "renderbusProject"
PROGRESS = "renderbusProgress"
STATUS = "renderbusStatus"
SUBMIT = "renderbusSubmit"
CANCEL = "renderbusCancel"

_SEQUENCE_MARKS = ("#", "<udim>", "<uvtile>", "<f>", "%0", "u<u>")
_STATE = {"submission": None, "findings": None}


def install_menu():
    """Add (or rebuild) the Renderbus menu in Maya's main window."""
    if cmds.about(batch=True):
        return None
    if cmds.menu(MENU, exists=True):
        cmds.deleteUI(MENU)
    menu = cmds.menu(MENU, label="Renderbus", parent=MAIN_WINDOW, tearOff=True)
    cmds.menuItem(label="Submit Scene...", parent=menu, command=lambda *_: show())
    return menu


def dcc_analysis():
    """The SDK's in-Maya analysis module (``Analyze``)."""
    return rayvision_job.dcc_module("rayvision_maya", "Analyze", "Maya")


def _missing(entry):
    value = entry.get("resolved") or entry.get("value") or ""
    if not value:
        return None
    lowered = value.lower()
    if entry.get("frame_extension") or entry.get("uv_tiling_mode") or any(
            mark in lowered for mark in _SEQUENCE_MARKS):
        return None if os.path.isdir(os.path.dirname(value)) else value
    return None if os.path.exists(value) else value


def analyse_open_scene():
    """What the open scene needs, read by Maya itself.

    Returns:
        dict: ``{scene, layers: [{name, frames, renderable}], missing, files}``.
    """
    analysis = dcc_analysis()
    scene_info, _layer_type = analysis.collect_layers(cmds)
    assets = analysis.collect_assets(cmds)
    layers = [{"name": name, "frames": (info.get("common") or {}).get("frames"),
               "renderable": info.get("renderable") == "1"}
              for name, info in sorted(scene_info.items())]
    missing = sorted(set(path for path in (_missing(entry) for entry in assets) if path))
    return {"scene": cmds.file(query=True, sceneName=True) or "", "layers": layers,
            "missing": missing, "files": len(assets)}


def findings_text(found):
    """The findings as the window shows them."""
    # Unicode formats: Maya 2018-2021 (Python 2) hands paths and names over as unicode.
    lines = [u"Scene: {0}".format(found["scene"] or "(never saved)"), "", "Render layers:"]
    for layer in found["layers"]:
        lines.append(u"  {0}  frames {1}{2}".format(layer["name"], layer["frames"],
                                                   "" if layer["renderable"] else "  (off)"))
    lines += rayvision_job.files_lines("scene", found["files"], found["missing"])
    return "\n".join(lines)


def show():
    """Analyse the open scene and open the submit window."""
    found = analyse_open_scene()
    _STATE["findings"] = found
    if cmds.window(WINDOW, exists=True):
        cmds.deleteUI(WINDOW)
    cmds.window(WINDOW, title="Submit to Renderbus", widthHeight=(520, 420))
    cmds.columnLayout(adjustableColumn=True, rowSpacing=6)
    cmds.scrollField(FINDINGS, editable=False, wordWrap=False, height=200,
                     text=findings_text(found))
    renderable = [layer["name"] for layer in found["layers"] if layer["renderable"]]
    cmds.textFieldGrp(LAYERS, label="Layers", text=",".join(renderable))
    cmds.textFieldGrp(FRAMES, label="Frames", text="",
                      annotation="e.g. 1-100[1]; empty renders each layer's own frames")
    cmds.textFieldGrp(PROJECT, label="Farm project", text="")
    cmds.progressBar(PROGRESS, maxValue=100, progress=0)
    cmds.text(STATUS, label="Ready", align="left")
    cmds.rowLayout(numberOfColumns=2)
    # A window opened again while a submission runs must still be able to cancel it.
    running = _STATE["submission"] is not None
    cmds.button(SUBMIT, label="Submit", enable=not running, command=lambda *_: submit())
    cmds.button(CANCEL, label="Cancel", enable=running, command=lambda *_: cancel())
    cmds.setParent("..")
    cmds.showWindow(WINDOW)
    return found


def _set_status(message, percent=None):
    if not cmds.window(WINDOW, exists=True):
        return
    cmds.text(STATUS, edit=True, label=message)
    if percent is not None:
        cmds.progressBar(PROGRESS, edit=True, progress=int(percent))


def _scene_saved():
    """The scene's path once saved (asks to save unsaved changes), or None."""
    scene = cmds.file(query=True, sceneName=True)
    if not scene:
        _set_status("Save the scene before submitting it")
        return None
    if cmds.file(query=True, modified=True):
        answer = cmds.confirmDialog(title="Renderbus", message="Save the scene first?",
                                    button=["Save", "Cancel"], defaultButton="Save",
                                    cancelButton="Cancel", dismissString="Cancel")
        if answer != "Save":
            return None
        cmds.file(save=True)
    return scene


def submit():
    """Start the submission of the saved scene on a worker thread."""
    if _STATE["submission"] is not None:
        return None
    scene = _scene_saved()
    if not scene:
        return None
    layers = [name.strip() for name in
              cmds.textFieldGrp(LAYERS, query=True, text=True).split(",") if name.strip()]
    settings = rayvision_job.RenderSettings(
        scene=scene, output="", frames=cmds.textFieldGrp(FRAMES, query=True, text=True)
        .strip() or None, layers=layers,
        project=cmds.textFieldGrp(PROJECT, query=True, text=True).strip() or None)
    profile = os.environ.get("RAYVISION_PROFILE")
    process = rayvision_job.RayvisionProcess(
        global_args=["--profile", profile] if profile else [], env=dict(os.environ))
    cmds.button(SUBMIT, edit=True, enable=False)
    cmds.button(CANCEL, edit=True, enable=True)
    _STATE["submission"] = rayvision_job.BackgroundSubmit(
        settings, process, maya.utils.executeDeferred, _on_progress, _on_log,
        _on_done).start()
    return _STATE["submission"]


def cancel():
    """Kill the running submission (the Cancel button)."""
    if _STATE["submission"] is not None:
        _STATE["submission"].cancel()
        _set_status("Cancelling...")


def _on_progress(percent, message):
    _set_status(message, percent)


def _on_log(text):
    sys.stdout.write(u"Renderbus: {0}\n".format(text))


def _on_done(task_id, error):
    _STATE["submission"] = None
    if task_id:
        _set_status("Submitted: Renderbus task {0}".format(task_id), 100)
    elif error:
        _set_status(u"Failed: {0}".format(error))
    else:
        _set_status("Cancelled")
    if cmds.window(WINDOW, exists=True):
        cmds.button(SUBMIT, edit=True, enable=True)
        cmds.button(CANCEL, edit=True, enable=False)
