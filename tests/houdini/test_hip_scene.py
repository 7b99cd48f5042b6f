import pytest

from rayvision_houdini.hip_scene import (
    ChannelRef,
    extract_version,
    parse_channels,
    parse_container,
    parse_flags,
    parse_libraries,
    parse_parms,
    parse_scene_bytes,
    parse_variables,
)
from rayvision_houdini.static_analysis import evaluate_number


def test_parse_parms_tokens(kit):
    text = "\n".join([
        "{", "version 0.8",
        kit.parm_line("file", "$HIP/geo/a.$F4.bgeo.sc"),
        kit.parm_line("quoted", kit.quote('say "hi"\\there')),
        kit.parm_line("f", "[ f1\t1 ] ", "10", "1"),
        kit.parm_line("empty"),
        kit.parm_line("win", "D:\\\\proj\\\\tex.png"),
        kit.parm_line("multi", '"line one\nline two"'),
        "garbage line without structure",
        kit.parm_line("after", "ok"),
        "}"])
    parms = parse_parms(text)
    assert parms["file"] == ["$HIP/geo/a.$F4.bgeo.sc"]
    assert parms["quoted"] == ['say "hi"\\there']
    assert parms["f"] == [ChannelRef("f1", "1"), "10", "1"]
    assert parms["empty"] == []
    assert parms["win"] == ["D:\\proj\\tex.png"]
    assert parms["multi"] == ["line one\nline two"]
    assert parms["after"] == ["ok"]
    assert "version" not in parms


def test_parse_parms_unclosed_value_list_is_skipped(kit):
    text = "{\nbroken\t[ 0\tlocks=0 ]\t(\tvalue\nnext\t[ 0\tlocks=0 ]\t(\t2\t)\n}"
    parms = parse_parms(text)
    assert "broken" not in parms
    assert parms["next"] == ["2"]


def test_parse_flags():
    text = ('comment ""\nflags =  lock off bypass on display on render off\n'
            "inputs\n{\n}\n")
    assert parse_flags(text) == {"lock": False, "bypass": True, "display": True,
                                 "render": False}
    assert parse_flags("no flags here") == {}


def test_parse_channels_and_expression_evaluation():
    text = """{
    channel f1 {
      lefttype = extend
      default = 1
      segment { length = 0 value = 1 1 expr = $FSTART }
    }
    channel f2 {
      default = 5
      segment { options = {\t autoslope  ai ao }

\t length = 0 value = 5 5 expr = "$FEND - 2" }
    }
    channel f3 {
      default = 1
      segment { length = 0 expr = `chs("../x")` }
    }
  }
"""
    channels = parse_channels(text)
    assert channels["f1"].expressions == ["$FSTART"]
    assert channels["f2"].expressions == ["$FEND - 2"]
    frame_vars = {"FSTART": 3.0, "FEND": 20.0}
    assert evaluate_number(ChannelRef("f1", "1"), channels, frame_vars) == 3.0
    assert evaluate_number(ChannelRef("f2", "5"), channels, frame_vars) == 18.0
    # Backtick expressions are not evaluated: the cached value is used.
    assert evaluate_number(ChannelRef("f3", "7"), channels, frame_vars) == 7.0
    assert evaluate_number(ChannelRef("nochannel", "9"), channels, frame_vars) == 9.0
    assert evaluate_number("2.5", channels, frame_vars) == 2.5
    assert evaluate_number("$FSTART*2+1", channels, frame_vars) == 7.0
    assert evaluate_number("__import__('os')", channels, frame_vars) is None
    assert evaluate_number("1/0", channels, frame_vars) is None
    assert evaluate_number("1e308*10", channels, frame_vars) is None
    assert evaluate_number("$UNKNOWN", channels, frame_vars) is None


def test_parse_variables_and_libraries():
    text = ("set -g HIP = 'E:/houdini_test'\nset -g JOB = 'C:/Users/x'\n"
            "set -g QUOTE = 'it'\\''s'\nset -g _HIP_SAVEVERSION = '17.0.352'\n"
            "set BARE = value\n")
    variables = parse_variables(text)
    assert variables["HIP"] == "E:/houdini_test"
    assert variables["QUOTE"] == "it's"
    assert variables["BARE"] == "value"
    assert parse_libraries('$HIP/otls/a.hda\n\nEmbedded\n"/x/b c.otl"\n# comment\n') == [
        "$HIP/otls/a.hda", "/x/b c.otl"]


@pytest.mark.parametrize("text,version", [
    ("'17.0.352'", "17.0.352"),
    ("'18.0.5'", "18.0.5"),          # single-digit build: the original regex missed it
    ("'19.5.303.1'", "19.5.303.1"),
    ("'20.0'", "20.0"),
    ("unknown", None),
    ("", None),
    (None, None),
])
def test_extract_version(text, version):
    assert extract_version(text) == version


def test_scene_model(kit):
    builder = kit.HipBuilder(save_version="18.5.408", frange=(5, 50), fps=25, tcur=1)
    builder.node("/out/r1", "ris::22", {"camera": ["/obj/cam"]}, bypass=True)
    builder.node("/obj/sub/tool", "user::Sop/tool::2.0", {})
    scene = parse_scene_bytes(builder.hip_bytes(), "s.hip")
    assert scene.save_version == "18.5.408"
    assert scene.frange == (5.0, 50.0)
    assert scene.fps == 25.0
    assert scene.current_frame() == 26.0
    rop = scene.node("/out/r1")
    assert rop.type == "ris::22" and rop.base_type == "ris" and rop.bypassed
    assert rop.name == "r1"
    assert rop.parm_string("camera") == "/obj/cam"
    assert rop.parm_string("nothing", "d") == "d"
    assert scene.node("/obj/sub/tool").base_type == "tool"
    assert "HipNode('/out/r1'" in repr(rop)


def test_parse_container_type_check():
    with pytest.raises(TypeError):
        parse_container(b"070707")
