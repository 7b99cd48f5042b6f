"""Stand-in for ``maya.cmds`` in an interactive Maya with a scene open.

The scene-reading commands are the fake of ``tests/maya/fake_maya`` (the scene described by
the json file named in ``FAKE_MAYA_SCENE``, its ``scene_file`` already open). UI commands
keep their controls in ``CONTROLS`` (name -> type and flags) and follow Maya's call forms:
``cmds.button(name, label=..., command=...)`` creates, ``edit=True`` changes,
``query=True`` reads a flag, ``exists=True`` asks whether the control is there. Only the UI
thread may touch controls (Maya crashes otherwise): the stand-in refuses other threads.
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
_SCENE_FAKE = os.path.join(_HERE, os.pardir, os.pardir, os.pardir, "maya", "fake_maya", "maya",
                           "cmds.py")
_scene = _load("renderbus_standin_scene_cmds", os.path.normpath(_SCENE_FAKE))
_scene._STATE["opened"] = _scene._STATE["scene"].get("scene_file")

objExists = _scene.objExists
attributeQuery = _scene.attributeQuery
getAttr = _scene.getAttr
ls = _scene.ls
editRenderLayerGlobals = _scene.editRenderLayerGlobals
referenceQuery = _scene.referenceQuery
pluginInfo = _scene.pluginInfo
workspace = _scene.workspace

MAIN_THREAD = threading.current_thread()
CONTROLS = {}
ORDER = []
DIALOG_ANSWERS = []
SAVED = []
_counter = [0]
#: The window whose layout new controls go into (Maya's current parent).
_WINDOW = [None]


def _ui_thread():
    if threading.current_thread() is not MAIN_THREAD:
        raise RuntimeError("Maya UI commands must run on the main thread")


def file(path=None, query=False, sceneName=False, modified=False, save=False, list=False,
         **flags):
    scene = _scene._STATE["scene"]
    if save:
        SAVED.append(_scene._STATE["opened"])
        scene["modified"] = False
        return _scene._STATE["opened"]
    if query and modified:
        return bool(scene.get("modified", False))
    return _scene.file(path, query=query, sceneName=sceneName, list=list, **flags)


def about(version=False, batch=False):
    if batch:
        return False
    return _scene.about(version=version)


def _control(kind, name=None, exists=False, query=False, edit=False, **flags):
    _ui_thread()
    if exists:
        return name in CONTROLS
    if query or edit:
        if name not in CONTROLS:
            raise RuntimeError("Object '{0}' not found.".format(name))
        control = CONTROLS[name]
        if control["type"] != kind:
            raise RuntimeError("{0} is a {1}, not a {2}".format(name, control["type"], kind))
        if query:
            (flag,) = [key for key, value in flags.items() if value]
            return control["flags"].get(flag)
        control["flags"].update(flags)
        return name
    if name is None:
        _counter[0] += 1
        name = "{0}{1}".format(kind, _counter[0])
    if name in CONTROLS:
        raise RuntimeError("Object's name '{0}' is not unique.".format(name))
    if kind == "window":
        _WINDOW[0] = name
    owner = _WINDOW[0] if kind not in ("window", "menu", "menuItem") else None
    CONTROLS[name] = {"type": kind, "flags": dict(flags), "window": owner}
    ORDER.append(name)
    return name


def menu(name=None, **flags):
    return _control("menu", name, **flags)


def menuItem(name=None, **flags):
    return _control("menuItem", name, **flags)


def window(name=None, **flags):
    return _control("window", name, **flags)


def columnLayout(name=None, **flags):
    return _control("columnLayout", name, **flags)


def rowLayout(name=None, **flags):
    return _control("rowLayout", name, **flags)


def scrollField(name=None, **flags):
    return _control("scrollField", name, **flags)


def textFieldGrp(name=None, **flags):
    return _control("textFieldGrp", name, **flags)


def progressBar(name=None, **flags):
    return _control("progressBar", name, **flags)


def text(name=None, **flags):
    return _control("text", name, **flags)


def button(name=None, **flags):
    return _control("button", name, **flags)


def setParent(name):
    _ui_thread()
    return name


def showWindow(name):
    _ui_thread()
    CONTROLS[name]["flags"]["visible"] = True


def deleteUI(name):
    """Delete a control; a window takes its controls with it, as in Maya."""
    _ui_thread()
    CONTROLS.pop(name, None)
    for child in [key for key, control in CONTROLS.items() if control.get("window") == name]:
        del CONTROLS[child]


def confirmDialog(**flags):
    _ui_thread()
    return DIALOG_ANSWERS.pop(0) if DIALOG_ANSWERS else flags.get("defaultButton")


def click(name):
    """Stand-in only: the user clicks a button or menu item."""
    _ui_thread()
    control = CONTROLS[name]
    if control["flags"].get("enable") is False:
        raise RuntimeError("{0} is disabled".format(name))
    control["flags"]["command"](False)
