"""Scenes the other tests do not cover, written by hand in Maya ASCII.

Each test holds one construct Maya saves and what Maya renders or reads from it.
"""

import json
import os
import textwrap

from rayvision_maya.static_analysis import StaticMayaAnalysis

REFERENCED_CAMERA = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    requires maya "2020";
    currentUnit -l centimeter -a degree -t film;
    createNode transform -n "shotCam";
    createNode camera -n "shotCamShape" -p "shotCam";
    \tsetAttr ".rnd" no;
    createNode file -n "reftex";
    \tsetAttr ".ftn" -type "string" "sourceimages/original.png";
    // End of cam.ma
    """)

# The shot made the referenced camera renderable and pointed the referenced texture at
# another file: Maya stores both as reference edits of the reference node, not in cam.ma.
SHOT_WITH_EDITS = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    file -rdi 1 -ns "cam" -rfn "camRN" -op "v=0;" -typ "mayaAscii" "refs/cam.ma";
    file -r -ns "cam" -dr 1 -rfn "camRN" -op "v=0;" -typ "mayaAscii" "refs/cam.ma";
    requires maya "2020";
    currentUnit -l centimeter -a degree -t film;
    createNode transform -s -n "persp";
    createNode camera -s -n "perspShape" -p "persp";
    \tsetAttr ".rnd" no;
    createNode reference -n "camRN";
    \trename -uid "5E7C1A2B-0000-0000-0000-000000000001";
    \tsetAttr -s 2 ".phl";
    \tsetAttr ".phl[1]" 0;
    \tsetAttr ".ed" -type "dataReferenceEdits"
    \t\t"camRN"
    \t\t"camRN" 2
    \t\t2 "|cam:shotCam|cam:shotCamShape" "renderable" " 1"
    \t\t2 "cam:reftex" "fileTextureName" " -type \\"string\\" \\"sourceimages/edited.png\\""
    \t\t5 3 "camRN" "cam:reftex.message" "camRN.placeHolderList[1]" "";
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    // End of shot.ma
    """)


def _project(tmp_path, scene_text, deferred=False):
    root = tmp_path / "proj"
    for folder in ("scenes", "refs", "sourceimages"):
        (root / folder).mkdir(parents=True)
    (root / "workspace.mel").write_text('workspace -fr "scene" "scenes";\n')
    (root / "refs" / "cam.ma").write_text(REFERENCED_CAMERA)
    for name in ("original.png", "edited.png"):
        (root / "sourceimages" / name).write_bytes(b"png")
    if not deferred:
        scene_text = scene_text.replace(" -dr 1", "")
    scene = root / "scenes" / "shot.ma"
    scene.write_text(scene_text)
    return root, str(scene)


def test_reference_edits_of_the_shot_are_what_maya_renders(tmp_path):
    root, scene = _project(tmp_path, SHOT_WITH_EDITS)
    result = StaticMayaAnalysis(scene).run()
    common = result.scene_info["defaultRenderLayer"]["common"]
    assert common["render_camera"] == ["cam:shotCamShape"]
    texture = [entry for entry in result.assets if entry["node"] == "cam:reftex"]
    assert [entry["value"] for entry in texture] == ["sourceimages/edited.png"]
    edited = str(root / "sourceimages" / "edited.png").replace("\\", "/")
    assert texture[0]["path"] == [edited]
    assert edited in result.upload_files


def test_reference_edits_of_a_deferred_reference_load_nothing(tmp_path):
    _root, scene = _project(tmp_path, SHOT_WITH_EDITS, deferred=True)
    result = StaticMayaAnalysis(scene).run()
    assert result.scene_info["defaultRenderLayer"]["common"]["all_camera"] == ["perspShape"]
    assert not [entry for entry in result.assets if entry["node"] == "cam:reftex"]


ALEMBIC_REFERENCE = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    file -rdi 1 -ns "crowd" -rfn "crowdRN" -typ "Alembic" "cache/crowd.abc";
    file -r -ns "crowd" -dr 1 -rfn "crowdRN" -typ "Alembic" "cache/crowd.abc";
    requires maya "2020";
    requires "AbcImport" "1.0";
    currentUnit -l centimeter -a degree -t film;
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    // End of shot.ma
    """)


def test_alembic_reference_is_uploaded_not_read_as_a_maya_scene(tmp_path, monkeypatch):
    from rayvision_maya import ma_reader

    root, scene = _project(tmp_path, ALEMBIC_REFERENCE)
    (root / "cache").mkdir()
    # Alembic (Ogawa) is binary; what its bytes hold is no MEL, whatever they look like.
    (root / "cache" / "crowd.abc").write_bytes(
        b"Ogawa\xff\x00\x01" + b';\ncreateNode camera -n "notACamera";\n' * 3)
    read = []
    real_read_scene = ma_reader.read_scene

    def spy(path, *args, **kwargs):
        read.append(path)
        return real_read_scene(path, *args, **kwargs)

    monkeypatch.setattr(ma_reader, "read_scene", spy)
    result = StaticMayaAnalysis(scene).run()
    assert [path for path in read if path.endswith(".abc")] == []
    abc = str(root / "cache" / "crowd.abc").replace("\\", "/")
    assert abc in result.upload_files
    assert result.scene_info["defaultRenderLayer"]["common"]["all_camera"] == []


STANDIN_SEQUENCE = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    requires maya "2020";
    requires -nodeType "aiStandIn" "mtoa" "4.0.0";
    currentUnit -l centimeter -a degree -t film;
    createNode transform -n "crowd";
    createNode aiStandIn -n "crowdShape" -p "crowd";
    \tsetAttr ".dso" -type "string" "cache/crowd.0001.ass.gz";
    \tsetAttr ".ufe" yes;
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    // End of shot.ma
    """)


def test_standin_sequence_of_compressed_ass_files_is_every_frame(tmp_path):
    # With "use frame extension" the stand-in loads crowd.<frame>.ass.gz on every frame.
    root, scene = _project(tmp_path, STANDIN_SEQUENCE)
    (root / "cache").mkdir()
    for frame in (1, 2, 3):
        (root / "cache" / "crowd.{0:04d}.ass.gz".format(frame)).write_bytes(b"gz")
    result = StaticMayaAnalysis(scene).run()
    entry = [item for item in result.assets if item["node"] == "crowdShape"][0]
    assert entry["kind"] == "sequence"
    assert [path.rsplit("/", 1)[1] for path in entry["path"]] == [
        "crowd.0001.ass.gz", "crowd.0002.ass.gz", "crowd.0003.ass.gz"]


VOLUME_AND_PROXY_SEQUENCES = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    requires maya "2020";
    requires -nodeType "aiVolume" "mtoa" "4.0.0";
    requires -nodeType "RedshiftProxyMesh" "redshift4maya" "3.0.0";
    currentUnit -l centimeter -a degree -t film;
    createNode transform -n "smoke";
    createNode aiVolume -n "smokeShape" -p "smoke";
    \tsetAttr ".filename" -type "string" "cache/smoke.0010.vdb";
    \tsetAttr ".useFrameExtension" yes;
    \tsetAttr ".frame" 10;
    createNode RedshiftProxyMesh -n "treeProxy";
    \tsetAttr ".fn" -type "string" "proxies/tree.0001.rs";
    \tsetAttr ".ufe" yes;
    createNode RedshiftProxyMesh -n "rockProxy";
    \tsetAttr ".fn" -type "string" "proxies/rock.0001.rs";
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    // End of shot.ma
    """)


def test_volume_and_proxy_with_frame_extension_are_every_frame(tmp_path):
    # "Use frame extension" makes the volume and the proxy load <name>.<frame>.<ext> on
    # every frame; without it the proxy loads the one file named.
    root, scene = _project(tmp_path, VOLUME_AND_PROXY_SEQUENCES)
    for name in ("cache/smoke.0010.vdb", "cache/smoke.0011.vdb", "cache/smoke.0012.vdb",
                 "proxies/tree.0001.rs", "proxies/tree.0002.rs",
                 "proxies/rock.0001.rs", "proxies/rock.0002.rs"):
        path = root / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"data")
    result = StaticMayaAnalysis(scene).run()
    entries = {item["node"]: item for item in result.assets}

    def names(node):
        return [path.rsplit("/", 1)[1] for path in entries[node]["path"]]

    assert entries["smokeShape"]["kind"] == "sequence"
    assert names("smokeShape") == ["smoke.0010.vdb", "smoke.0011.vdb", "smoke.0012.vdb"]
    assert entries["treeProxy"]["kind"] == "sequence"
    assert names("treeProxy") == ["tree.0001.rs", "tree.0002.rs"]
    assert entries["rockProxy"]["kind"] == "proxy"
    assert names("rockProxy") == ["rock.0001.rs"]
    uploaded = [path.rsplit("/", 1)[1] for path in result.upload_files]
    assert "smoke.0012.vdb" in uploaded and "tree.0002.rs" in uploaded
    assert "rock.0002.rs" not in uploaded


# Two layers, each with two overrides of camA's "renderable" at different depths. In
# "later", the second top collection comes after the first one's subcollection: Maya applies
# the layer's list top to bottom, depth first, so the second collection's "off" wins. In
# "nested", the subcollection's "on" comes after its parent's "off" and wins.
OVERRIDES_AT_TWO_DEPTHS = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    requires maya "2020";
    requires -nodeType "renderSetupLayer" -nodeType "renderSetup" "renderSetup.py" "1.0";
    currentUnit -l centimeter -a degree -t film;
    createNode transform -n "camA";
    createNode camera -n "camAShape" -p "camA";
    \tsetAttr ".rnd" no;
    createNode transform -n "camB";
    createNode camera -n "camBShape" -p "camB";
    createNode renderSetup -n "renderSetup";
    createNode renderSetupLayer -n "later";
    createNode renderLayer -n "rs_later";
    createNode renderSetupLayer -n "nested";
    createNode renderLayer -n "rs_nested";
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    createNode collection -n "first";
    createNode simpleSelector -n "firstSelector";
    \tsetAttr ".ssl" -type "string" "|camB";
    createNode collection -n "firstInner";
    createNode simpleSelector -n "firstInnerSelector";
    \tsetAttr ".ssl" -type "string" "|camA";
    createNode absOverride -n "innerOn";
    \tsetAttr ".atr" -type "string" "renderable";
    \tsetAttr ".atv" yes;
    createNode collection -n "second";
    createNode simpleSelector -n "secondSelector";
    \tsetAttr ".ssl" -type "string" "|camA";
    createNode absOverride -n "secondOff";
    \tsetAttr ".atr" -type "string" "renderable";
    \tsetAttr ".atv" no;
    createNode collection -n "outer";
    createNode simpleSelector -n "outerSelector";
    \tsetAttr ".ssl" -type "string" "|camA";
    createNode absOverride -n "outerOff";
    \tsetAttr ".atr" -type "string" "renderable";
    \tsetAttr ".atv" no;
    createNode collection -n "outerInner";
    createNode simpleSelector -n "outerInnerSelector";
    \tsetAttr ".ssl" -type "string" "|camA";
    createNode absOverride -n "outerInnerOn";
    \tsetAttr ".atr" -type "string" "renderable";
    \tsetAttr ".atv" yes;
    connectAttr "rs_later.msg" "later.lrl";
    connectAttr "renderSetup.lit" "later.pls";
    connectAttr "rs_nested.msg" "nested.lrl";
    connectAttr "renderSetup.lit" "nested.pls";
    connectAttr "firstSelector.c" "first.sel";
    connectAttr "later.lit" "first.pls";
    connectAttr "firstInnerSelector.c" "firstInner.sel";
    connectAttr "first.lit" "firstInner.pls";
    connectAttr "firstInner.lit" "innerOn.pls";
    connectAttr "secondSelector.c" "second.sel";
    connectAttr "later.lit" "second.pls";
    connectAttr "second.lit" "secondOff.pls";
    connectAttr "outerSelector.c" "outer.sel";
    connectAttr "nested.lit" "outer.pls";
    connectAttr "outer.lit" "outerOff.pls";
    connectAttr "outerInnerSelector.c" "outerInner.sel";
    connectAttr "outer.lit" "outerInner.pls";
    connectAttr "outerInner.lit" "outerInnerOn.pls";
    // End of shot.ma
    """)


def test_render_setup_override_later_in_the_list_wins_at_any_depth(tmp_path):
    _root, scene = _project(tmp_path, OVERRIDES_AT_TWO_DEPTHS)
    info = StaticMayaAnalysis(scene).run().scene_info
    assert info["rs_later"]["common"]["render_camera"] == ["camBShape"]
    assert info["rs_nested"]["common"]["render_camera"] == ["camAShape", "camBShape"]
    assert info["defaultRenderLayer"]["common"]["render_camera"] == ["camBShape"]


UNREADABLE_REFERENCES = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    file -rdi 1 -ns "char" -rfn "charRN" "refs/char.mb";
    file -rdi 1 -ns "prop" -rfn "propRN" "refs/prop.ma";
    file -rdi 1 -ns "cam" -rfn "camRN" "refs/cam.ma";
    file -r -ns "char" -rfn "charRN" "refs/char.mb";
    file -r -ns "prop" -rfn "propRN" "refs/prop.ma";
    file -r -ns "cam" -rfn "camRN" "refs/cam.ma";
    requires maya "2020";
    currentUnit -l centimeter -a degree -t film;
    createNode file -n "wood";
    \tsetAttr ".ftn" -type "string" "sourceimages/original.png";
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    // End of shot.ma
    """)


def test_unreadable_referenced_scenes_are_tips_and_the_rest_is_analysed(tmp_path, monkeypatch):
    import errno

    root, scene = _project(tmp_path, UNREADABLE_REFERENCES)
    (root / "refs" / "char.mb").write_bytes(b"FOR4\x00\x00\x00\x10Maya")
    (root / "refs" / "prop.ma").write_text(REFERENCED_CAMERA)
    denied = {str(root / "refs" / "char.mb"), str(root / "refs" / "prop.ma")}
    real_open = os.open

    def refusing_open(path, *args, **kwargs):
        # What a file without read permission gives (root reads any file: chmod cannot).
        if os.path.normpath(str(path)) in denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    result = StaticMayaAnalysis(scene).run()
    tips = result.tips["10025"]
    for name in ("char.mb", "prop.ma"):
        path = str(root / "refs" / name).replace("\\", "/")
        assert [tip for tip in tips if tip.startswith(path) and "permission denied" in tip.lower()]
    # The readable reference and the scene's own files are still analysed.
    assert result.scene_info["defaultRenderLayer"]["common"]["all_camera"] == [
        "cam:shotCamShape"]
    wood = str(root / "sourceimages" / "original.png").replace("\\", "/")
    assert wood in result.upload_files


PLUGIN_REFERENCE = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    requires maya "2020";
    requires -nodeType "RedshiftProxyMesh" "redshift4maya" "3.0.1";
    requires -nodeType "aiStandIn" "mtoa" "4.0.0";
    requires "stereoCamera" "10.0";
    createNode transform -n "tree";
    // End of prop.ma
    """)

SHOT_WITH_PLUGIN_REFERENCES = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    file -rdi 1 -ns "prop" -rfn "propRN" "refs/prop.ma";
    file -rdi 1 -ns "vray" -rfn "vrayRN" "refs/vray.ma";
    file -r -ns "prop" -rfn "propRN" "refs/prop.ma";
    file -r -ns "vray" -dr 1 -rfn "vrayRN" "refs/vray.ma";
    requires maya "2020";
    requires "mtoa" "4.2.1";
    currentUnit -l centimeter -a degree -t film;
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    // End of shot.ma
    """)


def test_plugins_a_loaded_reference_requires_are_the_scene_plugins(tmp_path):
    from rayvision_maya.analyze_maya import AnalyzeMaya

    # Maya loads the plugins of a loaded reference with it; a deferred reference loads
    # nothing. The shot's own version of a plugin both require is kept; Maya's own plugins
    # are no farm configuration.
    root, scene = _project(tmp_path, SHOT_WITH_PLUGIN_REFERENCES, deferred=True)
    (root / "refs" / "prop.ma").write_text(PLUGIN_REFERENCE)
    (root / "refs" / "vray.ma").write_text(PLUGIN_REFERENCE.replace(
        '"redshift4maya" "3.0.1"', '"vrayformaya" "5"'))
    workspace = tmp_path / "ws"
    workspace.mkdir()
    maya = AnalyzeMaya(cg_file=scene, software_version="2020", project_name="P1",
                       plugin_config={}, workspace=str(workspace), backend="static",
                       local_os="linux").analyse()
    with open(maya.task_json, encoding="utf-8") as handle:
        plugins = json.load(handle)["software_config"]["plugins"]
    assert plugins == {"mtoa": "4.2.1", "redshift4maya": "3.0.1"}
