"""The analysis-only examples, run as scripts: what they find in the sample scenes."""

import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENES = os.path.join(ROOT, "examples", "scenes")


def sample_files(dcc):
    """Every file of a sample scene folder but the Maya project definition."""
    folder = os.path.join(SCENES, dcc)
    return sorted(os.path.join(r, f).replace(os.sep, "/") for r, _d, files in os.walk(folder)
                  for f in files if f != "workspace.mel")


def results(workspace):
    folders = [name for name in os.listdir(workspace)
               if os.path.isfile(os.path.join(workspace, name, "task.json"))]
    assert len(folders) == 1, folders
    loaded = {}
    for name in ("task", "upload", "tips", "asset"):
        with open(os.path.join(workspace, folders[0], name + ".json"), encoding="utf-8") as h:
            loaded[name] = json.load(h)
    return loaded


@pytest.mark.parametrize("dcc", ["maya", "houdini", "clarisse"])
def test_every_sample_file_is_found_and_no_tip(dcc, run_example, tmp_path):
    workspace = tmp_path / "ws"
    run = run_example("{0}_analyse_demo.py".format(dcc), "--workspace", workspace,
                      "--backend", "static").check()
    found = results(str(workspace))
    uploaded = sorted(set(entry["local"] for entry in found["upload"]["asset"]))
    assert uploaded == sample_files(dcc)
    assert found["tips"] == {}
    assert found["task"]["task_info"]["pre_frames"] == "100"
    assert found["task"]["additional_info"] == {"env": "{0}_env".format(dcc)}
    assert "files to upload ({0})".format(len(uploaded)) in run.stdout
    assert "backend:    static" in run.stdout


def test_maya_two_render_layers(run_example, tmp_path):
    run_example("maya_analyse_demo.py", "--workspace", tmp_path, "--backend",
                "static").check()
    scene = results(str(tmp_path))["task"]["scene_info_render"]
    renderable = dict((name, layer["common"]["frames"]) for name, layer in scene.items()
                      if layer["renderable"] == "1")
    assert renderable == {"background": "1-5[1]", "characters": "1-3[1]"}
    assert scene["background"]["common"]["render_camera"] == ["renderCamShape"]
    assert scene["background"]["common"]["renderer"] == "arnold"


def test_houdini_mantra_rop(run_example, tmp_path):
    run_example("houdini_analyse_demo.py", "--workspace", tmp_path, "--backend",
                "static").check()
    found = results(str(tmp_path))
    rops = found["task"]["scene_info_render"]["rop_node"]
    assert [(r["node"], r["frames"], r["camera"], r["render"]) for r in rops] == [
        ("/out/mantra1", "1-5[1]", "/obj/cam1", "1")]
    assert found["asset"]["Output"] == {"/out/mantra1/vm_picture":
                                        "$HIP/render/$HIPNAME.$OS.$F4.exr"}


def test_clarisse_image_layers_and_reference(run_example, tmp_path):
    run_example("clarisse_analyse_demo.py", "--workspace", tmp_path, "--backend",
                "static").check()
    found = results(str(tmp_path))
    image = found["task"]["scene_info_render"]["image_node"][0]
    assert [(layer["name"], layer["frames"], layer["renderable"])
            for layer in image["layers"]] == [
        ("project://scene/beauty.main", "1-4[1]", "1"),
        ("project://scene/beauty.shadows", "1-2[1]", "1")]
    assert list(found["asset"]["Reference"]) == ["project://scene/props"]


def test_dcc_backend_without_the_dcc_is_a_clear_error(run_example, tmp_path):
    run = run_example("maya_analyse_demo.py", "--workspace", tmp_path, "--backend", "dcc",
                      "--software-version", "2019")
    assert run.returncode != 0
    assert "CGExeNotExistError" in run.stderr
