"""The end-to-end demos (analyse -> check -> upload -> submit -> download) against sandboxes."""

import os

import pytest

from rayvision_api import RayvisionAPI

# Rendered frames each sample scene gives: <layer folder> -> frame numbers.
EXPECTED_FRAMES = {
    "maya": ("muti_layer_test", {"background": range(1, 6), "characters": range(1, 4)}),
    "houdini": ("rock_turntable", {"out_mantra1": range(1, 6)}),
    "clarisse": ("clarisse_test1", {"beauty.main": range(1, 5),
                                    "beauty.shadows": range(1, 3)}),
}


def expected_files(task_id, dcc):
    scene, layers = EXPECTED_FRAMES[dcc]
    names = []
    for layer, frames in layers.items():
        for frame in frames:
            name = "{0}/{1}.{2:04d}.png".format(layer, scene, frame)
            names.append("{0}_{1}/{2}".format(task_id, scene, name))
            names.append("{0}_{1}/thumbnail/{2}".format(task_id, scene, name))
    return sorted(names)


def task_id_of(run):
    for line in run.stdout.splitlines():
        if line.startswith("task id:"):
            return int(line.split(":", 1)[1])
    raise AssertionError("no task id in:\n" + run.stdout)


@pytest.mark.parametrize("dcc,upload_method", [("maya", 1), ("maya", 2), ("houdini", 1),
                                               ("houdini", 2), ("clarisse", 1)])
def test_demo_against_its_own_sandbox(dcc, upload_method, run_example, tmp_path, listing):
    downloads = tmp_path / "frames"
    run = run_example("{0}_demo.py".format(dcc), "--upload-method", upload_method,
                      "--workspace", tmp_path / "ws", "--download-path", downloads).check()
    assert "Using a local sandbox farm at http://127.0.0.1:" in run.stdout
    assert listing(downloads) == expected_files(task_id_of(run), dcc)


def test_farm_from_environment_variables(rayvision_sandbox, run_example, example_env,
                                         tmp_path, listing):
    farm = rayvision_sandbox
    env = dict(example_env, RAYVISION_DOMAIN=farm.domain, RAYVISION_PLATFORM="2",
               RAYVISION_ACCESS_ID=farm.access_id, RAYVISION_ACCESS_KEY=farm.access_key,
               RAYVISION_PROTOCOL="http")
    downloads = tmp_path / "frames"
    run = run_example("clarisse_demo.py", "--download-path", downloads, "--workspace",
                      tmp_path / "ws", env=env).check()
    assert "Using the farm at http://{0} (platform 2".format(farm.domain) in run.stdout
    assert farm.access_key not in run.output
    task_id = task_id_of(run)
    assert listing(downloads) == expected_files(task_id, "clarisse")
    # The task is on the farm the environment named, done.
    api = RayvisionAPI(**farm.api_kwargs())
    info = api.query.task_info([task_id])["items"][0]
    assert (info["taskStatus"], info["doneFrames"], info["totalFrames"]) == (25, 6, 6)


def test_farm_from_arguments(rayvision_sandbox, run_example, tmp_path, listing):
    farm = rayvision_sandbox
    downloads = tmp_path / "frames"
    run = run_example("houdini_demo.py", "--domain", farm.domain, "--platform", "2",
                      "--access-id", farm.access_id, "--access-key", farm.access_key,
                      "--protocol", "http", "--download-path", downloads, "--workspace",
                      tmp_path / "ws").check()
    assert "Using the farm at http://{0}".format(farm.domain) in run.stdout
    assert listing(downloads) == expected_files(task_id_of(run), "houdini")


def test_a_farm_without_a_key_is_refused_by_name(run_example, example_env):
    env = dict(example_env, RAYVISION_ACCESS_ID="someone")
    run = run_example("maya_demo.py", "--domain", "task.renderbus.com", env=env)
    assert run.returncode == 2
    assert "missing: access_key" in run.stderr
    assert "RAYVISION_ACCESS_KEY" in run.stderr


def test_a_farm_without_credentials_names_each_missing_option(run_example):
    run = run_example("maya_demo.py", "--domain", "task.renderbus.com")
    assert run.returncode == 2
    assert "missing: access_id, access_key" in run.stderr
    # Each option as the user types it.
    assert "options --access-id, --access-key or" in run.stderr, run.stderr


def test_wrong_key_names_the_api_error(rayvision_sandbox, run_example):
    farm = rayvision_sandbox
    run = run_example("maya_demo.py", "--domain", farm.domain, "--access-id",
                      farm.access_id, "--access-key", "not-the-key", "--protocol", "http")
    assert run.returncode == 1
    # One line naming the farm's refusal and what to check, not a traceback.
    assert run.stderr.strip().count("\n") == 0, run.stderr
    assert "error 611" in run.stderr and "access_key" in run.stderr
    assert "Traceback" not in run.stderr
    assert "not-the-key" not in run.output
    assert os.path.basename(run.args[1]) == "maya_demo.py"


def test_demo_survives_a_flaky_farm(rayvision_sandbox, run_example, example_env, tmp_path,
                                    listing):
    farm = rayvision_sandbox
    # A burst of HTTP 503 answers and a slow farm: the SDK retries, the demo still ends.
    farm.faults.set(error_burst=(503, 3), latency=0.02)
    env = dict(example_env, RAYVISION_DOMAIN=farm.domain, RAYVISION_ACCESS_ID=farm.access_id,
               RAYVISION_ACCESS_KEY=farm.access_key, RAYVISION_PROTOCOL="http")
    downloads = tmp_path / "frames"
    run = run_example("maya_demo.py", "--download-path", downloads, "--workspace",
                      tmp_path / "ws", env=env).check()
    assert farm.faults.counters["errors"] == 3
    task_id = task_id_of(run)
    assert listing(downloads) == expected_files(task_id, "maya")
    scene, layers = EXPECTED_FRAMES["maya"]
    frame = downloads / "{0}_{1}".format(task_id, scene) / "background" / (
        scene + ".0005.png")
    served = farm.storage_path(farm.access_id, "output", "/{0}_{1}/background/{1}.0005.png"
                               .format(task_id, scene))
    with open(str(frame), "rb") as got, open(served, "rb") as expected:
        assert got.read() == expected.read()
