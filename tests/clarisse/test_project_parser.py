import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rayvision_api.exception import AnalyseFailError
from rayvision_clarisse.project_parser import (
    MAX_DEPTH,
    ProjectFormatError,
    parse_project,
    read_project_file,
)


def test_tree_header_attrs_meta(kit):
    project = parse_project(kit.HEADER.format("4") + kit.MAIN_BODY, "shot.project")
    assert project.clarisse_version == "4"
    assert project.header["Isotropix_Serial_Version"] == "1.2"
    scene = project.contexts()[0]
    assert scene.label == "scene" and scene.name == "scene"
    assert scene.meta["created"] == ["1455809270"]
    camera = scene.find("CameraPerspective")[0]
    assert camera.attrs["translate"] == ["1", "2", "3"]
    assert camera.meta["version"] == ["0.9"]
    image = scene.find("Image")[0]
    assert image.attrs["layers"] == [".main", "project://scene/shared_layer", "ghost"]
    assert image.find("embedded_objects")[0].children[0].name == "main"
    light = scene.find("LightPhysicalSphere")[0]
    assert light.attr("color") == "1"       # textured attribute: its value block
    assert light.attr("nothing", "d") == "d"
    win = [b for b in scene.find("GeometryPolyfile") if b.name == "win"][0]
    assert win.attrs["filename"] == ["D:\\assets\\chair.obj"]   # escapes undone
    assert project.preferences().kind == "#preferences"
    kinds = [block.kind for block in project.root.walk()]
    assert "Layer3d" in kinds and "filename_open" in kinds
    assert "Block('Image', 'beauty'" in repr(image)


def test_multiline_quoted_value_and_bom():
    text = u'\ufeff#Isotropix_Serial_Version 1.2\nContext "a" {\n  Text {\n' \
           u'    name "t"\n    text "line 1\nline 2"\n    after 1\n  }\n}\n'
    project = parse_project(text.encode("utf-8"))
    block = project.contexts()[0].children[0]
    assert block.attrs["text"] == ["line 1\nline 2"]
    assert block.attrs["after"] == ["1"]
    assert block.line == 3


def test_real_file_read(tmp_path, kit):
    path = tmp_path / "a.project"
    path.write_bytes((kit.HEADER.format("5") + "Context \"x\" {\n}\n").encode("utf-8"))
    assert read_project_file(str(path)).clarisse_version == "5"


@pytest.mark.parametrize("text,reason", [
    ('Context "a" {\n', "never closed"),
    ("}\n", "without a matching"),
    ('{\n}\n', "without a block name"),
    ('Context "a" {\n  name "unterminated\n}\n', "unterminated"),
    ('"quoted" 1\n', "starts with a quoted"),
    ("", "not a Clarisse project"),
    (b"\x00\x01binary", "binary"),
])
def test_bad_projects(text, reason):
    with pytest.raises(ProjectFormatError) as caught:
        parse_project(text, "bad.project")
    assert reason in str(caught.value)
    assert "bad.project" in str(caught.value)
    assert isinstance(caught.value, AnalyseFailError)


def test_depth_limit():
    text = "#Isotropix_Serial_Version 1.2\n" + "A {\n" * (MAX_DEPTH + 2) + "}\n" * (MAX_DEPTH + 2)
    with pytest.raises(ProjectFormatError) as caught:
        parse_project(text)
    assert "deeper" in str(caught.value)


def test_not_text():
    with pytest.raises(ProjectFormatError):
        parse_project(12345)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_fuzz_text(text):
    try:
        parse_project(text, "fuzz.project")
    except ProjectFormatError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=500))
def test_fuzz_bytes(data):
    try:
        parse_project(data, "fuzz.project")
    except ProjectFormatError:
        pass


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), junk=st.text(max_size=6),
       cut=st.integers(min_value=0, max_value=20))
def test_fuzz_mutated_project(kit, position, junk, cut):
    text = kit.HEADER.format("4") + kit.MAIN_BODY
    index = position % len(text)
    try:
        parse_project(text[:index] + junk + text[index + cut:], "m.project")
    except ProjectFormatError:
        pass
