"""The Deadline / Qube embedding examples: progress, logging, a shared redis upload database.

The render managers' own modules are stand-ins (host_standins/); the farm (a sandbox), the
SDK, redis and the files are real, and every job runs in its own process like on a worker.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMBEDDING = os.path.join(ROOT, "examples", "embedding")
STANDINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "host_standins")
MAYA_SCENE = os.path.join(ROOT, "examples", "scenes", "maya", "scenes", "muti_layer_test.ma")
FRAMES = sorted(["background/muti_layer_test.{0:04d}.png".format(n) for n in range(1, 6)]
                + ["characters/muti_layer_test.{0:04d}.png".format(n) for n in range(1, 4)])


def run(command, env, cwd):
    return subprocess.run(command, env=env, cwd=str(cwd), capture_output=True, text=True,
                          timeout=120)


def frames_below(folder):
    return sorted(os.path.relpath(os.path.join(r, f), str(folder)).replace(os.sep, "/")
                  for r, _d, files in os.walk(str(folder)) for f in files
                  if "thumbnail" not in r)


def job_settings(farm, tmp_path, name, db_config=None, **extra):
    settings = {"render_para": {"domain": farm.domain, "platform": "2", "protocol": "http",
                                "access_id": farm.access_id, "access_key": farm.access_key},
                "dcc": "maya", "cg_file": MAYA_SCENE, "software_version": "2019",
                "plugin_config": {"mtoa": "3.2.1.1"}, "job_dir": str(tmp_path / name),
                "download_path": str(tmp_path / name / "frames"), "db_config_path": db_config,
                "poll_seconds": 0.2, "timeout": 60}
    settings.update(extra)
    path = tmp_path / (name + ".json")
    path.write_text(json.dumps(settings))
    return str(path)


def start_job(settings_file, env, cwd):
    return subprocess.Popen([sys.executable, os.path.join(EMBEDDING, "renderbus_job.py"),
                             settings_file], env=env, cwd=str(cwd), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process):
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    return stdout, stderr


def test_job_reports_progress_and_routes_sdk_logs(rayvision_sandbox, example_env, tmp_path):
    farm = rayvision_sandbox
    stdout, stderr = finish(start_job(job_settings(farm, tmp_path, "job"), example_env,
                                      tmp_path))
    percents = [float(line.split()[1].rstrip("%")) for line in stdout.splitlines()
                if line.startswith("PROGRESS")]
    assert percents[0] == 0 and percents[-1] == 100
    assert percents == sorted(percents)
    assert any(50 < p < 100 for p in percents)          # rendering is reported frame by frame
    # SDK messages arrive through the host's log function, never on stderr.
    # One summary line per job at INFO (each file is logged at DEBUG).
    assert "INFO rayvision_sync.http_engine: upload: " in stdout
    assert "rayvision_" not in stderr
    result = json.loads(stdout.strip().splitlines()[-1])
    assert result["ok"] and result["frames_done"] == result["frames_total"] == 8
    assert frames_below(result["output_folder"]) == FRAMES
    assert farm.access_key not in stdout + stderr


def test_route_sdk_logging_leaves_the_host_logging_alone(example_env, tmp_path):
    script = """
import logging, sys
sys.path.insert(0, {embedding!r})
host_records = []
class HostRoot(logging.Handler):
    def emit(self, record):
        host_records.append(record.getMessage())
root = logging.getLogger()
root.addHandler(HostRoot())
root.setLevel(logging.DEBUG)
before = list(root.handlers)
import rayvision_sync
from renderbus_job import route_sdk_logging, HostLogHandler
seen = []
route_sdk_logging(lambda level, text: seen.append((level, text)))
route_sdk_logging(lambda level, text: seen.append((level, text)))   # twice: no duplicates
sdk = logging.getLogger("rayvision_sync")
sdk.info("hello from the sdk")
logging.getLogger("host.tool").info("hello from the host")
kinds = sorted(type(h).__name__ for h in sdk.handlers)
print(repr((seen, host_records, root.handlers == before, sdk.propagate, kinds)))
""".format(embedding=EMBEDDING)
    done = run([sys.executable, "-c", script], example_env, tmp_path)
    assert done.returncode == 0, done.stderr
    seen, host_records, root_untouched, propagate, kinds = eval(done.stdout.strip())
    assert seen == [(20, "rayvision_sync: hello from the sdk")]
    assert host_records == ["hello from the host"]
    assert root_untouched and propagate is False
    assert kinds == ["ConcurrentRotatingFileHandler", "HostLogHandler"]
    assert done.stderr == ""


def test_workers_share_one_redis_upload_database(rayvision_sandbox, redis_url, example_env,
                                                 tmp_path):
    sys.path.insert(0, EMBEDDING)
    try:
        from renderbus_job import write_db_config
    finally:
        sys.path.remove(EMBEDDING)
    host, port = redis_url
    db_config = write_db_config(str(tmp_path / "shared" / "db_config.ini"), redis_host=host,
                                redis_port=port, table_index=2)
    farm = rayvision_sandbox
    # The first worker uploads the scene's files...
    first, _ = finish(start_job(job_settings(farm, tmp_path, "worker1", db_config),
                                example_env, tmp_path))
    assert json.loads(first.strip().splitlines()[-1])["uploaded"] == 8
    # ...two more workers, at the same time, with their own folders, upload none of them.
    workers = [start_job(job_settings(farm, tmp_path, name, db_config), example_env, tmp_path)
               for name in ("worker2", "worker3")]
    for worker in workers:
        stdout, _ = finish(worker)
        result = json.loads(stdout.strip().splitlines()[-1])
        assert (result["uploaded"], result["skipped"], result["ok"]) == (0, 8, True)
        assert frames_below(result["output_folder"]) == FRAMES
    # A sqlite database would not have helped them: every worker has its own folder.
    import redis
    keys = redis.Redis(host=host, port=port, db=2).keys("rayvision_sync:record:*")
    assert len(keys) == 1


def deadline_job(farm, tmp_path, **plugin_info):
    info = {"SceneFile": MAYA_SCENE, "Dcc": "Maya", "SoftwareVersion": "2019",
            "PluginConfig": json.dumps({"mtoa": "3.2.1.1"}),
            "OutputDirectory": str(tmp_path / "renders")}
    info.update(plugin_info)
    job = {"plugin_info": info,
           "config": {"Domain": farm.domain, "Platform": "2", "Protocol": "http",
                      "AccessId": farm.access_id, "AccessKey": farm.access_key,
                      "PollSeconds": "0.2", "SdkPaths": EMBEDDING}}
    path = tmp_path / "deadline_job.json"
    path.write_text(json.dumps(job))
    return str(path)


def run_deadline(job_file, example_env, tmp_path):
    calls_file = tmp_path / "calls.json"
    env = dict(example_env, DEADLINE_STANDIN_JOB=job_file)
    done = run([sys.executable, os.path.join(STANDINS, "run_deadline_plugin.py"),
                os.path.join(EMBEDDING, "deadline", "RenderbusCloud", "RenderbusCloud.py"),
                str(calls_file)], env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(calls_file.read_text()), done


def test_deadline_plugin_renders_a_task(rayvision_sandbox, example_env, tmp_path):
    recorded, done = run_deadline(deadline_job(rayvision_sandbox, tmp_path), example_env,
                                  tmp_path)
    assert recorded["plugin_type"] == 2 and recorded["failed"] is False
    calls = recorded["calls"]
    progress = [value for name, value in calls if name == "SetProgress"]
    assert progress[0] == 0 and progress[-1] == 100 and progress == sorted(progress)
    statuses = [value for name, value in calls if name == "SetStatusMessage"]
    assert statuses[-1].startswith("task ") and " done: 8 frames in " in statuses[-1]
    logs = [value for name, value in calls if name == "LogInfo"]
    assert any(line.startswith("rayvision_sync.http_engine: upload: ") for line in logs)
    assert logs[-1].startswith("Renderbus task ")
    assert frames_below(logs[-1].rsplit(" in ", 1)[1]) == FRAMES
    assert rayvision_sandbox.access_key not in json.dumps(calls) + done.stdout + done.stderr
    assert "rayvision_" not in done.stderr


def test_deadline_plugin_cancel_stops_the_farm_task(example_env, tmp_path):
    from rayvision_api import RayvisionAPI
    from rayvision_sandbox import Sandbox

    # A slow farm, so that the task is still rendering when Deadline cancels the job.
    with Sandbox(data_dir=str(tmp_path / "farm"), seconds_per_frame=2) as farm:
        job = json.loads(open(deadline_job(farm, tmp_path)).read())
        job["cancel_after_status"] = "submitted"
        path = tmp_path / "cancel_job.json"
        path.write_text(json.dumps(job))
        recorded, _ = run_deadline(str(path), example_env, tmp_path)
        assert recorded["failed"] is True
        message = [value for name, value in recorded["calls"] if name == "FailRender"][0]
        assert "cancelled by the render manager" in message
        task_id = int(message.rsplit("task ", 1)[1].split()[0])
        api = RayvisionAPI(**farm.api_kwargs())
        assert api.query.task_info([task_id])["items"][0]["taskStatus"] == 10


def test_qube_backend_reports_each_work_item(rayvision_sandbox, example_env, tmp_path):
    farm = rayvision_sandbox
    job = {"id": 4242, "package": {
        "render_para": {"domain": farm.domain, "platform": "2", "protocol": "http"},
        "scenes": [{"dcc": "maya", "cg_file": MAYA_SCENE, "software_version": "2019",
                    "plugin_config": {"mtoa": "3.2.1.1"}},
                   {"dcc": "maya", "cg_file": MAYA_SCENE, "software_version": "2017"}],
        "download_path": str(tmp_path / "renders"), "db_config_path": None,
        "poll_seconds": 0.2, "sdk_paths": [EMBEDDING]},
        "agenda": [{"name": "0", "status": "pending"}, {"name": "1", "status": "pending"}]}
    (tmp_path / "qube_job.json").write_text(json.dumps(job))
    report = tmp_path / "report.jsonl"
    # Credentials from the worker's environment, never from the job.
    env = dict(example_env, QB_STANDIN_JOB=str(tmp_path / "qube_job.json"),
               QB_STANDIN_REPORT=str(report), PYTHONPATH=STANDINS,
               RAYVISION_ACCESS_ID=farm.access_id, RAYVISION_ACCESS_KEY=farm.access_key)
    done = run([sys.executable, os.path.join(EMBEDDING, "qube", "renderbus_cloud",
                                             "execute.py")], env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    reported = [json.loads(line) for line in report.read_text().splitlines()]
    works = [value for kind, value in reported if kind == "work"]
    assert [(w["name"], w["status"]) for w in works] == [("0", "complete"), ("1", "failed")]
    assert frames_below(works[0]["resultpackage"]["output"]) == FRAMES
    assert "PROGRESS 0: 100.0% task " in done.stdout
    # The second scene asks for Maya 2017 but was saved by 2019: the analyser's error is
    # logged and only that work item fails.
    assert "VersionNotMatchError" in done.stdout
    assert farm.access_key not in done.stdout + done.stderr


def test_qube_front_end_builds_one_agenda_item_per_scene(example_env, tmp_path):
    report = tmp_path / "report.jsonl"
    env = dict(example_env, PYTHONPATH=STANDINS, QB_STANDIN_REPORT=str(report),
               RAYVISION_ACCESS_ID="id", RAYVISION_ACCESS_KEY="secret-key")
    done = run([sys.executable, os.path.join(EMBEDDING, "qube", "renderbus_cloud", "submit.py"),
                "maya", "2019", MAYA_SCENE, "--download-path", str(tmp_path / "out")], env,
               tmp_path)
    assert done.returncode == 0, done.stderr
    assert "submitted Qube job 1000" in done.stdout
    submitted = json.loads(report.read_text().splitlines()[0])[1]
    assert submitted["prototype"] == "renderbus_cloud"
    assert submitted["agenda"] == [{"name": "0", "status": "pending"}]
    assert "secret-key" not in report.read_text()
