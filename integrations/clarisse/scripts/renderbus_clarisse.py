# -*- coding: utf-8 -*-
"""Renderbus submitter for Clarisse iFX 4+ (Python 2.7 and 3).

Run this file in Clarisse (a shelf button, *File > Run Script...*, or
``import renderbus_clarisse; renderbus_clarisse.main()`` in the script editor). It analyses
the open project inside Clarisse with the SDK's own in-Clarisse analysis
(``rayvision_clarisse/dcc/clarisse_analyse.py``: Image nodes, their 3D layers and frames,
the files the project reads), shows what it found in a window, and submits the saved
project through the ``rayvision`` command on a worker thread: Clarisse stays responsive,
the window shows the upload's progress, and *Cancel* kills the command's process tree.

Settings (environment of Clarisse):
    RAYVISION_EXECUTABLE: the ``rayvision`` command (default: ``rayvision`` on PATH).
    RAYVISION_SITE: folder holding the installed ``rayvision_clarisse`` package, when the
        SDK is not importable from Clarisse's own Python.
    RAYVISION_PROFILE: the rayvision profile to submit with (credentials stay there).

Clarisse API used: ``ix.api.GuiWindow`` (``connect``, ``show``, ``is_shown``, ``hide``,
``destroy``), ``ix.api.GuiTextEdit``, ``ix.api.GuiLineEdit``, ``ix.api.GuiLabel``,
``ix.api.GuiPushButton``, ``ix.application`` (``get_event_window``, ``check_for_events``,
``get_current_project_filename``, ``save_project``, ``get_version_name``, ``get_factory``),
``ix.check_need_save``, ``ix.log_info`` and ``ix.log_warning``.
"""

import os
import posixpath
import re
import sys
import time

import ix

try:
    import queue  # novermin
except ImportError:  # Python 2
    import Queue as queue  # novermin

try:
    HERE = os.path.dirname(os.path.abspath(__file__))
except NameError:  # typed into the script editor: rayvision_job must be on sys.path
    HERE = None
if HERE and HERE not in sys.path:
    sys.path.insert(0, HERE)

import rayvision_job  # noqa: E402

TITLE = "Submit to Renderbus"
#: Captions of the window's fields, top to bottom.
IMAGES, FRAMES, PROJECT, SOFTWARE = "Images", "Frames", "Farm project", "Software"
#: Seconds the window's loop rests when nothing happened: the worker thread gets the
#: interpreter, and an idle window does not keep a core busy.
IDLE_SECONDS = 0.01
CLICK = "EVT_ID_PUSH_BUTTON_CLICK"

# $VAR and ${VAR}; frame variables ($F, $F4, $FF, Clarisse's $4F) are tokens, not variables.
_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")
_FRAME_VARIABLE = re.compile(r"^(?:F\d*|FF|\d+F)$")
_FRAME_TOKEN = re.compile(r"\$\{?(?:F\d*|FF|\d+F)\}?(?!\w)")
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/])")
_SEQUENCE_MARKS = ("#", "<udim", "<uvtile>", "<frame>", "%0")


def dcc_analysis():
    """The SDK's in-Clarisse analysis module (``clarisse_analyse``)."""
    return rayvision_job.dcc_module("rayvision_clarisse", "clarisse_analyse", "Clarisse")


# -- where the project's files are ------------------------------------------------------------

def expand_variables(value, variables):
    """``value`` with ``$VAR`` / ``${VAR}`` from ``variables``; unknown ones stay as written."""
    def replace(match):
        name = match.group(1) or match.group(2)
        if _FRAME_VARIABLE.match(name):
            return match.group(0)
        return variables.get(name, match.group(0))

    previous = None
    for _ in range(5):  # a variable may hold another one; stop on a fixed point
        if value == previous:
            break
        previous, value = value, _VARIABLE.sub(replace, value)
    return value


def is_absolute(path):
    r"""Absolute for Windows (``D:/x``, ``\\host\share``) or POSIX (``/x``), on any OS."""
    return bool(_WINDOWS_ABSOLUTE.match(path)) or path.startswith("/")


def resolve_path(value, folder, environ=None):
    r"""The file a path attribute names, with forward slashes.

    As the SDK's analysis reads a project (docs/analysis-houdini-clarisse.md): ``$PDIR`` and
    ``$CDIR`` are the folder of the project file holding the value, other variables come
    from the environment, and a relative path is relative to that folder. A path that starts
    with a variable nobody defines stays as written.

    Args:
        value (str): The attribute's value as written (``$PDIR/tex/a.png``, ``D:\tex\a.png``).
        folder (str): Folder of the project file that holds the value.
        environ (dict): Variables (default: this process's environment).
    """
    slashed = folder.replace("\\", "/").rstrip("/")
    variables = dict(os.environ if environ is None else environ, PDIR=slashed, CDIR=slashed)
    path = expand_variables(value.strip(), variables).replace("\\", "/")
    if not path:
        return path
    if not is_absolute(path) and slashed and not path.startswith("$"):
        path = slashed + "/" + path
    return posixpath.normpath(path)


def is_sequence(path):
    """Whether the file name stands for several files (``####``, ``$4F``, ``<UDIM>``...)."""
    name = path.rsplit("/", 1)[-1]
    lowered = name.lower()
    return any(mark in lowered for mark in _SEQUENCE_MARKS) or bool(_FRAME_TOKEN.search(name))


def is_missing(path):
    """No such file; for a sequence or UDIM pattern, no such folder.

    A path still relative (an undefined variable, a project never saved) is missing: Clarisse
    cannot find it either, and this process's working folder says nothing about it.
    """
    if not is_absolute(path):
        return True
    if is_sequence(path):
        return not os.path.isdir(posixpath.dirname(path))
    return not os.path.exists(path)


def _holder_folder(name, folders, project_folder):
    """Folder of the project file holding ``name``: its deepest referenced context's file."""
    holder = None
    for context in folders:
        if name.startswith(context + "/") and (holder is None or len(context) > len(holder)):
            holder = context
    return folders[holder] if holder else project_folder


def files_read(refs, references, project_folder, environ=None):
    """``{key: path}`` of what ``clarisse_analyse.collect_references`` reported.

    Args:
        refs (dict): ``{"<object>.<attribute>": [value]}``.
        references (dict): ``{context: filename}`` of the referenced contexts.
        project_folder (str): Folder of the open project.
        environ (dict): Variables (default: this process's environment).
    """
    folders = {}
    paths = {}
    for context in sorted(references, key=len):  # outer contexts before the nested ones
        path = resolve_path(references[context],
                            _holder_folder(context, folders, project_folder), environ)
        paths[context] = path
        folders[context] = posixpath.dirname(path)
    for key, values in refs.items():
        if values:
            paths[key] = resolve_path(values[-1], _holder_folder(key, folders, project_folder),
                                      environ)
    return paths


# -- what the open project renders ------------------------------------------------------------

def image_summary(entry):
    """``{name, frames, renderable, layers}`` of one ``image_node`` entry.

    An image renders something when one of its layers is renderable.
    """
    layers = [{"name": layer["name"], "frames": layer["frames"],
               "renderable": layer.get("renderable") == "1"}
              for layer in entry.get("layers") or []]
    return {"name": entry["name"], "frames": entry["frames"], "layers": layers,
            "renderable": any(layer["renderable"] for layer in layers)}


def analyse_open_project():
    """What the open project needs, read by Clarisse itself.

    Returns:
        dict: ``{project, images: [{name, frames, renderable, layers}], missing, files}``.
    """
    analysis = dcc_analysis()
    project = ix.application.get_current_project_filename() or ""
    images = [image_summary(entry) for entry in analysis.collect_images(ix)]
    refs, references = analysis.collect_references(ix)
    paths = files_read(refs, references, os.path.dirname(project))
    missing = sorted(set(path for path in paths.values() if path and is_missing(path)))
    return {"project": project, "images": images, "missing": missing, "files": len(paths)}


def findings_text(found):
    """The findings as the window shows them."""
    lines = ["Project: {0}".format(found["project"] or "(never saved)"), "", "Images:"]
    for image in found["images"]:
        lines.append("  {0}  frames {1}{2}".format(
            image["name"], image["frames"], "" if image["renderable"] else
            "  (no layer to render)"))
        for layer in image["layers"]:
            lines.append("    {0}  frames {1}{2}".format(
                layer["name"], layer["frames"], "" if layer["renderable"] else "  (disabled)"))
    if not found["images"]:
        lines.append("  (none)")
    lines += rayvision_job.files_lines("project", found["files"], found["missing"])
    return "\n".join(lines)


def software_version(version_name):
    """``4.0_SP3`` (``ix.application.get_version_name()``) -> ``clarisse_ifx_4.0_sp3``."""
    text = "_".join((version_name or "").strip().lower().split())
    if not text or text.startswith("clarisse"):
        return text
    return "clarisse_ifx_" + text


def final_line(task_id, error):
    """The one line that says how a submission ended."""
    if task_id:
        return "Submitted: Renderbus task {0}".format(task_id)
    if error:  # unicode on Python 2 (the command's events): a unicode format takes accents
        return u"Renderbus submission failed: {0}".format(error)
    return "Renderbus submission cancelled"


def saved_project():
    """The project's file once saved (Clarisse asks about unsaved changes), or None."""
    response, filename = ix.check_need_save()
    if response.is_cancelled():
        return None
    if response.is_yes():
        ix.application.save_project(filename)
    return ix.application.get_current_project_filename() or None


def _names(text):
    return [name.strip() for name in text.split(",") if name.strip()]


# -- the window -------------------------------------------------------------------------------

class MainThreadQueue(object):
    """Work the submission's thread hands to the window's loop (Clarisse's main thread)."""

    def __init__(self):
        self._queue = queue.Queue()

    def deliver(self, function):
        """Queue ``function`` (any thread)."""
        self._queue.put(function)

    def run_pending(self):
        """Run what was queued so far (main thread); returns how many ran."""
        ran = 0
        while True:
            try:
                function = self._queue.get_nowait()
            except queue.Empty:
                return ran
            function()
            ran += 1


class SubmitWindow(ix.api.GuiWindow):
    """The findings, the submission's settings, Submit / Cancel and a status line.

    Args:
        found (dict): :func:`analyse_open_project`'s findings.
        software (str): The software version to prefill.
    """

    def __init__(self, found, software):
        super(SubmitWindow, self).__init__(ix.application.get_event_window(), 200, 120, 640,
                                           520, TITLE)
        self.submission = None
        self.outcome = None
        self.pending = MainThreadQueue()
        self.findings = ix.api.GuiTextEdit(self, 10, 10, 620, 260)
        self.findings.set_text(findings_text(found))
        self.findings.set_read_only(True)
        renderable = [image["name"] for image in found["images"] if image["renderable"]]
        self.captions = []
        self.fields = {}
        for row, (caption, value) in enumerate(((IMAGES, ",".join(renderable)), (FRAMES, ""),
                                                (PROJECT, ""), (SOFTWARE, software))):
            top = 285 + 32 * row
            self.captions.append(ix.api.GuiLabel(self, 10, top, 110, 22, caption))
            self.fields[caption] = ix.api.GuiLineEdit(self, 125, top, 505, 22)
            self.fields[caption].set_text(value)
        self.status = ix.api.GuiLabel(self, 10, 420, 620, 22, "Ready")
        self.submit_button = ix.api.GuiPushButton(self, 430, 480, 95, 26, "Submit")
        self.cancel_button = ix.api.GuiPushButton(self, 535, 480, 95, 26, "Cancel")
        self.connect(self.submit_button, CLICK, self.on_submit)
        self.connect(self.cancel_button, CLICK, self.on_cancel)

    def field(self, caption):
        """The text of one field, stripped."""
        return self.fields[caption].get_text().strip()

    def set_status(self, text):
        """Show ``text`` in the status line."""
        self.status.set_text(text)

    def on_submit(self, sender, event_id):
        """Save the project if asked, then submit it on a worker thread."""
        if self.submission is not None:
            return
        project = saved_project()
        if not project:
            self.set_status("Not submitted: save the project first")
            return
        settings = rayvision_job.RenderSettings(
            scene=project, output="", layers=_names(self.field(IMAGES)),
            software_version=self.field(SOFTWARE) or None, frames=self.field(FRAMES) or None,
            project=self.field(PROJECT) or None)
        profile = os.environ.get("RAYVISION_PROFILE")
        process = rayvision_job.RayvisionProcess(
            global_args=["--profile", profile] if profile else [], env=dict(os.environ))
        self.set_status("Renderbus: starting")
        self.submission = rayvision_job.BackgroundSubmit(
            settings, process, self.pending.deliver, self.on_progress, self.on_log,
            self.on_done).start()

    def on_cancel(self, sender, event_id):
        """Kill the running submission; close the window when none runs."""
        if self.submission is not None:
            self.submission.cancel()
            self.set_status("Renderbus: cancelling...")
        else:
            self.hide()

    def on_progress(self, percent, message):
        """Progress of the submission (main thread)."""
        self.set_status(u"{0} ({1:.0f}%)".format(message, percent))

    def on_log(self, text):
        """A line of the submission's log (main thread)."""
        ix.log_info(u"Renderbus: {0}".format(text))

    def on_done(self, task_id, error):
        """The submission ended (main thread)."""
        self.submission = None
        self.outcome = final_line(task_id, error)
        self.set_status(self.outcome)
        (ix.log_info if task_id else ix.log_warning)(self.outcome)

    def run(self):
        """Show the window and turn Clarisse's event loop until it closes.

        Returns:
            str: How the last submission ended, or None when nothing was submitted.
        """
        self.show()
        try:
            while self.is_shown():
                ix.application.check_for_events()
                if not self.pending.run_pending():
                    time.sleep(IDLE_SECONDS)
        finally:
            self._stop_submission()
        return self.outcome

    def _stop_submission(self):
        """The window closed while submitting: kill the submission rather than lose it."""
        if self.submission is None:
            return
        submission = self.submission
        submission.cancel()
        submission.thread.join()
        self.pending.run_pending()


def main():
    """Analyse the open project, show the findings and submit from the window.

    Returns:
        str: How the submission ended, or None.
    """
    try:
        found = analyse_open_project()
    except ImportError as error:
        ix.log_warning("Renderbus: {0}".format(error))
        return None
    window = SubmitWindow(found, software_version(ix.application.get_version_name()))
    try:
        return window.run()
    finally:
        window.destroy()


if __name__ == "__main__":
    main()
