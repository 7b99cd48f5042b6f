"""HfsBase.py's own command line, run in this interpreter with the fake hou on the path."""

import importlib.util
import json
import os
import sys

import pytest

from rayvision_houdini.analyze_houdini import DCC_DIR, HFS_BASE_SCRIPT


@pytest.fixture
def hfsbase(kit, monkeypatch):
    monkeypatch.syspath_prepend(kit.FAKE_HOU_DIR)
    monkeypatch.syspath_prepend(DCC_DIR)
    spec = importlib.util.spec_from_file_location("HfsBase_under_test", HFS_BASE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("hou", None)


def test_required_flags(hfsbase):
    with pytest.raises(SystemExit) as caught:
        hfsbase.parse_args(["-project", "a.hip"])
    assert caught.value.code == 2
    options = hfsbase.parse_args(["-project", "a.hip", "-task", "t", "-asset", "a",
                                  "-tips", "s"])
    assert options.success is None and options.db is None


def test_missing_scene_exit_code(hfsbase, tmp_path):
    assert hfsbase.main(["-project", str(tmp_path / "none.hip"), "-task", "t", "-asset", "a",
                         "-tips", "s"]) == 1


def test_without_success_and_db(hfsbase, tmp_path, monkeypatch):
    scene = tmp_path / "s.hip"
    scene.write_bytes(b"070707")
    description = tmp_path / "d.json"
    description.write_text(json.dumps({"nodes": [
        {"path": "/out/m", "type": "ifd", "tuples": {"f": [2, 4, 1]}, "parms": {"camera": ""}},
        {"path": "/obj/g/cache", "type": "filecache", "parms": {"loadfromdisk": 1}}],
        "file_references": [["/obj/g/cache/file", "$HIP/c.$F.bgeo.sc"]]}))
    monkeypatch.setenv("FAKE_HOU_SCENE", str(description))
    monkeypatch.delenv("FAKE_HOU_CALL_LOG", raising=False)
    task = tmp_path / "task.json"
    task.write_text(json.dumps({"task_info": {"cg_id": "2004"}}))
    tips = tmp_path / "tips.json"
    tips.write_text(json.dumps({"15013": ["Houdini 1"]}))
    code = hfsbase.main(["-project", str(scene), "-task", str(task), "-asset",
                         str(tmp_path / "asset.json"), "-tips", str(tips)])
    assert code == 0
    result = json.loads(task.read_text())
    assert result["task_info"] == {"cg_id": "2004"}
    assert result["scene_info"]["rop_node"][0]["frames"] == "2-4[1]"
    # A file cache that loads from disk is an input, not a cache to compute.
    assert result["scene_info"]["geo_node"] == []
    asset = json.loads((tmp_path / "asset.json").read_text())
    hip = str(tmp_path).replace("\\", "/")
    assert asset["Refs"]["/obj/g/cache/file"] == ["$HIP/c.$F.bgeo.sc", hip + "/c.$F.bgeo.sc",
                                                  "filecache", "file"]
    assert json.loads(tips.read_text()) == {"15013": ["Houdini 1"],
                                            "50003": ["/out/m: no render camera is set"]}
    assert not os.path.exists(str(tmp_path / "data_tl.db"))
