# -*- coding: utf-8 -*-
"""Stand-in for Clarisse's ``ix`` in an interactive Clarisse with a project open (2.7 and 3).

Scene reading is the fake of ``tests/clarisse/dcc/ix.py`` (the project described by the json
file named in ``FAKE_IX_SCENE``). Added here, following the public ``ix`` API: the project
file (``FAKE_IX_PROJECT``, unsaved changes unless ``FAKE_IX_MODIFIED=0``; the answers to
Clarisse's "save changes?" in ``FAKE_IX_SAVE_ANSWERS``, default yes),
``check_need_save``, ``save_project``, ``get_version_name`` (``FAKE_IX_VERSION``), the log,
and the widgets of a script window (``GuiWindow``, ``GuiTextEdit``, ``GuiLineEdit``,
``GuiLabel``, ``GuiPushButton``). Widgets refuse every call off the main thread, as Clarisse
requires. ``application.check_for_events()`` is where the user acts: it calls
``application.user(shown_windows)`` (stand-in only), which reads widgets and presses buttons
(``GuiPushButton.click``, stand-in only) like an artist would.
"""

from __future__ import print_function

import os
import threading

try:
    import importlib.util

    def _load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
except ImportError:  # Python 2
    import imp

    def _load(name, path):
        return imp.load_source(name, path)

_HERE = os.path.dirname(os.path.abspath(__file__))
_scene = _load("renderbus_standin_scene_ix", os.path.normpath(os.path.join(
    _HERE, os.pardir, os.pardir, "clarisse", "dcc", "ix.py")))

MAIN_THREAD = threading.current_thread()
#: GUI calls made off the main thread (each was refused with RuntimeError).
REFUSED = []
_PROJECT = {"filename": os.environ.get("FAKE_IX_PROJECT", ""),
            "modified": os.environ.get("FAKE_IX_MODIFIED", "1") != "0"}


def _gui_thread(what):
    if threading.current_thread() is not MAIN_THREAD:
        REFUSED.append(what)
        raise RuntimeError("{0}: Clarisse's GUI may only be used from the main thread"
                           .format(what))


class _Widget(object):
    def __init__(self, parent, x, y, w, h):
        _gui_thread(type(self).__name__)
        self.parent = parent
        self.geometry = (x, y, w, h)
        self.handlers = {}
        self.children = []
        if parent is not None:
            parent.children.append(self)

    def connect(self, sender, event_id, handler):
        _gui_thread("connect")
        sender.handlers.setdefault(event_id, []).append(handler)


class _Text(_Widget):
    def __init__(self, parent, x, y, w, h, text=""):
        super(_Text, self).__init__(parent, x, y, w, h)
        self._text = text

    def set_text(self, text):
        _gui_thread("set_text")
        self._text = text

    def get_text(self):
        _gui_thread("get_text")
        return self._text


class GuiTextEdit(_Text):
    read_only = False

    def set_read_only(self, read_only):
        _gui_thread("set_read_only")
        self.read_only = bool(read_only)


class GuiLineEdit(_Text):
    pass


class GuiLabel(_Text):
    pass


class GuiPushButton(_Widget):
    def __init__(self, parent, x, y, w, h, label=""):
        super(GuiPushButton, self).__init__(parent, x, y, w, h)
        self.label = label

    def click(self):
        """Stand-in only: the user presses the button (handlers run now, main thread)."""
        _gui_thread("click")
        for handler in self.handlers.get("EVT_ID_PUSH_BUTTON_CLICK", []):
            handler(self, "EVT_ID_PUSH_BUTTON_CLICK")


class GuiWindow(_Widget):
    def __init__(self, parent, x, y, w, h, title=""):
        super(GuiWindow, self).__init__(parent, x, y, w, h)
        self.title = title
        self.shown = False
        self.destroyed = False

    def show(self):
        _gui_thread("show")
        self.shown = True
        if self not in application.windows:
            application.windows.append(self)

    def is_shown(self):
        _gui_thread("is_shown")
        return self.shown

    def hide(self):
        _gui_thread("hide")
        self.shown = False

    def destroy(self):
        _gui_thread("destroy")
        self.shown = False
        self.destroyed = True

    def widgets(self, kind):
        """Stand-in only: this window's widgets of one class, in creation order."""
        return [child for child in self.children if isinstance(child, kind)]


class api(_scene.api):  # noqa: N801 - ix's spelling
    GuiWindow = GuiWindow
    GuiTextEdit = GuiTextEdit
    GuiLineEdit = GuiLineEdit
    GuiLabel = GuiLabel
    GuiPushButton = GuiPushButton


class _Response(object):
    def __init__(self, answer):
        self.answer = answer

    def is_yes(self):
        return self.answer == "yes"

    def is_no(self):
        return self.answer == "no"

    def is_cancelled(self):
        return self.answer == "cancel"


class application(_scene.application):  # noqa: N801
    windows = []
    saved = []
    log = []
    turns = [0]
    #: Called with the shown windows on every turn of the event loop (the scripted user).
    user = None
    #: Answers of the "save changes?" dialog, in order ("yes", "no", "cancel"); then "yes".
    save_answers = [answer for answer in os.environ.get("FAKE_IX_SAVE_ANSWERS", "").split(",")
                    if answer]
    _event_window = _Widget(None, 0, 0, 1920, 1080)

    @staticmethod
    def get_event_window():
        _gui_thread("get_event_window")
        return application._event_window

    @staticmethod
    def check_for_events():
        _gui_thread("check_for_events")
        application.turns[0] += 1
        if application.user is not None:
            application.user([window for window in application.windows if window.shown])

    @staticmethod
    def get_current_project_filename():
        return _PROJECT["filename"]

    @staticmethod
    def save_project(filename):
        _gui_thread("save_project")
        application.saved.append(filename)
        _PROJECT.update(filename=filename, modified=False)

    @staticmethod
    def get_version_name():
        return os.environ.get("FAKE_IX_VERSION", "4.0_SP3")


def check_need_save():
    _gui_thread("check_need_save")
    if not _PROJECT["modified"]:
        return _Response("no"), _PROJECT["filename"]
    answer = application.save_answers.pop(0) if application.save_answers else "yes"
    return _Response(answer), _PROJECT["filename"]


def log_info(text):
    _gui_thread("log_info")
    application.log.append(("info", text))
    print("[info] {0}".format(text))


def log_warning(text):
    _gui_thread("log_warning")
    application.log.append(("warning", text))
    print("[warning] {0}".format(text))
