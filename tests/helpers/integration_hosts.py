"""Helpers of tests/integrations: paths, the Worker's environment, farm and process checks."""

import os
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INTEGRATIONS = os.path.join(ROOT, "integrations")
STANDINS = os.path.join(ROOT, "tests", "integrations", "standins")
MAYA_PROJECT = os.path.join(ROOT, "examples", "scenes", "maya")
HOUDINI_PROJECT = os.path.join(ROOT, "examples", "scenes", "houdini")
#: The frames the Maya example scene renders, relative to the task's output folder.
MAYA_FRAMES = sorted(["background/muti_layer_test.{0:04d}.png".format(n) for n in range(1, 6)]
                     + ["characters/muti_layer_test.{0:04d}.png".format(n)
                        for n in range(1, 4)])
FARM_VARIABLES = ("RAYVISION_DOMAIN", "RAYVISION_PLATFORM", "RAYVISION_ACCESS_ID",
                  "RAYVISION_ACCESS_KEY", "RAYVISION_PROTOCOL", "RAYVISION_PROFILE",
                  "RAYVISION_EXECUTABLE", "RAYVISION_SITE")


def rayvision_executable():
    """The ``rayvision`` command installed beside this interpreter (the SDK under test)."""
    path = os.path.join(os.path.dirname(sys.executable), "rayvision")
    if not os.path.isfile(path):
        pytest.fail("no rayvision command next to {0}: install rayvision_cli (nox -s tests)"
                    .format(sys.executable))
    return path


def farm_env(env, farm):
    """``env`` with the Worker's credentials and farm in its environment."""
    return dict(env, RAYVISION_DOMAIN=farm.domain, RAYVISION_PLATFORM=str(farm.platform),
                RAYVISION_PROTOCOL=farm.protocol, RAYVISION_ACCESS_ID=farm.access_id,
                RAYVISION_ACCESS_KEY=farm.access_key)


def farm_tasks(farm, project):
    """The farm's tasks of one project (each test uses its own project name)."""
    from rayvision_api import RayvisionAPI

    api = RayvisionAPI(**farm.api_kwargs())
    items = (api.query.get_task_list(page_num=1, page_size=100) or {}).get("items") or []
    return [item for item in items if item.get("projectName") == project]


def task_status(farm, task_id):
    from rayvision_api import RayvisionAPI

    api = RayvisionAPI(**farm.api_kwargs())
    return api.query.task_info([int(task_id)])["items"][0]["taskStatus"]


def processes_with_marker(marker):
    """Pids of live processes whose environment carries ``RENDERBUS_TEST_MARKER=marker``."""
    found = []
    needle = ("RENDERBUS_TEST_MARKER=" + marker).encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/{0}/environ".format(pid), "rb") as handle:
                if needle in handle.read().split(b"\0"):
                    with open("/proc/{0}/stat".format(pid)) as stat:
                        if stat.read().split(") ", 1)[1].startswith("Z"):
                            continue  # a zombie is already dead
                    found.append(int(pid))
        except OSError:
            continue
    return found


def wait_until(condition, timeout=60.0, interval=0.1, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting for {0}".format(what))


def run(command, env, cwd, timeout=180):
    return subprocess.run(command, env=env, cwd=str(cwd), capture_output=True, text=True,
                          timeout=timeout)


def files_below(folder):
    return sorted(os.path.relpath(os.path.join(r, f), str(folder)).replace(os.sep, "/")
                  for r, _d, files in os.walk(str(folder)) for f in files
                  if "thumbnail" not in r and "/." not in r.replace(os.sep, "/"))
