import os

import pytest

from rayvision_sync.exception import UnsafePathError
from rayvision_sync.paths import local_destination, relative_components, storage_path


@pytest.mark.parametrize("given,expected", [
    ("18164087_muti_layer_test/l_ayer2", "/18164087_muti_layer_test/l_ayer2"),
    ("/a/b/", "/a/b"), ("", "/"), ("/", "/"), ("\\D\\proj\\a.png", "/D/proj/a.png"),
    ("a//./b", "/a/b")])
def test_storage_path(given, expected):
    assert storage_path(given) == expected


def test_keep_path_true_and_false(tmp_path):
    root = str(tmp_path)
    assert local_destination(root, "/19001_shot/l1/a.png", "19001_shot", True) == \
        os.path.join(root, "19001_shot", "l1", "a.png")
    assert local_destination(root, "/19001_shot/l1/a.png", "19001_shot", False) == \
        os.path.join(root, "l1", "a.png")
    assert local_destination(root, "/19001_shot/l1/a.png", "/19001_shot/l1", False) == \
        os.path.join(root, "a.png")
    # A file asked for by its own path.
    assert local_destination(root, "/19001_shot/l1/a.png", "/19001_shot/l1/a.png", False) \
        == os.path.join(root, "a.png")
    assert local_destination(root, "/19001_shot/l1/a.png", "/19001_shot/l1/a.png", True) \
        == os.path.join(root, "19001_shot", "l1", "a.png")


@pytest.mark.parametrize("name", [
    "/out/../../etc/passwd", "/out/l1/../../x", "/etc/passwd", "out/a.png", "/out//a.png",
    "/out/C:/Windows/x.dll", "/out/C:x", "/out/..\\..\\x", "/out/l1\\..\\..\\x",
    "/out/\\\\server\\share\\x", "/out/a\x00b", "/out/./a"])
def test_escaping_names_are_refused(tmp_path, name):
    with pytest.raises(UnsafePathError):
        local_destination(str(tmp_path), name, "/out", True)


def test_name_outside_requested_folder(tmp_path):
    with pytest.raises(UnsafePathError, match="outside the requested folder"):
        relative_components("/other/a.png", "/out")
    with pytest.raises(UnsafePathError):
        relative_components("/outside/a.png", "/out")


def test_upload_json_with_dot_dot_server_path_is_refused(tmp_path):
    import json

    from rayvision_sync.upload import read_upload_json

    upload = tmp_path / "upload.json"
    upload.write_text(json.dumps({"asset": [
        {"local": "D:/p/a.png", "server": "/D/p/a.png"},
        {"local": "D:/p/sub/../../x.png", "server": "/D/p/sub/../../x.png"}]}))
    with pytest.raises(UnsafePathError, match=r"asset\[1\].*'\.\.'"):
        read_upload_json(str(upload))
