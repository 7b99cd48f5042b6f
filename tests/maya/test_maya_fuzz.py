"""Property-based tests: the scene readers never raise on arbitrary bytes, and what the
.ma reader finds does not depend on where its read blocks end."""

import io
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rayvision_maya import ma_reader, mb_reader, mel, version

SCENES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenes")

FRAGMENTS = [
    b"//Maya ASCII 2018 scene\n", b"//Codeset: 936\n", b'requires maya "2018";\n',
    b'requires "mtoa" "3.1";\n', b'fileInfo "product" "Maya 2018";\n',
    b'createNode file -n "f1";\n', b'\tsetAttr ".ftn" -type "string" "/a/b.png";\n',
    b'createNode camera -n "c";\n', b'\tsetAttr ".rnd" no;\n',
    b"select -ne :defaultRenderGlobals;\n",
    b'\tsetAttr ".fs" 5;\n', b'file -r -ns "x" -rfn "xRN" "refs/x.ma";\n',
    b'connectAttr "c.rnd" "layer1.adjs[0].plg";\n', b'connectAttr "l.lit" "o.pls";\n',
    b'createNode renderLayer -n "layer1";\n',
    b'\tsetAttr ".adjs[0].val" yes;\n', b'\tsetAttr ".b" -type "string" (\n\t\t"a"\n\t\t+ "b");\n',
    b"\t\t 0.5 0.5 0.5\n", b'"', b";", b"\n", b"\t", b"\\", b"\xff\xfe", b"createNode",
    b"setAttr", b"// End of x.ma\n",
]

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def read(data, block_size):
    return ma_reader.MayaAsciiScene().read(io.BytesIO(data), block_size=block_size)


def summary(scene):
    return (scene.header_version, dict(scene.requires), dict(scene.file_info),
            {name: (node.type, node.attrs) for name, node in scene.nodes.items()},
            scene.string_attrs, scene.references, scene.adjustments, scene.render_setup_parents,
            scene.complete)


@SETTINGS
@given(st.binary(max_size=4000))
def test_ma_reader_never_raises_on_random_bytes(data):
    read(data, 64)
    read(data, ma_reader.BLOCK_SIZE)
    ma_reader.MayaAsciiScene().read_buffer(data)


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=80), st.integers(1, 300))
def test_ma_reader_structured_noise_and_block_independence(parts, block_size):
    data = b"".join(parts)
    expected = summary(ma_reader.MayaAsciiScene().read_buffer(data))
    assert summary(read(data, block_size)) == expected
    assert summary(read(data, ma_reader.BLOCK_SIZE)) == expected


@SETTINGS
@given(st.integers(7, 400))
def test_fixture_scenes_read_the_same_with_any_block_size(block_size):
    for name in ("legacy_layers.ma", "assets.ma", "with_refs.ma", "render_setup.ma"):
        with open(os.path.join(SCENES, name), "rb") as handle:
            data = handle.read()
        assert summary(read(data, block_size)) == summary(read(data, ma_reader.BLOCK_SIZE))
        assert summary(ma_reader.read_scene(os.path.join(SCENES, name))) == summary(
            read(data, block_size))


@SETTINGS
@given(st.binary(max_size=2000))
def test_mel_helpers_never_raise(data):
    tokens = mel.tokenize(data)
    mel.flag_values(tokens)
    mel.parse_value(tokens)
    mel.parse_setattr(b"setAttr " + data)
    for token in tokens:
        mel.unquote(token)


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from([b"", b"FOR8", b"FOR4", b"FOR8\0\0\0\0"]))
def test_binary_readers_never_raise(tmp_path_factory, data, prefix):
    folder = tmp_path_factory.mktemp("mb")
    path = str(folder / "x.mb")
    with open(path, "wb") as handle:
        handle.write(prefix + data)
    head = mb_reader.read_head(path)
    assert head.valid in (True, False)
    mb_reader.scan_paths(path)
    version.mb_version(path)
    ma_path = str(folder / "x.ma")
    with open(ma_path, "wb") as handle:
        handle.write(prefix + data)
    version.ma_version(ma_path)


#: Tips naming a missing file (docs/analysis-maya.md).
MISSING_CODES = ("10012", "10018", "10025", "10027", "10028", "10030", "10032")

#: A texture node written before the noise, then a node that ends its attribute block: the
#: noise cannot reach it, so an analysis that succeeds must find its file.
KNOWN = (b'createNode file -n "known";\n\tsetAttr ".ftn" -type "string" "tex/known.png";\n'
         b'createNode transform -n "fence";\n')


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.booleans(), st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=40)),
                               max_size=40))
def test_whole_analysis_gives_files_or_a_typed_error(tmp_path_factory, with_header, parts):
    from rayvision_api.exception import AnalyzeError
    from rayvision_maya.analyze_maya import AnalyzeMaya

    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "tex").mkdir()
    known = folder / "tex" / "known.png"
    known.write_bytes(b"png")
    data = (b'//Maya ASCII 2018 scene\nfileInfo "product" "Maya 2018";\n' + KNOWN
            if with_header else b"") + b"".join(parts)
    scene = folder / "fuzz.ma"
    scene.write_bytes(data)
    workspace = folder / "ws"
    workspace.mkdir()
    analyzer = AnalyzeMaya(str(scene), "2018", "P", {}, workspace=str(workspace),
                           backend="static")
    try:
        analyzer.analyse()
    except AnalyzeError:
        return
    for path in (analyzer.task_json, analyzer.asset_json, analyzer.tips_json,
                 analyzer.upload_json):
        assert os.path.isfile(path)
    uploaded = [entry["local"] for entry in analyzer.upload_info["asset"]]
    # No other file exists: the known texture (when written) and the scene, each once.
    assert uploaded == ([str(known)] if with_header else []) + [str(scene)]
    # Every missing file a tip names was written in the scene, in a string of its own.
    missing = [message for code, messages in analyzer.tips_info.items()
               if code in MISSING_CODES for message in messages]
    assert len(missing) <= data.count(b'"')
    for message in missing:
        name = message.rsplit("/", 1)[-1]
        if re.match(r"^[A-Za-z0-9_.]+$", name):  # no escape or decoding can have made it
            assert name.encode("ascii") in data
