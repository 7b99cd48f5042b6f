"""Drive the integrations in integrations/ the way their hosts would, against sandbox farms.

The render managers' and DCCs' Python modules are stand-ins (``standins/``, following the
documented signatures); the farm (a real sandbox over HTTP), the ``rayvision`` command, its
subprocesses and the files are real. Each host runs in its own process, like a Worker.
"""

import os
import shutil
import uuid

import pytest

from helpers.integration_hosts import FARM_VARIABLES, MAYA_PROJECT


@pytest.fixture
def worker_env(tmp_path):
    """A Worker's environment without farm settings; ``farm_env(farm)`` adds a farm's."""
    env = dict(os.environ)
    for name in FARM_VARIABLES:
        env.pop(name, None)
    home = tmp_path / "home"
    temp = tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    env.update({"HOME": str(home), "USERPROFILE": str(home), "TMPDIR": str(temp),
                "RAYVISION_LOG_ROOT": str(tmp_path / "logs"), "PYTHONIOENCODING": "utf-8",
                "RENDERBUS_TEST_MARKER": uuid.uuid4().hex})
    return env


@pytest.fixture
def slow_farm(tmp_path):
    """A farm of its own, slow enough to cancel a task while it renders."""
    from rayvision_sandbox import Sandbox

    with Sandbox(data_dir=str(tmp_path / "slow_farm"), seconds_per_frame=1.0,
                 nodes=1) as farm:
        yield farm


@pytest.fixture
def maya_project(tmp_path):
    """A copy of the example Maya project (a studio's file server, mapped from ``P:\\``)."""
    target = tmp_path / "projects" / "shot010"
    shutil.copytree(MAYA_PROJECT, str(target))
    return target
