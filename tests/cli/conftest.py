"""Fixtures of the ``rayvision`` command-line tests: a farm, a profile, a runner.

The command runs as users run it: a real subprocess (``python -m rayvision_cli``) with its
own config folder and home, against a running sandbox farm.
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
# --import-mode=importlib does not put test folders on sys.path; the helpers module needs it.
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from cli_helpers import Cli  # noqa: E402

from rayvision_sandbox import Sandbox  # noqa: E402


@pytest.fixture(scope="session")
def farm(tmp_path_factory):
    with Sandbox(data_dir=str(tmp_path_factory.mktemp("cli-farm")),
                 seconds_per_frame=0.01) as running:
        yield running


@pytest.fixture(autouse=True)
def _faults_off(request):
    yield
    if "farm" in request.fixturenames:
        request.getfixturevalue("farm").faults.clear()


@pytest.fixture
def cli(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return Cli(home)


@pytest.fixture
def sandbox_profile(cli, farm):
    """A ``sandbox`` profile for the farm (the key given on stdin, as the docs say)."""
    result = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol", "http",
                 "--access-id", farm.access_id, "config", "create", "sandbox",
                 "--access-key-stdin", "--workspace", os.path.join(cli.home, "ws"),
                 input=farm.access_key + "\n")
    assert result.code == 0, result
    return "sandbox"
