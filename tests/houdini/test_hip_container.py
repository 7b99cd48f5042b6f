import gzip

import pytest

from rayvision_api.exception import AnalyseFailError, AnalyzeError
from rayvision_houdini.hip_container import (
    HipFormatError,
    HipUnreadableError,
    read_hip_bytes,
    read_hip_file,
)


def _simple(kit):
    builder = kit.HipBuilder(save_version="17.5.173")
    builder.node("/obj/geo1", "geo", {"tx": ["1"]})
    return builder


def test_cpio_sections_in_order(kit, tmp_path):
    path = _simple(kit).write(str(tmp_path / "a.hip"))
    container = read_hip_file(path)
    assert container.kind == "hip"
    assert not container.compressed
    assert container.names()[:3] == [".start", ".variables", ".aliases"]
    assert "obj/geo1.parm" in container
    assert container.text("obj/geo1.init") == "type = geo\nmatchesdef = 0\n"
    assert container.warnings == []
    assert "TRAILER!!!" not in container.names()
    assert container.get("missing") is None
    assert container.text("missing", "d") == "d"
    assert "HipContainer(" in repr(container)


@pytest.mark.parametrize("kind,magic", [("hipnc", b"HouNC\x1a"), ("hiplc", b"HouLC\x1a")])
def test_licensed_containers_are_read_statically(kit, tmp_path, kind, magic):
    path = _simple(kit).write(str(tmp_path / ("a." + kind)), kind=kind)
    with open(path, "rb") as handle:
        assert handle.read(6) == magic
    container = read_hip_file(path)
    assert container.kind == kind
    assert container.text("obj/geo1.init").startswith("type = geo")
    assert "_HIP_SAVEVERSION = '17.5.173'" in container.text(".variables")
    # The licence trailer member ends the sections, like TRAILER!!! in cpio.
    assert container.names()[-1] == "NON_COMMERCIAL_FILE!!!"


def test_gzip_compressed_container(kit, tmp_path):
    path = _simple(kit).write(str(tmp_path / "a.hip"), compress=True)
    container = read_hip_file(path)
    assert container.compressed
    assert "obj/geo1.def" in container


def test_damaged_copy_is_resynchronised(kit):
    # A text-mode copy replaced one byte by the 3-byte U+FFFD: the member grew by 2 bytes.
    members = [kit.cpio_member(".start", "frange 1 10\n"),
               kit.cpio_member(".variables", "set -g _HIP_SAVEVERSION = '18.0.5'\n"),
               kit.cpio_member("obj/a.init", "type = geo\n"),
               kit.cpio_member("TRAILER!!!", b"")]
    blob = b"".join(members)
    damaged = blob.replace(b"type = geo", b"type = g\xef\xbf\xbdo", 1)
    container = read_hip_bytes(damaged, "damaged.hip")
    assert container.names() == [".start", ".variables", "obj/a.init"]
    assert container.text("obj/a.init").startswith("type = g")
    assert any("resynchronised" in warning for warning in container.warnings)


def test_truncated_file_keeps_what_it_has(kit):
    blob = b"".join([kit.cpio_member(".variables", "set -g A = '1'\n"),
                     kit.cpio_member("obj/a.parm", "{\nversion 0.8\n}\n" * 10)])
    container = read_hip_bytes(blob[:-20], "cut.hip")
    assert ".variables" in container
    assert any("truncated" in warning for warning in container.warnings)
    assert any("TRAILER" in warning for warning in container.warnings)


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"not a scene at all", "not a Houdini scene"),
    (b"\x89PNG\r\n\x1a\n....", "not a Houdini scene"),
    (b"\x1f\x8bgarbage", "gzip"),
])
def test_not_a_scene(data, reason):
    with pytest.raises(HipFormatError) as caught:
        read_hip_bytes(data, "bad.hip")
    assert reason in str(caught.value)
    assert "bad.hip" in str(caught.value)
    # Part of the documented hierarchy: analysis errors.
    assert isinstance(caught.value, AnalyseFailError)
    assert isinstance(caught.value, AnalyzeError)


def test_cpio_archive_that_is_not_a_scene(kit):
    blob = kit.cpio_member("readme.txt", "hello") + kit.cpio_member("TRAILER!!!", b"")
    with pytest.raises(HipFormatError) as caught:
        read_hip_bytes(blob, "other.cpio")
    assert "'.variables'" in str(caught.value)


def test_header_with_name_past_the_end():
    header = (b"070707" + b"0" * 42 + b"0" * 11 + b"%06o" % 500 + b"%011o" % 0)
    with pytest.raises(HipFormatError) as caught:
        read_hip_bytes(header + b"abc", "x.hip")
    assert "past the end" in str(caught.value)


def test_licensed_container_with_unreadable_sections_gives_clear_error():
    # What a licence-protected file with encoded bodies looks like to us: the marker, and no
    # member we can recognise.
    data = b"HouLC\x1a" + bytes(range(256)) * 4
    with pytest.raises(HipUnreadableError) as caught:
        read_hip_bytes(data, "protected.hiplc")
    assert "not readable without Houdini" in str(caught.value)
    assert caught.value.path == "protected.hiplc"


def test_not_bytes():
    with pytest.raises(HipFormatError):
        read_hip_bytes(u"070707", "text.hip")


def test_gzip_around_garbage_is_not_a_scene():
    with pytest.raises(HipFormatError):
        read_hip_bytes(gzip.compress(b"hello world"), "g.hip")


def test_lean_read_sees_the_trailer(kit, tmp_path):
    from rayvision_houdini.hip_scene import load_scene
    from rayvision_houdini.static_analysis import LEAN_READ

    scene = kit.HipBuilder().write(str(tmp_path / "whole.hip"))
    assert load_scene(scene, lean_parms=LEAN_READ).warnings == []
    with open(scene, "rb") as handle:
        data = handle.read()
    cut = tmp_path / "cut.hip"
    cut.write_bytes(data[:data.rindex(b"070707")])
    assert any("TRAILER" in warning
               for warning in load_scene(str(cut), lean_parms=LEAN_READ).warnings)
