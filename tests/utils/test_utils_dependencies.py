"""Dependencies inside dependencies: the format readers, the follower's guards and chains."""

import gzip
import os

import pytest

from rayvision_utils.dependencies import follow_dependencies, is_followable
from rayvision_utils.dependency_formats import (
    MAX_LINE,
    read_ass,
    read_mtlx,
    read_ocio,
    read_usda,
    read_vrscene,
)
from rayvision_utils.scene_input import open_scene


def put(root, relative, text=b""):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if relative.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return str(path).replace(os.sep, "/")


def refs(reader, path):
    with open_scene(path, decompress=path.endswith(".gz"), max_line=MAX_LINE) as scene:
        return list(reader(scene))


def follow(root_path, **kwargs):
    return follow_dependencies([(root_path, ["shot.ma", "usd1.filePath", root_path])], **kwargs)


USDA = """#usda 1.0
(
    subLayers = [
        @./layers/anim.usda@,
        @layers/fx.usda@
    ]
    defaultPrim = "World"
)
def Xform "World" (
    prepend references = @./props/chair.usda@</Chair>
    payload = @@@props/heavy set.usd@@@
)
{
    asset inputs:file = @tex/wood.<UDIM>.png@
    custom asset[] cards = [@tex/card1.png@, @tex/card2.png@]
    rel material:binding = </World/Looks/Wood>
    string note = "mail me at someone@example.com"
}
"""


def test_usda_labels(tmp_path):
    path = put(tmp_path, "set.usda", USDA)
    assert refs(read_usda, path) == [
        ("subLayers", "./layers/anim.usda"),
        ("subLayers", "layers/fx.usda"),
        ("references", "./props/chair.usda"),
        ("payload", "props/heavy set.usd"),
        ("inputs:file", "tex/wood.<UDIM>.png"),
        ("cards", "tex/card1.png"),
        ("cards", "tex/card2.png"),
    ]


def test_usd_binary_crate_is_not_read(tmp_path):
    path = put(tmp_path, "crate.usd", b"PXR-USDC\x00\x00@tex/a.png@")
    assert refs(read_usda, path) == []


ASS = """### exported: Mon Jan  1 00:00:00 2024
options
{
 AA_samples 3
 texture_searchpath "/mnt/tex"
}

driver_exr
{
 name defaultArnoldDriver@driver_exr.RGBA
 filename "render/beauty.exr"
}

image
{
 name wood_tex
 filename "tex/wood.tx"
 color_space "auto"
}

procedural
{
 name crowd
 filename "crowd/agents.ass.gz"
}

photometric_light
{
 name lamp
 filename "ies/lamp.ies"
}
"""


def test_ass_file_parameters_not_outputs(tmp_path):
    path = put(tmp_path, "shot.ass", ASS)
    assert refs(read_ass, path) == [
        ("wood_tex.filename", "tex/wood.tx"),
        ("crowd.filename", "crowd/agents.ass.gz"),
        ("lamp.filename", "ies/lamp.ies"),
    ]


def test_ass_gz_is_read_through_gzip(tmp_path):
    path = put(tmp_path, "shot.ass.gz", ASS)
    assert ("wood_tex.filename", "tex/wood.tx") in refs(read_ass, path)


VRSCENE = """// V-Ray scene
#include "materials.vrscene"

SettingsOutput output {
  img_file="render/beauty.exr";
  img_dir="render/";
}

BitmapBuffer bitmapBuffer_wood {
  file="D:\\\\proj\\\\tex\\\\wood.png";
  filter_type=1;
}

GeomMeshFile proxy_tree { file="proxies/tree.vrmesh"; anim_type=0; }

LightIES lamp_1 {
  ies_file="ies/lamp.ies";
}
"""


def test_vrscene_includes_and_file_parameters(tmp_path):
    path = put(tmp_path, "shot.vrscene", VRSCENE)
    assert refs(read_vrscene, path) == [
        ("#include", "materials.vrscene"),
        ("BitmapBuffer bitmapBuffer_wood.file", "D:\\proj\\tex\\wood.png"),
        ("GeomMeshFile proxy_tree.file", "proxies/tree.vrmesh"),
        ("LightIES lamp_1.ies_file", "ies/lamp.ies"),
    ]


MTLX = """<?xml version="1.0"?>
<materialx version="1.38" fileprefix="textures/">
  <xi:include href="lib/standard.mtlx" />
  <nodegraph name="NG_wood">
    <image name="base" type="color3">
      <input name="file" type="filename" value="wood_base.png" />
    </image>
    <image name="rough" type="float" fileprefix="/abs/maps/">
      <input name="file" type="filename" value="rough.exr" />
    </image>
    <image name="spec" type="float">
      <input name="file" type="filename" value="D:/maps/spec.exr" />
      <input name="default" type="float" value="0.5" />
    </image>
  </nodegraph>
</materialx>
"""


def test_mtlx_fileprefix_and_includes(tmp_path):
    path = put(tmp_path, "wood.mtlx", MTLX)
    assert refs(read_mtlx, path) == [
        ("xi:include", "lib/standard.mtlx"),
        ("base.file", "textures/wood_base.png"),
        ("rough.file", "/abs/maps/rough.exr"),
        ("spec.file", "D:/maps/spec.exr"),
    ]


OCIO_V1 = """ocio_profile_version: 1
search_path: luts:shared/luts
strictparsing: true
colorspaces:
  - !<ColorSpace>
    name: log
    to_reference: !<FileTransform> {src: log_to_lin.spi1d, interpolation: linear}
  - !<ColorSpace>
    name: film
    from_reference: !<GroupTransform>
      children:
        - !<FileTransform>
          src: "film look.cube"   # a quoted name with a space
          interpolation: tetrahedral
"""

OCIO_V2 = """ocio_profile_version: 2
search_path:
  - luts
  - "../common luts"
roles:
  default: raw
"""


def test_ocio_search_paths_and_luts(tmp_path):
    path = put(tmp_path, "config.ocio", OCIO_V1)
    assert refs(read_ocio, path) == [
        ("search_path", "luts"), ("search_path", "shared/luts"),
        ("src", "log_to_lin.spi1d"), ("src", "film look.cube"),
    ]
    path = put(tmp_path, "v2/config.ocio", OCIO_V2)
    assert refs(read_ocio, path) == [("search_path", "luts"),
                                     ("search_path", "../common luts")]


def test_followable_names():
    assert all(is_followable(name) for name in (
        "a.usda", "A.USD", "s.ass", "s.ass.gz", "x.vrscene", "m.mtlx", "config.ocio"))
    assert not any(is_followable(name) for name in ("a.png", "a.usdc", "a.gz", "a.abc"))


def test_chains_through_usda_ass_and_ocio(tmp_path):
    root = put(tmp_path, "set.usda", USDA)
    put(tmp_path, "layers/anim.usda", "#usda 1.0\n(\n subLayers = [@../set.usda@]\n)\n")
    put(tmp_path, "props/chair.usda",
        "#usda 1.0\ndef \"Chair\" {\n asset inputs:file = @../tex/chair.png@\n"
        " asset ass = @../shot.ass.gz@\n}\n")
    put(tmp_path, "props/heavy set.usd", b"PXR-USDC binary")
    for name in ("tex/wood.1001.png", "tex/wood.1002.png", "tex/chair.png",
                 "tex/card1.png", "tex/card2.png", "tex/wood.tx", "luts/log_to_lin.spi1d",
                 "shared/luts/film look.cube"):
        put(tmp_path, name)
    put(tmp_path, "shot.ass.gz", ASS + '\ncolor_manager_ocio\n{\n name cm\n'
        ' config "config.ocio"\n}\n')
    put(tmp_path, "config.ocio", OCIO_V1)
    graph = follow(root)
    by_path = {dep.path.replace(str(tmp_path).replace(os.sep, "/") + "/", ""): dep
               for dep in graph.found}
    base = str(tmp_path).replace(os.sep, "/") + "/"

    def chain(name):
        return [link.replace(base, "") for link in by_path[name].chain]

    assert chain("tex/chair.png") == [
        "shot.ma", "usd1.filePath", "set.usda", "references", "props/chair.usda",
        "inputs:file", "tex/chair.png"]
    assert chain("shared/luts/film look.cube") == [
        "shot.ma", "usd1.filePath", "set.usda", "references", "props/chair.usda", "ass",
        "shot.ass.gz", "cm.config", "config.ocio", "src", "shared/luts/film look.cube"]
    wood = [dep for dep in graph.found if dep.path.endswith("wood.<UDIM>.png")][0]
    assert wood.exists and len(wood.files) == 2 and "files" in wood.as_dict()
    missing = sorted(dep.path.replace(base, "") for dep in graph.missing)
    assert missing == ["crowd/agents.ass.gz", "ies/lamp.ies", "layers/fx.usda"]
    # The cycle set -> anim -> set ends; the binary crate is listed as found, not read.
    followed = [path.replace(base, "") for path in graph.followed]
    assert followed.count("set.usda") == 1 and "props/heavy set.usd" in followed
    assert len(graph.existing_files) == len(set(graph.existing_files))
    assert graph.skipped == []


def test_depth_guard(tmp_path):
    for index in range(10):
        put(tmp_path, "l{0}.usda".format(index),
            "#usda 1.0\n(\n subLayers = [@l{0}.usda@]\n)\n".format(index + 1))
    put(tmp_path, "l10.usda", "#usda 1.0\n")
    graph = follow(str(tmp_path / "l0.usda"), max_depth=3)
    assert [os.path.basename(dep.path) for dep in graph.found] == ["l1.usda", "l2.usda",
                                                                    "l3.usda"]
    assert graph.skipped == [(str(tmp_path / "l3.usda").replace(os.sep, "/"),
                              "deeper than 3 files")]
    assert len(follow(str(tmp_path / "l0.usda")).found) == 10


def test_file_count_and_dependency_guards(tmp_path):
    lines = "".join("asset a{0} = @t{0}.usda@\n".format(i) for i in range(50))
    put(tmp_path, "wide.usda", "#usda 1.0\n" + lines)
    for index in range(50):
        put(tmp_path, "t{0}.usda".format(index), "#usda 1.0\n")
    graph = follow(str(tmp_path / "wide.usda"), max_files=5)
    assert len(graph.followed) == 5 and len(graph.skipped) == 46
    graph = follow(str(tmp_path / "wide.usda"), max_dependencies=7)
    assert len(graph.found) == 7 and "more than 7 dependencies" in graph.skipped[-1][1]


def test_unreadable_dependency_is_skipped_with_reason(tmp_path):
    root = put(tmp_path, "set.usda", "#usda 1.0\n(\n subLayers = [@pipe.usda@, @big.ass@]\n)\n")
    os.mkfifo(str(tmp_path / "pipe.usda"))
    put(tmp_path, "big.ass", "image\n{\n name i\n filename \"" + "x" * 5000 + "\"\n}\n")
    graph = follow(root, max_file_bytes=1000)
    reasons = dict((os.path.basename(path), reason) for path, reason in graph.skipped)
    assert reasons == {"big.ass": "larger than 1000 bytes"}
    # A FIFO is not a file: reported missing, never opened (opening it would block).
    assert [os.path.basename(dep.path) for dep in graph.missing] == ["pipe.usda"]


def test_missing_reported_once_and_windows_paths_on_linux(tmp_path):
    root = put(tmp_path, "a.vrscene",
               'BitmapBuffer b1 {\n file="D:\\\\tex\\\\gone.png";\n}\n'
               'BitmapBuffer b2 {\n file="D:\\\\tex\\\\gone.png";\n}\n')
    graph = follow(root)
    assert [dep.path for dep in graph.missing] == ["D:/tex/gone.png"]
    assert graph.missing[0].chain[-2:] == ["BitmapBuffer b1.file", "D:/tex/gone.png"]


def test_a_reference_repeated_in_one_folder_is_resolved_once(tmp_path, monkeypatch):
    import rayvision_utils.dependencies as dependencies
    calls = []
    real = dependencies.resolve_files

    def counting(reference, *args, **kwargs):
        calls.append(reference)
        return real(reference, *args, **kwargs)

    monkeypatch.setattr(dependencies, "resolve_files", counting)
    root = put(tmp_path, "a.vrscene",
               'BitmapBuffer b1 {\n file="gone.<UDIM>.png";\n}\n'
               'BitmapBuffer b2 {\n file="gone.<UDIM>.png";\n}\n'
               'BitmapBuffer b3 {\n file="other.png";\n}\n')
    graph = follow(root)
    assert calls.count("gone.<UDIM>.png") == 1
    assert [dep.chain[-2] for dep in graph.missing] == ["BitmapBuffer b1.file",
                                                        "BitmapBuffer b3.file"]


def test_unc_paths_kept_escaped_paths_unescaped(tmp_path):
    path = put(tmp_path, "u.ass", 'image\n{\n name a\n filename "\\\\srv\\share\\t.tx"\n}\n'
               'image\n{\n name b\n filename "C:\\\\t\\\\u.tx"\n}\n')
    assert refs(read_ass, path) == [("a.filename", "\\\\srv\\share\\t.tx"),
                                    ("b.filename", "C:\\t\\u.tx")]


def test_relative_paths_use_search_dirs_after_own_folder(tmp_path):
    root = put(tmp_path, "sub/m.mtlx",
               '<materialx><image name="i"><input name="file" type="filename" '
               'value="tex/x.png"/></image></materialx>')
    put(tmp_path, "project/tex/x.png")
    graph = follow(root, search_dirs=[str(tmp_path / "project")])
    assert graph.found[0].exists and graph.found[0].path.endswith("project/tex/x.png")


@pytest.mark.parametrize("reader,text", [
    (read_usda, "#usda 1.0\n" + "asset a = @" + "p" * 3000000 + "@\n"),
    (read_ass, "image\n{\n filename \"" + "p" * 3000000 + "\"\n}\n"),
    (read_vrscene, "B b {\n file=\"" + "p" * 3000000 + "\";\n}\n"),
    (read_ocio, "search_path: " + "p" * 3000000 + "\n"),
])
def test_huge_lines_are_cut_not_loaded(tmp_path, reader, text):
    path = put(tmp_path, "huge.txt", text)
    pairs = refs(reader, path)
    assert all(len(value) <= MAX_LINE for _, value in pairs)


def test_blank_line_floods_are_passed_over(tmp_path):
    put(tmp_path, "tex/known.png")
    root = put(tmp_path, "flood.usda", b"#usda 1.0\n" + b"\n" * (20 * 1024 * 1024)
               + b"asset inputs:file = @tex/known.png@\n")
    graph = follow(root)
    assert [dep.path.rsplit("/", 2)[-2:] for dep in graph.found] == [["tex", "known.png"]]


def test_oversized_ocio_config_is_not_read(tmp_path):
    root = put(tmp_path, "huge.ocio", b"search_path: luts\n" + b"#" * (17 * 1024 * 1024))
    graph = follow(root)
    assert graph.found == [] and graph.followed == []
    assert graph.skipped == [(root, "is larger than 16777216 bytes, too large for an OCIO "
                                    "config")]


def test_ass_blocks_of_geometry_and_blank_lines(tmp_path):
    numbers = b" 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9\n" * 10000
    text = (b"polymesh\n{\n name mesh1\n vlist 30000 1 POINT\n" + numbers
            + b' filename "cache/mesh.abc"\n}\n\nimage' + b"\n" * 100000
            + b'{\n name tex1\n' + numbers + b' filename "tex/a.tx"\n}\n')
    path = put(tmp_path, "geo.ass", text)
    assert refs(read_ass, path) == [("mesh1.filename", "cache/mesh.abc"),
                                    ("tex1.filename", "tex/a.tx")]


def test_plain_file_shortcut_agrees_with_resolve_files(tmp_path):
    from rayvision_utils.dependencies import _plain_file
    from rayvision_utils.paths import resolve_files

    put(tmp_path, "a/tex/one.png")
    put(tmp_path, "b/two.png")
    base = str(tmp_path).replace(os.sep, "/")
    dirs = [base + "/a", base + "/b"]
    for reference in ("tex/one.png", " tex/one.png ", "./tex/../tex/one.png", "two.png",
                      base + "/b/two.png", "tex\\one.png", "gone.png", "tex/<UDIM>.png",
                      "$HOME/x.png", "D:/tex/x.png", ""):
        quick = _plain_file(reference, dirs)
        if quick is not None:
            assert quick == resolve_files(reference, dirs), reference
    assert _plain_file("tex/one.png", dirs) == ([base + "/a/tex/one.png"],
                                                base + "/a/tex/one.png")
    assert _plain_file("two.png", dirs) is None  # not next to the naming file: full rules


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_state_is_restored(tmp_path, enabled):
    import gc
    root = put(tmp_path, "a.usda", "#usda 1.0\nasset inputs:file = @tex/a.png@\n")
    put(tmp_path, "tex/a.png")
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        assert [dep.path for dep in follow(root).found] == [str(tmp_path / "tex/a.png")
                                                            .replace(os.sep, "/")]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_chains_are_lists_of_their_own(tmp_path):
    # Each dependency holds its own chain: changing one changes no other, nor the root's.
    root = put(tmp_path, "a.usda", "#usda 1.0\n(\n    subLayers = [@b.usda@]\n)\n"
                                   "asset inputs:file = @x.png@\nasset inputs:map = @y.png@\n")
    put(tmp_path, "b.usda", "#usda 1.0\nasset inputs:file = @z.png@\n")
    for name in ("x.png", "y.png", "z.png"):
        put(tmp_path, name)
    root_chain = ["shot.ma", "usd1.filePath", root]
    graph = follow_dependencies([(root, root_chain)])
    chains = [dep.chain for dep in graph.found]
    assert len(chains) == 4 and len({id(chain) for chain in chains}) == 4
    before = [list(chain) for chain in chains]
    chains[0].append("changed")
    assert [dep.chain for dep in graph.found][1:] == before[1:]
    assert root_chain == ["shot.ma", "usd1.filePath", root]
    assert graph.found[-1].chain == ["shot.ma", "usd1.filePath", root, "subLayers",
                                     graph.found[0].path, "inputs:file", graph.found[-1].path]
