"""Scenes on the command line: which analyser, the analysis summary, frame/layer selection."""

import os
from typing import Any, Dict, List, Optional

from rayvision_api.exception import RayvisionArgumentError
from rayvision_api.utils import json_load, json_save

#: Scene extension -> DCC.
DCC_BY_EXTENSION = {".ma": "maya", ".mb": "maya", ".hip": "houdini", ".hipnc": "houdini",
                    ".hiplc": "houdini", ".project": "clarisse"}


def dcc_of(scene: str) -> str:
    """The DCC of ``scene`` from its extension.

    Raises:
        RayvisionArgumentError: An extension no analyser reads (the message lists them).
    """
    extension = os.path.splitext(scene)[1].lower()
    if extension not in DCC_BY_EXTENSION:
        raise RayvisionArgumentError("{0}: unknown scene type {1!r}; known: {2}".format(
            scene, extension, ", ".join(sorted(DCC_BY_EXTENSION))))
    return DCC_BY_EXTENSION[extension]


def make_analyzer(scene: str, software_version: Optional[str], project_name: str,
                  workspace: Optional[str], backend: str, platform: str) -> Any:
    """The analyser object of ``scene`` (not run yet)."""
    if not os.path.isfile(scene):
        raise RayvisionArgumentError("scene {0} is not a file".format(scene))
    dcc = dcc_of(scene)
    common: Dict[str, Any] = dict(cg_file=os.path.abspath(scene), project_name=project_name,
                  plugin_config={}, workspace=workspace, backend=backend, platform=platform)
    if dcc == "maya":
        from rayvision_maya.analyze_maya import AnalyzeMaya

        version = software_version or AnalyzeMaya.check_version3(scene)
        if not version:
            raise RayvisionArgumentError("{0} does not say which Maya saved it: pass "
                                         "--software-version".format(scene))
        return AnalyzeMaya(software_version=version, **common)
    if not software_version:
        raise RayvisionArgumentError("--software-version is required for {0} scenes".format(
            dcc))
    if dcc == "houdini":
        from rayvision_houdini.analyze_houdini import AnalyzeHoudini

        return AnalyzeHoudini(software_version=software_version, **common)
    from rayvision_clarisse.analyse_clarisse import AnalyzeClarisse

    return AnalyzeClarisse(software_version=software_version, **common)


def _layers(render: Any) -> List[Dict[str, Any]]:
    """``[{"name", "frames", "renderable"}]`` of any DCC's ``scene_info_render``.

    A Clarisse image renders its 3D layers: it is renderable when one of them is (or, without
    layers, when the image itself is), and each layer is listed after its image.
    """
    found: List[Dict[str, Any]] = []
    if not isinstance(render, dict):
        return found
    if "rop_node" in render or "image_node" in render:
        for node in render.get("rop_node") or []:
            found.append({"name": node.get("node") or node.get("name"),
                          "frames": node.get("frames"),
                          "renderable": str(node.get("render", "1")) == "1"})
        for image in render.get("image_node") or []:
            layers = [{"name": layer.get("name"), "frames": layer.get("frames"),
                       "renderable": str(layer.get("renderable", "1")) == "1"}
                      for layer in image.get("layers") or []]
            own = str(image.get("renderable", "1")) == "1"
            found.append({"name": image.get("name"), "frames": image.get("frames"),
                          "renderable": own or any(layer["renderable"] for layer in layers)})
            found.extend(layers)
        return found
    for name, layer in render.items():
        if isinstance(layer, dict):
            found.append({"name": name, "frames": (layer.get("common") or {}).get("frames"),
                          "renderable": str(layer.get("renderable", "1")) == "1"})
    return found


def summary(analyzer: Any) -> Dict[str, Any]:
    """What an analysis found: layers, frames, assets, tips."""
    task = json_load(analyzer.task_json) or {}
    upload = json_load(analyzer.upload_json) or {}
    tips = json_load(analyzer.tips_json) or {}
    return {
        "scene": analyzer.cg_file,
        "dcc": dcc_of(analyzer.cg_file),
        "backend": getattr(analyzer, "backend_used", None),
        "workspace": analyzer.workspace,
        "task_json": analyzer.task_json,
        "upload_json": analyzer.upload_json,
        "layers": _layers(task.get("scene_info_render")),
        "assets": len(upload.get("asset") or []),
        "tips": dict((str(code), value) for code, value in tips.items()),
    }


def select(task_json: str, frames: Optional[str], layers: Optional[List[str]]) -> None:
    """Restrict task.json to ``layers`` and render ``frames`` on each of them.

    Raises:
        RayvisionArgumentError: A named layer is not in the scene (the message lists them).
    """
    if not frames and not layers:
        return
    task = json_load(task_json)
    render = task.get("scene_info_render")
    if not isinstance(render, dict):
        render = {}
    known = [layer["name"] for layer in _layers(render)]
    unknown = sorted(set(layers or []) - set(known))
    if unknown:
        raise RayvisionArgumentError("no layer {0} in the scene; layers: {1}".format(
            ", ".join(unknown), ", ".join(known)))
    if "rop_node" in render or "image_node" in render:
        for node in render.get("rop_node") or []:
            if layers:
                node["render"] = "1" if (node.get("node") or node.get("name")) in layers else "0"
            if frames:
                node["frames"] = frames
        for image in render.get("image_node") or []:
            _select_image(image, frames, layers)
    else:
        for name, layer in render.items():
            if layers:
                layer["renderable"] = "1" if name in layers else "0"
            if frames:
                layer.setdefault("common", {})["frames"] = frames
    json_save(task_json, task)


def _select_image(image: Dict[str, Any], frames: Optional[str],
                  layers: Optional[List[str]]) -> None:
    """Select a Clarisse image by its name (its renderable layers) or by its layers' names.

    The image itself is rendered only when it has no 3D layer: otherwise it is their
    composite, and marking it too would render (and bill) it on top of them.
    """
    chosen = bool(layers) and image.get("name") in (layers or [])
    image_layers = image.get("layers") or []
    for layer in image_layers:
        if layers:
            wanted = layer.get("name") in layers or (
                chosen and str(layer.get("renderable", "1")) == "1")
            layer["renderable"] = "1" if wanted else "0"
        if frames:
            layer["frames"] = frames
    if layers and (not chosen or not image_layers):
        image["renderable"] = "1" if chosen else "0"
    if frames:
        image["frames"] = frames


def use_task_id(task_json: str, task_id: int) -> None:
    """Make task.json name the farm task ``task_id`` (the check then creates no task)."""
    task = json_load(task_json)
    task.setdefault("task_info", {})["task_id"] = str(task_id)
    json_save(task_json, task)
