"""The analysis end: nested dependencies in the common flow, the plain report, strict mode."""

import json
import logging
import os
import sys

import pytest

from rayvision_utils.analyzer import BaseAnalyzer
from rayvision_utils.exception.exception import (
    AnalyseFailError,
    CGExeNotExistError,
    CGFileNotExistsError,
)
from rayvision_utils.report import AnalysisReport, MissingFilesError, frames_in
from rayvision_utils.utils import get_file_md5


class ListAnalyzer(BaseAnalyzer):
    """A 'scene' lists ``node.attr path`` per line; frames come from ``frames=`` lines."""

    RENDER_SOFTWARE = "Maya"
    CG_EXTENSIONS = (".lst",)

    def analyse_static(self):
        files = []
        layers = {}
        with open(self.cg_file) as handle:
            for line in handle:
                source, _, value = line.strip().partition(" ")
                if source == "frames":
                    layer, frames, animation = value.split()
                    layers[layer] = {"common": {"frames": frames, "animation": animation}}
                    continue
                self.note_source(value, source)
                if os.path.isfile(value):
                    files.append(value)
                else:
                    self.append_tip("10012", value)
        self.task_info["scene_info"] = layers
        self.asset_info = {"asset": files}
        return files

    def build_dcc_command(self, exe):
        return [exe]


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path).replace(os.sep, "/")


@pytest.fixture
def project(tmp_path):
    usda = write(tmp_path / "set.usda",
                 "#usda 1.0\n(\n subLayers = [@layers/a.usda@, @layers/gone.usda@]\n)\n")
    write(tmp_path / "layers/a.usda", "#usda 1.0\nasset inputs:file = @../tex/wood.png@\n")
    texture = write(tmp_path / "tex/wood.png", "png")
    lines = ["usd1.filePath " + usda, "file1.fileTextureName " + texture,
             "file2.fileTextureName " + str(tmp_path / "tex/missing.png"),
             "frames masterLayer 1-1[1] False", "frames layer2 1-10[1] True"]
    scene = write(tmp_path / "shot.lst", "\n".join(lines) + "\n")
    return tmp_path, scene


def analyse(project, workspace, **kwargs):
    root, scene = project
    strict = kwargs.pop("strict", None)
    analyzer = ListAnalyzer(scene, "2022", workspace=workspace, backend="static", **kwargs)
    return analyzer, lambda: analyzer.analyse(strict=strict)


def test_nested_dependencies_reach_upload_tips_and_chains(project, workspace):
    root, scene = project
    base = str(root).replace(os.sep, "/")
    analyzer, run = analyse(project, workspace)
    run()
    uploads = [entry["local"] for entry in analyzer.upload_info["asset"]]
    assert uploads == [base + "/set.usda", base + "/tex/wood.png", base + "/layers/a.usda",
                       scene]
    assert analyzer.tips_info["10012"] == [base + "/tex/missing.png",
                                           base + "/layers/gone.usda"]
    with open(analyzer.asset_json) as handle:
        chains = {entry["path"]: entry for entry in json.load(handle)["dependency_chains"]}
    assert chains[base + "/set.usda"]["chain"] == [scene, "usd1.filePath", base + "/set.usda"]
    assert chains[base + "/tex/missing.png"]["exists"] is False
    assert chains[base + "/layers/gone.usda"] == {
        "path": base + "/layers/gone.usda", "exists": False,
        "chain": [scene, "usd1.filePath", base + "/set.usda", "subLayers",
                  base + "/layers/gone.usda"]}
    # The nested texture was already a direct dependency: it keeps its direct chain.
    assert chains[base + "/tex/wood.png"]["chain"] == [
        scene, "file1.fileTextureName", base + "/tex/wood.png"]


def test_report_is_plain_english_and_logged_once(project, workspace, caplog):
    root, scene = project
    analyzer, run = analyse(project, workspace)
    with caplog.at_level(logging.INFO, logger="rayvision_utils"):
        run()
    report = analyzer.report
    assert report.dependencies == 3 and report.nested == 1
    assert [code for code, _ in report.missing] == ["10012", "10012"]
    assert report.frames == [
        {"layer": "masterLayer", "frames": "1-1[1]", "animation": False},
        {"layer": "layer2", "frames": "1-10[1]", "animation": True}]
    assert report.animation_off == ["masterLayer"]
    text = str(report)
    assert text.startswith("Analysis of {0} (static backend): 3 dependencies found "
                           "(1 inside other dependencies), 2 missing.".format(scene))
    assert "missing file: {0}/tex/missing.png (tip 10012)".format(
        str(root).replace(os.sep, "/")) in text
    assert ("frames of masterLayer: 1-1[1] (animation is off: only the current frame is "
            "rendered)") in text
    summaries = [record for record in caplog.records if record.getMessage() == text]
    assert len(summaries) == 1 and summaries[0].levelno == logging.INFO
    assert report.as_dict()["animation_off"] == ["masterLayer"]


def test_strict_refuses_missing_files_without_upload_json(project, workspace):
    analyzer, run = analyse(project, workspace, strict=True)
    with pytest.raises(MissingFilesError) as caught:
        run()
    assert isinstance(caught.value, AnalyseFailError)
    assert len(caught.value.missing) == 2 and "tex/missing.png (tip 10012)" in str(caught.value)
    assert os.path.isfile(analyzer.tips_json) and os.path.isfile(analyzer.asset_json)
    assert not os.path.exists(analyzer.upload_json)


def test_strict_passes_a_complete_scene(tmp_path, workspace):
    texture = write(tmp_path / "tex.png", "png")
    scene = write(tmp_path / "ok.lst", "file1.fileTextureName " + texture + "\n")
    analyzer = ListAnalyzer(scene, "2022", workspace=workspace, backend="static", strict=True)
    analyzer.analyse()
    assert analyzer.report.missing == [] and os.path.isfile(analyzer.upload_json)


def test_scene_hash_is_used_instead_of_reading_again(project, workspace):
    analyzer, run = analyse(project, workspace)
    analyzer.scene_hash = "0123456789abcdef0123456789abcdef"
    run()
    assert analyzer.upload_info["scene"][0]["hash"] == "0123456789abcdef0123456789abcdef"
    analyzer, run = analyse(project, workspace)
    run()
    assert analyzer.upload_info["scene"][0]["hash"] == get_file_md5(project[1])


def test_dcc_not_found_names_version_places_and_fixes(project, workspace):
    class Located(ListAnalyzer):
        def dcc_search_locations(self):
            return [r"HKLM\SOFTWARE\Autodesk\Maya\2022", "/usr/autodesk/maya2022/bin"]

    analyzer = Located(project[1], "2022", workspace=workspace, backend="dcc")
    with pytest.raises(CGExeNotExistError) as caught:
        analyzer.analyse()
    assert str(caught.value) == (
        "Maya software of scene has not been found: Maya 2022 is not in any place the SDK "
        "looked (HKLM\\SOFTWARE\\Autodesk\\Maya\\2022, /usr/autodesk/maya2022/bin). Install "
        "it, pass custom_exe_path=<its executable>, or use backend='static'.")
    analyzer = ListAnalyzer(project[1], "2022", workspace=workspace, backend="dcc")
    with pytest.raises(CGExeNotExistError) as caught:
        analyzer.analyse()
    assert "no Maya 2022 on this machine" in str(caught.value)
    assert analyzer.tips_info == {"15019": ["Maya 2022"]}


def test_frames_in_the_three_layouts():
    maya = {"defaultRenderLayer": {"common": {"frames": "5-5[1]", "animation": "False"}},
            "fg": {"common": {"frames": "1-50[1]", "animation": "True"}}}
    houdini = {"rop_node": [{"node": "/out/mantra1", "frames": "1-240[1]"},
                            {"node": "/stage/usdrender_rop1", "frames": "12-12[1]",
                             "animation": "False"}],
               "geo_node": [{"node": "/obj/geo1/filecache1", "frames": "1-24[1]"}]}
    clarisse = {"image_node": [{"name": "project://scene/image", "frames": "1-10[1]",
                                "layers": [{"name": "project://scene/image.layer",
                                            "frames": "1-10[2]"}]}]}
    assert [(e["layer"], e["animation"]) for e in frames_in(maya)] == [
        ("defaultRenderLayer", False), ("fg", True)]
    assert [(e["layer"], e["frames"], e["animation"]) for e in frames_in(houdini)] == [
        ("/out/mantra1", "1-240[1]", True), ("/stage/usdrender_rop1", "12-12[1]", False),
        ("/obj/geo1/filecache1", "1-24[1]", True)]
    assert [e["layer"] for e in frames_in(clarisse)] == [
        "project://scene/image", "project://scene/image.layer"]


def test_report_sorts_tips_and_shortens_long_lists():
    tips = {"50001": ["/a/{0}.bgeo".format(i) for i in range(25)], "15013": ["v"],
            "15034": ["p1", "p2"]}
    report = AnalysisReport.from_tips("/s.hip", "static", tips, [])
    text = str(report)
    assert len(report.missing) == 25 and "... and 5 more missing (see tips.json)" in text
    assert ("warning: the scene was saved by another version than configured (tip 15013): v"
            in text)
    assert "warning: a plugin version differs from the scene's (tip 15034): p1 and 1 more" in text
    assert MissingFilesError("/s.hip", report.missing).missing == report.missing


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_scene_that_is_not_a_file_is_refused_at_once(tmp_path, workspace, kind):
    scene = tmp_path / "shot.lst"
    if kind == "fifo":
        os.mkfifo(str(scene))
    else:
        scene.symlink_to("/dev/zero")
    with pytest.raises(CGFileNotExistsError) as caught:
        ListAnalyzer(str(scene), "2022", workspace=workspace, backend="static")
    assert str(caught.value).startswith(str(scene) + ": is a")
    assert ("FIFO" if kind == "fifo" else "character device") in str(caught.value)


DCC_WRITES_A_USD_ASSET = r"""
import json, sys
cg_file, task_json, asset_json, tips_json, layer = sys.argv[1:6]
json.dump({"scene_info_render": {"rop_node": [
    {"node": "/stage/usdrender_rop1", "frames": "7-7[1]", "animation": "False"}]}},
    open(task_json, "w"))
json.dump({"asset": [layer]}, open(asset_json, "w"))
json.dump({}, open(tips_json, "w"))
"""


class DccListAnalyzer(ListAnalyzer):
    exe = None
    layer = None

    def find_dcc_executable(self):
        return self.exe

    def build_dcc_command(self, exe):
        return [sys.executable, exe, self.cg_file, self.task_json, self.asset_json,
                self.tips_json, self.layer]

    def dcc_upload_paths(self):
        return self.asset_info["asset"]


def test_dcc_backend_gets_nested_dependencies_and_report(tmp_path, workspace):
    script = tmp_path / "fake_dcc.py"
    script.write_text(DCC_WRITES_A_USD_ASSET)
    layer = write(tmp_path / "stage.usda", "#usda 1.0\nasset inputs:file = @tex/gone.exr@\n"
                                           "asset inputs:file2 = @tex/here.exr@\n")
    here = write(tmp_path / "tex/here.exr", "exr")
    scene = write(tmp_path / "shot.lst", "")
    analyzer = DccListAnalyzer(scene, "20.5", workspace=workspace)
    analyzer.exe, analyzer.layer = str(script), layer
    analyzer.analyse()
    assert analyzer.backend_used == "dcc"
    assert [entry["local"] for entry in analyzer.upload_info["asset"]] == [layer, here, scene]
    assert analyzer.tips_info == {"10012": [layer.rsplit("/", 1)[0] + "/tex/gone.exr"]}
    assert analyzer.report.frames == [
        {"layer": "/stage/usdrender_rop1", "frames": "7-7[1]", "animation": False}]
    assert "animation is off" in str(analyzer.report)
    assert analyzer.asset_info["dependency_chains"][-1]["chain"] == [
        scene, layer, "inputs:file2", here]


def test_a_file_named_twice_is_one_dependency(tmp_path, workspace):
    texture = write(tmp_path / "tex.png", "png")
    scene = write(tmp_path / "twice.lst", "file1.fileTextureName {0}\n"
                                          "file2.fileTextureName {0}\n".format(texture))
    analyzer = ListAnalyzer(scene, "2022", workspace=workspace, backend="static")
    analyzer.analyse()
    assert analyzer.report.dependencies == 1
    assert analyzer.asset_info["dependency_chains"] == [
        {"path": texture, "exists": True, "chain": [scene, "file1.fileTextureName", texture]}]
