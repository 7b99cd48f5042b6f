import json
import os
import stat
import sys
import textwrap
import time

import pytest

from helpers.cancelling import CANCEL_BOUND, Canceller, wait_gone
from rayvision_api.cancel import CancelToken
from rayvision_api.exception import RayvisionCancelledError
from rayvision_utils.analyzer import BaseAnalyzer
from rayvision_utils.exception.exception import (
    AnalyseFailError,
    CGExeNotExistError,
    CGFileNameIllegalError,
    CGFileNotExistsError,
    FileNameContainsChineseError,
    RayvisionArgumentError,
)


class ToyAnalyzer(BaseAnalyzer):
    """Smallest analyser: a 'scene' lists one asset path per line."""

    RENDER_SOFTWARE = "Maya"
    CG_EXTENSIONS = (".toy",)
    found_exe = None

    def find_dcc_executable(self):
        return self.found_exe

    def analyse_static(self):
        files = []
        with open(self.cg_file) as handle:
            for line in handle:
                line = line.strip()
                if os.path.isfile(line):
                    files.append(line)
                elif line:
                    self.append_tip("10012", line)
        self.task_info["scene_info"] = {"count": str(len(files))}
        self.asset_info = {"asset": files}
        return files

    def build_dcc_command(self, exe):
        return [exe, self.cg_file, self.task_json, self.asset_json, self.tips_json]

    def dcc_upload_paths(self):
        return self.asset_info["asset"]


def make_exe(tmp_path, body, name="fakedcc"):
    path = tmp_path / name
    path.write_text("#!%s\n%s" % (sys.executable, textwrap.dedent(body)))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.fixture
def scene(tmp_path, make_file):
    tex = make_file("tex/a.png")
    path = tmp_path / "scene.toy"
    path.write_text(tex + "\n" + str(tmp_path / "gone.png") + "\n")
    return str(path), tex


def test_static_backend_writes_four_files(scene, workspace):
    cg_file, tex = scene
    toy = ToyAnalyzer(cg_file, "2018", "P1", {"mtoa": "3.1"}, workspace=workspace,
                      local_os="linux")
    assert toy.analyse() is toy
    assert toy.backend_used == "static"
    with open(toy.task_json) as handle:
        task = json.load(handle)
    assert task["task_info"]["cg_id"] == "2000"
    assert task["task_info"]["os_name"] == "0"
    assert task["task_info"]["project_name"] == "P1"
    assert task["software_config"] == {"plugins": {"mtoa": "3.1"}, "cg_version": "2018",
                                       "cg_name": "Maya"}
    assert task["scene_info"] == {"count": "1"}
    with open(toy.tips_json) as handle:
        assert list(json.load(handle)) == ["10012"]
    with open(toy.upload_json) as handle:
        upload = json.load(handle)
    assert [a["local"] for a in upload["asset"]] == [tex, cg_file.replace("\\", "/")]
    assert upload["scene"][0]["hash"]
    # the template was not touched
    from rayvision_utils.constants import TASK_INFO
    assert TASK_INFO["task_info"]["project_name"] == ""
    assert TASK_INFO["scene_info"] == {}


def test_two_analyses_same_workspace_never_share(scene, workspace):
    first = ToyAnalyzer(scene[0], "2018", workspace=workspace)
    second = ToyAnalyzer(scene[0], "2018", workspace=workspace)
    assert first.workspace != second.workspace


def test_input_errors(tmp_path, workspace, scene):
    with pytest.raises(CGFileNotExistsError) as info:
        ToyAnalyzer(str(tmp_path / "nope.toy"), "2018", workspace=workspace)
    assert "nope.toy" in str(info.value)
    folder = tmp_path / "dir.toy"
    folder.mkdir()
    with pytest.raises(CGFileNotExistsError):
        ToyAnalyzer(str(folder), "2018", workspace=workspace)
    wrong = tmp_path / "scene.txt"
    wrong.write_text("")
    with pytest.raises(CGFileNameIllegalError):
        ToyAnalyzer(str(wrong), "2018", workspace=workspace)
    with pytest.raises(RayvisionArgumentError):
        ToyAnalyzer(123, "2018", workspace=workspace)
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    with pytest.raises(RayvisionArgumentError):
        ToyAnalyzer(scene[0], "2018", workspace=str(a_file))
    # A missing workspace is created for the newcomer (docs/migration.md).
    ToyAnalyzer(scene[0], "2018", workspace=str(tmp_path / "absent"))
    assert (tmp_path / "absent").is_dir()
    with pytest.raises(RayvisionArgumentError):
        ToyAnalyzer(scene[0], "2018", workspace=workspace, backend="magic")
    with pytest.raises(RayvisionArgumentError):
        ToyAnalyzer(scene[0], "2018", workspace=workspace, local_os="beos")
    with pytest.raises(CGExeNotExistError):
        ToyAnalyzer(scene[0], "2018", workspace=workspace,
                    custom_exe_path=str(tmp_path / "maya"))


def test_chinese_name(tmp_path, workspace):
    path = tmp_path / "场景.toy"
    path.write_text("")
    with pytest.raises(FileNameContainsChineseError) as info:
        ToyAnalyzer(str(path), "2018", workspace=workspace)
    assert "场景" in str(info.value)
    (folder,) = os.listdir(workspace)
    with open(os.path.join(workspace, folder, "tips.json"), encoding="utf-8") as handle:
        assert list(json.load(handle).values()) == [[str(path)]]


DCC_SCRIPT = """
import json, sys
cg, task, asset, tips = sys.argv[1:5]
print("fake dcc analysing", cg)
with open(task) as h:
    info = json.load(h)
info["scene_info"] = {"from": "dcc"}
json.dump(info, open(task, "w"))
json.dump({"asset": [cg]}, open(asset, "w"))
json.dump({"10012": ["x.png"]}, open(tips, "w"))
"""


def test_dcc_backend_auto_selected(scene, workspace, tmp_path):
    exe = make_exe(tmp_path, DCC_SCRIPT)
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace)
    toy.found_exe = exe
    toy.add_tip("15013", "Maya 2018")
    toy.analyse()
    assert toy.backend_used == "dcc"
    assert toy.task_info["scene_info"] == {"from": "dcc"}
    # tips from before the run survive the script's tips.json
    assert toy.tips_info == {"10012": ["x.png"], "15013": ["Maya 2018"]}
    assert toy.upload_info["asset"][-1]["local"] == scene[0].replace("\\", "/")


def test_backend_choice(scene, workspace, tmp_path):
    exe = make_exe(tmp_path, DCC_SCRIPT)
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace, custom_exe_path=exe,
                      backend="static")
    assert toy.select_backend() == ("static", None)
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace, custom_exe_path=exe)
    assert toy.select_backend() == ("dcc", exe)
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace, backend="dcc")
    with pytest.raises(CGExeNotExistError):
        toy.analyse()
    assert toy.tips_info == {"15019": ["Maya 2018"]}


def test_dcc_failure_exit_code(scene, workspace, tmp_path):
    exe = make_exe(tmp_path, "import sys\nprint('license error')\nsys.exit(5)\n")
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace, custom_exe_path=exe)
    with pytest.raises(AnalyseFailError) as info:
        toy.analyse()
    assert "exit code 5" in str(info.value) and "license error" in str(info.value)
    assert toy.tips_info == {"999": [""]}


def test_dcc_failure_missing_json(scene, workspace, tmp_path):
    exe = make_exe(tmp_path, "print('did nothing')\n")
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace, custom_exe_path=exe)
    with pytest.raises(AnalyseFailError) as info:
        toy.analyse()
    assert "asset.json" in str(info.value)


def test_dcc_timeout(scene, workspace, tmp_path):
    exe = make_exe(tmp_path, "import time\ntime.sleep(30)\n")
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace, custom_exe_path=exe, timeout=1)
    with pytest.raises(AnalyseFailError) as info:
        toy.analyse()
    assert "timed out" in str(info.value)


def test_no_upload(scene, workspace):
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace).analyse(no_upload=True)
    assert not os.path.exists(toy.upload_json)
    assert toy.check_result() == (True, None)


def test_append_tip_after_direct_changes(scene, workspace):
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace)
    toy.append_tip("10012", "a")
    toy.append_tip(10012, "a")
    toy.tips_info["10012"].append("b")      # changed behind the analyser's back
    toy.append_tip("10012", "b")
    toy.add_tip("10012", ["c", "c"])        # replaced
    toy.append_tip("10012", "c")
    toy.append_tip("10012", "d")
    assert toy.tips_info == {"10012": ["c", "c", "d"]}


def test_dcc_results_of_the_wrong_shape(scene, workspace, tmp_path):
    script = ("import json, sys\n"
              "json.dump([1, 2], open(sys.argv[4], 'w'))\n"
              "json.dump({'asset': []}, open(sys.argv[3], 'w'))\n"
              "json.dump('text', open(sys.argv[2], 'w'))\n")
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace,
                      custom_exe_path=make_exe(tmp_path, script))
    toy.add_tip("15013", "Maya 2018")
    toy.analyse()
    assert toy.tips_info == {"15013": ["Maya 2018"]}
    assert toy.task_info["task_info"]["cg_id"] == "2000"


def test_dcc_unreadable_json(scene, workspace, tmp_path):
    script = ("import sys\n"
              "open(sys.argv[3], 'w').write('{broken')\n"
              "open(sys.argv[4], 'w').write('{}')\n")
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace,
                      custom_exe_path=make_exe(tmp_path, script))
    with pytest.raises(AnalyseFailError) as info:
        toy.analyse()
    assert "unreadable" in str(info.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_cancel_kills_the_dcc_and_its_children_within_a_second(scene, workspace, tmp_path):
    pids = tmp_path / "pids.txt"
    exe = make_exe(tmp_path, """
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open(%r + ".tmp", "w") as handle:
            handle.write("%%d %%d" %% (os.getpid(), child.pid))
        os.rename(%r + ".tmp", %r)
        time.sleep(120)
    """ % (str(pids), str(pids), str(pids)))
    token = CancelToken()
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace, custom_exe_path=exe,
                      cancel_token=token)
    canceller = Canceller(token, pids.exists, reason="user pressed Cancel")
    with pytest.raises(RayvisionCancelledError) as info:
        toy.analyse()
    assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
    assert info.value.reason == "user pressed Cancel"
    assert info.value.error_code == 1000006
    dcc, child = [int(pid) for pid in pids.read_text().split()]
    assert wait_gone([dcc, child]) == []
    # An analysis that did not finish writes no upload.json.
    assert not os.path.exists(toy.upload_json)


def test_cancel_given_to_analyse_stops_a_static_analysis_before_it_starts(scene, workspace):
    token = CancelToken()
    token.cancel()
    toy = ToyAnalyzer(scene[0], "2018", workspace=workspace)
    with pytest.raises(RayvisionCancelledError) as info:
        toy.analyse(cancel_token=token)
    assert info.value.what == "analysis of {0}".format(scene[0])
    assert not os.path.exists(toy.task_json)
    # The same analyser runs to its end with a fresh token.
    assert toy.analyse(cancel_token=CancelToken()).backend_used == "static"
