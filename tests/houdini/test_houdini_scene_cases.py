"""Scenes the other tests do not cover, written by hand in Houdini's format (``conftest.py``).

Each test holds one construct Houdini saves and what Houdini makes of it.
"""

import pytest

from rayvision_houdini.hip_scene import load_scene
from rayvision_houdini.static_analysis import LEAN_READ, analyse_scene


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    monkeypatch.delenv("JOB", raising=False)


def _static(builder, tmp_path, name="shot.hip"):
    folder = tmp_path / "proj"
    folder.mkdir(exist_ok=True)
    scene_path = builder.write(str(folder / name))
    return analyse_scene(load_scene(scene_path, lean_parms=LEAN_READ), scene_path, environ={})


def test_relative_camera_path_is_relative_to_the_rop_itself(kit, tmp_path):
    # Houdini resolves a relative node path from the node holding the parameter: from
    # /obj/ropnet1/mantra1, ".." is /obj/ropnet1 and "../../cam1" is /obj/cam1.
    builder = kit.HipBuilder()
    builder.node("/obj/cam1", "cam", {"res": ["1280", "720"]})
    builder.node("/obj/ropnet1", "ropnet", {})
    builder.node("/obj/ropnet1/mantra1", "ifd",
                 {"f": ["1", "2", "1"], "camera": ['"../../cam1"'], "trange": ['"normal"']})
    builder.node("/out/mantra2", "ifd",
                 {"f": ["1", "2", "1"], "camera": ['"../../obj/cam1"'],
                  "trange": ['"normal"']})
    result = _static(builder, tmp_path)
    rops = {entry["node"]: entry for entry in result.scene_info["rop_node"]}
    for path in ("/obj/ropnet1/mantra1", "/out/mantra2"):
        assert (rops[path]["width"], rops[path]["height"]) == ("1280", "720")
        assert "error" not in result.asset["camera"][path]
    assert "50002" not in result.tips


def test_vellum_io_loading_from_disk_reads_its_cache(kit, tmp_path):
    # Vellum I/O wraps a File Cache: with "Load from Disk" on it reads the saved sequence
    # (which the farm needs) and writes nothing; off, it is a cache the farm writes.
    folder = tmp_path / "proj"
    for frame in (1, 2):
        kit.touch(str(folder / "cache" / "cloth.{0}.bgeo.sc".format(frame)))
    builder = kit.HipBuilder()
    builder.node("/obj/cloth/vellumio_read", "vellumio",
                 {"loadfromdisk": ["on"], "file": [kit.quote("$HIP/cache/cloth.$F.bgeo.sc")],
                  "trange": ['"normal"'], "f": ["1", "2", "1"]})
    builder.node("/obj/cloth/vellumio_write", "vellumio",
                 {"loadfromdisk": ["off"], "file": [kit.quote("$HIP/cache/out.$F.bgeo.sc")],
                  "trange": ['"normal"'], "f": ["1", "2", "1"]})
    result = _static(builder, tmp_path)
    assert [entry["node"] for entry in result.scene_info["geo_node"]] == [
        "/obj/cloth/vellumio_write"]
    read = result.asset["Normal"]["/obj/cloth/vellumio_read/file"][1]
    assert sorted(read) == [str(folder / "cache" / "cloth.{0}.bgeo.sc".format(frame))
                            .replace("\\", "/") for frame in (1, 2)]
    assert "/obj/cloth/vellumio_write/file" in result.asset["Output"]
    assert "/obj/cloth/vellumio_read/file" not in result.asset["Output"]


@pytest.mark.parametrize("node, node_type, parm, value", [
    # A Solaris Render Product LOP's productName is the image the render writes.
    ("/stage/renderproduct1", "renderproduct", "productName",
     "$HIP/render/$HIPNAME.$OS.$F4.exr"),
    # A Configure Layer LOP's savepath is where the USD ROP writes that layer.
    ("/stage/configurelayer1", "configurelayer", "savepath", "$HIP/usd/shot_layer.usda"),
])
def test_lop_output_paths_are_outputs_not_missing_inputs(kit, tmp_path, node, node_type, parm,
                                                         value):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node(node, node_type, {parm: [kit.quote(value)]})
    result = _static(builder, tmp_path)
    assert node + "/" + parm in result.asset["Output"]
    assert result.asset["Miss"] == {}
    assert "50001" not in result.tips
