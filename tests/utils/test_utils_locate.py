import os
import stat

from rayvision_utils import locate


class FakeWinreg(object):
    """A winreg stand-in: tree of dicts {name: subtree or value}."""

    HKEY_LOCAL_MACHINE = "HKLM"
    KEY_READ = 0x20019
    KEY_WOW64_64KEY = 0x100

    def __init__(self, tree):
        self.tree = tree
        self.opened = []

    def OpenKey(self, root, path, reserved, access):
        node = self.tree.get(root, {})
        for part in path.split("\\"):
            if not isinstance(node, dict) or part not in node:
                raise OSError("no key")
            node = node[part]
        self.opened.append(access)
        return node

    def QueryValueEx(self, key, name):
        if name not in key or isinstance(key[name], dict):
            raise OSError("no value")
        return key[name], 1

    def EnumKey(self, key, index):
        names = [k for k, v in key.items() if isinstance(v, dict)]
        if index >= len(names):
            raise OSError("done")
        return names[index]

    def CloseKey(self, key):
        pass


TREE = {"HKLM": {"SOFTWARE": {"Autodesk": {"Maya": {
    "2018": {"Setup": {"InstallPath": {"MAYA_INSTALL_LOCATION": "C:\\Maya2018\\"}}},
    "2019": {},
}}}}}


def test_registry_value_and_subkeys():
    reg = FakeWinreg(TREE)
    assert locate.registry_value("SOFTWARE\\Autodesk\\Maya\\2018\\Setup\\InstallPath",
                                 "MAYA_INSTALL_LOCATION", reg=reg) == "C:\\Maya2018\\"
    # read-only, 64-bit view first
    assert reg.opened[0] == FakeWinreg.KEY_READ | FakeWinreg.KEY_WOW64_64KEY
    assert locate.registry_value("SOFTWARE\\Autodesk\\Maya\\2017", "x", reg=reg) is None
    assert locate.registry_value("SOFTWARE\\Autodesk\\Maya\\2018\\Setup\\InstallPath",
                                 "OTHER", reg=reg) is None
    assert sorted(locate.registry_subkeys("SOFTWARE\\Autodesk\\Maya", reg=reg)) == [
        "2018", "2019"]
    assert locate.registry_subkeys("SOFTWARE\\Nope", reg=reg) == []


def test_no_registry_off_windows(monkeypatch):
    monkeypatch.setattr(locate, "_WINREG", None)
    assert locate.registry_value("SOFTWARE\\x", "y") is None
    assert locate.registry_subkeys("SOFTWARE\\x") == []


def test_file_helpers(tmp_path, monkeypatch):
    exe = tmp_path / "bin" / "maya"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    assert locate.exe_path_from_location(str(tmp_path), "bin", "maya") == str(exe)
    assert locate.exe_path_from_location(None, "bin", "maya") is None
    assert locate.exe_path_from_location(str(tmp_path), "bin", "nope") is None
    assert locate.first_existing_file([None, str(tmp_path / "x"), str(exe)]) == str(exe)
    assert locate.first_existing_file([]) is None
    assert locate.find_on_path(["nope", "maya"], path=str(exe.parent)) == str(exe)
    monkeypatch.setenv("RV_TEST_EXE", str(exe))
    assert locate.env_override("RV_TEST_EXE") == str(exe)
    monkeypatch.setenv("RV_TEST_EXE", os.path.join(str(tmp_path), "missing"))
    assert locate.env_override("RV_TEST_EXE") is None
