"""The hython backend, run for real: a stand-in executable runs dcc/HfsBase.py with a fake hou."""

import json
import os
import sqlite3
import sys
import time

import pytest

from helpers.cancelling import CANCEL_BOUND, Canceller, wait_gone
from rayvision_api.cancel import CancelToken
from rayvision_api.exception import (
    AnalyseFailError,
    CGExeNotExistError,
    RayvisionCancelledError,
    VersionNotMatchError,
)
from rayvision_houdini.analyze_houdini import HFS_BASE_SCRIPT, AnalyzeHoudini


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def dcc_scene(tmp_path, kit, monkeypatch):
    monkeypatch.delenv("RAYVISION_HOUDINI", raising=False)
    monkeypatch.delenv("RAYVISION_HYTHON", raising=False)
    monkeypatch.delenv("JOB", raising=False)
    hip = tmp_path / "proj"
    hip.mkdir()
    job = tmp_path / "job"
    for rel in ("geo/box.0001.bgeo.sc", "geo/box.0002.bgeo.sc", "otls/tool.hda",
                "render/x.0001.exr"):
        kit.touch(str(hip / rel))
    kit.touch(str(job / "anim.abc"))
    builder = kit.HipBuilder(save_version="18.0.5")
    builder.node("/out/mantra1", "ifd", {"f": ["1", "24", "1"]})
    scene = builder.write(str(hip / "shot.hip"))
    hip_s = str(hip).replace("\\", "/")
    description = {
        "variables": {"JOB": str(job).replace("\\", "/")},
        "playback": [1, 100],
        "nodes": [
            {"path": "/obj/cam1", "type": "cam", "category": "Object",
             "tuples": {"res": [1920, 1080]}},
            {"path": "/obj/geo1", "type": "geo", "category": "Object"},
            {"path": "/obj/geo1/file1", "type": "file", "parms": {"filemode": 1}},
            {"path": "/obj/geo1/abc", "type": "alembic"},
            {"path": "/out/mantra1", "type": "ifd", "tuples": {"f": [1, 24, 1]},
             "parms": {"camera": "/obj/cam1"}},
            {"path": "/out/karma1", "type": "karma", "bypass": True,
             "tuples": {"f": [5, 10, 0]}, "parms": {"camera": "/obj/nope"}},
            {"path": "/out/ris1", "type": "ris::22", "tuples": {"f": [1, 2, 1],
                                                                 "res_override": [320, 240]},
             "parms": {"camera": "/obj/cam1", "override_camerares": 1}},
            {"path": "/out/geometry1", "type": "geometry", "tuples": {"f": [1, 12, 1]},
             "parms": {"sopoutput": "$HIP/out/geo.$F4.bgeo.sc"}},
            {"path": "/out/hq1", "type": "hq_sim", "tuples": {"f": [1, 12, 1],
                                                              "slicediv": [2, 1, 2]},
             "parms": {"slice_type": 0, "num_slices": 4, "hq_driver": "/out/geometry1"}},
            {"path": "/obj/geo1/cache", "type": "filecache", "tuples": {"f": [1, 3, 1]},
             "parms": {"loadfromdisk": 0}},
        ],
        "file_references": [
            ["/obj/geo1/file1/file", "$HIP/geo/box.$F4.bgeo.sc"],
            ["/obj/geo1/abc/fileName", "$JOB/anim.abc"],
            ["/out/mantra1/vm_picture", "$HIP/render/x.$F4.exr"],
            ["/obj/geo1/file1/missing", "/nowhere/gone.bgeo"],
            [None, "$HIP/unowned.bgeo"],
        ],
        "hda_files": [hip_s + "/otls/tool.hda", "Embedded"],
    }
    description_path = tmp_path / "fake_scene.json"
    description_path.write_text(json.dumps(description))
    monkeypatch.setenv("FAKE_HOU_SCENE", str(description_path))
    monkeypatch.setenv("FAKE_DCC_ARGV_LOG", str(tmp_path / "argv.json"))
    monkeypatch.setenv("FAKE_HOU_CALL_LOG", str(tmp_path / "calls.json"))
    return {"scene": scene, "hip": hip_s, "job": str(job).replace("\\", "/"),
            "tmp": tmp_path, "description": description_path}


def _analyzer(dcc_scene, exe, workspace, version="18.0.5", **kwargs):
    return AnalyzeHoudini(dcc_scene["scene"], version, project_name="P", workspace=workspace,
                          custom_exe_path=exe, custom_db_path=str(dcc_scene["tmp"] / "db"),
                          **kwargs)


def test_dcc_backend_end_to_end(dcc_scene, kit, workspace, interpreter):
    exe = kit.write_stand_in(dcc_scene["tmp"], interpreter)
    analyzer = _analyzer(dcc_scene, exe, workspace, version="17.5.293").analyse()
    assert analyzer.backend_used == "dcc"

    argv = _load(str(dcc_scene["tmp"] / "argv.json"))
    assert argv[1:] == [
        HFS_BASE_SCRIPT, "-project", dcc_scene["scene"],
        "-task", analyzer.task_json, "-asset", analyzer.asset_json,
        "-tips", analyzer.tips_json, "-success",
        os.path.join(analyzer.workspace, "analyze_sucess"),
        "-db", str(dcc_scene["tmp"] / "db")]

    calls = _load(str(dcc_scene["tmp"] / "calls.json"))
    assert ["setSimulationEnabled", False] in calls
    assert ["setUpdateMode", "Manual"] in calls
    assert ["hipFile.load", dcc_scene["scene"], True, True] in calls
    assert ["hscript", 'setenv HIP = "{0}"'.format(dcc_scene["hip"])] in calls

    task = _load(analyzer.task_json)
    info = task["scene_info_render"]
    assert info == task["scene_info"]
    rops = {entry["node"]: entry for entry in info["rop_node"]}
    assert rops["/out/mantra1"] == {"node": "/out/mantra1", "frames": "1-24[1]",
                                    "camera": "/obj/cam1", "width": "1920", "height": "1080",
                                    "option": "-1", "render": "1"}
    assert rops["/out/karma1"]["render"] == "0"
    assert rops["/out/karma1"]["frames"] == "5-10[1]"
    assert (rops["/out/ris1"]["width"], rops["/out/ris1"]["height"]) == ("320", "240")
    geos = [entry["node"] for entry in info["geo_node"]]
    assert geos == ["/out/geometry1", "/obj/geo1/cache"]
    assert info["distributedsim_node"][0]["slicediv"] == "2 1 2"
    assert info["distributedsim_node"][0]["output_file"] == "$HIP/out/geo.$F4.bgeo.sc"
    assert task["task_info"]["project_name"] == "P"

    asset = _load(analyzer.asset_json)
    assert asset["Normal"]["/obj/geo1/file1/file"][1] == [
        dcc_scene["hip"] + "/geo/box.0001.bgeo.sc", dcc_scene["hip"] + "/geo/box.0002.bgeo.sc"]
    assert asset["Normal"]["/obj/geo1/abc/fileName"][1] == [dcc_scene["job"] + "/anim.abc"]
    assert asset["Normal"]["/.OPlibraries/0"][1] == [dcc_scene["hip"] + "/otls/tool.hda"]
    assert "/out/mantra1/vm_picture" not in json.dumps(asset)
    assert asset["Miss"]["/obj/geo1/file1/missing"][1] == ["/nowhere/gone.bgeo"]
    assert asset["camera"]["/out/karma1"]["error"] == "camera not found"

    tips = _load(analyzer.tips_json)
    assert tips["15013"] == ["Houdini 17.5.293"]          # from prepare(), kept after the run
    assert tips["50002"] == ["/out/karma1: render camera /obj/nope does not exist"]
    assert tips["50001"] == ["/nowhere/gone.bgeo"]

    upload = _load(analyzer.upload_json)
    locals_ = [entry["local"] for entry in upload["asset"]]
    assert dcc_scene["hip"] + "/geo/box.0002.bgeo.sc" in locals_
    assert dcc_scene["hip"] + "/render/x.0001.exr" not in locals_
    assert locals_[-1] == dcc_scene["scene"].replace("\\", "/")

    with open(os.path.join(analyzer.workspace, "analyze_sucess")) as handle:
        assert handle.read() == "{'is_success': 1}"
    connection = sqlite3.connect(str(dcc_scene["tmp"] / "db" / "data_tl.db"))
    types = dict(connection.execute("SELECT TYPES, INFO FROM ReFerType").fetchall())
    connection.close()
    assert types["fileName"] == "alembic"
    assert "vm_picture" not in types


def test_dcc_failure_exit_code(dcc_scene, kit, workspace):
    exe = kit.write_stand_in(dcc_scene["tmp"], _python(), exit_code=3)
    analyzer = _analyzer(dcc_scene, exe, workspace)
    with pytest.raises(AnalyseFailError) as caught:
        analyzer.analyse()
    assert "exit code 3" in str(caught.value)
    assert "stand-in failing on purpose" in str(caught.value)
    assert _load(analyzer.tips_json)["999"] == [""]


def test_dcc_scene_that_houdini_cannot_load(dcc_scene, kit, workspace):
    description = _load(str(dcc_scene["description"]))
    description["fail_load"] = True
    dcc_scene["description"].write_text(json.dumps(description))
    exe = kit.write_stand_in(dcc_scene["tmp"], _python())
    analyzer = _analyzer(dcc_scene, exe, workspace)
    with pytest.raises(AnalyseFailError) as caught:
        analyzer.analyse()
    assert "Houdini error: cannot load" in str(caught.value)


def test_dcc_backend_required_but_not_found(dcc_scene, workspace, monkeypatch):
    monkeypatch.setenv("PATH", str(dcc_scene["tmp"] / "empty"))
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "99.0.1", workspace=workspace, backend="dcc",
                              custom_db_path=str(dcc_scene["tmp"] / "db"))
    with pytest.raises(CGExeNotExistError):
        analyzer.analyse()
    assert _load(analyzer.tips_json)["15019"] == ["Houdini 99.0.1"]


def test_auto_uses_hython_from_environment(dcc_scene, kit, workspace, monkeypatch):
    exe = kit.write_stand_in(dcc_scene["tmp"], _python())
    monkeypatch.setenv("RAYVISION_HYTHON", exe)
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "18.0.5", workspace=workspace,
                              custom_db_path=str(dcc_scene["tmp"] / "db")).analyse()
    assert analyzer.backend_used == "dcc"
    monkeypatch.delenv("RAYVISION_HYTHON")
    monkeypatch.setenv("PATH", str(dcc_scene["tmp"] / "empty"))
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "18.0.5", workspace=workspace,
                              custom_db_path=str(dcc_scene["tmp"] / "db")).analyse()
    assert analyzer.backend_used == "static"


def _python():
    import sys
    return sys.executable


class FakeRegistry(object):
    """A winreg stand-in: keys are tuples of names, values dicts."""

    HKEY_LOCAL_MACHINE = "HKLM"
    KEY_READ = 0x20019
    KEY_WOW64_64KEY = 0x0100

    def __init__(self, tree):
        self.tree = tree
        self.opened = []

    def OpenKey(self, root, path, reserved=0, access=0):  # noqa: N802
        self.opened.append((path, access))
        if path not in self.tree:
            raise OSError("no key " + path)
        return path

    def EnumKey(self, key, index):  # noqa: N802
        children = sorted(name[len(key) + 1:] for name in self.tree
                          if name.startswith(key + "\\") and "\\" not in name[len(key) + 1:])
        if index >= len(children):
            raise OSError("no more")
        return children[index]

    def QueryValueEx(self, key, name):  # noqa: N802
        values = self.tree[key]
        if name not in values:
            raise OSError("no value")
        return values[name], 1

    def CloseKey(self, key):  # noqa: N802
        pass


def test_find_location_from_registry(dcc_scene, kit, workspace):
    install = dcc_scene["tmp"] / "Houdini 18.0.566"
    exe = kit.touch(str(install / "bin" / "hython.exe"))
    root = r"SOFTWARE\Side Effects Software"
    reg = FakeRegistry({root: {}, root + "\\Houdini 18.0.566": {"InstallPath": str(install)},
                        root + "\\Houdini 17.5.293": {"InstallPath": "C:/nope"}})
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "18.0.566", workspace=workspace)
    assert analyzer.find_location(reg=reg) == exe
    # Read-only access, never KEY_ALL_ACCESS.
    assert all(access & 0xF003F != 0xF003F for _, access in reg.opened)
    # Same major.minor, other build: that install is used.
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "18.0.100", workspace=workspace)
    assert analyzer.find_location(reg=reg) == exe
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "19.5.303", workspace=workspace)
    with pytest.raises(VersionNotMatchError):
        analyzer.find_location(reg=reg)
    assert analyzer.tips_info["15013"] == ["Your houdini Software version is not any match"]
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "17.5.293", workspace=workspace)
    with pytest.raises(CGExeNotExistError):
        analyzer.find_location(reg=reg)
    analyzer = AnalyzeHoudini(dcc_scene["scene"], "18.0.566", workspace=workspace)
    with pytest.raises(CGExeNotExistError):
        analyzer.find_location(reg=FakeRegistry({}))
    assert analyzer.tips_info["15019"] == ["Cannot found any houdini version"]


def test_analyse_cg_file_returns_custom_exe(dcc_scene, kit, workspace):
    exe = kit.write_stand_in(dcc_scene["tmp"], _python())
    analyzer = _analyzer(dcc_scene, exe, workspace, version="18.0.5")
    assert analyzer.analyse_cg_file() == exe
    assert analyzer.scene_version == "18.0.5"


def test_dcc_backend_renders_what_houdini_renders(dcc_scene, kit, workspace, interpreter):
    """Solaris ROP in /stage, trange off, an expression-driven path, non-input parameters."""
    for frame in (1, 2):
        kit.touch(dcc_scene["hip"] + "/geo/rock.{0:04d}.bgeo.sc".format(frame))
    description = _load(str(dcc_scene["description"]))
    description["frame"] = 42
    description["nodes"] = [
        {"path": "/stage/render1", "type": "usdrender_rop", "category": "Lop",
         "tuples": {"f": [1001, 1010, 1]}, "parms": {"trange": "normal"}},
        {"path": "/out/current", "type": "ifd", "tuples": {"f": [1, 100, 1]},
         "parms": {"trange": "off", "camera": ""}},
        {"path": "/obj/geo1/file1", "type": "file", "parms": {"file": "/saved/rock.0001.bgeo.sc"},
         "expressions": {"file": ['"$HIP/geo/rock.$F4.bgeo.sc"', "hscript"]}},
        {"path": "/obj/geo1/cache1", "type": "filecache::2.0", "category": "Sop",
         "parms": {"loadfromdisk": 1, "filetype": ".bgeo.sc"}},
        {"path": "/mat/shader/parameter1", "type": "parameter", "category": "Vop",
         "parms": {"filedef": "/library/default.rat"}},
        {"path": "/stage/karmasettings", "type": "karmarenderproperties", "category": "Lop",
         "parms": {"dcmfilename": "/renders/deep.$F4.exr"}},
    ]
    description["file_references"] = [
        ["/obj/geo1/file1/file", "/saved/rock.0001.bgeo.sc"],
        ["/obj/geo1/cache1/filetype", ".bgeo.sc"],
        ["/mat/shader/parameter1/filedef", "/library/default.rat"],
        ["/stage/karmasettings/dcmfilename", "/renders/deep.$F4.exr"],
    ]
    description["hda_files"] = []
    dcc_scene["description"].write_text(json.dumps(description))
    exe = kit.write_stand_in(dcc_scene["tmp"], interpreter)
    analyzer = _analyzer(dcc_scene, exe, workspace).analyse()
    rops = {entry["node"]: entry for entry in _load(analyzer.task_json)["scene_info"]["rop_node"]}
    assert rops["/stage/render1"]["frames"] == "1001-1010[1]"
    assert rops["/out/current"]["frames"] == "42-42[1]"
    asset = _load(analyzer.asset_json)
    assert asset["Normal"]["/obj/geo1/file1/file"] == [
        "$HIP/geo/rock.$F4.bgeo.sc",
        [dcc_scene["hip"] + "/geo/rock.0001.bgeo.sc", dcc_scene["hip"] + "/geo/rock.0002.bgeo.sc"]]
    text = json.dumps(asset)
    assert "filetype" not in text and "filedef" not in text and "dcmfilename" not in text
    assert "50001" not in _load(analyzer.tips_json)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_cancel_kills_hython_and_its_children(dcc_scene, workspace):
    pids = dcc_scene["tmp"] / "pids.txt"
    hython = dcc_scene["tmp"] / "hython"
    hython.write_text("#!{0}\n".format(sys.executable) + (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "open({0!r}, 'w').write('%d %d' % (os.getpid(), child.pid))\n"
        "os.rename({0!r}, {1!r})\n"
        "time.sleep(120)\n").format(str(pids) + ".tmp", str(pids)))
    hython.chmod(0o755)
    token = CancelToken()
    analyzer = _analyzer(dcc_scene, str(hython), workspace, backend="dcc", cancel_token=token)
    canceller = Canceller(token, pids.exists)
    with pytest.raises(RayvisionCancelledError):
        analyzer.analyse()
    assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
    assert wait_gone([int(pid) for pid in pids.read_text().split()]) == []
    assert not os.path.exists(analyzer.upload_json)


def test_dcc_backend_applies_rop_resolution_overrides(dcc_scene, kit, workspace, interpreter):
    """Redshift's own override and Houdini's resolution scale, as the static reader applies them."""
    description = _load(str(dcc_scene["description"]))
    description["nodes"] = [
        {"path": "/obj/cam1", "type": "cam", "category": "Object",
         "tuples": {"res": [1920, 1080]}},
        {"path": "/out/rs_user", "type": "Redshift_ROP", "tuples": {"f": [1, 2, 1],
                                                                   "RS_overrideRes": [800, 600]},
         "parms": {"RS_renderCamera": "/obj/cam1", "RS_overrideCameraRes": 1,
                   "RS_overrideResScale": 7}},
        {"path": "/out/rs_half", "type": "Redshift_ROP", "tuples": {"f": [1, 2, 1],
                                                                   "RS_overrideRes": [800, 600]},
         "parms": {"RS_renderCamera": "/obj/cam1", "RS_overrideCameraRes": True,
                   "RS_overrideResScale": 4}},
        {"path": "/out/mantra_third", "type": "ifd", "tuples": {"f": [1, 2, 1],
                                                                "res_override": [640, 480]},
         "parms": {"camera": "/obj/cam1", "override_camerares": 1,
                   "res_fraction": "0.3333333"}},
    ]
    description["file_references"] = []
    description["hda_files"] = []
    dcc_scene["description"].write_text(json.dumps(description))
    exe = kit.write_stand_in(dcc_scene["tmp"], interpreter)
    analyzer = _analyzer(dcc_scene, exe, workspace).analyse()
    sizes = {entry["node"]: (entry.get("width"), entry.get("height"))
             for entry in _load(analyzer.task_json)["scene_info"]["rop_node"]}
    assert sizes == {"/out/rs_user": ("800", "600"), "/out/rs_half": ("960", "540"),
                     "/out/mantra_third": ("640", "360")}


def test_dcc_backend_uploads_redshift_gi_caches_on_disk(dcc_scene, kit, workspace, interpreter):
    """A cache the Redshift ROP loads is an input when on disk, an output when not."""
    cache = kit.touch(dcc_scene["hip"] + "/cache/ipc.0001.rsmap")
    description = _load(str(dcc_scene["description"]))
    description["nodes"] = [
        {"path": "/out/rs1", "type": "Redshift_ROP", "tuples": {"f": [1, 1, 1]},
         "parms": {"RS_renderCamera": "",
                   "IrradiancePointCloudFilename": "$HIP/cache/ipc.$F4.rsmap",
                   "IrradianceCacheFilename": "$HIP/cache/irc.$F4.rsmap"}},
    ]
    description["file_references"] = [
        ["/out/rs1/IrradiancePointCloudFilename", "$HIP/cache/ipc.$F4.rsmap"],
        ["/out/rs1/IrradianceCacheFilename", "$HIP/cache/irc.$F4.rsmap"],
    ]
    description["hda_files"] = []
    dcc_scene["description"].write_text(json.dumps(description))
    exe = kit.write_stand_in(dcc_scene["tmp"], interpreter)
    analyzer = _analyzer(dcc_scene, exe, workspace).analyse()
    asset = _load(analyzer.asset_json)
    assert asset["Normal"]["/out/rs1/IrradiancePointCloudFilename"][1] == [
        cache.replace("\\", "/")]
    assert asset["Output"]["/out/rs1/IrradianceCacheFilename"] == "$HIP/cache/irc.$F4.rsmap"
    assert "50001" not in _load(analyzer.tips_json)
