"""Tasks staged on a sandbox farm for the monitor's browser tests and screenshots.

The task is created and submitted through ``RayvisionAPI``; its configuration files are put
straight into the farm's config storage (the upload path has its own tests).
"""

import json

from rayvision_sandbox.storage import bid_for

MAYA, HOUDINI, CLARISSE = "2000", "2004", "2013"


def scene_info(cg_id, frames, layers, width, height):
    """``scene_info_render`` of a Maya, Houdini or Clarisse task.json."""
    if cg_id == HOUDINI:
        return {"rop_node": [{"node": layer, "frames": frames, "render": "1",
                              "camera": "/obj/shotcam", "width": str(width),
                              "height": str(height)}
                             for layer in layers]}
    if cg_id == CLARISSE:
        return {"image_node": [{"name": "project://scene/image", "renderable": "0",
                                "frames": frames, "width": str(width),
                                "height": str(height),
                                "layers": [{"name": layer, "renderable": "1"}
                                           for layer in layers]}]}
    return dict((layer, {"renderable": "1", "env": {}, "is_default_camera": "1", "option": "",
                         "common": {"frames": frames, "width": str(width),
                                    "height": str(height), "render_camera": ["shotCam"],
                                    "image_format": "exr"}})
                for layer in layers)


def stage_task(farm, api, scene="D:/proj/shots/sq010_sh020.ma", frames="1-8[1]",
               layers=("masterLayer",), cg_id=MAYA, tips=None, project="Feature_A",
               width=1920, height=1080, submit=True):
    """Create (and submit) a task whose files describe ``frames`` of ``layers``."""
    task_id = int(api.get_task_id())
    task_json = {
        "task_info": {"input_cg_file": scene, "cg_id": cg_id, "pre_frames": "000",
                      "stop_after_test": "2", "frames_per_task": "1",
                      "project_name": project, "ram": "64"},
        "software_config": {"cg_name": {MAYA: "Maya", HOUDINI: "Houdini",
                                        CLARISSE: "Clarisse"}[cg_id],
                            "cg_version": "2022", "plugins": {}},
        "scene_info_render": scene_info(cg_id, frames, layers, width, height)}
    upload_json = {"scene": [{"local": scene, "server": "/" + scene.replace(":", "")}],
                   "asset": [{"local": scene, "server": "/" + scene.replace(":", "")}]}
    user = farm.user(api.connect.access_id)
    bid = bid_for(user["id"], "config")
    files = {"task.json": task_json, "upload.json": upload_json, "tips.json": tips or {},
             "asset.json": {}}
    for name, content in files.items():
        farm.storages.write_bytes(bid, "/{0}/cfg/{1}".format(task_id, name),
                                  json.dumps(content, indent=1).encode("utf-8"))
    if submit:
        api.submit(task_id)
    return task_id
