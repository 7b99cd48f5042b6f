# -*- coding: utf-8 -*-
"""Deadline Monitor submission script: Submit > Renderbus.

Copy to ``<repository>/custom/scripts/Submission/``. It writes a job info and a plugin info
file (the pair in ``integrations/deadline/examples/`` shows every key) and submits them with
the Deadline command. No credential is asked for or written: the Workers use their own
rayvision profile or environment.

Deadline API used: ``DeadlineScriptDialog`` (``SetTitle``, ``AddGrid``, ``AddControlToGrid``,
``EndGrid``, ``GetValue``, ``ShowDialog``, ``ShowMessageBox``, ``CloseDialog``; a button's
``ValueModified``), ``ClientUtils`` (``GetDeadlineTempPath``, ``ExecuteCommandAndGetOutput``).
"""

import io
import os

from Deadline.Scripting import ClientUtils
from DeadlineUI.Controls.Scripting.DeadlineScriptDialog import DeadlineScriptDialog

scriptDialog = None

#: (control name, control type, label, default, extra arguments) of the dialog, in order.
FIELDS = (
    ("SceneFile", "FileBrowserControl", "Scene file", "",
     ("Scenes (*.ma *.mb *.hip *.hipnc *.hiplc *.project);;All files (*)",)),
    ("OutputDirectory", "FolderBrowserControl", "Output folder", "", ()),
    ("SoftwareVersion", "TextControl", "Software version", "", ()),
    ("ProjectName", "TextControl", "Farm project", "", ()),
    ("Layers", "TextControl", "Layers / ROPs (comma-separated)", "", ()),
    ("Frames", "TextControl", "Frames (e.g. 1-100; empty: the scene's)", "", ()),
    ("ChunkSize", "RangeControl", "Frames per Deadline task (0: one task)", 0,
     (0, 100000, 0, 1)),
    ("ConcurrentTasks", "RangeControl", "Concurrent tasks per Worker", 1, (1, 16, 0, 1)),
    ("JobName", "TextControl", "Job name", "", ()),
    ("Comment", "TextControl", "Comment", "", ()),
    ("Pool", "TextControl", "Pool", "none", ()),
    ("Group", "TextControl", "Group", "none", ()),
    ("Priority", "RangeControl", "Priority", 50, (0, 100, 0, 1)),
)


def __main__(*args):
    """Monitor's entry point: build and show the dialog."""
    global scriptDialog
    scriptDialog = DeadlineScriptDialog()
    scriptDialog.SetTitle("Submit to Renderbus")
    scriptDialog.AddGrid()
    for row, (name, kind, label, default, extra) in enumerate(FIELDS):
        scriptDialog.AddControlToGrid(name + "Label", "LabelControl", label, row, 0)
        scriptDialog.AddControlToGrid(name, kind, default, row, 1, *extra)
    scriptDialog.EndGrid()
    scriptDialog.AddGrid()
    submit = scriptDialog.AddControlToGrid("SubmitButton", "ButtonControl", "Submit", 0, 0)
    submit.ValueModified.connect(SubmitButtonPressed)
    close = scriptDialog.AddControlToGrid("CloseButton", "ButtonControl", "Close", 0, 1)
    close.ValueModified.connect(CloseButtonPressed)
    scriptDialog.EndGrid()
    scriptDialog.ShowDialog(False)


def CloseButtonPressed(*args):
    """Close the dialog."""
    scriptDialog.CloseDialog()


def job_files(values):
    """``(job_info, plugin_info)`` dicts for the dialog's values (a dict by control name).

    One Deadline task renders the whole scene as one cloud task unless frames are given with
    a chunk size: then each task is one chunk of frames, rendered as its own cloud task.

    Raises:
        ValueError: A required value is missing.
    """
    scene = (values.get("SceneFile") or "").strip()
    output = (values.get("OutputDirectory") or "").strip()
    if not scene or not output:
        raise ValueError("a scene file and an output folder are required")
    frames = (values.get("Frames") or "").strip()
    chunk = int(values.get("ChunkSize") or 0)
    job_info = {
        "Plugin": "Renderbus",
        "Name": (values.get("JobName") or "").strip() or "Renderbus " + os.path.basename(scene),
        "Comment": values.get("Comment") or "",
        "Pool": values.get("Pool") or "none",
        "Group": values.get("Group") or "none",
        "Priority": str(int(values.get("Priority") or 50)),
        "ConcurrentTasks": str(int(values.get("ConcurrentTasks") or 1)),
        "OutputDirectory0": output,
    }
    plugin_info = {"SceneFile": scene, "OutputDirectory": output,
                   "SoftwareVersion": values.get("SoftwareVersion") or "",
                   "ProjectName": values.get("ProjectName") or "",
                   "Layers": values.get("Layers") or ""}
    if frames and chunk > 0:
        job_info.update(Frames=frames.replace("[", "x").replace("]", ""), ChunkSize=str(chunk))
        plugin_info["UseJobFrames"] = "True"
    else:
        job_info.update(Frames="0", ChunkSize="1")
        plugin_info.update(UseJobFrames="False", Frames=frames)
    return job_info, plugin_info


def write_info_file(path, entries):
    """A Deadline ``key=value`` info file, written atomically (UTF-8)."""
    text = u"".join(u"{0}={1}\n".format(key, entries[key]) for key in sorted(entries))
    with io.open(path + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(text)
    if os.path.exists(path):
        os.remove(path)
    os.rename(path + ".tmp", path)
    return path


def SubmitButtonPressed(*args):
    """Write the job's two info files and submit them with the Deadline command."""
    values = dict((name, scriptDialog.GetValue(name)) for name, _, _, _, _ in FIELDS)
    try:
        job_info, plugin_info = job_files(values)
    except ValueError as error:
        scriptDialog.ShowMessageBox(str(error), "Error")
        return
    temp = ClientUtils.GetDeadlineTempPath()
    job_file = write_info_file(os.path.join(temp, "renderbus_job_info.job"), job_info)
    plugin_file = write_info_file(os.path.join(temp, "renderbus_plugin_info.job"), plugin_info)
    results = ClientUtils.ExecuteCommandAndGetOutput([job_file, plugin_file])
    scriptDialog.ShowMessageBox(results, "Submission Results")
