"""The Deadline plugin (integrations/deadline) driven by a stand-in Worker and Monitor.

Each task runs in its own process (``standins/run_deadline_task.py``) against a stand-in
repository file, with the real ``rayvision`` command and a real sandbox farm: the tests
assert what the farm did (one cloud task per Deadline task, stopped when cancelled) as well
as what Deadline would show.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

from helpers.integration_hosts import (
    INTEGRATIONS,
    MAYA_FRAMES,
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

PLUGIN_DIR = os.path.join(INTEGRATIONS, "deadline", "plugins", "Renderbus")
SUBMISSION = os.path.join(INTEGRATIONS, "deadline", "scripts", "Submission",
                          "RenderbusSubmission.py")
EXAMPLES = os.path.join(INTEGRATIONS, "deadline", "examples")
sys.path.insert(0, STANDINS)
import deadline_repository  # noqa: E402

sys.path.remove(STANDINS)


class Repository(object):
    """A stand-in Deadline repository whose Workers reach ``farm`` from their environment."""

    def __init__(self, tmp_path, env, farm, project, **config):
        self.tmp_path = tmp_path
        self.path = str(tmp_path / "repository.json")
        self.env = dict(farm_env(env, farm), DEADLINE_STANDIN_REPOSITORY=self.path)
        self.project = project
        settings = {"RayvisionExecutable": rayvision_executable(), "PollSeconds": "0.3"}
        settings.update(config)
        # The studio's file server as the submitting Windows machines name it.
        mapping = [["\\\\fileserver\\projects\\", str(tmp_path / "projects") + "/"],
                   ["P:\\", str(tmp_path / "projects") + "/"]]
        deadline_repository.create(self.path, {"Renderbus": settings}, mapping)

    def submit_example(self, **plugin_info):
        """Submit the example job info / plugin info pair (with ``plugin_info`` changes)."""
        job_info = deadline_repository.read_key_values(
            os.path.join(EXAMPLES, "renderbus_job_info.job"))
        info = deadline_repository.read_key_values(
            os.path.join(EXAMPLES, "renderbus_plugin_info.job"))
        info.update(ProjectName=self.project, **plugin_info)
        os.environ["DEADLINE_STANDIN_REPOSITORY"] = self.path
        try:
            return deadline_repository.add_job(job_info, info)
        finally:
            del os.environ["DEADLINE_STANDIN_REPOSITORY"]

    def start_task(self, job_id, task_id=0, cancel_file=None):
        result = self.tmp_path / "task-{0}-{1}-{2}.json".format(job_id, task_id,
                                                                time.time())
        command = [sys.executable, os.path.join(STANDINS, "run_deadline_task.py"), PLUGIN_DIR,
                   str(job_id), str(task_id), str(result)]
        if cancel_file:
            command.append(str(cancel_file))
        process = subprocess.Popen(command, env=self.env, cwd=str(self.tmp_path),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        process.result_file = result
        return process

    def finish(self, process, timeout=180):
        stdout, stderr = process.communicate(timeout=timeout)
        assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
        with open(str(process.result_file)) as handle:
            return json.load(handle), stdout + stderr

    def run_task(self, job_id, task_id=0):
        return self.finish(self.start_task(job_id, task_id))

    def job(self, job_id):
        with open(self.path) as handle:
            return json.load(handle)["jobs"][str(job_id)]

    def cloud_tasks(self, job_id, task_id=0):
        """``[(frames, cloud task id)]`` recorded in the job's extra info for one task."""
        value = self.job(job_id)["extra_info"].get("RenderbusCloudTask{0}".format(task_id))
        if value and value.isdigit():
            return [(None, value)]  # a bare id, as older plugins wrote
        return [(item["frames"], item["task"]) for item in json.loads(value or "[]")]

    def cloud_task(self, job_id, task_id=0):
        """The newest cloud task id recorded for one task, or None."""
        records = self.cloud_tasks(job_id, task_id)
        return records[-1][1] if records else None

    def change_job(self, job_id, **job_info):
        """Modify Job Properties in Monitor (e.g. ``Frames``, ``ChunkSize``)."""
        os.environ["DEADLINE_STANDIN_REPOSITORY"] = self.path
        try:
            with deadline_repository.change() as data:
                data["jobs"][str(job_id)]["job_info"].update(job_info)
        finally:
            del os.environ["DEADLINE_STANDIN_REPOSITORY"]


def calls_named(recorded, name):
    return [value for call, value in recorded["calls"] if call == name]


def shot_scene(maya_project):
    """The example plugin info's scene (shot010_lighting.ma) on the stand-in file server."""
    scenes = maya_project / "scenes"
    shutil.copyfile(str(scenes / "muti_layer_test.ma"), str(scenes / "shot010_lighting.ma"))


def test_example_job_renders_with_path_mapping(rayvision_sandbox, worker_env, maya_project,
                                               tmp_path):
    farm = rayvision_sandbox
    shot_scene(maya_project)
    repo = Repository(tmp_path, worker_env, farm, "dl-example")
    job_id = repo.submit_example()
    recorded, output = repo.run_task(job_id)

    assert recorded["failed"] is False and recorded["plugin_type"] == 1  # Advanced
    assert recorded["cleaned_up"] is True
    progress = calls_named(recorded, "SetProgress")
    assert progress[0] == 0 and progress[-1] == 100 and progress == sorted(progress)
    assert any(45 < value < 100 for value in progress)  # the render is followed
    status = calls_named(recorded, "SetStatusMessage")
    assert any("uploading" in text for text in status)
    assert status[-1].startswith("Renderbus task ") and " done: 8 frames in " in status[-1]
    # Every path of the job went through Deadline's path mapping.
    checked = [source for source, _ in recorded["path_checks"]]
    assert "\\\\fileserver\\projects\\shot010\\scenes\\shot010_lighting.ma" in checked
    assert "\\\\fileserver\\projects\\shot010\\renders" in checked
    renders = maya_project / "renders"
    (task,) = farm_tasks(farm, "dl-example")
    task_folder = [name for name in os.listdir(str(renders)) if not name.startswith(".")]
    assert task_folder == ["{0}_shot010_lighting".format(task["id"])]
    assert len(files_below(renders / task_folder[0])) == len(MAYA_FRAMES)
    # The cloud task is remembered in the job's extra info, and nothing secret is anywhere.
    assert list(repo.job(job_id)["extra_info"]) == ["RenderbusCloudTask0"]
    assert repo.cloud_tasks(job_id) == [("", str(task["id"]))]
    assert farm.access_key not in json.dumps(recorded) + output
    assert farm.access_key not in open(repo.path).read()


def test_monitor_submission_splits_frames_into_concurrent_cloud_tasks(
        rayvision_sandbox, worker_env, maya_project, tmp_path):
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-chunks")
    values = {"SceneFile": "P:\\shot010\\scenes\\muti_layer_test.ma",
              "OutputDirectory": "P:\\shot010\\renders", "ProjectName": "dl-chunks",
              "Frames": "1-4", "ChunkSize": 2, "ConcurrentTasks": 2, "Priority": 60}
    (tmp_path / "values.json").write_text(json.dumps(values))
    done = run([sys.executable, os.path.join(STANDINS, "run_monitor_submission.py"),
                SUBMISSION, str(tmp_path / "values.json"), str(tmp_path / "dialog.json")],
               repo.env, tmp_path)
    assert done.returncode == 0, done.stderr
    dialog = json.loads((tmp_path / "dialog.json").read_text())
    assert dialog["shown"] and dialog["messages"][-1][1].startswith("Result=Success")
    job_id = dialog["messages"][-1][1].split("JobID=")[1].strip()
    job = repo.job(job_id)
    assert job["job_info"]["Plugin"] == "Renderbus"
    assert (job["job_info"]["Frames"], job["job_info"]["ChunkSize"]) == ("1-4", "2")
    assert job["job_info"]["ConcurrentTasks"] == "2"
    assert "AccessKey" not in json.dumps(job)

    # Both tasks at once on one Worker (ConcurrentTasks), each its own cloud task.
    tasks = [repo.start_task(job_id, task_id) for task_id in (0, 1)]
    for process in tasks:
        recorded, output = repo.finish(process)
        assert recorded["failed"] is False, (calls_named(recorded, "FailRender"), output[-3000:])
    cloud = farm_tasks(farm, "dl-chunks")
    assert len(cloud) == 2
    assert sorted(item["totalFrames"] for item in cloud) == [4, 4]  # 2 frames x 2 layers
    extra = repo.job(job_id)["extra_info"]
    assert sorted(extra) == ["RenderbusCloudTask0", "RenderbusCloudTask1"]
    assert repo.cloud_tasks(job_id, 0) == [("1-2[1]", repo.cloud_task(job_id, 0))]
    assert repo.cloud_tasks(job_id, 1) == [("3-4[1]", repo.cloud_task(job_id, 1))]
    assert sorted([repo.cloud_task(job_id, 0), repo.cloud_task(job_id, 1)]) == \
        sorted(str(item["id"]) for item in cloud)


def _cancel_while_rendering(repo, farm, job_id, tmp_path, project):
    """Start task 0, cancel it from 'Monitor' once its cloud task renders; returns the
    recorded calls, the cloud task id and the seconds the Worker took to stop."""
    cancel = tmp_path / "cancel-{0}".format(time.time())
    process = repo.start_task(job_id, 0, cancel)
    task_id = wait_until(lambda: repo.cloud_task(job_id),
                         what="the cloud task id in the job's extra info")
    wait_until(lambda: task_status(farm, task_id) == 5, what="the cloud task rendering")
    cancel.write_text("cancel")
    started = time.time()
    recorded, _ = repo.finish(process)
    return recorded, task_id, time.time() - started


def test_cancel_kills_the_local_work_and_stops_the_cloud_task_then_requeue_restarts_it(
        slow_farm, worker_env, maya_project, tmp_path):
    repo = Repository(tmp_path, worker_env, slow_farm, "dl-cancel")
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, task_id, seconds = _cancel_while_rendering(repo, slow_farm, job_id, tmp_path,
                                                         "dl-cancel")
    assert recorded["failed"] is True
    assert calls_named(recorded, "FailRender") == [
        "cancelled by Deadline; Renderbus task {0} stopped".format(task_id)]
    assert seconds < 10
    assert processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]) == []
    assert task_status(slow_farm, task_id) == 10  # stopped on the farm

    # Requeued: the same cloud task is restarted and followed to its end.
    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False
    logs = calls_named(recorded, "LogInfo")
    assert "re-attaching to Renderbus task {0} (Stop)".format(task_id) in logs
    assert "Renderbus task {0} restarted".format(task_id) in logs
    assert [item["id"] for item in farm_tasks(slow_farm, "dl-cancel")] == [int(task_id)]
    assert task_status(slow_farm, task_id) == 25


def test_requeue_reattaches_to_the_cloud_task_that_kept_rendering(slow_farm, worker_env,
                                                                  maya_project, tmp_path):
    repo = Repository(tmp_path, worker_env, slow_farm, "dl-requeue",
                      StopCloudTaskOnCancel="False")
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, task_id, _ = _cancel_while_rendering(repo, slow_farm, job_id, tmp_path,
                                                   "dl-requeue")
    assert calls_named(recorded, "FailRender") == ["cancelled by Deadline"]
    assert task_status(slow_farm, task_id) == 5  # still rendering: nothing was stopped
    assert processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]) == []

    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False
    assert calls_named(recorded, "LogInfo")[0] == \
        "re-attaching to Renderbus task {0} (Rendering)".format(task_id)
    assert [item["id"] for item in farm_tasks(slow_farm, "dl-requeue")] == [int(task_id)]
    renders = maya_project / "renders" / "{0}_muti_layer_test".format(task_id)
    assert files_below(renders) == MAYA_FRAMES


def test_worker_killed_during_the_upload_then_requeue_submits_the_same_cloud_task(
        slow_farm, worker_env, maya_project, tmp_path):
    repo = Repository(tmp_path, worker_env, slow_farm, "dl-crash")
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    slow_farm.faults.set(latency=0.6)  # an upload long enough to die in
    process = repo.start_task(job_id, 0)
    task_id = wait_until(lambda: repo.cloud_task(job_id),
                         what="the cloud task id in the job's extra info")
    for pid in processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]):
        os.kill(pid, signal.SIGKILL)  # the Worker machine loses power
    process.communicate()
    slow_farm.faults.clear()
    assert farm_tasks(slow_farm, "dl-crash") == []  # created, never submitted

    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False, calls_named(recorded, "FailRender")
    assert calls_named(recorded, "LogInfo")[0] == (
        "Renderbus task {0} was created but not submitted: finishing its submission"
        .format(task_id))
    assert [item["id"] for item in farm_tasks(slow_farm, "dl-crash")] == [int(task_id)]
    assert task_status(slow_farm, task_id) == 25


def test_failed_frames_fail_the_task_with_one_line(rayvision_sandbox, worker_env,
                                                   maya_project, tmp_path):
    farm = rayvision_sandbox
    farm.faults.set(failing_frames=[2])
    repo = Repository(tmp_path, worker_env, farm, "dl-failed")
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, _ = repo.run_task(job_id)
    (task,) = farm_tasks(farm, "dl-failed")
    (message,) = calls_named(recorded, "FailRender")
    assert message == "Renderbus task {0} ended Done(with failed frame): 2 of 8 frames " \
                      "failed".format(task["id"])


def test_every_error_is_one_failrender_line(rayvision_sandbox, worker_env, maya_project,
                                            tmp_path):
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-errors")
    missing = repo.submit_example(SceneFile="P:\\shot010\\scenes\\nowhere.ma",
                                  OutputDirectory="P:\\shot010\\renders")
    recorded, _ = repo.run_task(missing)
    (message,) = calls_named(recorded, "FailRender")
    assert "nowhere.ma is not a file" in message and "\n" not in message

    with_key = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                   OutputDirectory="P:\\shot010\\renders",
                                   AccessKey="leaked-secret")
    recorded, _ = repo.run_task(with_key)
    (message,) = calls_named(recorded, "FailRender")
    assert message.startswith("the job carries credentials (AccessKey)")
    assert "leaked-secret" not in message
    assert farm_tasks(farm, "dl-errors") == []

    # A Worker without credentials: the CLI's own one line (exit 3) becomes the failure.
    repo.env = dict(repo.env)
    del repo.env["RAYVISION_ACCESS_KEY"]
    no_key = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, _ = repo.run_task(no_key)
    (message,) = calls_named(recorded, "FailRender")
    assert message.startswith("error ") and "\n" not in message
    assert farm_tasks(farm, "dl-errors") == []


def test_windows_executable_path_is_skipped_on_a_linux_worker(rayvision_sandbox, worker_env,
                                                               maya_project, tmp_path):
    # The shipped default lists the Windows path first: a Linux Worker must go on to its own.
    farm = rayvision_sandbox
    windows = "C:\\Program Files\\Renderbus\\rayvision\\Scripts\\rayvision.exe"
    repo = Repository(tmp_path, worker_env, farm, "dl-exe",
                      RayvisionExecutable=windows + ";" + rayvision_executable())
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False, calls_named(recorded, "FailRender")
    assert len(farm_tasks(farm, "dl-exe")) == 1

    # Only Windows paths configured: the task says none exists instead of trying to run one.
    repo = Repository(tmp_path, worker_env, farm, "dl-exe", RayvisionExecutable=windows)
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, _ = repo.run_task(job_id)
    (message,) = calls_named(recorded, "FailRender")
    assert message.startswith("none of the configured rayvision executables exists"), message


def test_job_split_into_tasks_without_use_job_frames_renders_nothing(rayvision_sandbox,
                                                                     worker_env, maya_project,
                                                                     tmp_path):
    # Each task would submit the whole scene (one paid cloud render per task): refused.
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-split")
    job_info = deadline_repository.read_key_values(
        os.path.join(EXAMPLES, "renderbus_job_info.job"))
    job_info.update(Frames="1-4", ChunkSize="2")
    plugin_info = deadline_repository.read_key_values(
        os.path.join(EXAMPLES, "renderbus_plugin_info.job"))
    plugin_info.update(ProjectName="dl-split", UseJobFrames="False",
                       SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                       OutputDirectory="P:\\shot010\\renders")
    os.environ["DEADLINE_STANDIN_REPOSITORY"] = repo.path
    try:
        job_id = deadline_repository.add_job(job_info, plugin_info)
    finally:
        del os.environ["DEADLINE_STANDIN_REPOSITORY"]
    for task_id in (0, 1):
        recorded, _ = repo.run_task(job_id, task_id)
        (message,) = calls_named(recorded, "FailRender")
        assert message.startswith("UseJobFrames is off, so every task of this job"), message
    assert farm_tasks(farm, "dl-split") == []


LONG_LIVED_WORKER = """import os, shutil, sys
sys.path.insert(0, sys.argv[1])
import run_deadline_task

plugin_dir, jobs, results, updated = sys.argv[2], sys.argv[3:6], sys.argv[6:9], sys.argv[9]
modules = []
for number, (job_id, result) in enumerate(zip(jobs, results)):
    if number == 1:  # the studio updates the plugin folder while the Worker runs
        shutil.copyfile(updated, os.path.join(plugin_dir, "rayvision_job.py"))
    run_deadline_task.main(plugin_dir, job_id, "0", result)
    modules.append(id(sys.modules["rayvision_job"]))
print(" ".join(str(module) for module in modules))
"""


def test_long_lived_worker_loads_the_updated_runner_of_the_plugin_folder(
        rayvision_sandbox, worker_env, maya_project, tmp_path):
    farm = rayvision_sandbox
    plugin_dir = tmp_path / "custom" / "plugins" / "Renderbus"
    shutil.copytree(PLUGIN_DIR, str(plugin_dir))
    updated = tmp_path / "rayvision_job_v2.py"
    source = (plugin_dir / "rayvision_job.py").read_text(encoding="utf-8")
    marked = source.replace('"Renderbus task {0} submitted"', '"Renderbus task {0} submitted '
                                                                 '(updated runner)"')
    assert marked != source
    updated.write_text(marked, encoding="utf-8")
    repo = Repository(tmp_path, worker_env, farm, "dl-update")
    jobs = [repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                OutputDirectory="P:\\shot010\\renders{0}".format(number))
            for number in range(3)]
    results = [str(tmp_path / "result-{0}.json".format(number)) for number in range(3)]
    (tmp_path / "worker.py").write_text(LONG_LIVED_WORKER)
    done = run([sys.executable, str(tmp_path / "worker.py"), STANDINS, str(plugin_dir)] + jobs
               + results + [str(updated)], repo.env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    logs = []
    for result in results:
        with open(result) as handle:
            recorded = json.load(handle)
        assert recorded["failed"] is False, calls_named(recorded, "FailRender")
        logs.append(calls_named(recorded, "LogInfo"))
    assert not any(line.endswith("(updated runner)") for line in logs[0])
    assert "loaded rayvision_job again: {0} changed since this Worker loaded it".format(
        plugin_dir / "rayvision_job.py") in logs[1]
    assert any(line.endswith("submitted (updated runner)") for line in logs[1])
    assert any(line.endswith("submitted (updated runner)") for line in logs[2])
    assert not any(line.startswith("loaded rayvision_job again") for line in logs[2])
    first, second, third = done.stdout.split()
    assert first != second and second == third  # unchanged: the loaded module is kept


def test_changed_frames_submit_anew_and_an_unchanged_requeue_reattaches(
        rayvision_sandbox, worker_env, maya_project, tmp_path):
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-changed")
    job_info = deadline_repository.read_key_values(
        os.path.join(EXAMPLES, "renderbus_job_info.job"))
    job_info.update(Frames="1-4", ChunkSize="2")
    plugin_info = deadline_repository.read_key_values(
        os.path.join(EXAMPLES, "renderbus_plugin_info.job"))
    plugin_info.update(ProjectName="dl-changed", UseJobFrames="True",
                       SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                       OutputDirectory="P:\\shot010\\renders")
    os.environ["DEADLINE_STANDIN_REPOSITORY"] = repo.path
    try:
        job_id = deadline_repository.add_job(job_info, plugin_info)
    finally:
        del os.environ["DEADLINE_STANDIN_REPOSITORY"]

    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False, calls_named(recorded, "FailRender")
    first = repo.cloud_task(job_id)

    # Monitor: chunk size 4. Task 0 now stands for frames 1-4: a cloud task of its own.
    repo.change_job(job_id, ChunkSize="4")
    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False, calls_named(recorded, "FailRender")
    second = repo.cloud_task(job_id)
    assert second != first
    assert calls_named(recorded, "LogInfo")[0] == (
        "the job's frames changed since Renderbus task {0} was submitted for frames 1-2[1]: "
        "this task renders frames 1-4[1] now, as a new cloud task (task {0} is left as it "
        "is)".format(first))
    frames = dict((str(item["id"]), item["totalFrames"]) for item in farm_tasks(farm,
                                                                                "dl-changed"))
    assert frames == {first: 4, second: 8}  # 2 layers

    # Requeued unchanged: the cloud task of these frames is re-attached to, never resubmitted.
    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False
    assert calls_named(recorded, "LogInfo")[0] == \
        "re-attaching to Renderbus task {0} (Done)".format(second)
    # Back to chunks of 2: frames 1-2 already have their cloud task.
    repo.change_job(job_id, ChunkSize="2")
    recorded, _ = repo.run_task(job_id)
    assert calls_named(recorded, "LogInfo")[0] == \
        "re-attaching to Renderbus task {0} (Done)".format(first)
    assert len(farm_tasks(farm, "dl-changed")) == 2
    assert repo.cloud_tasks(job_id) == [("1-2[1]", first), ("1-4[1]", second)]


def test_a_bare_cloud_task_id_of_an_older_plugin_is_reattached_and_recorded_with_frames(
        rayvision_sandbox, worker_env, maya_project, tmp_path):
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-older")
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, _ = repo.run_task(job_id)
    task_id = repo.cloud_task(job_id)
    os.environ["DEADLINE_STANDIN_REPOSITORY"] = repo.path
    try:
        with deadline_repository.change() as data:
            data["jobs"][str(job_id)]["extra_info"]["RenderbusCloudTask0"] = task_id
    finally:
        del os.environ["DEADLINE_STANDIN_REPOSITORY"]
    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False
    assert calls_named(recorded, "LogInfo")[:2] == [
        "Renderbus task {0} was recorded without its frames (an older plugin): recorded for "
        "the scene's own frames now".format(task_id),
        "re-attaching to Renderbus task {0} (Done)".format(task_id)]
    assert repo.cloud_tasks(job_id) == [("", task_id)]
    assert len(farm_tasks(farm, "dl-older")) == 1


def frame_restarts(farm, task_id):
    """``{frame number: times restarted}`` of a cloud task (the farm's recommit counters)."""
    from rayvision_api import RayvisionAPI

    api = RayvisionAPI(**farm.api_kwargs())
    items = api.query.task_frames(int(task_id), page_num=1, page_size=100)["items"]
    return dict((item["id"], item["recommitFlag"]) for item in items)


def _failed_frames_job(repo, farm, project):
    """A job whose first run ends with 2 of 8 frames failed; returns job and cloud task."""
    farm.faults.set(failing_frames=[2])
    job_id = repo.submit_example(SceneFile="P:\\shot010\\scenes\\muti_layer_test.ma",
                                 OutputDirectory="P:\\shot010\\renders")
    recorded, _ = repo.run_task(job_id)
    task_id = repo.cloud_task(job_id)
    assert calls_named(recorded, "FailRender") == [
        "Renderbus task {0} ended Done(with failed frame): 2 of 8 frames failed".format(
            task_id)]
    return job_id, task_id


def test_requeue_after_failed_frames_restarts_them_once_and_follows(
        rayvision_sandbox, worker_env, maya_project, tmp_path):
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-refail")
    job_id, task_id = _failed_frames_job(repo, farm, "dl-refail")
    farm.faults.clear()  # the farm's problem with frame 2 is fixed

    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False, calls_named(recorded, "FailRender")
    assert calls_named(recorded, "LogInfo")[:3] == [
        "re-attaching to Renderbus task {0} (Done(with failed frame))".format(task_id),
        "Renderbus task {0}: restarting its 2 failed frames".format(task_id),
        "Renderbus task {0}: failed frames restarted".format(task_id)]
    assert task_status(farm, task_id) == 25
    assert sorted(frame_restarts(farm, task_id).values()) == [0] * 6 + [1] * 2
    assert [item["id"] for item in farm_tasks(farm, "dl-refail")] == [int(task_id)]
    renders = maya_project / "renders" / "{0}_muti_layer_test".format(task_id)
    assert files_below(renders) == MAYA_FRAMES  # the re-rendered frames came down too
    (record,) = json.loads(repo.job(job_id)["extra_info"]["RenderbusCloudTask0"])
    assert record == {"frames": "", "task": task_id, "restarts": 1}


def test_failed_frames_are_restarted_at_most_as_configured(rayvision_sandbox, worker_env,
                                                           maya_project, tmp_path):
    # Deadline retries a failed task by itself: frames failing every time must not be paid
    # for again on every retry.
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-cap")
    job_id, task_id = _failed_frames_job(repo, farm, "dl-cap")
    failed_line = "Renderbus task {0} ended Done(with failed frame): 2 of 8 frames " \
                  "failed".format(task_id)
    recorded, _ = repo.run_task(job_id)  # restarted once, and frame 2 fails again
    assert "Renderbus task {0}: restarting its 2 failed frames".format(task_id) in \
        calls_named(recorded, "LogInfo")
    assert calls_named(recorded, "FailRender") == [failed_line]
    recorded, _ = repo.run_task(job_id)
    assert calls_named(recorded, "LogInfo")[1] == (
        "Renderbus task {0}: its failed frames were restarted as often as allowed already: "
        "following the task as it ended".format(task_id))
    assert calls_named(recorded, "FailRender") == [failed_line]
    assert sorted(frame_restarts(farm, task_id).values()) == [0] * 6 + [1] * 2

    never = Repository(tmp_path, worker_env, farm, "dl-cap", RestartFailedFrames="0")
    job_id, task_id = _failed_frames_job(never, farm, "dl-cap")
    recorded, _ = never.run_task(job_id)
    assert "restarted as often as allowed" in calls_named(recorded, "LogInfo")[1]
    assert sorted(frame_restarts(farm, task_id).values()) == [0] * 8


def test_restart_of_failed_frames_whose_answer_is_lost_happens_once(
        rayvision_sandbox, worker_env, maya_project, tmp_path):
    from rayvision_api import constants

    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-lost")
    job_id, task_id = _failed_frames_job(repo, farm, "dl-lost")
    # The farm restarts the frames, then the connection drops before the answer.
    dropped = farm.faults.counters["dropped_answers"]  # the session's farm counts them all
    farm.faults.set(drop_answer={constants.RESTART_FAILED_FRAMES: 1})
    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False, calls_named(recorded, "FailRender")
    assert farm.faults.counters["dropped_answers"] == dropped + 1
    assert sorted(frame_restarts(farm, task_id).values()) == [0] * 6 + [1] * 2
    assert task_status(farm, task_id) == 25


def test_a_worker_whose_sdk_cannot_restart_fails_before_counting_it(
        rayvision_sandbox, worker_env, maya_project, tmp_path):
    farm = rayvision_sandbox
    repo = Repository(tmp_path, worker_env, farm, "dl-oldsdk")
    job_id, task_id = _failed_frames_job(repo, farm, "dl-oldsdk")
    farm.faults.clear()
    # The rayvision command of an SDK older than restart-failed: argparse refuses it.
    wrapper = tmp_path / "rayvision-old"
    wrapper.write_text(
        "#!/bin/sh\nfor word in \"$@\"; do\n  if [ \"$word\" = restart-failed ]; then\n"
        "    echo \"rayvision: error: argument COMMAND: invalid choice: 'restart-failed'\" >&2\n"
        "    exit 2\n  fi\ndone\nexec {0} \"$@\"\n".format(rayvision_executable()))
    wrapper.chmod(0o755)
    os.environ["DEADLINE_STANDIN_REPOSITORY"] = repo.path
    try:
        with deadline_repository.change() as data:
            data["config"]["Renderbus"]["RayvisionExecutable"] = str(wrapper)
    finally:
        del os.environ["DEADLINE_STANDIN_REPOSITORY"]
    recorded, _ = repo.run_task(job_id)
    (message,) = calls_named(recorded, "FailRender")
    assert message == (
        "{0} cannot restart failed frames (rayvision: error: argument COMMAND: invalid choice: "
        "'restart-failed'): install a rayvision SDK with the restart-failed command on this "
        "machine".format(wrapper)), message
    assert repo.cloud_tasks(job_id) == [("", task_id)]  # no restart counted
    assert "restarts" not in repo.job(job_id)["extra_info"]["RenderbusCloudTask0"]
    assert sorted(frame_restarts(farm, task_id).values()) == [0] * 8

    os.environ["DEADLINE_STANDIN_REPOSITORY"] = repo.path
    try:
        with deadline_repository.change() as data:
            data["config"]["Renderbus"]["RayvisionExecutable"] = rayvision_executable()
    finally:
        del os.environ["DEADLINE_STANDIN_REPOSITORY"]
    recorded, _ = repo.run_task(job_id)
    assert recorded["failed"] is False, calls_named(recorded, "FailRender")
    assert task_status(farm, task_id) == 25
