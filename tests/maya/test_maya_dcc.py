"""The DCC backend end to end: AnalyzeMaya runs a stand-in Maya executable."""

import json
import os

import pytest

from rayvision_maya import analyze_maya, constants
from rayvision_maya.analyze_maya import SCRIPT_DIR, AnalyzeMaya
from rayvision_utils.exception.exception import AnalyseFailError, CGExeNotExistError


def slash(path):
    return str(path).replace(os.sep, "/")


@pytest.fixture
def scene_file(fake_scene, tmp_path, monkeypatch):
    path = tmp_path / "fake_scene.json"
    path.write_text(json.dumps(fake_scene))
    monkeypatch.setenv("FAKE_MAYA_SCENE", str(path))
    return path


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def make(project, workspace, **kwargs):
    args = dict(cg_file=str(project / "scenes" / "legacy_layers.ma"), software_version="2018",
                project_name="P1", plugin_config={}, workspace=workspace, local_os="linux")
    args.update(kwargs)
    return AnalyzeMaya(**args)


def test_linux_contract_end_to_end(project, workspace, maya_standin, scene_file):
    exe = maya_standin("maya")
    maya = make(project, workspace, custom_exe_path=exe)
    command = maya.build_dcc_command(exe)
    options_json = slash(os.path.join(maya.workspace, "options.json"))
    script_dir = slash(SCRIPT_DIR)
    assert command == [exe, "-batch", "-command", (
        'python "channel,options_json=\'api\',\'%s\';import sys;'
        'sys.path.insert(0, \'%s\');execfile(\'%s/temp.py\')"') % (
            options_json, script_dir, script_dir)]
    options = load(options_json)
    assert list(options) == ["cg_file", "task_json", "asset_json", "tips_json", "cg_project",
                             "cg_plugins", "cg_version", "user_id", "channel"]
    assert options["cg_project"] == slash(project)
    assert (options["user_id"], options["channel"]) == ("0", "api")

    maya.analyse()
    assert maya.backend_used == "dcc"
    root = slash(project)
    task = load(maya.task_json)
    assert task["task_info"]["cg_id"] == "2000"
    assert set(task["scene_info"]) == {"defaultRenderLayer", "layer1", "layer2"}
    assert task["scene_info_render"] == task["scene_info"]
    assert task["scene_info"]["layer1"]["common"]["frames"] == "1-48[2]"
    assert task["software_config"]["plugins"] == {"mtoa": "3.1.2.1"}
    tips = load(maya.tips_json)
    assert tips == {"10012": ["D:/tex/gone.png"], "10018": [root + "/cache/lost.abc"],
                    "10025": ["D:/library/lost.ma"]}
    locals_ = [entry["local"] for entry in load(maya.upload_json)["asset"]]
    for name in ("sourceimages/wood.png", "sourceimages/cloth.1001.exr",
                 "sourceimages/cloth.1011.exr", "sourceimages/flip/flip.0002.jpg",
                 "cache/anim.abc", "cache/nCache/clothShape.xml",
                 "cache/nCache/clothShapeFrame2.mcx", "refs/char.ma", "data/settings.json"):
        assert root + "/" + name in locals_, name
    assert locals_[-1] == slash(maya.cg_file)
    # same asset.json shape as the static backend
    entry = [item for item in load(maya.asset_json)["asset"] if item["node"] == "wood"][0]
    assert entry["path"] == [root + "/sourceimages/wood.png"] and entry["missing"] is False


def test_windows_contract(project, workspace, maya_standin, scene_file):
    exe = maya_standin("mayabatch.exe")
    maya = make(project, workspace, custom_exe_path=exe, local_os="windows")
    command = maya.build_dcc_command(exe)
    assert command[:2] == [exe, "-command"]
    mel = command[2]
    assert mel.startswith('python "options={') and mel.endswith(
        'import Analyze;reload(Analyze);Analyze.analyze_maya(options)"')
    assert "'cg_file': '%s'" % slash(maya.cg_file) in mel
    assert not os.path.exists(os.path.join(maya.workspace, "options.json"))
    maya.analyse()
    assert maya.task_info["task_info"]["os_name"] == "1"
    assert set(maya.task_info["scene_info"]) == {"defaultRenderLayer", "layer1", "layer2"}


def test_python3_maya_commands(project, workspace, maya_standin, tmp_path):
    scene = tmp_path / "s2022.ma"
    scene.write_bytes(b'//Maya ASCII 2022 scene\nfileInfo "product" "Maya 2022";\n')
    exe = maya_standin("maya")
    maya = AnalyzeMaya(str(scene), "2022", "P1", {}, workspace=workspace, local_os="linux")
    assert "exec(open(" in maya.build_dcc_command(exe)[3]
    assert "from importlib import reload;" in maya.build_dcc_command(exe + ".exe")[2]


def test_paths_with_quotes_and_dollars(project, workspace, maya_standin, scene_file,
                                           tmp_path):
    odd = tmp_path / 'we"ird $HOME dir'"'x'"
    odd.mkdir()
    scene = odd / "legacy_layers.ma"
    scene.write_bytes((project / "scenes" / "legacy_layers.ma").read_bytes())
    exe = maya_standin("maya")
    maya = AnalyzeMaya(str(scene), "2018", "P1", {}, workspace=workspace, local_os="linux",
                       custom_exe_path=exe, input_project_path=str(project)).analyse()
    assert maya.backend_used == "dcc"
    assert maya.upload_info["scene"][0]["local"] == slash(scene)


def test_script_failure(project, workspace, maya_standin, fake_scene, tmp_path, monkeypatch):
    fake_scene["fail_open"] = True
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(fake_scene))
    monkeypatch.setenv("FAKE_MAYA_SCENE", str(path))
    maya = make(project, workspace, custom_exe_path=maya_standin())
    with pytest.raises(AnalyseFailError) as info:
        maya.analyse()
    assert "could not open" in str(info.value)
    assert "999" in load(maya.tips_json)


def test_exit_code(project, workspace, maya_standin, scene_file, monkeypatch):
    monkeypatch.setenv("FAKE_MAYA_EXIT", "7")
    maya = make(project, workspace, custom_exe_path=maya_standin())
    with pytest.raises(AnalyseFailError) as info:
        maya.analyse()
    assert "exit code 7" in str(info.value)
    assert load(maya.tips_json) == {"999": [""]}


def test_forced_dcc_without_maya(project, workspace, monkeypatch):
    monkeypatch.setattr(AnalyzeMaya, "find_dcc_executable", lambda self, reg=None: None)
    maya = make(project, workspace, backend="dcc")
    with pytest.raises(CGExeNotExistError) as info:
        maya.analyse()
    assert str(info.value).startswith("Maya software of scene has not been found: ")
    assert "Maya 2018" in str(info.value) and "custom_exe_path" in str(info.value)
    assert maya.tips_info == {"15019": ["Maya 2018"]}
    with pytest.raises(CGExeNotExistError):
        maya.find_location()


def test_auto_falls_back_to_static(project, workspace, monkeypatch):
    monkeypatch.setattr(AnalyzeMaya, "find_dcc_executable", lambda self, reg=None: None)
    assert make(project, workspace).analyse().backend_used == "static"


def test_static_forced_even_with_maya(project, workspace, maya_standin):
    maya = make(project, workspace, custom_exe_path=maya_standin(), backend="static")
    assert maya.analyse().backend_used == "static"


def test_analyse_cg_file(project, workspace, maya_standin):
    exe = maya_standin()
    assert make(project, workspace, custom_exe_path=exe).analyse_cg_file() == exe
    assert make(project, workspace, custom_exe_path=exe).find_location() == exe


class FakeWinreg(object):
    HKEY_LOCAL_MACHINE = "HKLM"
    KEY_READ = 0x20019
    KEY_WOW64_64KEY = 0x100

    def __init__(self, values):
        self.values = values

    def OpenKey(self, root, path, reserved, access):
        if path not in self.values:
            raise OSError(path)
        return path

    def QueryValueEx(self, key, name):
        return self.values[key][name], 1

    def CloseKey(self, key):
        pass


def test_registry_discovery(project, workspace, tmp_path):
    install = tmp_path / "Maya2018.5"
    (install / "bin").mkdir(parents=True)
    (install / "bin" / "mayabatch.exe").write_text("")
    reg = FakeWinreg({r"SOFTWARE\Autodesk\Maya\2018.5\Setup\InstallPath": {
        "MAYA_INSTALL_LOCATION": str(install)}})
    maya = make(project, workspace)
    assert maya.location_from_reg("2018", reg=reg) == str(install)
    assert maya.find_dcc_executable(reg=reg) == os.path.join(str(install), "bin",
                                                             "mayabatch.exe")
    assert maya.find_dcc_executable(reg=FakeWinreg({})) is None


def test_linux_install_paths(project, workspace, tmp_path, monkeypatch):
    exe = tmp_path / "usr" / "autodesk" / "maya2018-x64" / "bin" / "maya"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    templates = tuple(str(tmp_path) + t for t in constants.LINUX_EXE_TEMPLATES)
    monkeypatch.setattr(constants, "LINUX_EXE_TEMPLATES", templates)
    monkeypatch.setattr(analyze_maya.sys, "platform", "linux")
    assert make(project, workspace).find_dcc_executable() == str(exe)
    assert templates[2].endswith("/usr/autodesk/maya{v}-x64/bin/maya")
