"""The in-Maya script (rayvision_maya/dcc/Analyze.py) against a fake maya.cmds."""

import json
import os
import re

import pytest

from helpers.interpreters import interpreters, resolve, version_of

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_MAYA = os.path.join(HERE, "fake_maya")


@pytest.fixture
def analyze():
    from rayvision_maya.dcc import Analyze
    return Analyze


def options_for(tmp_path, cg_file, project=""):
    task_json = tmp_path / "task.json"
    task_json.write_text(json.dumps({"task_info": {"cg_id": "2000"}, "scene_info": {}}))
    return {"cg_file": cg_file, "task_json": str(task_json),
            "asset_json": str(tmp_path / "asset.json"), "tips_json": str(tmp_path / "tips.json"),
            "cg_project": project, "cg_plugins": {}, "cg_version": "2018", "user_id": "0",
            "channel": "api"}


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_fake_covers_every_cmds_call(analyze, cmds):
    with open(analyze.__file__, encoding="utf-8") as handle:
        used = set(re.findall(r"cmds\.(\w+)\(", handle.read()))
    assert used == {"file", "about", "ls", "getAttr", "objExists", "attributeQuery",
                    "editRenderLayerGlobals", "referenceQuery", "pluginInfo", "workspace"}
    for name in used:
        assert callable(getattr(cmds, name)), name


def test_analyze_maya_writes_results(analyze, cmds, fake_scene, project, tmp_path):
    cmds.load(fake_scene)
    cg_file = str(project / "scenes" / "legacy_layers.ma")
    options = options_for(tmp_path, cg_file, str(project))
    assert analyze.analyze_maya(options) is True
    task = load(options["task_json"])
    assert task["task_info"] == {"cg_id": "2000"}
    info = task["scene_info"]
    assert set(info) == {"defaultRenderLayer", "layer1", "layer2"}  # not the referenced one
    common = info["defaultRenderLayer"]["common"]
    assert common == {
        "renderer": "arnold", "image_file_prefix": "<Scene>", "start": "1", "end": "24",
        "by_frame": "2", "frames": "1-24[2]",
        "all_camera": ["perspShape", "cameraShape1", "cameraShape2"],
        "render_camera": ["cameraShape1"], "renumber_frames": "False", "width": "1920",
        "height": "1080", "image_format": "png", "animation": "True"}
    assert info["layer1"]["common"]["frames"] == "1-48[2]"
    assert info["layer1"]["common"]["render_camera"] == ["cameraShape1", "cameraShape2"]
    assert info["layer2"]["renderable"] == "0"
    asset = load(options["asset_json"])
    assert asset["plugins"] == {"mtoa": "3.1.2.1", "stereoCamera": "10.0"}
    assert asset["render_layer_type"] == "0"
    assert asset["maya_version"] == "2018"
    entries = {entry["node"]: entry for entry in asset["asset"]}
    assert entries["wood"]["resolved"] == str(project).replace(os.sep, "/") + \
        "/sourceimages/wood.png"
    assert entries["flip"]["frame_extension"] is True
    assert entries["cloth"]["uv_tiling_mode"] == 3
    assert entries["clothCache"]["value"].endswith("/cache/nCache/clothShape.xml")
    assert entries["charRN"]["kind"] == "reference" and entries["charRN"]["deferred"] is False
    assert "sharedReferenceNode" not in entries
    others = [entry["value"] for entry in asset["asset"] if entry["kind"] == "other"]
    assert others == [str(project).replace(os.sep, "/") + "/data/settings.json"]
    assert load(options["tips_json"]) == {}
    # the render layer shown before the analysis is shown again
    assert cmds.editRenderLayerGlobals(query=True) == "defaultRenderLayer"
    opened = [call for call in cmds.CALLS if call[0] == "file" and call[2].get("open")]
    assert opened[0][1] == (cg_file,) and opened[0][2]["force"] is True


def test_render_setup_detected(analyze, cmds, fake_scene, tmp_path):
    fake_scene["nodes"]["beauty"] = {"type": "renderSetupLayer", "attrs": {}}
    cmds.load(fake_scene)
    options = options_for(tmp_path, "/x/scene.ma")
    analyze.analyze_maya(options)
    assert load(options["asset_json"])["render_layer_type"] == "1"


def test_failure_reported_in_tips(analyze, cmds, fake_scene, tmp_path):
    fake_scene["fail_open"] = True
    cmds.load(fake_scene)
    options = options_for(tmp_path, "/x/broken.ma")
    with pytest.raises(RuntimeError):
        analyze.analyze_maya(options)
    assert load(options["tips_json"]) == {"999": ["RuntimeError: Maya could not open "
                                                  "/x/broken.ma"]}
    assert not os.path.exists(options["asset_json"])


def test_defaults_when_nodes_absent(analyze, cmds, tmp_path):
    cmds.load({"nodes": {"defaultRenderLayer": {"type": "renderLayer", "attrs": {}}}})
    options = options_for(tmp_path, "/x/empty.ma")
    analyze.analyze_maya(options)
    common = load(options["task_json"])["scene_info"]["defaultRenderLayer"]["common"]
    # animation is off by default: Maya renders the current frame only
    assert (common["renderer"], common["frames"], common["width"], common["image_format"],
            common["animation"]) == ("mayaSoftware", "1-1[1]", "960", "iff", "False")


def test_frames_as_maya_renders_them(analyze, cmds, tmp_path):
    cmds.load({"nodes": {
        "defaultRenderLayer": {"type": "renderLayer", "attrs": {}},
        "turntable": {"type": "renderLayer", "attrs": {}},
        "time1": {"type": "time", "attrs": {"outTime": 37.0}},
        "defaultRenderGlobals": {"type": "renderGlobals", "attrs": {
            "animation": False, "startFrame": 1.0, "endFrame": 100.0, "byFrameStep": 2.0}}},
        "layer_overrides": {"turntable": {"defaultRenderGlobals.animation": True}}})
    options = options_for(tmp_path, "/x/still.ma")
    analyze.analyze_maya(options)
    info = load(options["task_json"])["scene_info"]
    master = info["defaultRenderLayer"]["common"]
    assert (master["start"], master["end"], master["by_frame"], master["frames"],
            master["animation"]) == ("37", "37", "1", "37-37[1]", "False")
    assert info["turntable"]["common"]["frames"] == "1-100[2]"


def test_same_short_camera_names_as_dag_paths(analyze, cmds, tmp_path):
    cmds.load({"nodes": {
        "defaultRenderLayer": {"type": "renderLayer", "attrs": {}},
        "perspShape": {"type": "camera", "attrs": {"renderable": False},
                       "path": "|persp|perspShape"},
        "shotA_cam": {"type": "camera", "attrs": {"renderable": True},
                      "path": "|shotA|camera1|cameraShape1"},
        "shotB_cam": {"type": "camera", "attrs": {"renderable": False},
                      "path": "|shotB|camera1|cameraShape1"}}})
    options = options_for(tmp_path, "/x/names.ma")
    analyze.analyze_maya(options)
    common = load(options["task_json"])["scene_info"]["defaultRenderLayer"]["common"]
    assert common["all_camera"] == ["perspShape", "|shotA|camera1|cameraShape1",
                                    "|shotB|camera1|cameraShape1"]
    assert common["render_camera"] == ["|shotA|camera1|cameraShape1"]


def test_image_formats(analyze, cmds):
    cmds.load({"nodes": {
        "vraySettings": {"type": "VRaySettingsNode", "attrs": {"imageFormatStr": "exr"}},
        "redshiftOptions": {"type": "RedshiftOptions", "attrs": {"imageFormat": 4}},
        "defaultRenderGlobals": {"type": "renderGlobals", "attrs": {"imfPluginKey": "tif"}}}})
    assert analyze.image_format(cmds, "vray") == "exr"
    assert analyze.image_format(cmds, "redshift") == "jpg"
    assert analyze.image_format(cmds, "mayaSoftware") == "tif"
    assert analyze.image_format(cmds, "arnold") == "exr"
    cmds.load({"nodes": {"defaultArnoldDriver": {"type": "aiAOVDriver",
                                                 "attrs": {"ai_translator": "tif"}}}})
    assert analyze.image_format(cmds, "arnold") == "tif"


def test_write_json_is_utf8(analyze, tmp_path):
    path = str(tmp_path / "x.json")
    analyze.write_json(path, {"k": "场景"})
    analyze.write_json(path, {"k": "场景2"})
    assert load(path) == {"k": "场景2"}
    assert not os.path.exists(path + ".part")
    assert analyze.read_json(str(tmp_path / "absent.json")) == {}


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_script_in_separate_interpreter(fake_scene, project, tmp_path, interpreter):
    """Run the in-Maya script the way Maya would: in another interpreter, 3 and a real 2.7."""
    import subprocess

    from rayvision_maya.analyze_maya import SCRIPT_DIR
    interpreter = resolve(interpreter)
    scene_json = tmp_path / "scene.json"
    scene_json.write_text(json.dumps(fake_scene))
    options = options_for(tmp_path, str(project / "scenes" / "场景 legacy.ma"), str(project))
    options_json = tmp_path / "options.json"
    options_json.write_text(json.dumps(options, ensure_ascii=False), encoding="utf-8")
    output = subprocess.check_output(
        [interpreter, os.path.join(FAKE_MAYA, "run_analysis.py"), str(scene_json),
         str(options_json), SCRIPT_DIR], stderr=subprocess.STDOUT).decode("utf-8")
    assert output.strip().endswith("python " + version_of(interpreter)), output
    task = load(options["task_json"])
    assert set(task["scene_info"]) == {"defaultRenderLayer", "layer1", "layer2"}
    assert task["scene_info"]["layer1"]["common"]["frames"] == "1-48[2]"
    asset = load(options["asset_json"])
    assert asset["plugins"]["mtoa"] == "3.1.2.1"
    assert load(options["tips_json"]) == {}
