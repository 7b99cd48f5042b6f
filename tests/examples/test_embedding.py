"""examples/in_process_job.py: the SDK inside a tool's own process.

Progress, logging routed to the host without touching its root logger, and a redis
upload-record database shared by machines. The farm (a sandbox), the SDK, redis and the files
are real, and every job runs in its own process. The render-manager and DCC integrations
(integrations/) are tested in tests/integrations/.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
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
    return subprocess.Popen([sys.executable, os.path.join(EXAMPLES, "in_process_job.py"),
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
sys.path.insert(0, {examples!r})
host_records = []
class HostRoot(logging.Handler):
    def emit(self, record):
        host_records.append(record.getMessage())
root = logging.getLogger()
root.addHandler(HostRoot())
root.setLevel(logging.DEBUG)
before = list(root.handlers)
import rayvision_sync
from in_process_job import route_sdk_logging, HostLogHandler
seen = []
route_sdk_logging(lambda level, text: seen.append((level, text)))
route_sdk_logging(lambda level, text: seen.append((level, text)))   # twice: no duplicates
sdk = logging.getLogger("rayvision_sync")
sdk.info("hello from the sdk")
logging.getLogger("host.tool").info("hello from the host")
kinds = sorted(type(h).__name__ for h in sdk.handlers)
print(repr((seen, host_records, root.handlers == before, sdk.propagate, kinds)))
""".format(examples=EXAMPLES)
    done = run([sys.executable, "-c", script], example_env, tmp_path)
    assert done.returncode == 0, done.stderr
    seen, host_records, root_untouched, propagate, kinds = eval(done.stdout.strip())
    assert seen == [(20, "rayvision_sync: hello from the sdk")]
    assert host_records == ["hello from the host"]
    assert root_untouched and propagate is False
    # A NullHandler from the package's import manners may be there too; no console handler.
    assert sorted(set(kinds) - {"NullHandler"}) == ["ConcurrentRotatingFileHandler",
                                                    "HostLogHandler"]
    assert done.stderr == ""


def test_workers_share_one_redis_upload_database(rayvision_sandbox, redis_url, example_env,
                                                 tmp_path):
    sys.path.insert(0, EXAMPLES)
    try:
        from in_process_job import write_db_config
    finally:
        sys.path.remove(EXAMPLES)
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
