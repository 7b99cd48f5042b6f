"""Frames Maya renders per layer, pinned where hand-made mutants of render_layers survived."""

import json
import os

from rayvision_maya.static_analysis import StaticMayaAnalysis

HERE = os.path.dirname(os.path.abspath(__file__))
SCENES = os.path.join(HERE, "scenes")


def _scene(tmp_path, text):
    root = tmp_path / "proj"
    (root / "scenes").mkdir(parents=True)
    (root / "workspace.mel").write_text('workspace -fr "scene" "scenes";\n')
    scene = root / "scenes" / "shot.ma"
    scene.write_text(text)
    return str(scene)


def test_a_relative_override_saved_without_its_multiply_keeps_the_frames_scaled_by_one(
        tmp_path):
    """Maya does not save an attribute at its default: a relative override of endFrame
    that only moves it by -20 has no ``.mul`` line, and multiplies by 1."""
    with open(os.path.join(SCENES, "render_setup_overrides.ma")) as handle:
        text = handle.read()
    saved_multiply = '\tsetAttr ".mul" 1;\n\tsetAttr ".ofs" -20;\n'
    assert text.count(saved_multiply) == 1
    info = StaticMayaAnalysis(_scene(tmp_path, text)).run().scene_info
    assert info["rs_closeup"]["common"]["frames"] == "50-100[1]"
    info = StaticMayaAnalysis(_scene(tmp_path / "again", text.replace(
        saved_multiply, '\tsetAttr ".ofs" -20;\n'))).run().scene_info
    assert info["rs_closeup"]["common"]["frames"] == "50-100[1]"
    assert info["defaultRenderLayer"]["common"]["frames"] == "1-120[1]"


def test_the_in_maya_script_keeps_a_subframe_current_time_and_a_fractional_step(cmds,
                                                                                tmp_path):
    """Animation off at time 12.5 renders frame 12.5, not 12; a 0.5 step stays 0.5."""
    from rayvision_maya.dcc import Analyze
    cmds.load({"nodes": {
        "defaultRenderLayer": {"type": "renderLayer", "attrs": {}},
        "slowmo": {"type": "renderLayer", "attrs": {}},
        "time1": {"type": "time", "attrs": {"outTime": 12.5}},
        "defaultRenderGlobals": {"type": "renderGlobals", "attrs": {
            "animation": False, "startFrame": 1.0, "endFrame": 10.0, "byFrameStep": 0.5}}},
        "layer_overrides": {"slowmo": {"defaultRenderGlobals.animation": True}}})
    task_json = tmp_path / "task.json"
    task_json.write_text(json.dumps({"task_info": {"cg_id": "2000"}, "scene_info": {}}))
    Analyze.analyze_maya({
        "cg_file": "/x/still.ma", "task_json": str(task_json),
        "asset_json": str(tmp_path / "asset.json"), "tips_json": str(tmp_path / "tips.json"),
        "cg_project": "", "cg_plugins": {}, "cg_version": "2018", "user_id": "0",
        "channel": "api"})
    with open(str(task_json), encoding="utf-8") as handle:
        info = json.load(handle)["scene_info"]
    assert info["defaultRenderLayer"]["common"]["frames"] == "12.5-12.5[1]"
    assert info["slowmo"]["common"]["frames"] == "1-10[0.5]"
