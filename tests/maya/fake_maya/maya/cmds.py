"""Fake ``maya.cmds`` covering the calls of rayvision_maya/dcc/Analyze.py.

The scene is a dict (``load(scene)``, or the json file named by ``FAKE_MAYA_SCENE``)::

    {"version": "2018", "scene_file": "...", "project": "...",
     "nodes": {"name": {"type": "file", "attrs": {"fileTextureName": "..."},
                        "referenced": false}},
     "layer_overrides": {"layer1": {"node.attr": value}},
     "references": {"charRN": {"filename": "...", "loaded": true}},
     "plugins": ["mtoa", "3.1.2.1"], "files": ["..."],
     "fail_open": false}

Unknown nodes or attributes raise ValueError like Maya's getAttr does, so the script under
test must check objExists/attributeQuery first.
"""

import json
import os
import posixpath

CALLS = []
_STATE = {"scene": {}, "layer": "defaultRenderLayer", "opened": None, "workspace": None}


def load(scene):
    _STATE["scene"] = scene
    _STATE["layer"] = "defaultRenderLayer"
    _STATE["opened"] = None
    _STATE["workspace"] = scene.get("project")
    del CALLS[:]


if os.environ.get("FAKE_MAYA_SCENE"):
    with open(os.environ["FAKE_MAYA_SCENE"]) as _handle:
        load(json.load(_handle))


def _nodes():
    return _STATE["scene"].get("nodes", {})


def _record(name, *args, **kwargs):
    CALLS.append((name, args, kwargs))


def objExists(name):
    _record("objExists", name)
    return _node_name(name) in _nodes()


def attributeQuery(attr, node=None, exists=False):
    _record("attributeQuery", attr, node=node, exists=exists)
    if not exists:
        raise TypeError("only exists=True is faked")
    node = _node_name(node)
    if node not in _nodes():
        raise RuntimeError("No object matches name: %s" % node)
    return attr in _nodes()[node].get("attrs", {})


def _node_name(name):
    """The key of ``_nodes()`` a name or full DAG path stands for."""
    if name in _nodes():
        return name
    for key, node in _nodes().items():
        if node.get("path", "|" + key) == name:
            return key
    return name


def getAttr(plug):
    _record("getAttr", plug)
    node, _, attr = plug.partition(".")
    node = _node_name(node)
    plug = node + "." + attr
    overrides = _STATE["scene"].get("layer_overrides", {}).get(_STATE["layer"], {})
    if plug in overrides:
        return overrides[plug]
    if node not in _nodes() or attr not in _nodes()[node].get("attrs", {}):
        raise ValueError("No object matches name: %s" % plug)
    return _nodes()[node]["attrs"][attr]


def ls(type=None, long=False):
    """Nodes of a type; ``long=True`` gives full DAG paths (a node's "path", else "|name")."""
    _record("ls", type=type, long=long)
    if _STATE["opened"] is None:
        return []
    unknown = _STATE["scene"].get("unknown_types", [])
    if type in unknown:
        raise RuntimeError("Unknown object type: %s" % type)
    return [node.get("path", name if name.startswith("|") else "|" + name) if long else name
            for name, node in _nodes().items() if node.get("type") == type]


def editRenderLayerGlobals(query=False, currentRenderLayer=None):
    _record("editRenderLayerGlobals", query=query, currentRenderLayer=currentRenderLayer)
    if query:
        return _STATE["layer"]
    if currentRenderLayer not in _nodes():
        raise RuntimeError("no layer %s" % currentRenderLayer)
    _STATE["layer"] = currentRenderLayer
    return None


def referenceQuery(node, isNodeReferenced=False, filename=False, withoutCopyNumber=False,
                   isLoaded=False):
    _record("referenceQuery", node, isNodeReferenced=isNodeReferenced, filename=filename,
            withoutCopyNumber=withoutCopyNumber, isLoaded=isLoaded)
    if isNodeReferenced:
        return bool(_nodes().get(node, {}).get("referenced"))
    reference = _STATE["scene"].get("references", {}).get(node)
    if reference is None:
        raise RuntimeError("not a reference node: %s" % node)
    if filename:
        path = reference["filename"]
        return path if withoutCopyNumber else path + "{1}"
    if isLoaded:
        return reference.get("loaded", True)
    raise TypeError("unsupported referenceQuery")


def pluginInfo(query=False, pluginsInUse=False):
    _record("pluginInfo", query=query, pluginsInUse=pluginsInUse)
    return list(_STATE["scene"].get("plugins", []))


def workspace(path=None, openWorkspace=False, expandName=None):
    _record("workspace", path, openWorkspace=openWorkspace, expandName=expandName)
    if openWorkspace:
        _STATE["workspace"] = path
        return None
    if expandName is not None:
        if expandName.startswith("/") or expandName[1:2] == ":" or not _STATE["workspace"]:
            return expandName
        return posixpath.join(_STATE["workspace"], expandName)
    raise TypeError("unsupported workspace call")


def file(path=None, open=False, force=False, ignoreVersion=False, prompt=True,
         query=False, sceneName=False, list=False):
    _record("file", path, open=open, force=force, ignoreVersion=ignoreVersion, prompt=prompt,
            query=query, sceneName=sceneName, list=list)
    scene = _STATE["scene"]
    if open:
        if scene.get("fail_open"):
            raise RuntimeError("Maya could not open %s" % path)
        _STATE["opened"] = path
        return path
    if query and sceneName:
        return _STATE["opened"] or ""
    if query and list:
        return [_STATE["opened"]] + scene.get("files", [])
    raise TypeError("unsupported file call")


def about(version=False):
    _record("about", version=version)
    return _STATE["scene"].get("version", "2018")
