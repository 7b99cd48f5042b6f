"""integrations/common/rayvision_job.py: the runner every integration carries.

Pure helpers are checked directly; the process handling runs real process trees (a small
command that starts a child and streams events like ``rayvision --json`` does).
"""

import json
import os
import re
import stat
import sys
import time

import pytest

from helpers.integration_hosts import (
    INTEGRATIONS,
    farm_env,
    processes_with_marker,
    rayvision_executable,
    run,
    wait_until,
)
from helpers.interpreters import interpreters, resolve

sys.path.insert(0, os.path.join(INTEGRATIONS, "common"))
import rayvision_job  # noqa: E402

sys.path.pop(0)

FAKE_COMMAND = """#!{python}
import json, os, subprocess, sys, time
print("not json: ignored")
print(json.dumps({{"schema": 1, "event": "start", "command": sys.argv[2]}}))
sys.stdout.flush()
if sys.argv[2] == "tree":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    print(json.dumps({{"schema": 1, "event": "phase", "phase": "upload", "child": child.pid}}))
    sys.stdout.flush()
    time.sleep(60)
elif sys.argv[2] == "fail-quietly":
    sys.stderr.write("first line\\nthe last line says why\\n")
    sys.exit(4)
else:
    print(json.dumps({{"schema": 2, "event": "progress"}}))
    print(json.dumps({{"schema": 1, "event": "error", "message": "error 1: refused"}}))
    print(json.dumps({{"schema": 1, "event": "end", "exit_code": 1}}))
    sys.exit(1)
"""


@pytest.fixture
def fake_rayvision(tmp_path):
    path = tmp_path / "rayvision"
    path.write_text(FAKE_COMMAND.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.parametrize("frames,expected", [
    (range(1, 11), "1-10[1]"), ([1, 3, 5], "1-5[2]"), ([5], "5"), ([], None),
    ([1, 2, 3, 7, 9], "1-3[1],7,9"), ([9, 1, 2, 2], "1-2[1],9"), ([-2, -1, 0], "-2-0[1]")])
def test_frames_argument(frames, expected):
    assert rayvision_job.frames_argument(frames) == expected


@pytest.mark.parametrize("path,expected", [
    ("\\\\fileserver\\Projects\\shot\\a.ma", "/mnt/projects/shot/a.ma"),
    ("//FILESERVER/projects/shot", "/mnt/projects/shot"),
    ("P:\\shot\\renders", "/mnt/p/shot/renders"),
    ("/mnt/projects/shot/a.ma", "Z:\\shot\\a.ma"),
    ("\\\\fileserver\\projects2\\a.ma", "\\\\fileserver\\projects2\\a.ma"),
    ("", ""),
])
def test_map_path_windows_and_linux(path, expected):
    rules = [["\\\\fileserver\\projects", "/mnt/projects"], ["P:\\", "/mnt/p/"],
             ["/mnt/projects/", "Z:\\"]]
    assert rayvision_job.map_path(path, rules) == expected


def test_events_errors_and_foreign_lines(fake_rayvision):
    seen = []
    outcome = rayvision_job.RayvisionProcess(fake_rayvision).run(["bad"], seen.append)
    assert [event["event"] for event in seen] == ["start", "error", "end"]
    assert (outcome.exit_code, outcome.error) == (1, "error 1: refused")
    outcome = rayvision_job.RayvisionProcess(fake_rayvision).run(["fail-quietly"])
    assert (outcome.exit_code, outcome.error) == (4, "the last line says why")


def test_cancel_kills_the_whole_tree_at_once(fake_rayvision):
    marker = "job-test-{0}".format(os.getpid())
    env = dict(os.environ, RENDERBUS_TEST_MARKER=marker)
    started = []
    process = rayvision_job.RayvisionProcess(fake_rayvision, env=env, poll_seconds=0.05)

    def note(event):
        if event["event"] == "phase":
            started.append(time.time())

    with pytest.raises(rayvision_job.Cancelled):
        process.run(["tree"], note, lambda: bool(started) and time.time() - started[0] > 0.3)
    took = time.time() - started[0]
    assert took < 1.3
    wait_until(lambda: processes_with_marker(marker) == [], timeout=2,
               what="no process of the tree left")


def test_a_raising_callback_kills_the_command_and_propagates(fake_rayvision):
    marker = "job-raise-{0}".format(os.getpid())
    env = dict(os.environ, RENDERBUS_TEST_MARKER=marker)

    def explode(event):
        if event["event"] == "phase":
            raise RuntimeError("the host refused the event")

    with pytest.raises(RuntimeError, match="the host refused"):
        rayvision_job.RayvisionProcess(fake_rayvision, env=env).run(["tree"], explode)
    wait_until(lambda: processes_with_marker(marker) == [], timeout=2,
               what="no process of the tree left")


def test_a_missing_executable_is_one_line(tmp_path):
    with pytest.raises(rayvision_job.JobError, match="cannot run .*nowhere/rayvision"):
        rayvision_job.RayvisionProcess(str(tmp_path / "nowhere" / "rayvision")).run(["status"])


def test_submit_arguments():
    settings = rayvision_job.RenderSettings("s.ma", "out", software_version="2019",
                                            project="p", frames="1-3[1]", layers=["a", "b"])
    assert settings.submit_args() == ["submit", "s.ma", "--software-version", "2019",
                                      "--project", "p", "--frames", "1-3[1]", "--layers", "a,b"]
    assert rayvision_job.RenderSettings("s.hip", "out").submit_args() == ["submit", "s.hip"]


CLOUD_RENDER = u"""# -*- coding: utf-8 -*-
import io, json, sys
sys.path.insert(0, sys.argv[1])
import rayvision_job

class Host(object):
    def __init__(self):
        self.lines, self.task_id = [], None
    def progress(self, percent, message):
        self.lines.append(message)
    def log(self, text):
        self.lines.append(text)
    def cancelled(self):
        return False
    def load_task_id(self):
        return self.task_id
    def save_task_id(self, task_id):
        self.task_id = task_id

scene, output = [io.open(sys.argv[2], encoding="utf-8").read().split(u"\\n")[i]
                 for i in (0, 1)]
host = Host()
settings = rayvision_job.RenderSettings(scene, output, project=u"job-unicode",
                                        poll_seconds=0.3)
message = rayvision_job.CloudRender(settings, host, rayvision_job.RayvisionProcess(
    sys.argv[3])).run()
text = json.dumps({"message": message, "lines": host.lines})
io.open(sys.argv[4], "w", encoding="utf-8").write(text if isinstance(text, type(u"")) else
                                                  text.decode("utf-8"))
"""


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_cloud_render_of_unicode_paths_ends_with_its_message(interpreter, rayvision_sandbox,
                                                             worker_env, maya_project,
                                                             tmp_path):
    # A render manager on Python 2 (Deadline 10.0, Qube) hands mapped paths over as unicode.
    project = maya_project.parent / u"pl\u00e2n_\u00e9t\u00e9"
    maya_project.rename(project)
    scene = str(project / "scenes" / "muti_layer_test.ma")
    output = str(project / "renders")
    (tmp_path / "paths.txt").write_text(scene + "\n" + output, encoding="utf-8")
    (tmp_path / "render.py").write_text(CLOUD_RENDER, encoding="utf-8")
    done = run([resolve(interpreter), str(tmp_path / "render.py"),
                os.path.join(INTEGRATIONS, "common"), str(tmp_path / "paths.txt"),
                rayvision_executable(), str(tmp_path / "result.json")],
               farm_env(worker_env, rayvision_sandbox), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert re.match(r"Renderbus task \d+ done: 8 frames in ", result["message"])
    assert result["message"].endswith(output)


def test_command_leads_its_own_session_without_preexec_fn(fake_rayvision, monkeypatch):
    # preexec_fn runs Python between fork and exec: unsafe in a host with other threads.
    import subprocess

    started = []
    real_popen = subprocess.Popen

    def recording_popen(command, **options):
        started.append((real_popen(command, **options), options))
        return started[-1][0]

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    sessions = []

    def note(event):
        if event["event"] == "phase":
            process = started[0][0]
            sessions.append(os.getsid(process.pid) == process.pid)
            raise RuntimeError("seen")

    with pytest.raises(RuntimeError, match="seen"):
        rayvision_job.RayvisionProcess(fake_rayvision).run(["tree"], note)
    (_, options), = started
    assert "preexec_fn" not in options and options["start_new_session"] is True
    assert sessions == [True]


def test_windows_start_shows_no_console_window():
    assert rayvision_job.popen_options(windows=True) == {
        "creationflags": 0x08000000 | 0x00000200}  # CREATE_NO_WINDOW, own process group
    assert rayvision_job.popen_options(windows=False, python2=True) == {
        "preexec_fn": os.setsid}


PY27_START = u"""# -*- coding: utf-8 -*-
import json, os, sys
sys.path.insert(0, sys.argv[1])
import rayvision_job

process = rayvision_job.RayvisionProcess(sys.argv[2])._start(["tree"])
own_session = os.getsid(process.pid) == process.pid
rayvision_job.kill_tree(process)
try:
    rayvision_job.native_argument(u"C:\\\\\\u955c\\u5934\\\\a.ma", "cp1252")
    refused = None
except rayvision_job.JobError as error:
    refused = rayvision_job.message_of(error)
accented = rayvision_job.native_argument(u"/p/\\u00e9t\\u00e9.ma", "utf-8")
print(json.dumps({"own_session": own_session, "refused": refused,
                  "accented": accented.decode("utf-8")}))
"""


def test_python27_starts_a_session_and_names_a_path_outside_the_code_page(fake_rayvision,
                                                                          tmp_path):
    from helpers.interpreters import require_python27

    (tmp_path / "start.py").write_text(PY27_START, encoding="utf-8")
    done = run([require_python27(), str(tmp_path / "start.py"),
                os.path.join(INTEGRATIONS, "common"), fake_rayvision], dict(os.environ),
               tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["own_session"] is True
    assert result["refused"].startswith(u"C:\\\u955c\u5934\\a.ma cannot be passed to the "
                                        u"rayvision command by Python 2")
    assert "(cp1252)" in result["refused"]
    assert result["accented"] == u"/p/\u00e9t\u00e9.ma"


RESTART_FAILED = u"""import json, sys
sys.path.insert(0, sys.argv[1])
import rayvision_job

process = rayvision_job.RayvisionProcess(sys.argv[2])
try:
    rayvision_job.restart_failed_frames(process, sys.argv[3])
    print(json.dumps({"error": None}))
except rayvision_job.JobError as error:
    print(json.dumps({"error": type(error).__name__,
                      "message": rayvision_job.message_of(error)}))
"""


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_restart_of_failed_frames_with_a_lost_answer_is_once_or_outcome_unknown(
        interpreter, rayvision_sandbox, worker_env, maya_project, tmp_path):
    from rayvision_api import RayvisionAPI, constants

    farm = rayvision_sandbox
    env = farm_env(worker_env, farm)
    process = rayvision_job.RayvisionProcess(rayvision_executable(), env=env)
    farm.faults.set(failing_frames=[2])
    submitted = process.run(["submit", str(maya_project / "scenes" / "muti_layer_test.ma"),
                             "--project", "job-restart"])
    task_id = submitted.result["task_id"]
    assert process.run(["wait", task_id, "--interval", "0.2"]).exit_code == 5

    def restarts():
        api = RayvisionAPI(**farm.api_kwargs())
        items = api.query.task_frames(int(task_id), page_num=1, page_size=100)["items"]
        return sorted(item["recommitFlag"] for item in items)

    (tmp_path / "restart.py").write_text(RESTART_FAILED, encoding="utf-8")
    command = [resolve(interpreter), str(tmp_path / "restart.py"),
               os.path.join(INTEGRATIONS, "common"), rayvision_executable()]

    # Performed, its answer lost, and the farm cannot be asked: never sent again, and said.
    farm.faults.set(failing_frames=[2], drop_answer=[constants.RESTART_FAILED_FRAMES,
                                                     constants.QUERY_TASK_INFO])
    done = run(command + [task_id], env, tmp_path)
    farm.faults.clear()
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["error"] == "OutcomeUnknown", result
    assert result["message"].startswith(
        "restart of the failed frames of task {0}: the answer was lost and the farm cannot "
        "tell whether it happened".format(task_id))
    assert result["message"].endswith("; look at the task on the farm (rayvision status {0}) "
                                      "before asking again".format(task_id)), result
    assert restarts() == [0] * 6 + [1] * 2

    # Refused by the farm: nothing happened, a plain error.
    done = run(command + ["999999"], env, tmp_path)
    result = json.loads(done.stdout)
    assert result["error"] == "JobError" and "999999" in result["message"], result
    assert restarts() == [0] * 6 + [1] * 2
