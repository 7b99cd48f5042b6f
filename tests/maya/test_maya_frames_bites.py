"""Frames Maya renders per layer, pinned where hand-made mutants of render_layers survived."""

import os

from rayvision_maya.static_analysis import StaticMayaAnalysis

SCENES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenes")


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
