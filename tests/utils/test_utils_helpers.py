import hashlib
import os
import threading

import pytest

from rayvision_utils import constants, utils, workspace
from rayvision_utils.exception.exception import RayvisionArgumentError
from rayvision_utils.results import AnalysisFiles, build_upload, upload_entry


def test_constants_are_api_templates():
    import rayvision_api.constants as api_constants
    assert constants.TASK_INFO is api_constants.TASK_INFO
    assert constants.CG_SETTING["Maya"] == "2000"
    assert constants.PACKAGE_NAME == "rayvision_utils"


def test_json_load_raises_for_missing(tmp_path):
    with pytest.raises(IOError) as info:
        utils.json_load(str(tmp_path / "nope.json"))
    assert "nope.json" in str(info.value)


def test_json_save_and_load_round_trip(tmp_path):
    path = str(tmp_path / "a.json")
    utils.json_save(path, {"k": "中"}, ensure_ascii=False)
    assert utils.json_load(path) == {"k": "中"}


def test_chinese_detection_and_decoding():
    assert utils.check_contain_chinese("D:/场景/a.ma")
    assert utils.check_contain_chinese("D:/场景".encode())
    assert not utils.check_contain_chinese("D:/scene/a.ma")
    assert utils.str2unicode("场景".encode("gbk")) == "场景"
    assert utils.str2unicode(b"\xff\xfe\xfa") is not None
    assert utils.str2unicode("text") == "text"


def test_md5(tmp_path):
    path = tmp_path / "f.bin"
    data = os.urandom(50000)
    path.write_bytes(data)
    assert utils.get_file_md5(str(path)) == hashlib.md5(data).hexdigest()
    assert utils.get_file_md5(str(tmp_path / "missing")) == "d41d8cd98f00b204e9800998ecf8427e"


def test_default_workspace():
    assert workspace.default_workspace({"HOME": "/home/u"}, "linux") == (
        "/home/u/renderfarm_sdk")
    assert workspace.default_workspace({"USERPROFILE": "C:\\Users\\u"}, "win32") == (
        "C:\\Users\\u\\renderfarm_sdk")
    # macOS is not Windows (the original's 'win' in 'darwin' mistake).
    assert workspace.default_workspace({"HOME": "/Users/u"}, "darwin") == (
        "/Users/u/renderfarm_sdk")


def test_check_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    absent = tmp_path / "absent" / "deeper"
    assert workspace.check_workspace(str(absent)) == str(absent)
    assert absent.is_dir()  # created for the newcomer, not refused
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(RayvisionArgumentError) as info:
        workspace.check_workspace(str(a_file))
    assert "a-file" in str(info.value) and "not a folder" in str(info.value)
    assert workspace.check_workspace(str(tmp_path)) == str(tmp_path)
    if not os.sys.platform.startswith("win"):
        assert workspace.check_workspace(None) == os.path.join(str(tmp_path), "renderfarm_sdk")


def test_unique_folders_same_second(tmp_path):
    first = workspace.make_unique_folder(str(tmp_path), "1700000000")
    second = workspace.make_unique_folder(str(tmp_path), "1700000000")
    assert first != second
    assert os.path.basename(second) == "1700000000_1"


def test_unique_folders_concurrent(tmp_path):
    results = []
    lock = threading.Lock()

    def claim():
        folder = workspace.make_unique_folder(str(tmp_path), "stamp")
        with lock:
            results.append(folder)

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 16
    assert all(os.path.isdir(folder) for folder in results)


def test_make_analysis_workspace_default_timestamp(tmp_path):
    folder = workspace.make_analysis_workspace(str(tmp_path))
    assert os.path.dirname(folder) == str(tmp_path)
    assert os.path.basename(folder).isdigit()


def test_analysis_files(tmp_path):
    files = AnalysisFiles(str(tmp_path))
    assert files.as_dict()["upload_json"] == os.path.join(str(tmp_path), "upload.json")


def test_upload_entry_windows_and_unc():
    assert upload_entry("D:\\proj\\tex.png") == {"local": "D:/proj/tex.png",
                                                 "server": "/D/proj/tex.png"}
    assert upload_entry("\\\\srv\\share\\a.exr")["server"] == "/srv/share/a.exr"
    assert upload_entry("/mnt/x/a.exr")["server"] == "/mnt/x/a.exr"


def test_build_upload(tmp_path):
    scene = tmp_path / "s.ma"
    scene.write_bytes(b"abc")
    scene_path = str(scene)
    upload = build_upload(scene_path, ["/a/b.png", "\\a\\b.png", scene_path, "D:\\t.png"])
    assert upload["scene"][0]["hash"] == hashlib.md5(b"abc").hexdigest()
    locals_ = [entry["local"] for entry in upload["asset"]]
    assert locals_ == ["/a/b.png", "D:/t.png", scene_path.replace("\\", "/")]
    assert "hash" not in upload["asset"][-1]


def test_build_upload_entries_are_upload_entries():
    # Each distinct path (after normalisation) once, as upload_entry writes it, in order.
    paths = ["D:\\p\\sub\\..\\t.png", "D:/p/t.png", "\\\\srv\\share\\a.png", "//srv/share/a.png",
             "/mnt/p/./x.abc", "/mnt/p/x.abc", "rel/a.tx", "/mnt//p/y.abc", "C:\\", "/mnt/p/x.abc"]
    upload = build_upload("/mnt/p/s.hip", paths, scene_hash="0" * 32)
    expected = []
    for path in paths:
        entry = upload_entry(path)
        if entry not in expected:
            expected.append(entry)
    assert upload["asset"] == expected + [upload_entry("/mnt/p/s.hip")]
    assert upload["scene"] == [dict(upload_entry("/mnt/p/s.hip"), hash="0" * 32)]
