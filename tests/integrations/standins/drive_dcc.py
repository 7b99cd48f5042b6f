# -*- coding: utf-8 -*-
"""A stand-in interactive Maya or Houdini session driving a Renderbus submitter (2.7 and 3).

    python drive_dcc.py maya|houdini SCRIPTS_DIR submit|cancel|reopen-cancel RESULT_JSON [FRAMES]

Maya: runs the folder's ``userSetup.py`` like Maya at startup, lets the idle queue install
the menu, picks *Submit Scene...*, reads the findings window and presses *Submit*.
Houdini: runs the shelf tool's script from the ``.shelf`` file. Then the session keeps its
UI loop turning (the deferred queue) while the submission runs on its worker thread; with
``cancel`` the user cancels once the submission is under way. The result file gets what the
user saw.
"""

from __future__ import print_function

import io
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FINAL = ("Submitted", "Failed", "Cancelled", "Renderbus submission", "Submitted:")


class Session(object):
    def __init__(self, dcc, scripts):
        self.dcc = dcc
        self.scripts = scripts
        self.statuses = []
        self.loops = 0
        self.reopen = False

    def pump(self):
        if self.dcc == "maya":
            import maya.utils
            maya.utils.process_idle_queue()
        else:
            import hdefereval
            hdefereval.process_deferred()
        self.loops += 1
        status = self.status()
        if status and (not self.statuses or self.statuses[-1] != status):
            self.statuses.append(status)
        return status

    def status(self):
        if self.dcc == "maya":
            import maya.cmds as cmds
            import renderbus_maya
            if not cmds.text(renderbus_maya.STATUS, exists=True):
                return None
            return cmds.text(renderbus_maya.STATUS, query=True, label=True)
        import hou
        return hou.ui.status_messages[-1] if hou.ui.status_messages else None

    def pump_until(self, condition, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = self.pump()
            if condition(status):
                return status
            time.sleep(0.02)
        raise RuntimeError("timed out; statuses: {0}".format(self.statuses))


def open_maya(session, frames):
    import maya.cmds as cmds
    import maya.utils

    with io.open(os.path.join(session.scripts, "userSetup.py"), encoding="utf-8") as handle:
        exec(compile(handle.read(), "userSetup.py", "exec"), {"__name__": "__main__"})
    maya.utils.process_idle_queue()
    import renderbus_maya

    items = [name for name in cmds.ORDER if cmds.CONTROLS.get(name, {}).get("type") ==
             "menuItem" and cmds.CONTROLS[name]["flags"].get("parent") == renderbus_maya.MENU]
    (submit_item,) = [name for name in items
                      if cmds.CONTROLS[name]["flags"]["label"] == "Submit Scene..."]
    cmds.click(submit_item)
    findings = cmds.scrollField(renderbus_maya.FINDINGS, query=True, text=True)
    if frames:
        cmds.textFieldGrp(renderbus_maya.FRAMES, edit=True, text=frames)
    cmds.DIALOG_ANSWERS.append("Save")
    started = time.time()
    cmds.click(renderbus_maya.SUBMIT)
    submit_seconds = time.time() - started

    def cancel():
        if session.reopen:  # the artist closed the window and picks the menu item again
            cmds.deleteUI(renderbus_maya.WINDOW)
            cmds.click(submit_item)
        cmds.click(renderbus_maya.CANCEL)

    return findings, submit_seconds, list(cmds.SAVED), cancel


def open_houdini(session, frames):
    import xml.etree.ElementTree as ElementTree

    import hou

    shelf = os.path.join(os.path.dirname(os.path.dirname(session.scripts)), "toolbar",
                         "renderbus.shelf")
    tools = dict((tool.get("name"), tool.find("script").text)
                 for tool in ElementTree.parse(shelf).getroot().findall("tool"))
    hou.ui.multi_input_answers.append((0, None if not frames else {"Frames": frames}))
    hou.ui.message_answers.append(0)  # "Save" the hip file
    started = time.time()
    run_tool(tools, "renderbus_submit")
    findings = hou.ui.multi_input_messages[-1]
    return findings, time.time() - started, list(hou.hipFile.saved), \
        lambda: run_tool(tools, "renderbus_cancel")


def run_tool(tools, name):
    """Houdini runs a shelf tool's script in a fresh namespace."""
    exec(compile(tools[name], "renderbus.shelf", "exec"), {})


def main(dcc, scripts, action, result_file, frames=None):
    sys.path.insert(0, scripts)
    session = Session(dcc, scripts)
    session.reopen = action == "reopen-cancel"
    opener = open_maya if dcc == "maya" else open_houdini
    findings, submit_seconds, saved, cancel = opener(session, frames)
    if action in ("cancel", "reopen-cancel"):
        session.pump_until(lambda status: status and "uploading" in status)
        cancel()
    final = session.pump_until(
        lambda status: bool(status) and any(word in status for word in
                                            ("Submitted", "failed", "Failed", "ancelled")))
    result = {"findings": findings, "submit_seconds": submit_seconds, "saved": saved,
              "statuses": session.statuses, "final": final, "loops": session.loops}
    if dcc == "houdini":
        import hou
        result["messages"] = hou.ui.messages
    with io.open(result_file, "w", encoding="utf-8") as handle:
        text = json.dumps(result)
        handle.write(text if isinstance(text, type(u"")) else text.decode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
