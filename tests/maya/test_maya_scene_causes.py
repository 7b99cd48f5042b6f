"""Static analysis of hand-written scenes, one per cause of issue #12: what Maya renders.

Each scene in ``scenes/`` is written in Maya's ASCII format to show one thing Maya does
(see docs/analysis-maya.md); the expected values are what Maya itself renders.
"""

import json
import os

from rayvision_maya import static_analysis
from rayvision_maya.analyze_maya import AnalyzeMaya


def slash(path):
    return str(path).replace(os.sep, "/")


def analyse(project, name, workspace, version="2018", **kwargs):
    args = dict(cg_file=str(project / "scenes" / name), software_version=version,
                project_name="P1", plugin_config={}, workspace=workspace, backend="static",
                local_os="linux")
    args.update(kwargs)
    return AnalyzeMaya(**args).analyse()


def common(maya, layer):
    return maya.task_info["scene_info"][layer]["common"]


def test_image_format_written_as_outf(project, workspace):
    maya = analyse(project, "image_formats.ma", workspace)
    # .outf 32 is png (not the iff fallback); the layer's .outf 51 + .imfkey "exr" is exr
    assert common(maya, "defaultRenderLayer")["image_format"] == "png"
    assert common(maya, "exrLayer")["image_format"] == "exr"


def test_renderman_lights_textures_and_usd_stages(project, workspace):
    maya = analyse(project, "renderman_usd.ma", workspace, version="2020")
    root = slash(project)
    uploads = [entry["local"] for entry in maya.upload_info["asset"]]
    for name in ("sourceimages/studio.hdr", "lights/spot.ies", "sourceimages/gobo.1001.tex",
                 "sourceimages/gobo.1002.tex", "sourceimages/wall.tex", "usd/set.usdc"):
        assert root + "/" + name in uploads, name
    assert maya.tips_info["10012"] == [root + "/sourceimages/softbox_gone.exr",
                                       root + "/lights/missing.ies",
                                       root + "/usd/prop_gone.usdc"]
    by_node = {(entry["node"], entry["attr"]): entry for entry in maya.asset_info["asset"]}
    assert by_node[("rectLightShape", "lightColorMap")]["missing"] is True
    assert by_node[("rectLightShape", "iesProfile")]["kind"] == "ies"
    assert by_node[("diskLightShape", "iesProfile")]["missing"] is True
    assert by_node[("domeLightShape", "lightColorMap")]["kind"] == "hdri"
    stage = by_node[("propStageShape", "filePath")]
    assert (stage["type"], stage["kind"], stage["missing"]) == ("mayaUsdProxyShape", "usd",
                                                                True)
    assert len(by_node[("gobo", "map")]["path"]) == 2
    # the report names every missing file
    for path in maya.tips_info["10012"]:
        assert path in str(maya.report)


def test_maya_usd_plugin_is_farm_configuration_before_2022(project, workspace):
    maya = analyse(project, "renderman_usd.ma", workspace, version="2020")
    assert maya.task_info["software_config"]["plugins"] == {
        "RenderMan_for_Maya.py": "23.5", "mayaUsdPlugin": "0.8.0"}
    # from Maya 2022 on it ships with Maya
    assert static_analysis.farm_plugins({"maya": "2022", "mayaUsdPlugin": "0.10.0"}) == {}
    assert static_analysis.farm_plugins({"maya": "2020", "mayaUsdPlugin": "0.8.0"}) == {
        "mayaUsdPlugin": "0.8.0"}
    assert static_analysis.farm_plugins({"maya": "2019", "stereoCamera": "10.0"}) == {}


def test_master_layer_ignores_its_adjustments(project, workspace):
    maya = analyse(project, "master_adjustments.ma", workspace)
    master = common(maya, "defaultRenderLayer")
    # Maya renders both cameras and frames 1-20 on the master layer
    assert master["render_camera"] == ["shotCamShape", "witnessCamShape"]
    assert master["frames"] == "1-20[1]"
    assert common(maya, "charLayer")["render_camera"] == ["shotCamShape"]


def test_same_short_names_reported_as_dag_paths(project, workspace):
    maya = analyse(project, "same_short_names.ma", workspace)
    master = common(maya, "defaultRenderLayer")
    assert master["all_camera"] == ["perspShape", "|shotA|camera1|cameraShape1",
                                    "|shotB|camera1|cameraShape1"]
    assert master["render_camera"] == ["|shotB|camera1|cameraShape1"]
    # the layer's overrides name each camera by its (partial or full) path
    assert common(maya, "shotALayer")["render_camera"] == ["|shotA|camera1|cameraShape1"]


def test_render_setup_overrides(project, workspace):
    maya = analyse(project, "render_setup_overrides.ma", workspace, version="2020",
                   render_layer_type="1")
    closeup = common(maya, "rs_closeup")
    # absolute start, relative end (120 - 20), resolution, camera collections
    assert (closeup["start"], closeup["end"], closeup["frames"]) == ("50", "100",
                                                                    "50-100[1]")
    assert (closeup["width"], closeup["height"]) == ("2048", "858")
    assert closeup["render_camera"] == ["closeupCamShape"]
    assert closeup["renderer"] == "arnold" and closeup["image_format"] == "exr"
    preview = common(maya, "rs_preview")
    # renderer override, relative step (1 x 5), the disabled width override ignored
    assert preview["renderer"] == "mayaHardware2"
    assert preview["frames"] == "1-120[5]"
    assert (preview["width"], preview["height"]) == ("1920", "1080")
    assert preview["render_camera"] == ["mainCamShape"]
    master = common(maya, "defaultRenderLayer")
    assert (master["frames"], master["render_camera"]) == ("1-120[1]", ["mainCamShape"])


def test_animation_off_renders_the_current_frame(project, workspace):
    maya = analyse(project, "still_frame.ma", workspace)
    master = common(maya, "defaultRenderLayer")
    assert (master["start"], master["end"], master["by_frame"], master["frames"],
            master["animation"]) == ("37", "37", "1", "37-37[1]", "False")
    turntable = common(maya, "turntable")
    assert (turntable["frames"], turntable["animation"]) == ("1-100[2]", "True")
    with open(maya.task_json, encoding="utf-8") as handle:
        written = json.load(handle)
    assert written["scene_info"]["defaultRenderLayer"]["common"]["frames"] == "37-37[1]"
    assert written["scene_info_render"]["turntable"]["common"]["frames"] == "1-100[2]"
    # the summary says so
    report = str(maya.report)
    assert "defaultRenderLayer" in report and "37" in report
    assert "animation" in report.lower()


def test_references_inside_deferred_references_are_not_tipped(project, workspace):
    maya = analyse(project, "deferred_refs.ma", workspace)
    root = slash(project)
    # set_holder.ma is deferred: neither it nor what it references is loaded by Maya;
    # prop.ma inside char.ma is deferred by the top scene's -rdi 2 entry
    assert "10025" not in maya.tips_info
    assert "10012" not in maya.tips_info
    references = {entry["value"]: entry for entry in maya.asset_info["asset"]
                  if entry["type"] == "reference"}
    assert references["refs/set_holder.ma"]["deferred"] is True
    assert references["refs/set_holder.ma"]["path"] == [root + "/refs/set_holder.ma"]
    assert "refs/lamp_gone.ma" not in references
    master = common(maya, "defaultRenderLayer")
    assert master["all_camera"] == ["perspShape", "char:charCamShape", "char:charCamShape2"]


def test_dependency_chains_name_the_node_attribute(project, workspace):
    maya = analyse(project, "renderman_usd.ma", workspace, version="2020")
    root = slash(project)
    chains = {entry["path"]: entry for entry in maya.asset_info["dependency_chains"]}
    ies = chains[root + "/lights/spot.ies"]
    assert ies["exists"] is True
    assert ies["chain"][1:] == ["rectLightShape.iesProfile", root + "/lights/spot.ies"]
    gone = chains[root + "/lights/missing.ies"]
    assert gone["exists"] is False and gone["chain"][1] == "diskLightShape.iesProfile"
