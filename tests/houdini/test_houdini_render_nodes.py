"""Render nodes, resolutions and ROP inputs as Houdini sees them: one hand-written scene each.

Each scene is written section by section in Houdini's own format (see ``conftest.py``) with
the parameters Houdini saves for the node types concerned.
"""


import pytest


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    monkeypatch.delenv("JOB", raising=False)
    monkeypatch.delenv("RAYVISION_HOUDINI", raising=False)


def test_karma_lop_rendering_to_disk_is_a_render_node_with_a_usd_camera(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/stage/camera1", "camera", {"primpath": ['"/cameras/$OS"']})
    # The Karma LOP: its USD Render ROP lives in its locked contents, not saved in the file.
    builder.node("/stage/karma1", "karma",
                 {"trange": ['"normal"'], "f": ["1001", "1010", "1"],
                  "picture": ['"$HIP/render/$HIPNAME.$OS.$F4.exr"'],
                  "camera": ['"/cameras/camera1"'], "resolution": ["1280", "720"]})
    builder.node("/obj/lopnet1/karma_preview", "karma",
                 {"trange": ['"off"'], "f": ["1", "10", "1"], "camera": ['""'],
                  "picture": ['"$HIP/render/preview.exr"']}, bypass=True)
    # Rendering into MPlay only: nothing for the farm to render.
    builder.node("/stage/karma_look", "karma",
                 {"trange": ['"normal"'], "f": ["1", "10", "1"], "picture": ['"ip"'],
                  "camera": ['"/cameras/camera1"']})
    # Contents unlocked and saved: the USD Render ROP inside is the render node.
    builder.node("/stage/karma_open", "karma",
                 {"trange": ['"normal"'], "f": ["1", "5", "1"], "camera": ['"/cameras/c"'],
                  "picture": ['"$HIP/render/open.$F4.exr"']})
    builder.node("/stage/karma_open/rop_usdrender", "usdrender_rop",
                 {"trange": ['"normal"'], "f": ["1", "5", "1"]})
    # The Karma ROP of /out keeps its node camera, and its tip when the node is missing.
    builder.node("/out/karma_rop", "karma", {"trange": ['"normal"'], "f": ["1", "2", "1"],
                                            "camera": ['"/obj/missing"']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    rops = kit.rop_entries(analyzer)
    # The USD Render ROP inside the Karma LOP is the node the farm renders (as hython reports).
    assert rops["/stage/karma1/rop_usdrender"] == {
        "node": "/stage/karma1/rop_usdrender", "frames": "1001-1010[1]",
        "camera": "/cameras/camera1", "width": "1280", "height": "720", "option": "-1",
        "render": "1"}
    assert rops["/obj/lopnet1/karma_preview/rop_usdrender"]["frames"] == "1-1[1]"
    assert rops["/obj/lopnet1/karma_preview/rop_usdrender"]["render"] == "0"
    assert "/stage/karma_look" not in rops
    assert any("/stage/karma_look" in note for note in analyzer.notes)
    assert "/stage/karma_open" not in rops
    assert rops["/stage/karma_open/rop_usdrender"]["frames"] == "1-5[1]"
    assert rops["/out/karma_rop"]["camera"] == "/obj/missing"
    asset = kit.read_json(analyzer, "asset")
    assert asset["camera"]["/stage/karma1/rop_usdrender"] == {"camera": "/cameras/camera1"}
    assert asset["Output"]["/stage/karma1/picture"] == "$HIP/render/$HIPNAME.$OS.$F4.exr"
    tips = kit.read_json(analyzer, "tips")
    # No false "camera not found" (50002) nor "no camera" (50003) for USD cameras.
    assert tips["50002"] == ["/out/karma_rop: render camera /obj/missing does not exist"]
    assert "50003" not in tips


def test_resolution_overrides_of_redshift_and_mantra_rops(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/obj/cam1", "cam", {"res": ["1920", "1080"]})
    common = {"trange": ['"normal"'], "f": ["1", "2", "1"]}
    rs_camera = dict(common, RS_renderCamera=['"/obj/cam1"'])
    builder.node("/out/rs_user", "Redshift_ROP",
                 dict(rs_camera, RS_overrideCameraRes=['"on"'], RS_overrideResScale=['"user"'],
                      RS_overrideRes=["800", "600"]))
    # An older scene saves the menu index: 4 is 1/2 of the camera's resolution.
    builder.node("/out/rs_half", "Redshift_ROP",
                 dict(rs_camera, RS_overrideCameraRes=["1"], RS_overrideResScale=["4"],
                      RS_overrideRes=["800", "600"]))
    builder.node("/out/rs_off", "Redshift_ROP",
                 dict(rs_camera, RS_overrideCameraRes=['"off"'], RS_overrideResScale=['"user"'],
                      RS_overrideRes=["800", "600"]))
    mantra = dict(common, camera=['"/obj/cam1"'], override_camerares=['"on"'],
                  res_override=["640", "480"])
    builder.node("/out/mantra_half", "ifd", dict(mantra, res_fraction=['"0.5"']))
    builder.node("/out/mantra_third", "ifd", dict(mantra, res_fraction=['"0.3333333"']))
    builder.node("/out/mantra_size", "ifd", dict(mantra, res_fraction=['"specific"']))
    # The Arnold ROP (HtoA) has Houdini's own override parameters, not ar_ ones.
    builder.node("/out/arnold_quarter", "arnold", dict(mantra, res_fraction=['"0.25"']))
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    sizes = {path: (entry.get("width"), entry.get("height"))
             for path, entry in kit.rop_entries(analyzer).items()}
    assert sizes == {"/out/rs_user": ("800", "600"), "/out/rs_half": ("960", "540"),
                     "/out/rs_off": ("1920", "1080"), "/out/mantra_half": ("960", "540"),
                     "/out/mantra_third": ("640", "360"), "/out/mantra_size": ("640", "480"),
                     "/out/arnold_quarter": ("480", "270")}


def test_redshift_gi_caches_on_disk_are_uploaded_the_others_are_outputs(kit, tmp_path):
    hip = tmp_path / "proj"
    cache = kit.touch(str(hip / "cache" / "ipc.0001.rsmap")).replace("\\", "/")
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/obj/cam1", "cam", {"res": ["1920", "1080"]})
    builder.node("/out/rs1", "Redshift_ROP",
                 {"trange": ['"normal"'], "f": ["1", "1", "1"], "RS_renderCamera": ['"/obj/cam1"'],
                  "RS_outputFileNamePrefix": ['"$HIP/render/rs1.$F4.exr"'],
                  # Loaded by the render (Load mode): on disk, so it must reach the farm.
                  "IrradiancePointCloudFilename": ['"$HIP/cache/ipc.$F4.rsmap"'],
                  # Rebuilt and saved by the render: not on disk, not missing either.
                  "IrradianceCacheFilename": ['"$HIP/cache/irc.$F4.rsmap"']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    asset = kit.read_json(analyzer, "asset")
    assert asset["Normal"]["/out/rs1/IrradiancePointCloudFilename"] == [
        "$HIP/cache/ipc.$F4.rsmap", [cache]]
    assert asset["Output"]["/out/rs1/IrradianceCacheFilename"] == "$HIP/cache/irc.$F4.rsmap"
    assert asset["Output"]["/out/rs1/RS_outputFileNamePrefix"] == "$HIP/render/rs1.$F4.exr"
    uploads = [entry["local"] for entry in kit.read_json(analyzer, "upload")["asset"]]
    assert cache in [path.replace("\\", "/") for path in uploads]
    assert "50001" not in kit.read_json(analyzer, "tips")


def test_networks_of_other_contexts_inside_rop_networks_hold_no_rops(kit, tmp_path):
    hip = tmp_path / "proj"
    anim = kit.touch(str(hip / "cache" / "anim.abc")).replace("\\", "/")
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/out/sopnet1", "sopnet", {})
    # An Alembic SOP reads its file: the Alembic ROP of /out has the same type name.
    builder.node("/out/sopnet1/alembic1", "alembic", {"fileName": ['"$HIP/cache/anim.abc"']})
    builder.node("/out/lopnet1", "lopnet", {})
    builder.node("/out/lopnet1/karma1", "karma",
                 {"trange": ['"normal"'], "f": ["1", "3", "1"], "camera": ['"/cameras/cam"'],
                  "picture": ['"$HIP/render/k.$F4.exr"']})
    builder.node("/obj/ropnet1", "ropnet", {})
    builder.node("/obj/ropnet1/sopnet1", "sopnet", {})
    builder.node("/obj/ropnet1/sopnet1/alembic2", "alembic",
                 {"fileName": ['"$HIP/cache/anim.abc"']})
    # ROP networks still hold ROPs, also inside a network of another context.
    builder.node("/out/lopnet1/ropnet1", "ropnet", {})
    builder.node("/out/lopnet1/ropnet1/abc_out", "alembic",
                 {"trange": ['"normal"'], "f": ["1", "3", "1"],
                  "filename": ['"$HIP/cache/out.abc"']})
    builder.node("/out/subnet1/abc_out", "alembic",
                 {"trange": ['"normal"'], "f": ["1", "3", "1"],
                  "filename": ['"$HIP/cache/out2.abc"']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    info = kit.read_json(analyzer, "task")["scene_info_render"]
    geos = sorted(entry["node"] for entry in info["geo_node"])
    assert geos == ["/out/lopnet1/ropnet1/abc_out", "/out/subnet1/abc_out"]
    assert [entry["node"] for entry in info["rop_node"]] == ["/out/lopnet1/karma1/rop_usdrender"]
    asset = kit.read_json(analyzer, "asset")
    assert asset["Normal"]["/out/sopnet1/alembic1/fileName"][1] == [anim]
    assert asset["Normal"]["/obj/ropnet1/sopnet1/alembic2/fileName"][1] == [anim]
    assert asset["camera"]["/out/lopnet1/karma1/rop_usdrender"] == {"camera": "/cameras/cam"}
    assert "50002" not in kit.read_json(analyzer, "tips")


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "full"])
def test_camera_inside_a_locked_asset_is_not_reported_missing(kit, tmp_path, lean):
    from rayvision_houdini.hip_scene import load_scene, parse_scene_bytes
    from rayvision_houdini.static_analysis import LEAN_READ, analyse_scene

    builder = kit.HipBuilder(save_version="19.5.303")
    # A camera rig asset, locked: Houdini saves the asset node, none of its contents.
    builder.section("obj/rig.init", "type = studio::Object/camera_rig::1.0\nmatchesdef = 1\n")
    builder.node("/obj/open_rig", "subnet", {})
    builder.node("/out/shot", "ifd", {"trange": ['"normal"'], "f": ["1", "2", "1"],
                                      "camera": ['"/obj/rig/shot_cam"']})
    builder.node("/out/broken", "ifd", {"trange": ['"normal"'], "f": ["1", "2", "1"],
                                        "camera": ['"/obj/open_rig/gone"']})
    path = builder.write(str(tmp_path / "shot.hip"))
    if lean:
        scene = load_scene(path, lean_parms=LEAN_READ)
    else:
        with open(path, "rb") as handle:
            scene = parse_scene_bytes(handle.read())
    result = analyse_scene(scene, path, environ={})
    assert result.asset["camera"]["/out/shot"] == {"camera": "/obj/rig/shot_cam"}
    assert result.tips["50002"] == ["/out/broken: render camera /obj/open_rig/gone does not exist"]
    assert any("/obj/rig" in note and "locked" in note for note in result.notes)


def test_lean_read_finds_what_a_full_read_finds_for_these_nodes(kit, tmp_path):
    from rayvision_houdini.hip_scene import load_scene
    from rayvision_houdini.static_analysis import LEAN_READ, analyse_scene

    kit.touch(str(tmp_path / "cache" / "ipc.0001.rsmap"))
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/obj/cam1", "cam", {"res": ["1920", "1080"]})
    builder.node("/stage/karma_look", "karma", {"picture": ['"ip"'], "camera": ['"/c/cam"']})
    builder.node("/stage/karma1", "karma", {"picture": ['"$HIP/r/k.$F4.exr"'],
                                            "camera": ['"/c/cam"'],
                                            "resolution": ["1280", "720"]})
    builder.node("/out/rs", "Redshift_ROP",
                 {"RS_renderCamera": ['"/obj/cam1"'], "RS_overrideCameraRes": ['"on"'],
                  "RS_overrideResScale": ["4"], "RS_overrideRes": ["800", "600"],
                  "IrradiancePointCloudFilename": ['"$HIP/cache/ipc.$F4.rsmap"']})
    builder.node("/out/mantra", "ifd", {"camera": ['"/obj/cam1"'], "override_camerares": ["1"],
                                        "res_fraction": ['"0.25"'],
                                        "res_override": ["10", "10"]})
    builder.node("/out/sopnet1", "sopnet", {})
    builder.node("/out/sopnet1/abc", "alembic", {"fileName": ['"$HIP/cache/a.abc"']})
    path = builder.write(str(tmp_path / "shot.hip"))
    full = analyse_scene(load_scene(path), path, environ={})
    lean = analyse_scene(load_scene(path, lean_parms=LEAN_READ), path, environ={})
    assert lean.scene_info == full.scene_info
    assert lean.asset == full.asset
    assert lean.upload_files == full.upload_files
    assert lean.tips == full.tips and lean.notes == full.notes
    sizes = {entry["node"]: (entry.get("width"), entry.get("height"))
             for entry in lean.scene_info["rop_node"]}
    assert sizes == {"/stage/karma1/rop_usdrender": ("1280", "720"), "/out/rs": ("960", "540"),
                     "/out/mantra": ("480", "270")}
