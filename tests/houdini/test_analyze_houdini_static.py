import json
import os
import sqlite3

import pytest

from rayvision_api.exception import (
    AnalyseFailError,
    CGFileNameIllegalError,
    CGFileNotExistsError,
    RayvisionArgumentError,
)
from rayvision_houdini.analyze_houdini import AnalyzeHoudini, resolve_db_dir
from rayvision_houdini.hip_container import HipFormatError, HipUnreadableError


def _load(analyzer, name):
    with open(os.path.join(analyzer.workspace, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def _run(scene, workspace, db_dir, version="18.0.5", **kwargs):
    analyzer = AnalyzeHoudini(scene, version, project_name="P1", workspace=workspace,
                              backend="static", custom_db_path=db_dir, **kwargs)
    return analyzer.analyse()


def test_task_json_rop_and_geo_nodes(standard_scene, workspace, db_dir):
    analyzer = _run(standard_scene["scene"], workspace, db_dir)
    assert analyzer.backend_used == "static"
    task = _load(analyzer, "task")
    info = task["scene_info_render"]
    assert info == task["scene_info"]
    rops = {entry["node"]: entry for entry in info["rop_node"]}
    assert rops["/out/mantra1"] == {"node": "/out/mantra1", "frames": "1-48[1]",
                                    "camera": "/obj/cam1", "width": "1920", "height": "1080",
                                    "option": "-1", "render": "1"}
    # Bypassed ROP: render "0"; its camera does not exist: no resolution.
    assert rops["/out/karma1"]["render"] == "0"
    assert rops["/out/karma1"]["frames"] == "1-5[2]"
    assert "width" not in rops["/out/karma1"]
    assert rops["/out/rs1"]["camera"] == ""
    # Resolution override of the ROP wins over the camera's.
    assert (rops["/out/ris1"]["width"], rops["/out/ris1"]["height"]) == ("640", "360")
    assert rops["/out/ris1"]["frames"] == "10-20[1]"
    geos = {entry["node"]: entry for entry in info["geo_node"]}
    assert geos["/out/geometry1"] == {"node": "/out/geometry1", "frames": "1-24[1]",
                                      "option": "0", "render": "0"}
    assert "/obj/geo1/cache_w" in geos          # a file cache that writes
    assert "/obj/geo1/cache_r" not in geos      # one that reads is an input, not an output
    sims = info["distributedsim_node"]
    assert sims[0]["node"] == "/out/hq1" and sims[0]["option"] == "1"
    assert sims[0]["output_driver"] == "/out/geometry1"
    assert sims[0]["output_file"] == "$HIP/out/geo.$F4.bgeo.sc"
    assert task["task_info"]["cg_id"] == "2004"
    assert task["task_info"]["project_name"] == "P1"
    assert task["software_config"] == {"plugins": {}, "cg_version": "18.0.5",
                                       "cg_name": "Houdini"}


def test_inputs_found_and_outputs_ignored(standard_scene, workspace, db_dir):
    analyzer = _run(standard_scene["scene"], workspace, db_dir)
    asset = _load(analyzer, "asset")
    upload = _load(analyzer, "upload")
    locals_ = [entry["local"] for entry in upload["asset"]]
    for path in standard_scene["inputs"]:
        assert path in locals_, path
    for path in standard_scene["outputs"]:
        assert path not in locals_, path
    scene = standard_scene["scene"].replace("\\", "/")
    assert upload["scene"][0]["local"] == scene
    assert len(upload["scene"][0]["hash"]) == 32
    assert locals_[-1] == scene
    normal = asset["Normal"]
    assert normal["/obj/geo1/file1/file"][0] == "$HIP/geo/box.$F4.bgeo.sc"
    assert len(normal["/obj/geo1/file1/file"][1]) == 3
    assert normal["/mat/wood/basecolor_texture"][1] == [
        standard_scene["hip"] + "/tex/wood.1001.rat", standard_scene["hip"] + "/tex/wood.1002.rat"]
    assert normal["/mat/wood/rough_texture"][1] == [standard_scene["hip"] + "/tex/metal.1001.exr"]
    assert normal["/obj/geo1/abc1/fileName"][1] == [standard_scene["job"] + "/cache/anim.abc"]
    assert normal["/obj/geo1/vdb1/file"][1] == [standard_scene["texdir"] + "/smoke.vdb"]
    assert normal["/obj/geo1/rel1/file"][1] == [standard_scene["hip"] + "/relative/rock.obj"]
    assert normal["/.OPlibraries/0"][1] == [standard_scene["hip"] + "/otls/tool.hda"]
    assert len(normal["/obj/geo1/cache_r/file"][1]) == 2
    assert asset["Miss"]["/obj/env_missing/env_map"] == ["D:\\hdri\\sky.hdr",
                                                         ["D:/hdri/sky.hdr"]]
    assert asset["Search"]["/obj/cam1/bokeh/file"] == ["default.pic", ["default.pic"]]
    assert "/obj/geo1/bt1/file" in asset["Unresolved"]
    assert "/out/mantra1/vm_picture" in asset["Output"]
    assert "/obj/geo1/writer/file" in asset["Output"]


def test_tips(standard_scene, workspace, db_dir):
    analyzer = _run(standard_scene["scene"], workspace, db_dir, version="18.0.5")
    tips = _load(analyzer, "tips")
    assert tips["50001"] == ["D:/hdri/sky.hdr"]
    assert tips["50002"] == ["/out/karma1: render camera /obj/missing does not exist"]
    assert tips["50003"] == ["/out/rs1: no render camera is set"]
    assert tips["50007"] == ["/out/hq1: slice type 2 is not supported"]
    assert tips["50008"] == ["/out/hq1: 20 slices (at most 16)"]
    assert "15013" not in tips
    assert tips == analyzer.tips_info


def test_version_mismatch_tip(standard_scene, workspace, db_dir):
    analyzer = _run(standard_scene["scene"], workspace, db_dir, version="17.5.293")
    assert analyzer.scene_version == "18.0.5"
    assert _load(analyzer, "tips")["15013"] == ["Houdini 17.5.293"]


def test_missing_save_version_tip(kit, tmp_path, workspace, db_dir):
    builder = kit.HipBuilder(save_version=None)
    builder.node("/out/m", "ifd", {"f": ["1", "2", "1"], "camera": ["/obj/c"]})
    scene = builder.write(str(tmp_path / "nov.hip"))
    analyzer = _run(scene, workspace, db_dir)
    tips = _load(analyzer, "tips")
    assert "15013" not in tips
    assert tips["15002"][0].startswith("_HIP_SAVEVERSION not found")


@pytest.mark.parametrize("kind", ["hipnc", "hiplc"])
def test_licensed_scene_same_result_as_hip(tmp_path, kind, build_scene, monkeypatch):
    monkeypatch.delenv("JOB", raising=False)
    paths = build_scene(tmp_path / "a", kind="hip")
    licensed = build_scene(tmp_path / "b", kind=kind)
    results = []
    for scene in (paths["scene"], licensed["scene"]):
        ws = tmp_path / ("ws_" + os.path.basename(scene))
        ws.mkdir()
        analyzer = _run(scene, str(ws), str(tmp_path / "db"))
        results.append(_load(analyzer, "task")["scene_info"])
    assert results[0] == results[1]


def test_db_written_custom_path_and_env_rule(standard_scene, workspace, tmp_path, monkeypatch):
    custom = str(tmp_path / "custom_db")
    _run(standard_scene["scene"], workspace, custom)
    connection = sqlite3.connect(os.path.join(custom, "data_tl.db"))
    types = dict(connection.execute("SELECT TYPES, INFO FROM ReFerType").fetchall())
    connection.close()
    assert types["file"] == "file"
    assert types["fileName"] == "alembic"
    assert types["env_map"] == "envlight"
    assert "vm_picture" not in types          # outputs are not references
    env_folder = str(tmp_path / "env_db")
    monkeypatch.setenv("RAYVISION_HOUDINI", env_folder)
    assert resolve_db_dir(None) == env_folder
    assert resolve_db_dir(custom) == custom
    analyzer = AnalyzeHoudini(standard_scene["scene"], "18.0.5", workspace=workspace,
                              backend="static")
    assert analyzer.db_file == os.path.join(env_folder, "data_tl.db")
    analyzer.analyse()
    assert os.path.isfile(os.path.join(env_folder, "data_tl.db"))
    monkeypatch.delenv("RAYVISION_HOUDINI")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_db_dir(None, {"HOME": "/h"}).replace("\\", "/").endswith("renderfarm_sdk")


def test_job_from_environment_wins(standard_scene, workspace, db_dir, tmp_path, monkeypatch):
    other_job = tmp_path / "otherjob"
    (other_job / "cache").mkdir(parents=True)
    (other_job / "cache" / "anim.abc").write_bytes(b"a")
    monkeypatch.setenv("JOB", str(other_job))
    analyzer = _run(standard_scene["scene"], workspace, db_dir)
    files = _load(analyzer, "asset")["Normal"]["/obj/geo1/abc1/fileName"][1]
    assert files == [str(other_job / "cache" / "anim.abc").replace("\\", "/")]


def test_no_upload(standard_scene, workspace, db_dir):
    analyzer = AnalyzeHoudini(standard_scene["scene"], "18.0.5", workspace=workspace,
                              backend="static", custom_db_path=db_dir)
    analyzer.analyse(no_upload=True)
    assert not os.path.exists(analyzer.upload_json)
    assert analyzer.check_result() == (True, None)


def test_bad_inputs(tmp_path, workspace, standard_scene):
    with pytest.raises(CGFileNotExistsError) as caught:
        AnalyzeHoudini(str(tmp_path / "nope.hip"), "18.0.5", workspace=workspace)
    assert "nope.hip" in str(caught.value)
    other = tmp_path / "scene.ma"
    other.write_text("x")
    with pytest.raises(CGFileNameIllegalError):
        AnalyzeHoudini(str(other), "18.0.5", workspace=workspace)
    not_a_folder = tmp_path / "file_db"
    not_a_folder.write_text("x")
    with pytest.raises(RayvisionArgumentError) as caught:
        AnalyzeHoudini(standard_scene["scene"], "18.0.5", workspace=workspace,
                       custom_db_path=str(not_a_folder))
    assert "file_db" in str(caught.value)
    with pytest.raises(RayvisionArgumentError):
        AnalyzeHoudini(standard_scene["scene"], "18.0.5", workspace=workspace,
                       custom_db_path=42)
    with pytest.raises(RayvisionArgumentError):
        AnalyzeHoudini(standard_scene["scene"], "18.0.5", workspace=workspace,
                       backend="maybe")
    not_a_folder = tmp_path / "ws_is_a_file"
    not_a_folder.write_text("")
    with pytest.raises(RayvisionArgumentError):
        AnalyzeHoudini(standard_scene["scene"], "18.0.5", workspace=str(not_a_folder))


def test_garbage_scene_gives_tip_and_typed_error(tmp_path, workspace, db_dir):
    scene = tmp_path / "garbage.hip"
    scene.write_bytes(b"this is not a houdini file")
    analyzer = AnalyzeHoudini(str(scene), "18.0.5", workspace=workspace, backend="static",
                              custom_db_path=db_dir)
    with pytest.raises(HipFormatError) as caught:
        analyzer.analyse()
    assert isinstance(caught.value, AnalyseFailError)
    assert "garbage.hip" in str(caught.value)
    tips = _load(analyzer, "tips")
    assert "backend='dcc'" in tips["15002"][-1]


def test_unreadable_licensed_scene(tmp_path, workspace, db_dir):
    scene = tmp_path / "locked.hiplc"
    scene.write_bytes(b"HouLC\x1a" + bytes(range(256)) * 8
                      + b"set -g _HIP_SAVEVERSION = '19.0.455'\n")
    analyzer = AnalyzeHoudini(str(scene), "19.0.455", workspace=workspace, backend="static",
                              custom_db_path=db_dir)
    # The version is still found in the raw bytes: no mismatch tip.
    assert analyzer.get_save_version() == "19.0.455"
    with pytest.raises(HipUnreadableError):
        analyzer.analyse()
    tips = _load(analyzer, "tips")
    assert "15013" not in tips
    assert "not readable without Houdini" in tips["15002"][-1]


def test_scene_vanishing_after_construction(standard_scene, workspace, db_dir):
    analyzer = AnalyzeHoudini(standard_scene["scene"], "18.0.5", workspace=workspace,
                              backend="static", custom_db_path=db_dir)
    os.remove(standard_scene["scene"])
    with pytest.raises(CGFileNotExistsError) as caught:
        analyzer.analyse()
    assert "cg file not been found" in str(caught.value)
    assert _load(analyzer, "tips")["15024"] == [standard_scene["scene"]]


def test_two_analyses_do_not_share_state(standard_scene, workspace, db_dir, kit, tmp_path):
    first = _run(standard_scene["scene"], workspace, db_dir)
    builder = kit.HipBuilder(save_version="18.0.5")
    builder.node("/out/only", "ifd", {"f": ["3", "4", "1"], "camera": ["/obj/c"]})
    scene = builder.write(str(tmp_path / "second.hip"))
    second = AnalyzeHoudini(scene, "18.0.5", project_name="P2", workspace=workspace,
                            backend="static", custom_db_path=db_dir).analyse()
    assert first.workspace != second.workspace
    task = _load(second, "task")
    assert [entry["node"] for entry in task["scene_info"]["rop_node"]] == ["/out/only"]
    assert task["task_info"]["project_name"] == "P2"
    assert "50001" not in _load(second, "tips")
