"""The lean scene read scans sections in place: what it finds must not depend on where.

A lean read (``load_scene(..., lean_parms=LEAN_READ)``) takes each node section as a span of
the buffer it was read into and searches it with bounded ``find``/regex calls, parses the
common one-component entries in one match, and holds a node's channels back only until its
parameters have been read. These tests pin each of those shortcuts to the general code.
"""

import io
import os
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rayvision_houdini.dcc import hfs_rules
from rayvision_houdini.hip_container import SectionReader, read_hip_file
from rayvision_houdini.hip_scene import (
    WANTED_ENDINGS,
    LeanNames,
    _one_component_entry,
    lean_parms_in,
    load_scene,
    parse_parm_entry,
    parse_parms_lean,
)
from rayvision_houdini.static_analysis import LEAN_READ, analyse_scene
from rayvision_utils.paths import DirectoryCache

SETTINGS = settings(max_examples=300, deadline=None)

_TOKENS = st.one_of(
    st.text(alphabet='ab/\\."$` \t\r()[]{}\n', max_size=12).map(lambda text: '"' + text + '"'),
    st.text(alphabet="ab/\\.$`_-", min_size=1, max_size=12),
    st.text(alphabet="ab/.$ \t", max_size=8).map(lambda text: "[ ch " + text + " ]"),
    st.sampled_from(["", " ", "\t", ")", "(", '"', "\\", "]"]),
)


@SETTINGS
@given(name=st.sampled_from(["file", "f", "snippet", "a.b", "_x#1"]),
       flags=st.sampled_from(["[ 0\tlocks=0 ]", "[ ]", "[ 0 ", ""]),
       tokens=st.lists(_TOKENS, max_size=4),
       closing=st.sampled_from(["\t)", ")", " \r)", "", "\t) trailing"]))
def test_one_component_entry_reads_as_the_general_parser(name, flags, tokens, closing):
    text = "{0}\t{1}\t(\t{2}{3}".format(name, flags, "\t".join(tokens), closing)
    quick_name, quick_values = _one_component_entry(text)
    if quick_values is not None:
        general_name, general_values, _ = parse_parm_entry(text, 0)
        assert (quick_name, quick_values) == (general_name, general_values)


_LINES = st.lists(st.one_of(
    st.sampled_from([
        'file\t[ 0\tlocks=0 ]\t(\t"$HIP/geo/a.$F4.bgeo.sc"\t)',
        "tex\t[ 0\tlocks=0 ]\t(\trock.rat\t)",
        'snippet\t[ 0\tlocks=0 ]\t(\t"a\\\\nb/c"\t)',
        "f\t[ 0\tlocks=0 ]\t(\t1\t[ f2\t48 ]\t1\t)",
        'multi\t[ 0\tlocks=0 ]\t(\t"line\nnext/x.exr"\t)',
        "num\t[ 0\tlocks=0 ]\t(\t0.5\t1.5\t)",
        'group\t[ 0\tlocks=0 ]\t(\t"@P.y>0"\t)',
        'open\t[ 0\tlocks=0 ]\t(\t"/unclosed',
        "bare\t[ 0 ]\t(\t/no/closing/parenthesis",
    ]),
    st.text(alphabet='ab/\\.$"\t ()[]', max_size=30)), max_size=8)


_AROUND = st.one_of(st.text(alphabet='\nab/\\.$`"\t f[', max_size=20),
                   st.sampled_from(['x\nfile\t[ 0 ]\t(\t"/outside/', "\nf\t[ ]\t(\t1\t",
                                    '.abc"\t)\n', "\t)\nfile\t[ 0 ]\t(\t$HIP/o.abc\t)\n"]))


@SETTINGS
@given(lines=_LINES, before=_AROUND, after=_AROUND, by_name=st.booleans(),
       framed=st.booleans())
@example(lines=["bare\t[ 0 ]\t(\t/no/closing/parenthesis"], before="",
         after="\t)\nfile\t[ 0 ]\t(\t$HIP/o.abc\t)\n", by_name=True, framed=False)
@example(lines=['tex\t[ 0\tlocks=0 ]\t(\t"a.rat'], before='x\nfile\t[ 0 ]\t(\t"/outside/',
         after='"\t)\n', by_name=False, framed=False)
def test_a_span_is_read_as_the_same_bytes_on_their_own(lines, before, after, by_name,
                                                        framed):
    # Lines, path characters, extensions and names around the span must not be seen.
    text = "\n".join(lines)
    body = ("{\nversion 0.8\n" + text + "\n}\n" if framed else text).encode("utf-8")
    data = before.encode("utf-8") + body + after.encode("utf-8")
    start = len(before.encode("utf-8"))
    assert (lean_parms_in(data, start, start + len(body), LEAN_READ, by_name)
            == parse_parms_lean(body, LEAN_READ, by_name))


def test_sections_larger_than_a_read_come_whole(kit, tmp_path):
    # 3 MB of parameters: the section spans several reads of the container.
    filler = "".join(kit.parm_line("p{0}".format(n), '"' + "v" * 60 + '"') + "\n"
                     for n in range(45000))
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.section("obj/big.init", "type = file\n")
    builder.section("obj/big.parm", "{\nversion 0.8\n" + filler
                    + kit.parm_line("file", '"$HIP/late.bgeo.sc"') + "\n}\n")
    builder.node("/obj/after", "file", {"file": ['"$HIP/after.bgeo.sc"']})
    scene = builder.write(str(tmp_path / "big.hip"))
    with open(scene, "rb") as stream:
        spans = [(name, data[start:end]) for name, data, start, end
                 in SectionReader(stream, scene, wanted=WANTED_ENDINGS).spans()]
    container = read_hip_file(scene)
    assert spans == [(name, body) for name, body in container.sections
                     if name.endswith((".init", ".def", ".parm", ".chn", ".variables",
                                       ".start"))]
    lean = load_scene(scene, lean_parms=LEAN_READ)
    assert lean.node("/obj/big").parms["file"] == ["$HIP/late.bgeo.sc"]
    assert lean.node("/obj/after").parms["file"] == ["$HIP/after.bgeo.sc"]


_EXPRESSION_CHANNEL = ("{\n    channel pic {\n      lefttype = extend\n      default = 0\n"
                       "      segment { length = 0 expr = \"$HIP/render/$OS.$F4.exr\" }\n"
                       "    }\n  }\n")


def _channel_scene(kit, tmp_path, sections):
    builder = kit.HipBuilder(save_version="19.5.303")
    for name, body in sections:
        builder.section(name, body)
    return builder.write(str(tmp_path / "chn.hip"))


def _picture_parm(kit):
    return "{\nversion 0.8\n" + kit.parm_line("file", "[ pic\t/cached/frame1.exr ]") + "\n}\n"


@pytest.mark.parametrize("order", ["channels first", "parameters first"])
def test_channels_are_read_in_either_order(kit, tmp_path, order):
    sections = [("obj/geo1/file1.init", "type = file\n"),
                ("obj/geo1/file1.chn", _EXPRESSION_CHANNEL),
                ("obj/geo1/file1.parm", _picture_parm(kit))]
    if order == "parameters first":
        sections[1], sections[2] = sections[2], sections[1]
    scene = load_scene(_channel_scene(kit, tmp_path, sections), lean_parms=LEAN_READ)
    channel = scene.node("/obj/geo1/file1").channels["pic"]
    assert channel.expressions == ["$HIP/render/$OS.$F4.exr"]


def test_channels_are_held_for_their_own_node_only(kit, tmp_path):
    # Houdini writes a node's channels just before its parameters. Channels whose parameters
    # do not follow are dropped rather than held to the end of the file (bounded memory),
    # and the saved value stands for the expression.
    sections = [("obj/a.init", "type = file\n"), ("obj/a.chn", _EXPRESSION_CHANNEL),
                ("obj/b.init", "type = null\n"), ("obj/b.chn", _EXPRESSION_CHANNEL),
                ("obj/a.parm", _picture_parm(kit))]
    path = _channel_scene(kit, tmp_path, sections)
    scene = load_scene(path, lean_parms=LEAN_READ)
    assert scene.node("/obj/a").channels == {}
    result = analyse_scene(scene, path, environ={})
    assert result.asset["Miss"]["/obj/a/file"] == ["/cached/frame1.exr",
                                                   ["/cached/frame1.exr"]]


def test_kind_types_are_every_type_with_a_kind():
    known = set()
    for value in vars(hfs_rules).values():
        if isinstance(value, frozenset):
            known |= value
    known |= {"geo", "null", "xform", "", "ifd::2.0", "cam"}
    for base in known:
        has_kind = any(hfs_rules.node_kind(base, driver) is not None
                       for driver in (True, False))
        assert has_kind == (base in hfs_rules.KIND_TYPES), base


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks")
def test_directory_cache_tells_files_as_isfile_does(tmp_path):
    folder = tmp_path / "tex"
    folder.mkdir()
    (folder / "a.rat").write_bytes(b"x")
    (folder / "sub").mkdir()
    os.symlink(str(folder / "a.rat"), str(folder / "link_to_file"))
    os.symlink(str(folder / "sub"), str(folder / "link_to_folder"))
    os.symlink(str(folder / "gone"), str(folder / "broken"))
    cache = DirectoryCache()
    names = cache.listdir(str(folder))
    for name in names + ["missing"]:
        path = os.path.join(str(folder), name)
        assert cache.is_file(str(folder), name) == os.path.isfile(path), name


def test_raw_spans_keep_names_as_stored(kit):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/obj/g\u00e9o", "geo", {})
    reader = SectionReader(io.BytesIO(builder.hip_bytes()), "x.hip")
    names = [name for name, _, _, _ in reader.raw_spans()]
    assert "obj/g\u00e9o.init".encode("utf-8") in names
    assert all(isinstance(name, bytes) for name in names)


def test_node_type_when_it_is_not_the_first_line(kit, tmp_path):
    # The lean read takes the type from a first line ``type = ...``; any other layout goes
    # through the general ``.init`` parser.
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.section("obj/odd.init", "matchesdef = 0\ntype = ifd\n")
    builder.section("obj/plain.init", "type = cam\nmatchesdef = 0\n")
    scene = load_scene(builder.write(str(tmp_path / "init.hip")), lean_parms=LEAN_READ)
    assert scene.node("/obj/odd").type == "ifd"
    assert scene.node("/obj/plain").type == "cam"


def test_same_init_section_for_nodes_of_a_type_and_a_node_read_twice(kit, tmp_path):
    # A short .init section is remembered whole with its type; a node whose sections come
    # apart (another node between them) keeps what each of them says.
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.section("obj/a.init", "type = ifd\nmatchesdef = 0\n")
    builder.section("obj/b.init", "type = ifd\nmatchesdef = 0\n")
    builder.section("obj/a.def", "flags = bypass on\n")
    builder.section("obj/a.parm", '{\nf\t[ 0\tlocks=0 ]\t(\t1\t9\t1\t)\n}\n')
    builder.section("obj/c.init", "type = geo\nmatchesdef = 0\n")
    builder.section("obj/c.def", "flags = bypass on\n")
    builder.section("obj/c.init", "matchesdef = 0\ntype = ifd\n")
    builder.section("obj/c.parm", '{\nf\t[ 0\tlocks=0 ]\t(\t2\t9\t1\t)\n}\n')
    scene = load_scene(builder.write(str(tmp_path / "twice.hip")), lean_parms=LEAN_READ)
    assert [scene.node(path).type for path in ("/obj/a", "/obj/b", "/obj/c")] == [
        "ifd", "ifd", "ifd"]
    assert scene.node("/obj/a").flags == {"bypass": True}
    assert scene.node("/obj/a").parms["f"] == ["1", "9", "1"]
    # c is read by name once its second .init (general layout) says it is a ROP
    assert scene.node("/obj/c").parms["f"] == ["2", "9", "1"]


@settings(max_examples=300, deadline=None)
@given(names=st.lists(st.text(alphabet="ab-]^\\_", max_size=3), min_size=1, max_size=4),
       text=st.text(alphabet="ab-]^\\_ \t\n[", max_size=40))
def test_parameter_name_search_finds_what_the_plain_alternation_finds(names, text):
    lean = LeanNames(names)
    plain = re.compile(r"\n[ \t]*(?:{0})[ \t]*\[".format("|".join(
        re.escape(name) for name in sorted(set(names), key=len, reverse=True)) or "(?!)")
        .encode("ascii"))
    data = text.encode("ascii")
    assert ([match.span() for match in lean.pattern.finditer(data)]
            == [match.span() for match in plain.finditer(data)])
