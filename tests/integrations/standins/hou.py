# -*- coding: utf-8 -*-
"""Stand-in for ``hou`` in an interactive Houdini with a hip file open.

Scene reading is the fake of ``tests/houdini/dcc/hou.py`` (the scene described by the json
file named in ``FAKE_HOU_SCENE``), opened from ``FAKE_HOU_HIP`` as if the artist had it
open. Added here: ``hipFile.path`` / ``hasUnsavedChanges`` / ``save`` and the ``hou.ui``
calls of the shelf tools (``readMultiInput``, ``displayMessage``, ``setStatusMessage``),
whose answers the test scripts in ``ui.multi_input_answers`` / ``ui.message_answers``.
UI calls are refused off the main thread, as Houdini requires.
"""

import os
import threading

try:
    import imp

    def _load(name, path):
        return imp.load_source(name, path)
except ImportError:  # Python 3.12+
    import importlib.util

    def _load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

_HERE = os.path.dirname(os.path.abspath(__file__))
_scene = _load("renderbus_standin_scene_hou", os.path.normpath(os.path.join(
    _HERE, os.pardir, os.pardir, "houdini", "dcc", "hou.py")))
for _name, _value in list(vars(_scene).items()):
    if not _name.startswith("__"):
        globals()[_name] = _value

MAIN_THREAD = threading.current_thread()
_HIP = {"path": os.environ.get("FAKE_HOU_HIP", ""), "unsaved": True}
if _HIP["path"]:
    _scene.hipFile.load(_HIP["path"])


def _ui_thread():
    if threading.current_thread() is not MAIN_THREAD:
        raise RuntimeError("hou.ui may only be used from Houdini's main thread")


class hipFile(object):
    saved = []

    @staticmethod
    def path():
        return _HIP["path"]

    @staticmethod
    def hasUnsavedChanges():
        return _HIP["unsaved"]

    @staticmethod
    def save(file_name=None, save_to_recent_files=True):
        _HIP["unsaved"] = False
        hipFile.saved.append(file_name or _HIP["path"])

    load = staticmethod(_scene.hipFile.load)


class ui(object):
    multi_input_answers = []
    multi_input_messages = []
    message_answers = []
    messages = []
    status_messages = []

    @staticmethod
    def readMultiInput(message, input_labels, password_input_indices=(), buttons=("OK",),
                       severity=None, default_choice=0, close_choice=-1, help=None,
                       title=None, initial_contents=()):
        _ui_thread()
        ui.multi_input_messages.append(message)
        choice, changes = ui.multi_input_answers.pop(0)
        values = list(initial_contents) + [""] * (len(input_labels) - len(initial_contents))
        for label, value in (changes or {}).items():
            values[list(input_labels).index(label)] = value
        return choice, tuple(values)

    @staticmethod
    def displayMessage(text, buttons=("OK",), severity=None, default_choice=0,
                       close_choice=None, help=None, title=None, details=None,
                       details_label=None, details_expanded=False):
        _ui_thread()
        ui.messages.append(text)
        return ui.message_answers.pop(0) if ui.message_answers else default_choice

    @staticmethod
    def setStatusMessage(message, severity=None):
        _ui_thread()
        ui.status_messages.append(message)


def applicationVersionString():
    return os.environ.get("FAKE_HOU_VERSION", "18.5.408")
