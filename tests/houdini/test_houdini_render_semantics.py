"""What Houdini renders, found without Houdini: one hand-written scene per cause.

Each scene is written section by section in Houdini's own format (see ``conftest.py``) and
holds exactly the construct Houdini saves for the case: a Solaris ``usdrender_rop`` in a LOP
network, a string parameter driven by a channel expression, a file cache's ``filetype``, the
output parameters of Karma, TOP and parameter-VOP nodes, and ``trange`` off.
"""

import json
import textwrap

import pytest

from rayvision_houdini.analyze_houdini import AnalyzeHoudini
from rayvision_houdini.hip_scene import load_scene, parse_channels, parse_parms
from rayvision_houdini.static_analysis import LEAN_READ, analyse_scene


def _string_channel(name, expression, language=None):
    tail = " language = {0}".format(language) if language else ""
    return textwrap.dedent("""\
        {{
            channel {0} {{
              lefttype = extend
              righttype = extend
              flags = 0
              segment {{ length = 0 expr = {1}{2} }}
            }}
          }}
        """).format(name, expression, tail)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    monkeypatch.delenv("JOB", raising=False)
    monkeypatch.delenv("RAYVISION_HOUDINI", raising=False)


def test_solaris_usdrender_rop_in_any_lop_network_is_a_render_rop(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/stage/render_final", "usdrender_rop",
                 {"trange": ['"normal"'], "f": ["1001", "1100", "1"],
                  "outputimage": ['"$HIP/render/final.$F4.exr"']})
    builder.node("/obj/lopnet1", "lopnet", {})
    builder.node("/obj/lopnet1/preview", "usdrender_rop",
                 {"trange": ['"normal"'], "f": ["1", "10", "2"]}, bypass=True)
    builder.node("/stage/sublayer1", "sublayer", {"filepath1": ['""']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    rops = {entry["node"]: entry
            for entry in kit.read_json(analyzer, "task")["scene_info"]["rop_node"]}
    assert rops["/stage/render_final"] == {"node": "/stage/render_final",
                                           "frames": "1001-1100[1]", "option": "-1",
                                           "render": "1"}
    assert rops["/obj/lopnet1/preview"]["frames"] == "1-10[2]"
    assert rops["/obj/lopnet1/preview"]["render"] == "0"
    asset = kit.read_json(analyzer, "asset")
    assert asset["Output"]["/stage/render_final/outputimage"] == "$HIP/render/final.$F4.exr"
    assert "50001" not in kit.read_json(analyzer, "tips")


def test_string_parameter_driven_by_an_expression_reports_the_expression(kit, tmp_path):
    hip = tmp_path / "proj"
    for frame in (1, 2, 3):
        kit.touch(str(hip / "geo" / "rock.{0:04d}.bgeo.sc".format(frame)))
    builder = kit.HipBuilder(save_version="19.5.303")
    # What Houdini saves: the value of frame 1 cached in .parm, the expression in .chn.
    builder.node("/out/mantra1", "ifd",
                 {"trange": ['"normal"'], "f": ["1", "3", "1"], "camera": ['""'],
                  "vm_picture": ['[ vm_picture\t"/saved/render/shot.mantra1.0001.exr" ]']},
                 chn=_string_channel("vm_picture", '"$HIP/render/$HIPNAME.$OS.$F4.exr"'))
    builder.node("/obj/geo1/file1", "file",
                 {"filemode": ['"read"'],
                  "file": ['[ file\t"/saved/geo/rock.0001.bgeo.sc" ]']},
                 chn=_string_channel("file", '"$HIP/geo/rock.$F4.bgeo.sc"'))
    builder.node("/obj/geo1/file2", "file",
                 {"file": ['[ file\t"/saved/geo/other.0001.bgeo.sc" ]']},
                 chn=_string_channel("file", '"hou.pwd().path() + \'.bgeo\'"', "python"))
    builder.node("/obj/geo1/file3", "file",
                 {"file": ['[ file\t"/saved/geo/chs.bgeo.sc" ]']},
                 chn=_string_channel("file", '"chs(\\"../file1/file\\")"'))
    analyzer, folder = kit.analyse_static(tmp_path, builder)
    asset = kit.read_json(analyzer, "asset")
    assert asset["Output"]["/out/mantra1/vm_picture"] == "$HIP/render/$HIPNAME.$OS.$F4.exr"
    raw, files = asset["Normal"]["/obj/geo1/file1/file"]
    assert raw == "$HIP/geo/rock.$F4.bgeo.sc"
    assert files == [folder + "/geo/rock.{0:04d}.bgeo.sc".format(n) for n in (1, 2, 3)]
    # Python and function-call expressions need Houdini: listed, not guessed.
    assert asset["Unresolved"]["/obj/geo1/file2/file"][0] == "hou.pwd().path() + '.bgeo'"
    assert asset["Unresolved"]["/obj/geo1/file3/file"][0] == 'chs("../file1/file")'
    assert "/saved/geo/rock.0001.bgeo.sc" not in json.dumps(kit.read_json(analyzer, "tips"))
    assert "50001" not in kit.read_json(analyzer, "tips")


def test_filecache_filetype_extension_is_not_a_file(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/obj/geo1/filecache1", "filecache::2.0",
                 {"loadfromdisk": ["0"], "filetype": ['".bgeo.sc"'],
                  "basedir": ['"$HIP/geo"'], "trange": ['"normal"'], "f": ["1", "5", "1"]})
    builder.node("/obj/geo1/filecache2", "filecache::2.0",
                 {"loadfromdisk": ["1"], "filetype": ['".vdb"']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    text = json.dumps(kit.read_json(analyzer, "asset"))
    assert "filetype" not in text
    assert ".bgeo.sc" not in text and ".vdb" not in text
    assert "50001" not in kit.read_json(analyzer, "tips")


def test_outputs_of_karma_tops_and_parameter_vops_are_not_missing_inputs(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/stage/karmarendersettings1", "karmarenderproperties",
                 {"picture": ['"$HIP/render/beauty.$F4.exr"'],
                  "dcmfilename": ['"/renders/deep/shot.$F4.exr"']})
    builder.node("/tasks/topnet1/ropfetch1", "ropfetch",
                 {"checkpointfile": ['"/farm/checkpoints/sim.$F4.bgeo.sc"']})
    builder.node("/mat/shader1/parameter1", "parameter",
                 {"parmtype": ['"file"'], "filedef": ['"/library/tex/default_grid.rat"']})
    builder.node("/obj/geo1/file1", "file", {"file": ['"/library/geo/really_missing.bgeo"']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    asset = kit.read_json(analyzer, "asset")
    assert asset["Output"]["/stage/karmarendersettings1/dcmfilename"] == \
        "/renders/deep/shot.$F4.exr"
    assert asset["Output"]["/tasks/topnet1/ropfetch1/checkpointfile"] == \
        "/farm/checkpoints/sim.$F4.bgeo.sc"
    assert "/mat/shader1/parameter1/filedef" not in json.dumps(asset)
    # Only the genuinely missing input is tip 50001.
    assert kit.read_json(analyzer, "tips")["50001"] == ["/library/geo/really_missing.bgeo"]


def test_trange_off_renders_only_the_current_frame(kit, tmp_path):
    # tcur 0.5 s at 24 fps: Houdini's current frame is 13.
    builder = kit.HipBuilder(save_version="19.5.303", frange=(1, 100), tcur=0.5)
    builder.node("/out/current", "ifd", {"trange": ['"off"'], "f": ["1", "100", "1"],
                                         "camera": ['""']})
    builder.node("/out/range", "ifd", {"trange": ['"normal"'], "f": ["1", "100", "1"],
                                       "camera": ['""']})
    builder.node("/out/strict", "ifd", {"trange": ['"on"'], "f": ["5", "9", "2"],
                                        "camera": ['""']})
    builder.node("/out/cache", "geometry", {"trange": ["0"], "f": ["1", "100", "1"],
                                            "sopoutput": ['"$HIP/geo/out.$F4.bgeo.sc"']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    info = kit.read_json(analyzer, "task")["scene_info_render"]
    rops = {entry["node"]: entry["frames"] for entry in info["rop_node"]}
    assert rops == {"/out/current": "13-13[1]", "/out/range": "1-100[1]",
                    "/out/strict": "5-9[2]"}
    assert info["geo_node"][0]["frames"] == "13-13[1]"
    layers = {entry["layer"]: entry for entry in analyzer.frames_by_layer()}
    assert layers["/out/current"] == {"layer": "/out/current", "frames": "13-13[1]",
                                      "animation": False}
    assert layers["/out/range"]["animation"] is True
    assert layers["/out/cache"]["animation"] is False
    assert any("/out/current" in note and "frame 13" in note for note in analyzer.notes)


def test_lean_read_finds_what_a_full_read_finds(kit, tmp_path):
    built = kit.build_standard_scene(tmp_path)
    environ = {}
    full = analyse_scene(load_scene(built["scene"]), built["scene"], environ=environ)
    lean = analyse_scene(load_scene(built["scene"], lean_parms=LEAN_READ), built["scene"],
                         environ=environ)
    assert lean.scene_info == full.scene_info
    assert lean.asset == full.asset
    assert lean.upload_files == full.upload_files
    assert lean.tips == full.tips


def test_quoted_string_of_megabytes_costs_no_regex_backtracking():
    # 8 MB in one quoted value, with escaped quotes: parsed by str.find, not by a pattern
    # whose backtracking stack grows with every character.
    value = ('a\\"b' * (2 * 1024 * 1024))
    text = "{\nversion 0.8\nbig\t[ 0\tlocks=0 ]\t(\t\"" + value + "\"\t)\nnext\t[ 0 ]\t(\t1\t)\n}"
    parms = parse_parms(text)
    assert len(parms["big"][0]) == 3 * 2 * 1024 * 1024
    assert parms["next"] == ["1"]


def test_channels_parse_only_what_is_asked():
    text = "{\n" + "".join(
        "    channel c{0} {{\n      segment {{ length = 1 value = 0 1 expr = bezier() }}\n"
        "      segment {{ length = 0 value = 1 1 expr = \"$F * {0}\" }}\n    }}\n".format(n)
        for n in range(50)) + "}\n"
    channels = parse_channels(text, names={"c7"})
    assert list(channels) == ["c7"]
    assert channels["c7"].expressions == ["bezier()", "$F * 7"]
    assert channels["c7"].languages == ["hscript", "hscript"]


def test_report_strict_and_dependency_chains(kit, tmp_path):
    from rayvision_utils.report import MissingFilesError

    builder = kit.HipBuilder(save_version="19.5.303", tcur=0.5)
    builder.node("/out/current", "ifd", {"trange": ['"off"'], "f": ["1", "100", "1"],
                                         "camera": ['""']})
    builder.node("/obj/geo1/file1", "file", {"file": ['"/library/geo/gone.bgeo.sc"']})
    analyzer, _ = kit.analyse_static(tmp_path, builder)
    report = analyzer.report
    assert any("/library/geo/gone.bgeo.sc" in str(item) for item in report.missing)
    chains = kit.read_json(analyzer, "asset")["dependency_chains"]
    gone = [entry for entry in chains if entry["path"] == "/library/geo/gone.bgeo.sc"]
    assert gone and gone[0]["exists"] is False
    assert "/obj/geo1/file1/file" in gone[0]["chain"]
    workspace = tmp_path / "ws2"
    workspace.mkdir()
    strict = AnalyzeHoudini(str(tmp_path / "proj" / "shot.hip"), "19.5.303",
                            workspace=str(workspace), backend="static", strict=True,
                            custom_db_path=str(tmp_path / "db"))
    with pytest.raises(MissingFilesError) as caught:
        strict.analyse()
    assert "/library/geo/gone.bgeo.sc" in str(caught.value)
