import json
import os
import struct

import pytest

from rayvision_api.exception import AnalyzeError
from rayvision_maya.analyze_maya import AnalyzeMaya
from rayvision_utils.exception.exception import (
    CGFileNameIllegalError,
    CGFileNotExistsError,
    FileNameContainsChineseError,
    GetCGVersionError,
    RayvisionArgumentError,
    VersionNotMatchError,
)

HEADER = (b'//Maya ASCII 2018 scene\n//Name: x.ma\n//Codeset: UTF-8\nrequires maya "2018";\n'
          b'fileInfo "product" "Maya 2018";\n')


def make(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def maya(path, workspace, version="2018", **kwargs):
    return AnalyzeMaya(path, version, "P1", {}, workspace=workspace, backend="static",
                       **kwargs)


def chunk(tag, payload, wide=True):
    """One IFF chunk of a Maya binary file."""
    if wide:
        data = tag + b"\0\0\0\0" + struct.pack(">Q", len(payload)) + payload
        return data + b"\0" * ((-len(data)) % 8)
    data = tag + struct.pack(">I", len(payload)) + payload
    return data + b"\0" * ((-len(data)) % 4)


def maya_binary(version="2018", wide=True, extra=b""):
    form = b"FOR8" if wide else b"FOR4"
    head = (chunk(b"VERS", version.encode(), wide)
            + chunk(b"FINF", b"product\0Maya " + version.encode() + b"\0", wide)
            + chunk(b"PLUG", b"mtoa\x003.1.2.1\0 -nodeType \"aiOptions\"\0", wide)
            + chunk(b"TUNI", b"film\0", wide))
    head_group = chunk(form, b"HEAD" + head, wide)
    body = head_group + chunk(b"STR ", extra, wide)
    return chunk(form, b"Maya" + body, wide)


@pytest.mark.parametrize("product, expected", [
    (b'fileInfo "product" "Maya 2018";', "2018"),
    (b'fileInfo "product" "Maya 2016 Extension 2 SP1";', "2016"),
    (b'fileInfo "product" "Maya 2022";', "2022"),
])
def test_check_version_ma(tmp_path, product, expected):
    path = make(tmp_path, "v.ma", b"//Maya ASCII 2000 scene\n" + product + b"\ncreateNode x;\n")
    assert AnalyzeMaya.check_version3(path) == expected
    assert AnalyzeMaya.check_version2(path) == expected


def test_check_version_ma_fallbacks(tmp_path):
    header_only = make(tmp_path, "h.ma", b"//Maya ASCII 2017 scene\ncreateNode x;\n")
    assert AnalyzeMaya.check_version3(header_only) == "2017"
    requires_only = make(tmp_path, "r.ma", b'requires maya "2019";\ncreateNode x;\n')
    assert AnalyzeMaya.check_version3(requires_only) == "2019"
    # fileInfo after the first createNode is not the header
    late = make(tmp_path, "l.ma", b'createNode x;\nfileInfo "product" "Maya 2018";\n')
    assert AnalyzeMaya.check_version3(late) is None


@pytest.mark.parametrize("wide", [True, False])
def test_check_version_mb(tmp_path, wide):
    path = make(tmp_path, "b.mb", maya_binary("2016", wide))
    assert AnalyzeMaya.check_version3(path) == "2016"


def test_version_mismatch(tmp_path, workspace):
    analyzer = maya(make(tmp_path, "s.ma", HEADER), workspace, version="2019")
    with pytest.raises(VersionNotMatchError) as info:
        analyzer.analyse()
    assert "2018" in str(info.value) and "2019" in str(info.value)
    with open(analyzer.tips_json) as handle:
        assert json.load(handle) == {"15013": ["Maya 2019"]}


def test_version_2018_5_matches_2018(tmp_path, workspace):
    analyzer = maya(make(tmp_path, "s.ma", HEADER + b"// End of s.ma\n"), workspace,
                    version="2018.5")
    assert analyzer.analyse().tips_info == {}


def test_mb_static_partial(tmp_path, workspace):
    texture = tmp_path / "tex" / "wood.png"
    texture.parent.mkdir()
    texture.write_bytes(b"png")
    extra = b"ftn\0" + str(texture).encode() + b"\0" + b"/nope/missing.png\0"
    analyzer = maya(make(tmp_path, "s.mb", maya_binary("2018", extra=extra)), workspace)
    analyzer.analyse()
    assert analyzer.task_info["scene_info"] == {}
    assert analyzer.task_info["software_config"]["plugins"] == {"mtoa": "3.1.2.1"}
    locals_ = [entry["local"] for entry in analyzer.upload_info["asset"]]
    assert str(texture).replace(os.sep, "/") in locals_
    assert "/nope/missing.png" not in locals_
    (message,) = analyzer.tips_info["15035"]
    assert "Maya binary" in message and "1 existing files" in message


def test_mb_version_mismatch(tmp_path, workspace):
    analyzer = maya(make(tmp_path, "s.mb", maya_binary("2017")), workspace)
    with pytest.raises(VersionNotMatchError):
        analyzer.analyse()


def test_missing_scene(tmp_path, workspace):
    with pytest.raises(CGFileNotExistsError) as info:
        maya(str(tmp_path / "absent.ma"), workspace)
    assert "absent.ma" in str(info.value)


def test_directory_scene(tmp_path, workspace):
    folder = tmp_path / "folder.ma"
    folder.mkdir()
    with pytest.raises(CGFileNotExistsError):
        maya(str(folder), workspace)


@pytest.mark.parametrize("name", ["scene.txt", "scene.hip", "scene", "scene.ma.bak"])
def test_wrong_extension(tmp_path, workspace, name):
    with pytest.raises(CGFileNameIllegalError) as info:
        maya(make(tmp_path, name, HEADER), workspace)
    assert name in str(info.value)


def test_upper_case_extension_accepted(tmp_path, workspace):
    assert maya(make(tmp_path, "SCENE.MA", HEADER), workspace).analyse().backend_used == \
        "static"


def test_chinese_file_name(tmp_path, workspace):
    with pytest.raises(FileNameContainsChineseError) as info:
        maya(make(tmp_path, "场景.ma", HEADER), workspace)
    assert "场景" in str(info.value)


def test_bad_software_version(tmp_path, workspace):
    with pytest.raises(RayvisionArgumentError):
        maya(make(tmp_path, "s.ma", HEADER), workspace, version="latest")


@pytest.mark.parametrize("content", [
    b"",
    b"\x00\x01\x02binary garbage\xff\xfe" * 100,
    b"not a maya scene at all\ncreateNode transform;\n",
    os.urandom(5000).replace(b"Maya", b"xxxx"),
])
def test_garbage_ma_is_a_typed_error(tmp_path, workspace, content):
    analyzer = maya(make(tmp_path, "g.ma", content), workspace)
    with pytest.raises(GetCGVersionError) as info:
        analyzer.analyse()
    assert "g.ma" in str(info.value)
    assert analyzer.tips_info == {"15002": [analyzer.cg_file.replace(os.sep, "/")]}


def test_garbage_mb_is_a_typed_error(tmp_path, workspace):
    for content in (b"", b"FOR8" + os.urandom(100), b"FOR4\0\0\0\x10NotMaya" + b"\0" * 20):
        analyzer = maya(make(tmp_path, "g.mb", content), workspace)
        with pytest.raises(AnalyzeError):
            analyzer.analyse()


def test_truncated_scene_gives_a_tip(tmp_path, workspace):
    scene = os.path.join(os.path.dirname(__file__), "scenes", "legacy_layers.ma")
    with open(scene, "rb") as handle:
        data = handle.read()
    cut = data[:data.index(b"select -ne :defaultResolution") + 40]
    analyzer = maya(make(tmp_path, "cut.ma", cut), workspace).analyse()
    assert list(analyzer.tips_info) == ["15035"]
    assert "truncated" in analyzer.tips_info["15035"][0]
    common = analyzer.task_info["scene_info"]["layer1"]["common"]
    assert common["renderer"] == "arnold"


def test_gbk_scene_and_bad_bytes(tmp_path, workspace):
    texture = tmp_path / "贴图" / "木纹.png"
    texture.parent.mkdir()
    texture.write_bytes(b"png")
    body = ('createNode file -n "wood";\n\tsetAttr ".ftn" -type "string" "%s";\n'
            % str(texture).replace(os.sep, "/")).encode("gbk")
    bad = b'createNode file -n "bad";\n\tsetAttr ".ftn" -type "string" "/x/\xff\xfe\x80.png";\n'
    content = HEADER.replace(b"UTF-8", b"936") + body + bad + b"// End of x.ma\n"
    analyzer = maya(make(tmp_path, "gbk.ma", content), workspace).analyse()
    locals_ = [entry["local"] for entry in analyzer.upload_info["asset"]]
    assert str(texture).replace(os.sep, "/") in locals_
    assert list(analyzer.tips_info) == ["10012"]
    with open(analyzer.upload_json, encoding="utf-8") as handle:
        assert "木纹.png" in handle.read()


def test_missing_workspace_is_created_a_file_is_refused(tmp_path):
    analyzer = maya(make(tmp_path, "s.ma", HEADER), str(tmp_path / "nowhere"))
    assert os.path.dirname(analyzer.workspace) == str(tmp_path / "nowhere")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    with pytest.raises(RayvisionArgumentError):
        maya(make(tmp_path, "s.ma", HEADER), str(a_file))


def test_default_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    analyzer = maya(make(tmp_path, "s.ma", HEADER), None)
    assert os.path.dirname(analyzer.workspace) == os.path.join(str(tmp_path), "renderfarm_sdk")


def test_same_second_analyses_do_not_collide(tmp_path, workspace):
    path = make(tmp_path, "s.ma", HEADER)
    folders = {maya(path, workspace).workspace for _ in range(5)}
    assert len(folders) == 5


def test_crlf_and_space_indented_scene(tmp_path, workspace):
    scene = os.path.join(os.path.dirname(__file__), "scenes", "legacy_layers.ma")
    with open(scene, "rb") as handle:
        data = handle.read()
    reference = maya(make(tmp_path, "lf.ma", data), workspace).analyse()
    converted = data.replace(b"\n\t", b"\n    ").replace(b"\n", b"\r\n")
    analyzer = maya(make(tmp_path, "crlf.ma", converted), workspace).analyse()
    assert analyzer.task_info["scene_info"] == reference.task_info["scene_info"]
    assert analyzer.tips_info == {}


def test_binary_reference(tmp_path, workspace):
    texture = tmp_path / "tex" / "in_mb.png"
    texture.parent.mkdir()
    texture.write_bytes(b"png")
    make(tmp_path, "prop.mb", maya_binary("2018", extra=str(texture).encode() + b"\0"))
    scene = HEADER + (b'file -r -ns "prop" -rfn "propRN" -typ "mayaBinary" "%s";\n'
                      % str(tmp_path / "prop.mb").encode()) + b"// End of x.ma\n"
    analyzer = maya(make(tmp_path, "main.ma", scene), workspace).analyse()
    locals_ = [entry["local"] for entry in analyzer.upload_info["asset"]]
    assert str(tmp_path / "prop.mb").replace(os.sep, "/") in locals_
    assert str(texture).replace(os.sep, "/") in locals_
    (message,) = analyzer.tips_info["15035"]
    assert "prop.mb" in message
    # the top scene's plugins are not replaced by the reference's
    assert analyzer.task_info["software_config"]["plugins"] == {}
