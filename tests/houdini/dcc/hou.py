# -*- coding: utf-8 -*-
"""A stand-in for Houdini's ``hou`` module (Python 2.7 and 3), enough for HfsBase.py.

The scene is described by the JSON file named in ``FAKE_HOU_SCENE``::

    {"nodes": [{"path": "/out/mantra1", "type": "ifd", "bypass": false,
                "parms": {"camera": "/obj/cam1"}, "tuples": {"f": [1, 10, 1]}}],
     "file_references": [["/obj/geo1/file1/file", "$HIP/geo/a.$F4.bgeo.sc"]],
     "hda_files": ["/studio/otls/tool.hda"], "variables": {"JOB": "/jobs/x"},
     "playback": [1, 240], "frame": 1, "fail_load": false}

A node's ``"expressions": {"parm": ["expression", "hscript" or "python"]}`` drives a parameter
by an expression (``unexpandedString()`` then fails, as in Houdini).

Calls are recorded in ``calls`` so tests can check how the script drove Houdini; the log is
written to ``FAKE_HOU_CALL_LOG`` when set.
"""

import io
import json
import os
import re

calls = []
_state = {"nodes": {}, "order": [], "variables": {}, "refs": [], "hda": [], "playback": [1, 240],
          "frame": 1}
_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


class Error(Exception):
    """Base of hou errors."""


class OperationFailed(Error):
    """hou.OperationFailed."""


class LoadWarning(Error):
    """hou.LoadWarning."""


class exprLanguage(object):
    Hscript = "Hscript"
    Python = "Python"


def frame():
    return _state["frame"]


class updateMode(object):
    Manual = "Manual"
    AutoUpdate = "AutoUpdate"


def _log(*args):
    calls.append(list(args))
    target = os.environ.get("FAKE_HOU_CALL_LOG")
    if target:
        text = json.dumps(calls)
        if isinstance(text, bytes):
            text = text.decode("ascii")
        with io.open(target, "w", encoding="utf-8") as handle:
            handle.write(text)


def setSimulationEnabled(enabled):
    _log("setSimulationEnabled", enabled)


def setUpdateMode(mode):
    _log("setUpdateMode", mode)


def hscript(command):
    _log("hscript", command)
    match = re.match(r'setenv\s+(\w+)\s*=\s*"(.*)"$', command)
    if match:
        _state["variables"][match.group(1)] = match.group(2)
    return ("", "")


def expandString(text):
    def _replace(match):
        name = match.group(1) or match.group(2)
        return _state["variables"].get(name, match.group(0))
    return _VARIABLE.sub(_replace, text)


class NodeTypeCategory(object):
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name


class NodeType(object):
    def __init__(self, name, category):
        self._name = name
        self._category = NodeTypeCategory(category)

    def name(self):
        return self._name

    def category(self):
        return self._category


class Parm(object):
    def __init__(self, node, name, value):
        self._node = node
        self._name = name
        self._value = value

    def name(self):
        return self._name

    def path(self):
        return self._node.path() + "/" + self._name

    def node(self):
        return self._node

    def eval(self):
        if isinstance(self._value, (str, type(u""))):
            return expandString(self._value)
        return self._value

    def evalAsString(self):
        return "{0}".format(self.eval())

    def _expression(self):
        found = self._node._expressions.get(self._name)
        if found is None:
            raise OperationFailed("no expression")
        return found

    def unexpandedString(self):
        if self._name in self._node._expressions:
            raise OperationFailed("the parameter is driven by an expression")
        if not isinstance(self._value, (str, type(u""))):
            raise OperationFailed("not a string parameter")
        return self._value

    def expression(self):
        return self._expression()[0]

    def expressionLanguage(self):
        language = self._expression()[1]
        return exprLanguage.Python if language == "python" else exprLanguage.Hscript


class ParmTuple(object):
    def __init__(self, values):
        self._values = values

    def eval(self):
        return tuple(self._values)


class Node(object):
    def __init__(self, spec):
        self._path = spec["path"]
        default_category = "Driver" if spec["path"].startswith("/out/") else "Sop"
        self._type = NodeType(spec.get("type", ""), spec.get("category", default_category))
        self._bypass = spec.get("bypass", False)
        self._parms = dict(spec.get("parms", {}))
        self._tuples = dict(spec.get("tuples", {}))
        self._expressions = dict(spec.get("expressions", {}))
        for name, values in self._tuples.items():
            for number, value in enumerate(values):
                self._parms.setdefault("{0}{1}".format(name, number + 1), value)

    def path(self):
        return self._path

    def name(self):
        return self._path.rsplit("/", 1)[-1]

    def type(self):
        return self._type

    def isBypassed(self):
        return self._bypass

    def parm(self, name):
        if name in self._parms:
            return Parm(self, name, self._parms[name])
        return None

    def parmTuple(self, name):
        if name in self._tuples:
            return ParmTuple(self._tuples[name])
        return None

    def allSubChildren(self):
        prefix = self._path.rstrip("/") + "/"
        return [_state["nodes"][path] for path in _state["order"] if path.startswith(prefix)]

    def node(self, relative):
        if relative.startswith("/"):
            target = relative
        else:
            parts = self._path.split("/")
            for piece in relative.split("/"):
                if piece == "..":
                    parts.pop()
                elif piece and piece != ".":
                    parts.append(piece)
            target = "/".join(parts)
        return node(target)


class _Root(Node):
    def __init__(self):
        Node.__init__(self, {"path": "/", "type": "root"})


def node(path):
    if path == "/":
        return _Root()
    return _state["nodes"].get(path.rstrip("/") or "/")


class hipFile(object):
    @staticmethod
    def load(path, suppress_save_prompt=False, ignore_load_warnings=False):
        _log("hipFile.load", path, suppress_save_prompt, ignore_load_warnings)
        with io.open(os.environ["FAKE_HOU_SCENE"], "r", encoding="utf-8") as handle:
            scene = json.load(handle)
        if scene.get("fail_load"):
            raise OperationFailed("cannot load {0}".format(path))
        folder = os.path.dirname(os.path.abspath(path)).replace("\\", "/")
        _state["variables"] = dict(scene.get("variables", {}))
        _state["variables"].update({"HIP": folder, "HIPFILE": path.replace("\\", "/"),
                                    "HIPNAME": os.path.splitext(os.path.basename(path))[0]})
        _state["nodes"] = {}
        _state["order"] = []
        for spec in scene.get("nodes", []):
            _state["nodes"][spec["path"]] = Node(spec)
            _state["order"].append(spec["path"])
        _state["refs"] = scene.get("file_references", [])
        _state["hda"] = scene.get("hda_files", [])
        _state["playback"] = scene.get("playback", [1, 240])
        _state["frame"] = scene.get("frame", 1)


def fileReferences():
    result = []
    for parm_path, raw in _state["refs"]:
        if parm_path is None:
            result.append((None, raw))
            continue
        node_path, name = parm_path.rsplit("/", 1)
        owner = node(node_path)
        result.append((Parm(owner, name, raw), raw))
    return tuple(result)


class playbar(object):
    @staticmethod
    def playbackRange():
        return tuple(_state["playback"])


class hda(object):
    @staticmethod
    def loadedFiles():
        return tuple(_state["hda"])
