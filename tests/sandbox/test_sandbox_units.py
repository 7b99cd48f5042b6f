"""Pure parts of the sandbox: frame ranges, frame plans, PNG encoding, paths, parameters."""

import struct
import zlib

import pytest

from rayvision_sandbox import framespec, params, png
from rayvision_sandbox.errors import SandboxRequestError
from rayvision_sandbox.storage import StoragePathError, bid_for, normalise_path


@pytest.mark.parametrize("text,expected", [
    ("1-10[3]", [1, 4, 7, 10]), ("5", [5]), ("1,3-4[1]", [1, 3, 4]), ("0-2", [0, 1, 2]),
    (" 1 - 3 [ 2 ] ", [1, 3]), ("-2--1[1]", [-2, -1]), ("1-3,2-4", [1, 2, 3, 4])])
def test_parse_frame_range(text, expected):
    assert framespec.parse_frame_range(text) == expected


@pytest.mark.parametrize("text", ["a-b", "10-1[1]", "1-5[0]", "1-9999999[1]"])
def test_bad_frame_ranges_name_the_field(text):
    with pytest.raises(framespec.TaskJsonError) as failure:
        framespec.parse_frame_range(text, "beauty.common.frames")
    assert "beauty.common.frames" in str(failure.value)


def test_maya_start_end_fallback_and_unrenderable_layers():
    task = {"scene_info": {"a": {"renderable": "0", "common": {"frames": "1-3[1]"}},
                           "b": {"renderable": "1", "common": {"start": "2", "end": "4",
                                                                "by_frame": "2"}}}}
    layers = framespec.render_layers(task)
    assert [(layer["name"], layer["frames"]) for layer in layers] == [("b", [2, 4])]


def test_plan_frames_priority_and_chunks():
    task = {"task_info": {"pre_frames": "101", "frames_per_task": "2"},
            "scene_info_render": {"L": {"renderable": "1", "common": {"frames": "1-6[1]"}}}}
    plan = framespec.plan_frames(task)
    assert [(f["frame_index"], f["frame_type"]) for f in plan] == [
        ("1", 4), ("6", 4), ("2-3", 5), ("4-5", 5)]


def test_plan_frames_rejects_bad_frames_per_task():
    task = {"task_info": {"frames_per_task": "0"},
            "scene_info_render": {"L": {"common": {"frames": "1"}}}}
    with pytest.raises(framespec.TaskJsonError):
        framespec.plan_frames(task)


def test_frame_index_and_layer_folder():
    assert framespec.frame_index([1, 3, 5]) == "1-5[2]"
    assert framespec.layer_folder("/out/mantra1") == "out_mantra1"
    assert framespec.layer_folder("project://scene/cam02.layer02") == "cam02.layer02"
    assert framespec.layer_folder("D:\\x") == "D__x"


def test_png_is_a_valid_file():
    data = png.frame_image(7, 3, 12)
    assert png.read_png_size(data) == (7, 3)
    # Walk the chunks and check every CRC and the pixel data size.
    offset, kinds = 8, []
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 4:offset + 8 + length]
        crc = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])[0]
        assert zlib.crc32(body) & 0xFFFFFFFF == crc
        if kind == b"IDAT":
            assert len(zlib.decompress(body[4:])) == 3 * (1 + 7 * 3)
        kinds.append(kind)
        offset += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    with pytest.raises(ValueError):
        png.read_png_size(b"GIF89a")
    with pytest.raises(ValueError):
        png.encode_png(0, 1, [])


@pytest.mark.parametrize("raw,expected", [("/a/b", "/a/b"), ("a//b/", "/a/b"), ("/", "/"),
                                          ("\\D\\x.png", "/D/x.png"), ("/./a", "/a")])
def test_normalise_path(raw, expected):
    assert normalise_path(raw) == expected


@pytest.mark.parametrize("raw", ["/a/../b", "..", "/a\x00b"])
def test_escaping_paths_are_refused(raw):
    with pytest.raises(StoragePathError):
        normalise_path(raw)


def test_bid_for():
    assert bid_for(10001, "input") == "10001_input"
    with pytest.raises(ValueError):
        bid_for(1, "secret")


def test_params_messages_name_the_parameter():
    with pytest.raises(SandboxRequestError) as failure:
        params.integer({}, "pageNum")
    assert failure.value.code == 601 and "pageNum" in failure.value.message
    with pytest.raises(SandboxRequestError) as failure:
        params.integer({"pageNum": True}, "pageNum")
    assert failure.value.code == 600
    assert params.integer({"pageNum": "12"}, "pageNum") == 12
    with pytest.raises(SandboxRequestError) as failure:
        params.id_list({"taskIds": [1, "x"]}, "taskIds")
    assert failure.value.code == 600 and "taskIds" in failure.value.message
    assert params.id_list({"taskIds": 5}, "taskIds", allow_scalar=True) == [5]
    with pytest.raises(SandboxRequestError):
        params.string_list({"labels": "a"}, "labels")
