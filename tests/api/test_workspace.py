import os
import threading

from rayvision_api.workspace import default_workspace, join_like, make_unique_folder


def test_default_workspace_per_platform():
    assert default_workspace({"USERPROFILE": "C:\\Users\\u"}, "win32") == (
        "C:\\Users\\u\\renderfarm_sdk")
    assert default_workspace({"HOME": "/home/u/"}, "linux") == "/home/u/renderfarm_sdk"
    # darwin is not Windows (the original's "'win' in platform" said it was).
    assert default_workspace({"HOME": "/Users/u", "USERPROFILE": "X"}, "darwin") == (
        "/Users/u/renderfarm_sdk")
    # local_os='windows' on a Linux box: no USERPROFILE, HOME is used, POSIX separators kept.
    assert default_workspace({"HOME": "/home/u"}, "windows") == "/home/u/renderfarm_sdk"
    assert default_workspace({}, "linux") == os.path.join(os.path.expanduser("~"),
                                                           "renderfarm_sdk")


def test_join_like_keeps_the_separator_style():
    assert join_like("D:\\db", "db", "1.db") == "D:\\db\\db\\1.db"
    assert join_like("\\\\srv\\share", "x") == "\\\\srv\\share\\x"
    assert join_like("/mnt/db", "x") == "/mnt/db/x"


def test_unique_folders_never_collide(tmp_path):
    made = []
    lock = threading.Lock()

    def claim():
        folder = make_unique_folder(str(tmp_path / "ws"), "1700000000")
        with lock:
            made.append(folder)

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 16
    assert sorted(os.listdir(str(tmp_path / "ws")))[:2] == ["1700000000", "1700000000_1"]
