# -*- coding: utf-8 -*-
"""A stand-in interactive Clarisse session running the Renderbus script (2.7 and 3).

    python drive_clarisse.py SCRIPT submit|cancel|close RESULT_JSON [FRAMES [FARM_PROJECT]]

Clarisse runs the script file; the script opens its window and turns Clarisse's event loop
itself. On each turn the scripted user (``User``) looks at the window like an artist: reads
the findings, types the frames, presses *Submit*; with ``cancel`` presses *Cancel* once the
upload is under way; with ``close`` closes the window while the submission runs; once the
status line says how it ended, presses *Cancel* to close the window. The result file gets
what the user saw and what Clarisse recorded.
"""

from __future__ import print_function

import io
import json
import os
import runpy
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ix  # noqa: E402  (the stand-in)

FINAL_WORDS = ("Submitted:", "submission failed", "submission cancelled", "Not submitted")
TIMEOUT_SECONDS = 120


def caption_row(window, caption):
    """The line edit on the row of the label ``caption`` (what a user sees as one field)."""
    (label,) = [label for label in window.widgets(ix.GuiLabel) if label.get_text() == caption]
    (field,) = [edit for edit in window.widgets(ix.GuiLineEdit)
                if edit.geometry[1] == label.geometry[1]]
    return field


def status_line(window):
    """The label that has no field on its row."""
    rows = set(edit.geometry[1] for edit in window.widgets(ix.GuiLineEdit))
    (label,) = [label for label in window.widgets(ix.GuiLabel) if label.geometry[1] not in rows]
    return label.get_text()


def button(window, label):
    (found,) = [item for item in window.widgets(ix.GuiPushButton) if item.label == label]
    return found


class User(object):
    def __init__(self, action, frames, project):
        self.action = action
        self.typed = {"Frames": frames, "Farm project": project}
        self.step = "open"
        self.seen = {"statuses": [], "final": None, "fields": {}}
        self.turns_at_submit = None
        self.deadline = time.time() + TIMEOUT_SECONDS

    def __call__(self, windows):
        if not windows:
            return
        window = windows[-1]
        status = status_line(window)
        if not self.seen["statuses"] or self.seen["statuses"][-1] != status:
            self.seen["statuses"].append(status)
        if time.time() > self.deadline:
            window.hide()
        elif self.step == "open":
            self.submit(window)
        elif self.step in ("submitted", "cancelling"):
            self.follow(window, status)

    def submit(self, window):
        self.seen["title"] = window.title
        self.seen["findings"] = window.widgets(ix.GuiTextEdit)[0].get_text()
        self.seen["read_only"] = window.widgets(ix.GuiTextEdit)[0].read_only
        for caption in ("Images", "Frames", "Farm project", "Software"):
            self.seen["fields"][caption] = caption_row(window, caption).get_text()
        for caption, text in self.typed.items():
            if text:
                caption_row(window, caption).set_text(text)
        started = time.time()
        button(window, "Submit").click()
        self.seen["submit_seconds"] = time.time() - started
        self.turns_at_submit = ix.application.turns[0]
        self.step = "submitted"

    def follow(self, window, status):
        if any(word in status for word in FINAL_WORDS):
            self.seen["final"] = status
            self.seen["loops"] = ix.application.turns[0] - self.turns_at_submit
            button(window, "Cancel").click()  # nothing runs any more: Cancel closes
            self.step = "closed"
        elif self.step == "submitted" and "uploading" in status:
            if self.action == "cancel":
                button(window, "Cancel").click()
                self.step = "cancelling"
            elif self.action == "close":
                self.seen["loops"] = ix.application.turns[0] - self.turns_at_submit
                window.hide()
                self.step = "closed"


def main(script, action, result_file, frames=None, project=None):
    user = User(action, frames, project)
    ix.application.user = user
    started = time.time()
    runpy.run_path(script, run_name="__main__")  # as Clarisse runs a script file
    seen = user.seen
    windows = ix.application.windows
    seen.update(seconds=time.time() - started, saved=ix.application.saved,
                log=[list(entry) for entry in ix.application.log],
                refused=ix.REFUSED, destroyed=[window.destroyed for window in windows],
                threads_left=[thread.name for thread in threading.enumerate()
                              if thread is not threading.current_thread()])
    with io.open(result_file, "w", encoding="utf-8") as handle:
        text = json.dumps(seen)
        handle.write(text if isinstance(text, type(u"")) else text.decode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
