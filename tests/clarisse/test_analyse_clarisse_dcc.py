"""The Clarisse backend, run for real: a stand-in cnode runs our script on a fake ix."""

import json
import os
import sys

import pytest

from rayvision_api.exception import AnalyseFailError, CGExeNotExistError
from rayvision_clarisse.analyse_clarisse import CLARISSE_SCRIPT, AnalyzeClarisse


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def ix_scene(standard_project, tmp_path, monkeypatch):
    pdir = standard_project["pdir"]
    description = {
        "objects": [
            {"name": "project://scene/beauty", "class": "Image",
             "attrs": {"first_frame": 1, "last_frame": 24, "save_as": pdir + "/r/b.####.exr",
                       "format": 0, "save_to_disk": True, "lut": "sRGB",
                       "layers": ["project://scene/beauty.main", "project://scene/gone"]}},
            {"name": "project://scene/beauty.main", "class": "Layer3d",
             "attrs": {"first_frame": 1, "last_frame": 5, "enable_deep_output": True,
                       "deep_output_path": pdir + "/r/deep.####.exr"}},
            {"name": "project://scene/still", "class": "Image", "attrs": {}},
            {"name": "project://scene/off", "class": "TextureMapFile", "disabled": True},
        ],
        "path_attrs": [
            {"object": "project://scene/wood", "name": "filename",
             "value": pdir + "/tex/wood.<UDIM>.tx"},
            {"object": "project://scene/seq", "name": "filename",
             "value": pdir + "/tex/anim.####.exr"},
            {"object": "project://scene/beauty", "name": "save_as",
             "value": pdir + "/render/beauty.####.exr", "hint": "VISUAL_HINT_FILENAME_SAVE"},
            {"object": "project://scene/off", "name": "filename", "value": "/off/x.tx"},
            {"object": "project://scene/priv", "name": "filename", "value": "/p/x.tx",
             "private": True},
            {"object": "project://scene/win", "name": "filename", "value": "D:\\a\\b.obj"},
            # Inside the referenced context: $PDIR is the referenced file's folder.
            {"object": "project://scene/ref/geo/rock", "name": "filename",
             "value": "$PDIR/rock.obj"},
        ],
        "contexts": [
            {"name": "project://scene/ref", "reference": True,
             "filename": "$PDIR/refs/asset.project"},
            {"name": "project://scene/lost", "reference": True,
             "filename": "/nowhere/lost.project"},
            {"name": "project://scene/plain", "reference": False},
        ],
    }
    path = tmp_path / "ix_scene.json"
    path.write_text(json.dumps(description))
    monkeypatch.setenv("FAKE_IX_SCENE", str(path))
    monkeypatch.setenv("FAKE_DCC_ARGV_LOG", str(tmp_path / "argv.json"))
    return standard_project


def test_dcc_backend_end_to_end(ix_scene, kit, workspace, tmp_path, interpreter):
    exe = kit.write_stand_in(tmp_path, interpreter)
    analyzer = AnalyzeClarisse(ix_scene["scene"], "clarisse_ifx_4.0_sp3", project_name="P",
                               workspace=workspace, custom_exe_path=exe).analyse()
    assert analyzer.backend_used == "dcc"
    argv = _load(str(tmp_path / "argv.json"))
    assert argv[1:] == [ix_scene["scene"], "-script", CLARISSE_SCRIPT]
    options = _load(analyzer.options_json)
    assert options["task_json"] == analyzer.task_json.replace("\\", "/")

    task = _load(analyzer.task_json)
    assert task["scene_info_render"] == task["scene_info"]
    images = {entry["name"]: entry for entry in task["scene_info"]["image_node"]}
    beauty = images["project://scene/beauty"]
    assert beauty["frames"] == "1-24[1]" and beauty["format"] == "exr16"
    assert beauty["save_to_disk"] == "1" and beauty["LUT"] == "sRGB"
    assert beauty["layers"] == [{
        "frames": "1-5[1]", "renderable": "1", "output": "", "format": "",
        "enable_deep_output": "1", "save_to_disk": "0",
        "enable_deep_output_path": ix_scene["pdir"] + "/r/deep.####.exr",
        "name": "project://scene/beauty.main"}]
    assert images["project://scene/still"]["frames"] == "0-0[1]"
    assert images["project://scene/still"]["LUT"] == "linear"

    asset = _load(analyzer.asset_json)
    assert len(asset["Normal"]["project://scene/wood.filename"][1]) == 2
    assert asset["Reference"]["project://scene/ref"][1] == [ix_scene["reference"]]
    dumped = json.dumps(asset)
    assert "beauty.####" not in dumped and "/off/x.tx" not in dumped and "/p/x.tx" not in dumped
    tips = _load(analyzer.tips_json)
    assert tips["25009"] == ["Reference file not found: /nowhere/lost.project"]
    assert tips["10012"] == ["D:/a/b.obj"]
    upload = _load(analyzer.upload_json)
    locals_ = [entry["local"] for entry in upload["asset"]]
    assert ix_scene["reference"] in locals_
    assert ix_scene["pdir"] + "/tex/anim.0002.exr" in locals_
    assert ix_scene["pdir"] + "/refs/rock.obj" in locals_
    assert "project://scene/ref/geo/rock.filename" not in json.dumps(asset["Miss"])
    assert locals_[-1] == ix_scene["scene"]


def test_dcc_failure(ix_scene, kit, workspace, tmp_path):
    exe = kit.write_stand_in(tmp_path, sys.executable, exit_code=2)
    analyzer = AnalyzeClarisse(ix_scene["scene"], "4", workspace=workspace,
                               custom_exe_path=exe)
    with pytest.raises(AnalyseFailError) as caught:
        analyzer.analyse()
    assert "cnode stand-in failing on purpose" in str(caught.value)
    assert _load(analyzer.tips_json)["999"] == [""]


def test_script_without_options_writes_nothing(ix_scene, kit, workspace, tmp_path,
                                               monkeypatch):
    # A cnode that does not pass our environment on: the script refuses, the SDK reports.
    exe = kit.write_stand_in(tmp_path, sys.executable)
    analyzer = AnalyzeClarisse(ix_scene["scene"], "4", workspace=workspace,
                               custom_exe_path=exe)
    monkeypatch.setattr(analyzer, "dcc_environment", lambda: {
        key: value for key, value in os.environ.items()
        if key != "RAYVISION_CLARISSE_OPTIONS"})
    with pytest.raises(AnalyseFailError) as caught:
        analyzer.analyse()
    assert "exit code 1" in str(caught.value)


def test_dcc_required_but_missing(ix_scene, workspace, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    analyzer = AnalyzeClarisse(ix_scene["scene"], "4", workspace=workspace, backend="dcc")
    analyzer.INSTALL_PATTERNS = (str(tmp_path / "isotropix" / "*" / "cnode"),)
    assert analyzer.find_dcc_executable() is None
    with pytest.raises(CGExeNotExistError):
        analyzer.analyse()
    assert _load(analyzer.tips_json)["15019"] == ["Clarisse 4"]


def test_cnode_found_in_install_folder(ix_scene, kit, workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    install = tmp_path / "isotropix" / "clarisse_ifx_4.0_sp3"
    install.mkdir(parents=True)
    exe = kit.write_stand_in(install, sys.executable)
    analyzer = AnalyzeClarisse(ix_scene["scene"], "4", workspace=workspace)
    analyzer.INSTALL_PATTERNS = (str(tmp_path / "isotropix" / "*" / "cnode"),)
    assert analyzer.find_dcc_executable() == exe
    assert analyzer.analyse_cg_file() == exe


def test_auto_uses_cnode_from_environment(ix_scene, kit, workspace, tmp_path, monkeypatch):
    exe = kit.write_stand_in(tmp_path, sys.executable)
    monkeypatch.setenv("RAYVISION_CNODE", exe)
    analyzer = AnalyzeClarisse(ix_scene["scene"], "4", workspace=workspace).analyse()
    assert analyzer.backend_used == "dcc"
    assert analyzer.find_dcc_executable() == exe
