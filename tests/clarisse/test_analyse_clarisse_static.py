import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rayvision_api.exception import (
    CGFileNameIllegalError,
    CGFileNotExistsError,
    RayvisionArgumentError,
)
from rayvision_clarisse.analyse_clarisse import AnalyzeClarisse
from rayvision_clarisse.project_parser import ProjectFormatError, parse_project
from rayvision_clarisse.static_analysis import analyse_project


def _load(analyzer, name):
    with open(os.path.join(analyzer.workspace, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def _run(project, workspace, version="clarisse_ifx_4.0_sp3", **kwargs):
    analyzer = AnalyzeClarisse(project["scene"], version, project_name="P1",
                               workspace=workspace, backend="static", **kwargs)
    return analyzer.analyse(**{})


def test_image_nodes(standard_project, workspace):
    analyzer = _run(standard_project, workspace)
    assert analyzer.backend_used == "static"
    task = _load(analyzer, "task")
    assert task["scene_info_render"] == task["scene_info"]
    images = {entry["name"]: entry for entry in task["scene_info"]["image_node"]}
    beauty = images["project://scene/beauty"]
    assert beauty["frames"] == "1-24[1]"
    assert beauty["renderable"] == "0"
    assert beauty["output"] == "$PDIR/render/beauty.####.exr"
    assert beauty["format"] == "exr32"
    assert beauty["LUT"] == "sRGB"
    assert beauty["save_to_disk"] == "1"
    assert beauty["layers"] == [
        {"frames": "1-12[1]", "renderable": "1", "output": "$PDIR/render/main.####.exr",
         "format": "", "enable_deep_output": "1", "save_to_disk": "1",
         "enable_deep_output_path": "D:\\render\\main_deep.####.exr",
         "name": "project://scene/beauty.main"},
        {"frames": "1-24[1]", "renderable": "0", "output": "", "format": "",
         "enable_deep_output": "0", "save_to_disk": "0", "enable_deep_output_path": "",
         "name": "project://scene/shared_layer"},
    ]
    # No frame range on the image: the project's animation range.
    assert images["project://scene/preview"]["frames"] == "0-50[1]"
    assert images["project://scene/preview"]["LUT"] == "linear"
    # Images of referenced projects belong to the scene.
    assert images["project://scene/ref/geo/ref_image"]["frames"] == "5-6[1]"
    assert task["task_info"]["cg_id"] == "2013"
    assert task["software_config"]["cg_version"] == "clarisse_ifx_4.0_sp3"


def test_files_references_and_upload(standard_project, workspace):
    analyzer = _run(standard_project, workspace)
    asset = _load(analyzer, "asset")
    upload = _load(analyzer, "upload")
    locals_ = [entry["local"] for entry in upload["asset"]]
    for path in standard_project["inputs"]:
        assert path in locals_, path
    for path in standard_project["outputs"]:
        assert path not in locals_, path
    assert locals_[-1] == standard_project["scene"]
    assert upload["scene"][0]["local"] == standard_project["scene"]
    assert upload["scene"][0]["server"] == standard_project["scene"]
    normal = asset["Normal"]
    pdir = standard_project["pdir"]
    assert normal["project://scene/wood.filename"][1] == [pdir + "/tex/wood.1001.tx",
                                                          pdir + "/tex/wood.1002.tx"]
    assert len(normal["project://scene/seq.filename"][1]) == 2
    assert normal["project://scene/frame.filename"][1] == [pdir + "/tex/f.0010.png"]
    assert normal["project://scene/hdri.filename"][1] == [standard_project["hdri"] + "/sky.hdr"]
    osl_key = "project://scene/osl.custom_attributes.input.OSL_filename.filename"
    assert normal[osl_key][1] == [pdir + "/osl/room.png"]
    assert normal["project://scene/ref/geo/rock.filename"][1] == [pdir + "/refs/rock.obj"]
    assert asset["Reference"]["project://scene/ref"][1] == [standard_project["reference"]]
    assert asset["Miss"]["project://scene/win.filename"] == ["D:\\assets\\chair.obj",
                                                             ["D:/assets/chair.obj"]]
    assert "project://scene/unres.filename" in asset["Unresolved"]
    assert "project://scene/beauty.save_as" in asset["Output"]
    # Window-layout preferences are not scene content.
    assert "blast" not in json.dumps(asset)


def test_tips(standard_project, workspace):
    analyzer = _run(standard_project, workspace)
    tips = _load(analyzer, "tips")
    missing_ref = standard_project["pdir"] + "/refs/nope.project"
    assert tips["25009"] == ["Reference file not found: " + missing_ref]
    assert tips["10012"] == ["D:/assets/chair.obj"]
    assert "15013" not in tips


def test_missing_reference_has_a_dependency_chain(standard_project, workspace):
    analyzer = _run(standard_project, workspace)
    missing_ref = standard_project["pdir"] + "/refs/nope.project"
    chains = {chain["path"]: chain for chain in _load(analyzer, "asset")["dependency_chains"]}
    assert chains[missing_ref] == {
        "path": missing_ref, "exists": False,
        "chain": [standard_project["scene"], "project://scene/missing_ref.filename",
                  missing_ref]}


def test_version_mismatch(standard_project, workspace):
    analyzer = _run(standard_project, workspace, version="clarisse_ifx_5.0_sp1")
    assert analyzer.scene_version == "4"
    assert _load(analyzer, "tips")["15013"] == ["Clarisse clarisse_ifx_5.0_sp1"]


def test_documented_helpers(standard_project, workspace, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    analyzer = AnalyzeClarisse(standard_project["scene"], "4.0", workspace=workspace,
                               backend="static")
    analyzer.add_tip("1", "a")
    analyzer.add_tip("2", ["b", "c"])
    assert analyzer.tips_info == {"1": ["a"], "2": ["b", "c"]}
    analyzer.save_tips()
    analyzer.tips_info = {"2": ["d"]}
    analyzer.write_tips_info()
    assert _load(analyzer, "tips") == {"1": ["a"], "2": ["b", "c", "d"]}
    analyzer.writing_error_abort("999", "Reference file not found: /x.project")
    analyzer.writing_error_abort("15002")
    assert analyzer.tips_info["25009"] == ["Reference file not found: /x.project"]
    assert analyzer.tips_info["15002"] == [""]
    analyzer.print_info("hello")
    analyzer.print_info_error("bad")
    assert analyzer.check_result()[0] is False
    assert "Json file is not generated" in analyzer.check_result()[1]
    assert analyzer.get_file_md5(standard_project["scene"]) == AnalyzeClarisse.get_file_md5(
        standard_project["scene"])
    assert AnalyzeClarisse.check_local_os("Windows") == "windows"
    upload = analyzer.gather_upload_dict([standard_project["inputs"][0]])
    assert [entry["local"] for entry in upload["asset"]] == [standard_project["inputs"][0],
                                                             standard_project["scene"]]
    analyzer.INSTALL_PATTERNS = ()
    assert analyzer.analyse_cg_file() is None
    assert analyzer.scene_version == "4"


def test_no_upload(standard_project, workspace):
    analyzer = AnalyzeClarisse(standard_project["scene"], "4", workspace=workspace,
                               backend="static").analyse(no_upload=True)
    assert not os.path.exists(analyzer.upload_json)
    upload = analyzer.gather_upload_dict()
    assert os.path.exists(analyzer.upload_json)
    assert len(upload["asset"]) > 5


def test_bad_inputs(tmp_path, workspace, standard_project):
    with pytest.raises(CGFileNotExistsError):
        AnalyzeClarisse(str(tmp_path / "none.project"), "4", workspace=workspace)
    other = tmp_path / "x.hip"
    other.write_text("x")
    with pytest.raises(CGFileNameIllegalError):
        AnalyzeClarisse(str(other), "4", workspace=workspace)
    with pytest.raises(RayvisionArgumentError):
        AnalyzeClarisse(standard_project["scene"], "4", workspace=workspace, local_os="beos")


def test_unparseable_project(tmp_path, workspace):
    scene = tmp_path / "broken.project"
    scene.write_text('#Isotropix_Serial_Version 1.2\nContext "a" {\n')
    analyzer = AnalyzeClarisse(str(scene), "4", workspace=workspace, backend="static")
    with pytest.raises(ProjectFormatError) as caught:
        analyzer.analyse()
    assert "broken.project" in str(caught.value)
    assert "never closed" in _load(analyzer, "tips")["15002"][0]


def test_broken_reference_is_reported(tmp_path, workspace, kit):
    refs = tmp_path / "refs"
    refs.mkdir()
    (refs / "bad.project").write_text("}\n")
    scene = tmp_path / "main.project"
    scene.write_text(kit.HEADER.format("4")
                     + 'Context "r" {\n filename "$PDIR/refs/bad.project"\n}\n')
    analyzer = AnalyzeClarisse(str(scene), "4", workspace=workspace, backend="static").analyse()
    tips = _load(analyzer, "tips")
    assert "could not be read" in tips["15002"][0]
    assert str(refs / "bad.project").replace("\\", "/") in [
        entry["local"] for entry in _load(analyzer, "upload")["asset"]]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), junk=st.text(max_size=6))
def test_fuzz_analysis_never_crashes(kit, tmp_path, position, junk):
    tiles = [kit.touch(str(tmp_path / "tex" / name)) for name in ("wood.1001.tx", "wood.1002.tx")]
    text = kit.HEADER.format("4") + kit.MAIN_BODY
    index = position % len(text)
    try:
        project = parse_project(text[:index] + junk + text[index:], "m.project")
    except ProjectFormatError:
        return
    result = analyse_project(project, str(tmp_path / "m.project"), environ={})
    # Only the wood tiles exist: nothing else can be uploaded, nothing twice.
    assert len(set(result.upload_files)) == len(result.upload_files)
    assert set(result.upload_files) <= set(tiles)
    wood_end = 'filename "$PDIR/tex/wood.<UDIM>.tx"\n    }'
    if index >= text.index(wood_end) + len(wood_end):
        # The junk comes after the wood texture: its tiles are found.
        assert result.asset["Normal"]["project://scene/wood.filename"] == [
            "$PDIR/tex/wood.<UDIM>.tx", tiles]
