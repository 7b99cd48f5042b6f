import json
import os

from rayvision_maya.analyze_maya import AnalyzeMaya


def slash(path):
    return str(path).replace(os.sep, "/")


def analyse(project, name, workspace, **kwargs):
    args = dict(cg_file=str(project / "scenes" / name), software_version="2018",
                project_name="P1", plugin_config={}, workspace=workspace, backend="static",
                local_os="linux")
    args.update(kwargs)
    return AnalyzeMaya(**args).analyse()


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_legacy_layers(project, workspace):
    maya = analyse(project, "legacy_layers.ma", workspace)
    assert maya.backend_used == "static"
    task = load(maya.task_json)
    info = task["scene_info"]
    assert list(info) == ["defaultRenderLayer", "layer1", "layer2"]
    assert task["scene_info_render"] == info
    default = info["defaultRenderLayer"]
    assert default["renderable"] == "1"
    assert (default["is_default_camera"], default["option"], default["env"]) == ("1", "", {})
    common = default["common"]
    assert common == {
        "renderer": "arnold",
        "image_file_prefix": "<Scene>/<RenderLayer>/<Camera>",
        "start": "1", "end": "24", "by_frame": "2", "frames": "1-24[2]",
        "all_camera": ["perspShape", "cameraShape1", "cameraShape2"],
        "render_camera": ["cameraShape1"],
        "renumber_frames": "False",
        "width": "1920", "height": "1080",
        "image_format": "png",
        "animation": "True",
    }
    # layer1 overrides the end frame and makes cameraShape2 renderable
    layer1 = info["layer1"]["common"]
    assert layer1["end"] == "48" and layer1["frames"] == "1-48[2]"
    assert layer1["render_camera"] == ["cameraShape1", "cameraShape2"]
    assert info["layer2"]["renderable"] == "0"
    assert info["layer2"]["common"]["end"] == "24"
    # plugins from `requires` (Maya's own stereoCamera left out) since none were configured
    assert task["software_config"] == {"plugins": {"mtoa": "3.1.2.1"}, "cg_version": "2018",
                                       "cg_name": "Maya"}
    assert task["task_info"]["cg_id"] == "2000"
    assert task["task_info"]["render_layer_type"] == "0"
    assert load(maya.tips_json) == {}


def test_render_setup_layers(project, workspace):
    maya = analyse(project, "render_setup.ma", workspace, software_version="2019",
                   render_layer_type="1")
    info = maya.task_info["scene_info"]
    assert set(info) == {"defaultRenderLayer", "rs_beauty", "rs_shadow"}
    assert info["rs_beauty"]["renderable"] == "1"
    assert info["rs_shadow"]["renderable"] == "0"
    assert info["defaultRenderLayer"]["renderable"] == "0"
    common = info["rs_beauty"]["common"]
    assert common["renderer"] == "redshift"
    assert common["image_format"] == "png"
    # the layer's render settings collection overrides the end frame; the disabled width
    # override is not applied
    assert (common["start"], common["end"], common["frames"]) == ("101", "200",
                                                                 "101-200[1]")
    shadow = info["rs_shadow"]["common"]
    assert (shadow["start"], shadow["end"], shadow["frames"]) == ("101", "150.5",
                                                                 "101-150.5[1]")
    assert common["renumber_frames"] == "True"
    assert (common["width"], common["height"]) == ("960", "540")  # Maya's defaults
    assert maya.task_info["task_info"]["render_layer_type"] == "1"
    assert maya.task_info["software_config"]["plugins"] == {"redshift4maya": "2.6.41"}


def test_assets_and_missing_files(project, workspace):
    maya = analyse(project, "assets.ma", workspace)
    root = slash(project)
    upload = load(maya.upload_json)
    locals_ = [entry["local"] for entry in upload["asset"]]
    expected = [root + "/" + name for name in (
        "sourceimages/wood.png", "sourceimages/skin.1001.tx", "sourceimages/skin.1002.tx",
        "sourceimages/cloth.1001.exr", "sourceimages/cloth.1011.exr",
        "sourceimages/rock_u0_v0.png", "sourceimages/rock_u1_v0.png",
        "sourceimages/flip/flip.0001.jpg", "sourceimages/flip/flip.0003.jpg",
        "proxies/tree.0001.ass", "proxies/tree.0002.ass", "cache/smoke.0010.vdb",
        "cache/smoke.0011.vdb", "cache/anim.abc", "cache/city.abc", "proxies/car.rs",
        "sourceimages/plate.101.jpg", "sourceimages/plate.102.jpg",
        "cache/nCache/clothShape.xml", "cache/nCache/clothShapeFrame1.mcx",
        "sourceimages/studio.hdr", "data/settings.json")]
    expected.append(slash(os.environ["RV_TEST_TEX"]) + "/metal.exr")
    for path in expected:
        assert path in locals_, path
    assert locals_[-1] == slash(maya.cg_file)
    assert len(locals_) == len(set(locals_))
    for entry in upload["asset"]:
        assert entry["server"].startswith("/")
    tips = load(maya.tips_json)
    assert tips == {
        "10012": ["D:/proj/textures/gone.png", "//server/share/tex/gone.tif"],
        "10018": [root + "/cache/gone.abc"],
        "10030": [root + "/proxies/missing.vrmesh"],
    }
    asset = load(maya.asset_json)["asset"]
    wood = [entry for entry in asset if entry["node"] == "wood"][0]
    assert wood == {"node": "wood", "type": "file", "attr": "fileTextureName",
                    "value": "sourceimages/wood.png", "kind": "texture",
                    "path": [root + "/sourceimages/wood.png"], "missing": False}
    flip = [entry for entry in asset if entry["node"] == "animated"][0]
    assert flip["kind"] == "sequence" and len(flip["path"]) == 3
    custom = [entry for entry in asset if entry["node"] == "custom1"][0]
    assert custom["kind"] == "other" and custom["attr"] == "settingsFile"
    # script nodes and plain strings are not files
    assert not [entry for entry in asset if entry["type"] == "script"]
    # AbcImport is Maya's own plugin
    assert maya.task_info["software_config"]["plugins"] == {"mtoa": "3.1.2.1"}


def test_references_recursed_once(project, workspace):
    maya = analyse(project, "with_refs.ma", workspace)
    root = slash(project)
    locals_ = [entry["local"] for entry in maya.upload_info["asset"]]
    for name in ("refs/char.ma", "refs/prop.ma", "sourceimages/char_skin.png",
                 "refs/eyes.png", "sourceimages/prop.png"):
        assert root + "/" + name in locals_
    tips = maya.tips_info
    # the loaded missing reference is a tip; the deferred (unloaded) one is not
    assert tips["10025"] == ["D:/library/lost.ma"]
    assert tips["10012"] == [root + "/sourceimages/prop_gone.png"]
    info = maya.task_info["scene_info"]["defaultRenderLayer"]["common"]
    # cameras of referenced scenes carry their namespace
    assert info["all_camera"] == ["perspShape", "char:charCamShape", "char:charCamShape2"]
    assert info["render_camera"] == ["perspShape", "char:charCamShape"]
    references = [entry for entry in maya.asset_info["asset"] if entry["type"] == "reference"]
    assert {entry["value"] for entry in references} >= {"refs/char.ma", "D:/library/lost.ma",
                                                        "refs/unloaded_missing.ma"}


def test_user_plugins_checked_against_scene(project, workspace):
    maya = analyse(project, "legacy_layers.ma", workspace,
                   plugin_config={"mtoa": "4.0.0"})
    assert maya.task_info["software_config"]["plugins"] == {"mtoa": "4.0.0"}
    assert maya.tips_info == {"15034": ["mtoa: scene saved with 3.1.2.1, plugin_config has "
                                        "4.0.0"]}


def test_renderer_plugin_missing_from_config(project, workspace):
    maya = analyse(project, "render_setup.ma", workspace, software_version="2019",
                   plugin_config={"other": "1"})
    assert maya.tips_info["15034"][0].startswith("redshift4maya")


def test_matching_user_plugins_no_tip(project, workspace):
    maya = analyse(project, "legacy_layers.ma", workspace,
                   plugin_config={"mtoa": "3.1.2.1"})
    assert maya.tips_info == {}


def test_project_path_argument(project, workspace, tmp_path):
    # without workspace.mel the project comes from input_project_path
    os.remove(str(project / "workspace.mel"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    scene = elsewhere / "assets.ma"
    scene.write_bytes((project / "scenes" / "assets.ma").read_bytes())
    maya = AnalyzeMaya(str(scene), "2018", "P1", {}, input_project_path=str(project),
                       workspace=workspace, backend="static").analyse()
    assert maya.task_info["task_info"]["input_project_path"] == str(project)
    assert slash(project) + "/sourceimages/wood.png" in [
        entry["local"] for entry in maya.upload_info["asset"]]


def test_task_info_template_untouched(project, workspace):
    from rayvision_utils.constants import TASK_INFO
    analyse(project, "legacy_layers.ma", workspace)
    assert TASK_INFO["scene_info"] == {} and TASK_INFO["task_info"]["project_name"] == ""
    assert TASK_INFO["software_config"] == {}


def _big_scene(project, missing_texture):
    """A .ma above the size hashed on a helper thread, naming one texture."""
    texture = "sourceimages/absent.png" if missing_texture else "sourceimages/big.png"
    if not missing_texture:
        (project / "sourceimages").mkdir(exist_ok=True)
        (project / "sourceimages" / "big.png").write_bytes(b"png")
    mesh = "".join('\tsetAttr ".vt[%d]" %d.5 1.25 -3;\n' % (i, i) for i in range(300000))
    text = ('//Maya ASCII 2018 scene\n//Codeset: UTF-8\nrequires maya "2018";\n'
            'createNode mesh -n "geoShape";\n' + mesh +
            'createNode file -n "file1";\n\tsetAttr ".ftn" -type "string" "%s";\n'
            '// End of big.ma\n' % texture)
    path = project / "scenes" / "big.ma"
    path.write_text(text)
    return path


def test_scene_hashed_on_a_helper_thread_while_files_resolve(project, workspace, monkeypatch):
    import hashlib
    import threading

    from rayvision_utils import scene_input
    from rayvision_utils.report import MissingFilesError

    monkeypatch.setattr(scene_input, "free_core", lambda: True)
    monkeypatch.setattr(scene_input, "THREADED_HASH_SIZE", 1024 * 1024)
    path = _big_scene(project, missing_texture=False)
    before = threading.active_count()
    maya = analyse(project, "big.ma", workspace)
    expected = hashlib.md5(path.read_bytes()).hexdigest()
    assert load(maya.upload_json)["scene"][0]["hash"] == expected
    assert maya.scene_hash == expected
    assert threading.active_count() == before
    # A failed analysis (strict, a file missing) stops the helper: nothing outlives the call.
    _big_scene(project, missing_texture=True)
    try:
        analyse(project, "big.ma", workspace, strict=True)
    except MissingFilesError:
        pass
    else:
        raise AssertionError("strict analysis with a missing file did not fail")
    assert threading.active_count() == before
