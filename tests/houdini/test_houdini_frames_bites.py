"""Frames Houdini renders, pinned where hand-made mutants of the frame rules survived."""

import json
import os

import pytest

from rayvision_houdini.analyze_houdini import AnalyzeHoudini


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    monkeypatch.delenv("JOB", raising=False)
    monkeypatch.delenv("RAYVISION_HOUDINI", raising=False)


def _rop_frames(kit, tmp_path, builder):
    folder = tmp_path / "proj"
    folder.mkdir()
    scene = builder.write(str(folder / "shot.hip"))
    workspace = tmp_path / "ws"
    workspace.mkdir()
    analyzer = AnalyzeHoudini(scene, "19.5.303", workspace=str(workspace), backend="static",
                              custom_db_path=str(tmp_path / "db")).analyse()
    with open(os.path.join(analyzer.workspace, "task.json"), encoding="utf-8") as handle:
        info = json.load(handle)["scene_info_render"]
    return {entry["node"]: entry["frames"] for entry in info["rop_node"]}


def test_a_range_saved_with_its_start_only_renders_that_one_frame(kit, tmp_path):
    """``f`` with one component: end is the start (documented default), never frame 1."""
    builder = kit.HipBuilder(save_version="19.5.303", frange=(1, 100), tcur=0.5)
    builder.node("/out/one", "ifd", {"trange": ['"normal"'], "f": ["1001"], "camera": ['""']})
    builder.node("/out/two", "ifd", {"trange": ['"normal"'], "f": ["1001", "1010"],
                                     "camera": ['""']})
    assert _rop_frames(kit, tmp_path, builder) == {"/out/one": "1001-1001[1]",
                                                    "/out/two": "1001-1010[1]"}


def test_subframes_are_kept_in_the_current_frame_and_the_step(kit, tmp_path):
    """tcur 0.5208333 s at 24 fps is frame 13.5: Houdini renders 13.5, not 13."""
    builder = kit.HipBuilder(save_version="19.5.303", frange=(1, 100), tcur=12.5 / 24)
    builder.node("/out/current", "ifd", {"trange": ['"off"'], "f": ["1", "100", "1"],
                                         "camera": ['""']})
    builder.node("/out/half", "ifd", {"trange": ['"normal"'], "f": ["1", "10", "0.5"],
                                      "camera": ['""']})
    assert _rop_frames(kit, tmp_path, builder) == {"/out/current": "13.5-13.5[1]",
                                                    "/out/half": "1-10[0.5]"}


def test_a_range_end_written_with_the_frame_count_is_the_scene_end(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303", frange=(1, 100), tcur=0.5)
    builder.node("/out/all", "ifd", {"trange": ['"normal"'],
                                     "f": ["1", "$FSTART+$NFRAMES-1", "1"], "camera": ['""']})
    assert _rop_frames(kit, tmp_path, builder) == {"/out/all": "1-100[1]"}


@pytest.fixture
def in_houdini(kit, monkeypatch):
    """HfsBase.py (the in-Houdini script) and the fake ``hou`` it runs against."""
    import importlib.util
    import sys

    from rayvision_houdini.analyze_houdini import DCC_DIR, HFS_BASE_SCRIPT
    monkeypatch.syspath_prepend(kit.FAKE_HOU_DIR)
    monkeypatch.syspath_prepend(DCC_DIR)
    spec = importlib.util.spec_from_file_location("HfsBase_frames_bites", HFS_BASE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import hou
    yield module, hou
    sys.modules.pop("hou", None)


def test_the_in_houdini_script_reads_f1_f2_f3_when_f_is_no_tuple(in_houdini):
    """Some ROP types expose the range as three parameters only."""
    script, hou = in_houdini
    rop = hou.Node({"path": "/out/cache", "type": "rop_alembic",
                    "parms": {"trange": "normal", "f1": 1001, "f2": 1010, "f3": 3}})
    assert script._frames(hou, rop) == "1001-1010[3]"


def test_the_in_houdini_script_takes_the_playback_range_without_a_saved_start(in_houdini):
    script, hou = in_houdini
    hou._state["playback"] = [101, 148]
    rop = hou.Node({"path": "/out/plain", "type": "ifd", "parms": {"trange": "normal"}})
    assert script._frames(hou, rop) == "101-148[1]"
