"""``--layers`` / ``--frames`` applied to task.json for each DCC's ``scene_info_render``."""

import json

import pytest
from cli_helpers import ROOT

from rayvision_api.exception import RayvisionArgumentError
from rayvision_cli import scene

CLARISSE_PROJECT = ROOT + "/examples/scenes/clarisse/clarisse_test1.project"


def write_task(tmp_path, render):
    path = tmp_path / "task.json"
    path.write_text(json.dumps({"task_info": {}, "scene_info_render": render}))
    return str(path)


def read_render(path):
    with open(path) as handle:
        return json.load(handle)["scene_info_render"]


def clarisse_render():
    return {"image_node": [
        {"name": "project://scene/beauty", "frames": "1-4[1]", "renderable": "0",
         "layers": [{"name": "project://scene/beauty.main", "frames": "1-4[1]",
                     "renderable": "1"},
                    {"name": "project://scene/beauty.shadows", "frames": "1-2[1]",
                     "renderable": "0"}]},
        {"name": "project://scene/matte", "frames": "1-4[1]", "renderable": "0",
         "layers": []}]}


def flags(render):
    return [(image["renderable"], [layer["renderable"] for layer in image["layers"]])
            for image in render["image_node"]]


def test_a_clarisse_image_selects_its_renderable_layers_not_itself(tmp_path):
    path = write_task(tmp_path, clarisse_render())
    scene.select(path, "1-2[1]", ["project://scene/beauty"])
    render = read_render(path)
    assert flags(render) == [("0", ["1", "0"]), ("0", [])]
    beauty = render["image_node"][0]
    assert [beauty["frames"]] + [layer["frames"] for layer in beauty["layers"]] == \
        ["1-2[1]"] * 3


def test_a_clarisse_layer_or_an_image_without_layers_is_selected_by_name(tmp_path):
    path = write_task(tmp_path, clarisse_render())
    scene.select(path, None, ["project://scene/beauty.shadows", "project://scene/matte"])
    assert flags(read_render(path)) == [("0", ["0", "1"]), ("1", [])]


def test_clarisse_layers_are_listed_after_their_image():
    listed = scene._layers(clarisse_render())
    assert [(item["name"], item["renderable"]) for item in listed] == [
        ("project://scene/beauty", True), ("project://scene/beauty.main", True),
        ("project://scene/beauty.shadows", False), ("project://scene/matte", False)]


def test_houdini_rops_and_maya_layers_keep_their_flags(tmp_path):
    rops = write_task(tmp_path, {"rop_node": [{"node": "/out/a", "frames": "1-9[1]",
                                               "render": "1"},
                                              {"node": "/out/b", "frames": "1-9[1]",
                                               "render": "1"}]})
    scene.select(rops, "3-4[1]", ["/out/b"])
    assert [(n["render"], n["frames"]) for n in read_render(rops)["rop_node"]] == [
        ("0", "3-4[1]"), ("1", "3-4[1]")]
    layers = tmp_path / "maya"
    layers.mkdir()
    maya = write_task(layers, {"bg": {"renderable": "1", "common": {"frames": "1-5[1]"}},
                               "fg": {"renderable": "1", "common": {"frames": "1-5[1]"}}})
    scene.select(maya, "2-2[1]", ["fg"])
    render = read_render(maya)
    assert [(render[n]["renderable"], render[n]["common"]["frames"]) for n in ("bg", "fg")] \
        == [("0", "2-2[1]"), ("1", "2-2[1]")]


def test_an_unknown_name_lists_the_known_ones(tmp_path):
    path = write_task(tmp_path, clarisse_render())
    with pytest.raises(RayvisionArgumentError) as failure:
        scene.select(path, None, ["project://scene/nope"])
    assert "no layer project://scene/nope" in str(failure.value)
    assert "project://scene/beauty.shadows" in str(failure.value)


def test_submitting_a_clarisse_image_bills_only_its_layers(cli, farm, sandbox_profile):
    result = cli("--profile", "sandbox", "-q", "submit", CLARISSE_PROJECT,
                 "--software-version", "clarisse_ifx_4.0_sp3", "--frames", "1-2[1]",
                 "--layers", "project://scene/beauty")
    assert result.code == 0, result
    task_id = int(result.out.strip().splitlines()[-1])
    from rayvision_api import RayvisionAPI

    (task,) = RayvisionAPI(**farm.api_kwargs()).query.task_info([task_id])["items"]
    # beauty.main and beauty.shadows, frames 1 and 2; not the image itself on top
    assert task["totalFrames"] == 4
