"""The Qube job type (integrations/qube/renderbus) run by a stand-in supervisor (``qb``).

The front end submits, the back end runs in its own process like a Qube instance, with the
real ``rayvision`` command against a sandbox farm: every work status, a kill, a re-dispatch
and failures, with the farm's state checked after each.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from helpers.integration_hosts import (
    INTEGRATIONS,
    STANDINS,
    farm_env,
    farm_tasks,
    files_below,
    processes_with_marker,
    rayvision_executable,
    run,
    task_status,
    wait_until,
)
from helpers.interpreters import interpreters, resolve

JOB_TYPE = os.path.join(INTEGRATIONS, "qube", "renderbus")
sys.path.insert(0, STANDINS)
import qb  # noqa: E402  (the stand-in, to set up and read the supervisor's file)

sys.path.remove(STANDINS)


class Supervisor(object):
    def __init__(self, tmp_path, env, farm=None):
        self.tmp_path = tmp_path
        self.path = str(tmp_path / "supervisor.json")
        self.env = dict(farm_env(env, farm) if farm else env, PYTHONPATH=STANDINS,
                        QB_STANDIN_SUPERVISOR=self.path)

    def submit(self, *args):
        done = run([sys.executable, os.path.join(JOB_TYPE, "submit.py")] + list(args),
                   self.env, self.tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def dispatch_submitted(self, script=None, **package):
        """Make the last submitted job the one the next instance runs."""
        data = self.data()
        job = data["submitted"][-1]
        job["package"].update(package)
        qb.create(self.path, job, script)
        return job

    def start_instance(self):
        return subprocess.Popen([sys.executable, os.path.join(JOB_TYPE, "execute.py")],
                                env=self.env, cwd=str(self.tmp_path), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def run_instance(self, expected_code=0):
        process = self.start_instance()
        stdout, stderr = process.communicate(timeout=180)
        assert process.returncode == expected_code, stdout[-3000:] + stderr[-3000:]
        return stdout

    def data(self):
        with open(self.path) as handle:
            return json.load(handle)

    def reports(self, kind):
        return [value for name, value in self.data()["reports"] if name == kind]


def submit_scene(supervisor, maya_project, project, *extra):
    return supervisor.submit(str(maya_project / "scenes" / "muti_layer_test.ma"),
                             "--output-dir", str(maya_project / "renders"),
                             "--project", project, "--poll-seconds", "0.3", *extra)


def test_front_end_builds_chunked_agenda_without_credentials(worker_env, maya_project,
                                                             tmp_path):
    supervisor = Supervisor(tmp_path, dict(worker_env, RAYVISION_ACCESS_KEY="secret-key"))
    out = submit_scene(supervisor, maya_project, "qb-front", "--frames", "1-25", "--chunk",
                       "10", "--cpus", "3", "--profile", "studio")
    assert out.strip() == "submitted Qube job 1000"
    (job,) = supervisor.data()["submitted"]
    assert job["prototype"] == "renderbus" and job["cpus"] == 3
    assert [item["name"] for item in job["agenda"]] == ["1-10", "11-20", "21-25"]
    assert job["package"]["profile"] == "studio"
    assert job["package"]["stop_cloud_task_on_kill"] is True
    assert "secret-key" not in json.dumps(job)


def test_instance_renders_each_item_after_waiting(rayvision_sandbox, worker_env, maya_project,
                                                  tmp_path):
    farm = rayvision_sandbox
    supervisor = Supervisor(tmp_path, worker_env, farm)
    submit_scene(supervisor, maya_project, "qb-render", "--frames", "1-4", "--chunk", "2",
                 "--rayvision-executable", rayvision_executable())
    supervisor.dispatch_submitted(script=["waiting"], waiting_seconds=0.2)
    stdout = supervisor.run_instance()

    works = supervisor.reports("work")
    assert [(w["name"], w["status"]) for w in works] == [("1-2", "complete"),
                                                         ("3-4", "complete")]
    assert supervisor.reports("job") == ["complete"]
    cloud = farm_tasks(farm, "qb-render")
    assert sorted(str(item["id"]) for item in cloud) == sorted(
        w["resultpackage"]["task_id"] for w in works)
    assert sorted(item["totalFrames"] for item in cloud) == [4, 4]
    assert "PROGRESS 100.0% Renderbus task " in stdout
    frames = [path for path in files_below(maya_project / "renders")]
    assert len(frames) == 8  # frames 1-4 of both layers, over the two cloud tasks
    assert farm.access_key not in stdout


@pytest.mark.parametrize("status", ["pending", "blocked"])
def test_preempted_or_blocked_instance_leaves_without_work(status, worker_env, maya_project,
                                                           tmp_path):
    supervisor = Supervisor(tmp_path, worker_env)
    submit_scene(supervisor, maya_project, "qb-" + status)
    supervisor.dispatch_submitted(script=[status])
    stdout = supervisor.run_instance()
    assert "work status {0}: leaving".format(status) in stdout
    assert supervisor.reports("job") == [status]
    assert supervisor.reports("work") == []
    assert [item["status"] for item in supervisor.data()["job"]["agenda"]] == ["pending"]


def test_kill_stops_local_work_and_cloud_task_and_redispatch_reattaches(
        slow_farm, worker_env, maya_project, tmp_path):
    supervisor = Supervisor(tmp_path, worker_env, slow_farm)
    submit_scene(supervisor, maya_project, "qb-kill", "--rayvision-executable",
                 rayvision_executable())
    job = supervisor.dispatch_submitted()
    state = maya_project / "renders" / ".renderbus-qube" / "job{0}-scene.json".format(
        job["id"])
    process = supervisor.start_instance()
    task_id = wait_until(lambda: state.exists() and json.loads(state.read_text())["task_id"],
                         what="the item's cloud task in the state folder")
    wait_until(lambda: task_status(slow_farm, task_id) == 5, what="the cloud task rendering")
    process.send_signal(signal.SIGTERM)
    started = time.time()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stdout + stderr
    assert time.time() - started < 10
    assert "killed: local rendering work stopped" in stdout
    assert supervisor.reports("job") == ["killed"]
    assert processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]) == []
    assert task_status(slow_farm, task_id) == 10

    qb.redispatch(supervisor.path)
    stdout = supervisor.run_instance()
    assert "re-attaching to Renderbus task {0} (Stop)".format(task_id) in stdout
    assert supervisor.reports("job") == ["killed", "complete"]
    (work,) = supervisor.reports("work")
    assert (work["status"], work["resultpackage"]["task_id"]) == ("complete", task_id)
    assert [item["id"] for item in farm_tasks(slow_farm, "qb-kill")] == [int(task_id)]


def test_failed_item_is_reported_failed_and_the_job_too(rayvision_sandbox, worker_env,
                                                        maya_project, tmp_path):
    farm = rayvision_sandbox
    farm.faults.set(failing_frames="all")
    supervisor = Supervisor(tmp_path, worker_env, farm)
    submit_scene(supervisor, maya_project, "qb-failed", "--rayvision-executable",
                 rayvision_executable())
    supervisor.dispatch_submitted()
    supervisor.run_instance()
    (work,) = supervisor.reports("work")
    (task,) = farm_tasks(farm, "qb-failed")
    assert work["status"] == "failed"
    assert work["resultpackage"]["error"] == \
        "Renderbus task {0} ended Failed: 8 of 8 frames failed".format(task["id"])
    assert supervisor.reports("job") == ["failed"]


def test_state_dir_goes_through_the_path_map(rayvision_sandbox, worker_env, maya_project,
                                             tmp_path):
    # Submitted from Windows: the state folder, like the scene, is named as Windows sees it.
    farm = rayvision_sandbox
    supervisor = Supervisor(tmp_path, worker_env, farm)
    submit_scene(supervisor, maya_project, "qb-state", "--rayvision-executable",
                 rayvision_executable(), "--state-dir", "P:\\shot010\\qube-state")
    job = supervisor.dispatch_submitted(
        scene="P:\\shot010\\scenes\\muti_layer_test.ma", output_dir="P:\\shot010\\renders",
        path_map=[["P:\\", str(maya_project.parent) + "/"]])
    supervisor.run_instance()
    (work,) = supervisor.reports("work")
    assert work["status"] == "complete", work
    state = maya_project / "qube-state" / "job{0}-scene.json".format(job["id"])
    assert json.loads(state.read_text())["task_id"] == work["resultpackage"]["task_id"]
    assert [name for name in os.listdir(str(tmp_path)) if name.startswith("P:")] == []


def test_kill_while_waiting_for_work_ends_the_instance(worker_env, maya_project, tmp_path):
    supervisor = Supervisor(tmp_path, worker_env)
    submit_scene(supervisor, maya_project, "qb-kill-waiting")
    supervisor.dispatch_submitted(script=["waiting"] * 300, waiting_seconds=0.2)
    process = supervisor.start_instance()
    wait_until(lambda: len(supervisor.data()["script"]) < 298, what="the instance waiting")
    process.send_signal(signal.SIGTERM)
    try:
        stdout, stderr = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError("the killed instance kept asking for work")
    assert process.returncode == 1, stdout + stderr
    assert "killed: local rendering work stopped" in stdout
    assert supervisor.reports("job") == ["killed"]
    assert supervisor.reports("work") == []
    # No item was taken after the kill: the agenda is as the supervisor left it.
    assert [item["status"] for item in supervisor.data()["job"]["agenda"]] == ["pending"]


def test_an_unexpected_error_fails_the_item_with_one_line(rayvision_sandbox, worker_env,
                                                          maya_project, tmp_path):
    # The state folder cannot be made (a file stands there): the item fails, reported.
    farm = rayvision_sandbox
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("not a folder")
    supervisor = Supervisor(tmp_path, worker_env, farm)
    submit_scene(supervisor, maya_project, "qb-unexpected", "--rayvision-executable",
                 rayvision_executable(), "--state-dir", str(blocker / "sub"))
    supervisor.dispatch_submitted()
    supervisor.run_instance()
    (work,) = supervisor.reports("work")
    assert work["status"] == "failed"
    error = work["resultpackage"]["error"]
    assert error.startswith(("OSError: ", "NotADirectoryError: ")) and "\n" not in error, error
    assert supervisor.reports("job") == ["failed"]


RENDER_ITEM = u"""# -*- coding: utf-8 -*-
import io, json, sys
sys.path.insert(0, sys.argv[1])
import execute
package = json.loads(io.open(sys.argv[2], encoding="utf-8").read())
status, result = execute.render_work({"id": 7, "package": package}, {"name": "scene"})
text = json.dumps([status, result])
io.open(sys.argv[3], "w", encoding="utf-8").write(text if isinstance(text, type(u"")) else
                                                  text.decode("utf-8"))
"""


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_failed_item_naming_a_unicode_path_is_reported_failed(
        interpreter, rayvision_sandbox, worker_env, maya_project, tmp_path):
    # Qube's Python 2 back end gets the package's paths as unicode; the error line names one.
    project = maya_project.parent / u"pl\u00e2n_\u00e9t\u00e9"
    maya_project.rename(project)
    scene = str(project / "scenes" / "gone.ma")
    (tmp_path / "package.json").write_text(json.dumps(
        {"scene": scene, "output_dir": str(project / "renders"),
         "rayvision_executable": rayvision_executable()}), encoding="utf-8")
    (tmp_path / "item.py").write_text(RENDER_ITEM, encoding="utf-8")
    env = dict(farm_env(worker_env, rayvision_sandbox), PYTHONPATH=STANDINS)
    env.pop("PYTHONIOENCODING")  # a Worker's log is a pipe: Python 2 writes it as ASCII
    done = run([resolve(interpreter), str(tmp_path / "item.py"), JOB_TYPE,
                str(tmp_path / "package.json"), str(tmp_path / "result.json")], env, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    status, result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert (status, result) == ("failed", {
        "error": u"error 1000003: scene {0} is not a file".format(scene)})
    assert "ERROR error 1000003: scene " in done.stdout


def test_chunked_frames_with_a_step_render_only_those_frames(rayvision_sandbox, worker_env,
                                                             maya_project, tmp_path):
    farm = rayvision_sandbox
    supervisor = Supervisor(tmp_path, worker_env, farm)
    submit_scene(supervisor, maya_project, "qb-step", "--frames", "1-5[2]", "--chunk", "2",
                 "--rayvision-executable", rayvision_executable())
    job = supervisor.dispatch_submitted()
    assert [item["name"] for item in job["agenda"]] == ["1-3[2]", "5"]
    supervisor.run_instance()
    works = supervisor.reports("work")
    assert [(w["name"], w["status"]) for w in works] == [("1-3[2]", "complete"),
                                                         ("5", "complete")]
    # Frames 1, 3 and 5 of both layers, and nothing else.
    assert sorted(item["totalFrames"] for item in farm_tasks(farm, "qb-step")) == [2, 4]


def test_frames_that_cannot_be_chunked_are_refused_in_one_line(worker_env, maya_project,
                                                               tmp_path):
    supervisor = Supervisor(tmp_path, worker_env)
    done = run([sys.executable, os.path.join(JOB_TYPE, "submit.py"),
                str(maya_project / "scenes" / "muti_layer_test.ma"), "--output-dir",
                str(maya_project / "renders"), "--frames", "1,5,9", "--chunk", "2"],
               supervisor.env, tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --frames '1,5,9' cannot be split into chunks: give " \
                                  "first-last or first-last[step]"
    assert not os.path.exists(supervisor.path)  # nothing submitted
