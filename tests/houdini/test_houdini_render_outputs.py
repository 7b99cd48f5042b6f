"""What the farm can render: the node it is given, what that node writes, at which size and frames.

Each static case is a scene written section by section in Houdini's own format (see
``conftest.py``); each hython case runs ``dcc/HfsBase.py`` with the fake ``hou`` under Python 3
and 2.7, on the same nodes as a live Houdini session holds them.
"""

import json

import pytest

from rayvision_houdini.analyze_houdini import AnalyzeHoudini
from rayvision_houdini.dcc import hfs_rules


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("JOB", "RAYVISION_HOUDINI", "RAYVISION_HYTHON"):
        monkeypatch.delenv(name, raising=False)


def _scene(kit, tmp_path, builder):
    folder = tmp_path / "proj"
    folder.mkdir(exist_ok=True)
    return builder.write(str(folder / "shot.hip"))


def _static(kit, tmp_path, builder):
    scene = _scene(kit, tmp_path, builder)
    workspace = tmp_path / "ws_static"
    workspace.mkdir()
    return AnalyzeHoudini(scene, "19.5.303", workspace=str(workspace), backend="static",
                          custom_db_path=str(tmp_path / "db")).analyse()


def _hython(kit, tmp_path, interpreter, nodes, monkeypatch, refs=()):
    """Run the in-Houdini script on a live session holding ``nodes`` (fake ``hou``)."""
    scene = _scene(kit, tmp_path, kit.HipBuilder(save_version="19.5.303"))
    description = tmp_path / "session.json"
    description.write_text(json.dumps({"nodes": nodes, "file_references": list(refs),
                                       "hda_files": []}))
    monkeypatch.setenv("FAKE_HOU_SCENE", str(description))
    monkeypatch.delenv("FAKE_HOU_CALL_LOG", raising=False)
    monkeypatch.delenv("FAKE_DCC_ARGV_LOG", raising=False)
    exe = kit.write_stand_in(tmp_path, interpreter)
    workspace = tmp_path / "ws_dcc"
    workspace.mkdir()
    return AnalyzeHoudini(scene, "19.5.303", workspace=str(workspace), backend="dcc",
                          custom_exe_path=exe, custom_db_path=str(tmp_path / "db")).analyse()


KARMA_LOP = {"trange": ['"off"'], "f": ["1", "10", "1"],
             "picture": ['"$HIP/render/$OS.$F4.exr"'], "camera": ['"/cameras/cam"']}


def test_both_backends_report_the_rop_inside_the_karma_lop(kit, tmp_path, interpreter,
                                                           monkeypatch):
    builder = kit.HipBuilder(save_version="19.5.303", tcur=0)
    # Locked: the .hip holds the Karma LOP, not the USD Render ROP inside it.
    builder.node("/stage/karma1", "karma", KARMA_LOP)
    static = _static(kit, tmp_path, builder)
    # A live session holds the locked asset's contents: hython sees the inner ROP.
    dcc = _hython(kit, tmp_path, interpreter, [
        {"path": "/stage/karma1", "type": "karma", "category": "Lop",
         "tuples": {"f": [1, 10, 1]}, "parms": {"trange": "off", "camera": "/cameras/cam"}},
        {"path": "/stage/karma1/rop_usdrender", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1, 10, 1]}, "parms": {"trange": "off"}},
    ], monkeypatch)
    assert sorted(kit.rop_entries(static)) == sorted(kit.rop_entries(dcc)) \
        == ["/stage/karma1/rop_usdrender"]
    # Rendering the current frame only: said of the node the farm is given.
    assert static.frames_by_layer() == [{"layer": "/stage/karma1/rop_usdrender",
                                         "frames": "1-1[1]", "animation": False}]
    assert any(note.startswith("/stage/karma1/rop_usdrender:") for note in static.notes)
    assert kit.read_json(static, "asset")["camera"] == {
        "/stage/karma1/rop_usdrender": {"camera": "/cameras/cam"}}


def test_rops_rendering_into_mplay_are_not_render_nodes(kit, tmp_path, interpreter, monkeypatch):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/obj/cam1", "cam", {"res": ["1920", "1080"]})
    common = {"trange": ['"normal"'], "f": ["1", "24", "1"], "camera": ['"/obj/cam1"']}
    builder.node("/out/mantra_disk", "ifd",
                 dict(common, vm_picture=['"$HIP/render/$OS.$F4.exr"']))
    # Houdini's image devices: "ip" is MPlay, "md" MPlay's other device. No file is written.
    builder.node("/out/mantra_ip", "ifd", dict(common, vm_picture=['"ip"']))
    builder.node("/out/arnold_md", "arnold", dict(common, ar_picture=['"md"']))
    builder.node("/out/karma_ip", "karma", dict(common, picture=['"ip"']))
    builder.node("/stage/usd_ip", "usdrender_rop",
                 {"trange": ['"normal"'], "f": ["1", "24", "1"], "outputimage": ['"ip"']})
    builder.node("/stage/karma_md", "karma", dict(KARMA_LOP, picture=['"md"']))
    static = _static(kit, tmp_path, builder)
    dcc = _hython(kit, tmp_path, interpreter, [
        {"path": "/obj/cam1", "type": "cam", "category": "Object",
         "tuples": {"res": [1920, 1080]}},
        {"path": "/out/mantra_disk", "type": "ifd", "tuples": {"f": [1, 24, 1]},
         "parms": {"camera": "/obj/cam1", "vm_picture": "$HIP/render/$OS.$F4.exr"}},
        {"path": "/out/mantra_ip", "type": "ifd", "tuples": {"f": [1, 24, 1]},
         "parms": {"camera": "/obj/cam1", "vm_picture": "ip"}},
        {"path": "/out/arnold_md", "type": "arnold", "tuples": {"f": [1, 24, 1]},
         "parms": {"camera": "/obj/cam1", "ar_picture": "md"}},
        {"path": "/out/karma_ip", "type": "karma", "tuples": {"f": [1, 24, 1]},
         "parms": {"camera": "/obj/cam1", "picture": "ip"}},
        {"path": "/stage/usd_ip", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1, 24, 1]}, "parms": {"outputimage": "ip"}},
        {"path": "/stage/karma_md", "type": "karma", "category": "Lop",
         "parms": {"picture": "md"}},
        {"path": "/stage/karma_md/rop_usdrender", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1, 10, 1]}, "parms": {"outputimage": "md"}},
    ], monkeypatch)
    left_out = ["/out/mantra_ip", "/out/arnold_md", "/out/karma_ip", "/stage/usd_ip",
                "/stage/karma_md/rop_usdrender"]
    for analyzer in (static, dcc):
        assert list(kit.rop_entries(analyzer)) == ["/out/mantra_disk"]
        for path in left_out:
            assert any(note.startswith(path + ": ") and "MPlay" in note
                       for note in analyzer.notes), (analyzer.backend_used, path)
    for analyzer in (static, dcc):
        assert "50002" not in kit.read_json(analyzer, "tips")


def test_usd_render_rop_reports_its_own_resolution_only_when_overridden(kit, tmp_path,
                                                                       interpreter, monkeypatch):
    builder = kit.HipBuilder(save_version="19.5.303")
    common = {"trange": ['"normal"'], "f": ["1", "2", "1"],
              "outputimage": ['"$HIP/render/$OS.$F4.exr"'], "res_user": ["1280", "720"]}
    builder.node("/stage/usd_specific", "usdrender_rop", dict(common, override_res=['"specific"']))
    # Override off: the stage's render settings decide, not any size the ROP holds.
    builder.node("/stage/usd_off", "usdrender_rop",
                 dict(common, override_res=['""'], camera=['"/cameras/cam"'],
                      resolution=["640", "480"]))
    # A scale of the stage's resolution, which only a cooked stage tells.
    builder.node("/stage/usd_scale", "usdrender_rop",
                 dict(common, override_res=['"scale"'], res_scale=["0.5"]))
    builder.node("/out/usd_out", "usdrender",
                 dict(common, override_res=['"specific"'], res_user=["800", "600"]))
    static = _static(kit, tmp_path, builder)

    def live(path, override, size, category="Lop"):
        node_type = "usdrender" if category == "Driver" else "usdrender_rop"
        return {"path": path, "type": node_type, "category": category,
                "tuples": {"f": [1, 2, 1], "res_user": size},
                "parms": {"override_res": override, "outputimage": "$HIP/r.$F4.exr"}}

    dcc = _hython(kit, tmp_path, interpreter, [
        live("/stage/usd_specific", "specific", [1280, 720]),
        live("/stage/usd_off", "", [1280, 720]),
        live("/stage/usd_scale", "scale", [1280, 720]),
        live("/out/usd_out", "specific", [800, 600], category="Driver"),
    ], monkeypatch)
    for analyzer in (static, dcc):
        sizes = {path: (entry.get("width"), entry.get("height"))
                 for path, entry in kit.rop_entries(analyzer).items()}
        assert sizes == {"/stage/usd_specific": ("1280", "720"), "/stage/usd_off": (None, None),
                         "/stage/usd_scale": (None, None), "/out/usd_out": ("800", "600")}


def test_frames_from_the_stage_are_a_warning(kit, tmp_path, interpreter, monkeypatch):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/stage/usd_stage", "usdrender_rop",
                 {"trange": ['"stage"'], "f": ["1", "240", "1"],
                  "outputimage": ['"$HIP/render/$OS.$F4.exr"']})
    # An older scene saves the menu index: 3 is "Render Frame Range From Stage".
    builder.node("/stage/karma1", "karma", dict(KARMA_LOP, trange=["3"]))
    builder.node("/stage/usd_range", "usdrender_rop",
                 {"trange": ['"normal"'], "f": ["1", "24", "1"],
                  "outputimage": ['"$HIP/render/$OS.$F4.exr"']})
    static = _static(kit, tmp_path, builder)
    dcc = _hython(kit, tmp_path, interpreter, [
        {"path": "/stage/usd_stage", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1, 240, 1]}, "parms": {"trange": "stage"}},
        {"path": "/stage/karma1", "type": "karma", "category": "Lop", "parms": {"trange": 3}},
        {"path": "/stage/karma1/rop_usdrender", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1, 10, 1]}, "parms": {"trange": 3}},
        {"path": "/stage/usd_range", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1, 24, 1]}, "parms": {"trange": "normal"}},
    ], monkeypatch)
    for analyzer in (static, dcc):
        warnings = kit.read_json(analyzer, "tips")["15035"]
        assert sorted(message.split(":")[0] for message in warnings) == [
            "/stage/karma1/rop_usdrender", "/stage/usd_stage"]
        assert all("From Stage" in message for message in warnings)
        # The summary shows it as a warning, not only as a range.
        report = str(analyzer.build_report([]))
        assert "(tip 15035): /stage/" in report and "Render Frame Range From Stage" in report


def test_redshift_cache_set_to_load_and_missing_is_a_missing_file(kit, tmp_path, interpreter,
                                                                  monkeypatch):
    hip = str(tmp_path / "proj").replace("\\", "/")
    kit.touch(hip + "/cache/irc.0001.rsmap")
    rs = {"trange": ['"normal"'], "f": ["1", "1", "1"], "RS_renderCamera": ['""'],
          "IrradiancePointCloudFilename": ['"$HIP/cache/ipc.$F4.rsmap"'],
          "IrradianceCacheFilename": ['"$HIP/cache/irc.$F4.rsmap"']}
    builder = kit.HipBuilder(save_version="19.5.303")
    # Load (menu item 1): the render reads the point cloud, which is not on disk.
    builder.node("/out/rs_load", "Redshift_ROP",
                 dict(rs, IrradiancePointCloudMode=["1"], IrradianceCacheMode=["1"]))
    # Rebuild (0): the render writes it; a missing one is the file it writes.
    builder.node("/out/rs_rebuild", "Redshift_ROP",
                 dict(rs, IrradiancePointCloudMode=["0"], IrradianceCacheMode=["0"]))
    static = _static(kit, tmp_path, builder)

    def live(path, mode):
        return {"path": path, "type": "Redshift_ROP", "tuples": {"f": [1, 1, 1]},
                "parms": {"RS_renderCamera": "", "IrradiancePointCloudMode": mode,
                          "IrradianceCacheMode": mode,
                          "IrradiancePointCloudFilename": "$HIP/cache/ipc.$F4.rsmap",
                          "IrradianceCacheFilename": "$HIP/cache/irc.$F4.rsmap"}}

    refs = [[path + "/" + name, "$HIP/cache/{0}.$F4.rsmap".format(short)]
            for path in ("/out/rs_load", "/out/rs_rebuild")
            for name, short in (("IrradiancePointCloudFilename", "ipc"),
                                ("IrradianceCacheFilename", "irc"))]
    dcc = _hython(kit, tmp_path, interpreter, [live("/out/rs_load", 1),
                                               live("/out/rs_rebuild", 0)], monkeypatch, refs)
    for analyzer in (static, dcc):
        asset = kit.read_json(analyzer, "asset")
        assert asset["Miss"]["/out/rs_load/IrradiancePointCloudFilename"][0] == \
            "$HIP/cache/ipc.$F4.rsmap"
        assert asset["Normal"]["/out/rs_load/IrradianceCacheFilename"][1] == [
            hip + "/cache/irc.0001.rsmap"]
        assert asset["Output"]["/out/rs_rebuild/IrradiancePointCloudFilename"] == \
            "$HIP/cache/ipc.$F4.rsmap"
        assert len(kit.read_json(analyzer, "tips")["50001"]) == 1, analyzer.backend_used


def test_both_backends_read_the_karma_lop_settings_for_its_rop(kit, tmp_path, interpreter,
                                                               monkeypatch):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/stage/karma1", "karma",
                 dict(KARMA_LOP, trange=['"normal"'], resolution=["1280", "720"]))
    static = _static(kit, tmp_path, builder)
    # The inner ROP has no camera or resolution of its own: they are the LOP's.
    dcc = _hython(kit, tmp_path, interpreter, [
        {"path": "/stage/karma1", "type": "karma", "category": "Lop",
         "tuples": {"f": [1, 10, 1], "resolution": [1280, 720]},
         "parms": {"trange": "normal", "camera": "/cameras/cam"}},
        {"path": "/stage/karma1/rop_usdrender", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1, 10, 1]}, "parms": {"trange": "normal"}},
    ], monkeypatch)
    expected = {"node": "/stage/karma1/rop_usdrender", "frames": "1-10[1]",
                "camera": "/cameras/cam", "width": "1280", "height": "720", "option": "-1",
                "render": "1"}
    assert kit.rop_entries(static) == kit.rop_entries(dcc) \
        == {"/stage/karma1/rop_usdrender": expected}
    for analyzer in (static, dcc):
        assert kit.read_json(analyzer, "asset")["camera"] == {
            "/stage/karma1/rop_usdrender": {"camera": "/cameras/cam"}}
        tips = kit.read_json(analyzer, "tips")
        assert "50002" not in tips and "50003" not in tips


def test_unlocked_karma_lop_rendering_into_mplay_is_noted_once(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303")
    # Contents unlocked and saved: the ROP inside is read itself, with its own picture.
    builder.node("/stage/karma1", "karma", dict(KARMA_LOP, picture=['"ip"']))
    builder.node("/stage/karma1/rop_usdrender", "usdrender_rop",
                 {"trange": ['"normal"'], "f": ["1", "10", "1"], "outputimage": ['"ip"']})
    static = _static(kit, tmp_path, builder)
    assert kit.rop_entries(static) == {}
    assert [note for note in static.notes if "MPlay" in note] == [
        hfs_rules.mplay_note("/stage/karma1/rop_usdrender")]
