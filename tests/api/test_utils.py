import json
import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rayvision_api import utils
from rayvision_api.exception import RayvisionArgumentError, RayvisionError


@pytest.mark.parametrize("local, server", [
    ("D:/work/a.jpg", "/D/work/a.jpg"),
    ("D:\\work\\a.jpg", "/D/work/a.jpg"),
    ("d:\\work\\render\\x.ma", "/d/work/render/x.ma"),
    ("//pipeline/test/path", "/pipeline/test/path"),
    ("\\\\server\\share\\a.jpg", "/server/share/a.jpg"),
    ("/home/user/a.jpg", "/home/user/a.jpg"),
    ("/mnt/x", "/mnt/x"),
    ("relative/a.jpg", "/relative/a.jpg"),
    ("C:", "/C"),
    ("C:\\", "/C"),
    ("D:\\proj\\tex ü 中文.png", "/D/proj/tex ü 中文.png"),
    ("D:\\a\\\\b", "/D/a/b"),
    ("a", "/a"),
])
def test_convert_path(local, server):
    assert utils.convert_path(local) == server


def _plain_convert(path):
    """convert_path's rule without its shortcut for clean POSIX paths."""
    path = path.replace("\\", "/")
    drive = re.match(r"^([A-Za-z]):(?:[\\/]|$)", path)
    if drive:
        rest = path[2:].lstrip("/")
        converted = "/{0}/{1}".format(drive.group(1), rest) if rest else "/" + drive.group(1)
    else:
        converted = "/" + path.lstrip("/")
    return re.sub("/{2,}", "/", converted)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["/", "\\", "//", "D:", "c:", "a", ".", " ", "\u4e2d"]),
                min_size=1, max_size=8).map("".join))
def test_convert_path_shortcut_is_the_rule(path):
    assert utils.convert_path(path) == _plain_convert(path)


@pytest.mark.parametrize("bad", ["", None, 5, b"D:/x"])
def test_convert_path_rejects(bad):
    with pytest.raises(RayvisionArgumentError, match="path"):
        utils.convert_path(bad)


def test_json_load_and_save_round_trip(tmp_path):
    path = str(tmp_path / "a.json")
    assert utils.json_load(path) is None
    utils.json_save(path, {"b": "中文", "a": [1]})
    text = open(path, encoding="utf-8").read()
    assert "\\u4e2d" in text and text.startswith("{\n  ")
    assert utils.json_load(path) == {"b": "中文", "a": [1]}
    utils.json_save(path, {"x": "中"}, ensure_ascii=False)
    assert "中" in open(path, encoding="utf-8").read()
    assert os.listdir(str(tmp_path)) == ["a.json"]  # no temp file left behind


def test_json_save_to_directory_raises(tmp_path):
    with pytest.raises(IOError):
        utils.json_save(str(tmp_path), {})


def test_json_save_failure_keeps_the_old_file(tmp_path):
    path = str(tmp_path / "a.json")
    utils.json_save(path, {"old": 1})
    with pytest.raises(TypeError):
        utils.json_save(path, {"new": object()})
    assert utils.json_load(path) == {"old": 1}
    assert os.listdir(str(tmp_path)) == ["a.json"]


def test_json_load_invalid_names_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(RayvisionError, match="bad.json"):
        utils.json_load(str(path))


def test_json_load_invalid_is_still_a_value_error(tmp_path):
    # The original let json's ValueError through: scripts catch that.
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="bad.json") as info:
        utils.json_load(str(path))
    assert info.value.error_code == 1000005


def test_exists_or_create_and_check_and_read(tmp_path):
    folder = str(tmp_path / "x" / "y")
    assert utils.exists_or_create(folder) is False
    assert utils.exists_or_create(folder) is True
    with pytest.raises(RayvisionError) as info:
        utils.check_and_read(str(tmp_path / "none.json"))
    assert info.value.error_code == 1000004


def make_task(tmp_path):
    path = str(tmp_path / "task.json")
    utils.json_save(path, {"task_info": {"pre_frames": "000", "task_id": ""}})
    return path


def test_update_task_info(tmp_path):
    path = make_task(tmp_path)
    utils.update_task_info({"pre_frames": "100", "task_id": 5}, path)
    assert utils.json_load(path)["task_info"] == {"pre_frames": "100", "task_id": 5}


def test_update_task_info_unknown_key_changes_nothing(tmp_path):
    path = make_task(tmp_path)
    with pytest.raises(RayvisionError) as info:
        utils.update_task_info({"pre_frames": "1", "nope": 1}, path)
    assert info.value.error_code == 1000002 and "nope" in info.value.error
    assert utils.json_load(path)["task_info"]["pre_frames"] == "000"
    with pytest.raises(RayvisionArgumentError):
        utils.update_task_info("pre_frames=1", path)


def test_append_to_task(tmp_path):
    path = make_task(tmp_path)
    utils.append_to_task({"a": 1}, path)
    utils.append_to_task({"b": 2}, path, cover=False)  # new keys are added (original bug fixed)
    utils.append_to_task({"a": 3}, path)
    assert utils.json_load(path)["additional_info"] == {"a": 3, "b": 2}
    with pytest.raises(RayvisionError, match="a already exists"):
        utils.append_to_task({"a": 4}, path, cover=False)
    assert utils.json_load(path)["additional_info"]["a"] == 3


def test_append_to_upload(tmp_path):
    upload = str(tmp_path / "upload.json")
    utils.json_save(upload, {"asset": []})
    tex = tmp_path / "tex.png"
    tex.write_bytes(b"x")
    other = tmp_path / "o.abc"
    other.write_bytes(b"y")
    utils.append_to_upload(str(tex), upload)
    utils.append_to_upload([str(tex), str(other)], upload)
    assets = utils.json_load(upload)["asset"]
    assert [a["local"] for a in assets] == [str(tex), str(other)]
    assert assets[0]["server"] == str(tex)  # POSIX absolute path kept
    assert utils.check_upload_file(str(tex), utils.json_load(upload))
    assert not utils.check_upload_file(str(tmp_path / "z"), utils.json_load(upload))


def test_append_to_upload_errors_leave_the_file_unchanged(tmp_path):
    upload = str(tmp_path / "upload.json")
    utils.json_save(upload, {"asset": []})
    good = tmp_path / "g.png"
    good.write_bytes(b"x")
    with pytest.raises(RayvisionError) as info:
        utils.append_to_upload([str(good), str(tmp_path / "missing.png")], upload)
    assert info.value.error_code == 1000004 and "missing.png" in info.value.error
    assert utils.json_load(upload) == {"asset": []}
    with pytest.raises(RayvisionError) as info:
        utils.append_to_upload(5, upload)
    assert info.value.error_code == 1000003


def test_get_os():
    assert utils.get_os() in ("linux", "windows", "darwin")


def test_json_files_written_are_valid_json(tmp_path):
    path = str(tmp_path / "t.json")
    utils.json_save(path, {"k": [1, 2]}, indent=4)
    assert json.loads(open(path).read()) == {"k": [1, 2]}


def test_atomic_writes_keep_the_usual_mode_unless_private(tmp_path):
    import stat as stat_module

    from rayvision_api.atomic import write_text_atomic

    mask = os.umask(0o022)
    try:
        shared, secret = str(tmp_path / "task.json"), str(tmp_path / "profiles.ini")
        write_text_atomic(shared, "{}\n")
        write_text_atomic(secret, "key = x\n", private=True, durable=True)
    finally:
        os.umask(mask)
    # A json file others in the studio read is not made owner-only by the temporary file.
    assert stat_module.S_IMODE(os.stat(shared).st_mode) == 0o644
    assert stat_module.S_IMODE(os.stat(secret).st_mode) == 0o600
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(shared, "\udc80", encoding="utf-8")
    with open(shared) as handle:
        assert handle.read() == "{}\n"
    assert sorted(os.listdir(str(tmp_path))) == ["profiles.ini", "task.json"]
