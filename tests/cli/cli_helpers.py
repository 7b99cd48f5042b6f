"""Helpers of the ``rayvision`` command-line tests (runner, results, the sample scene)."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAYA_SCENE = os.path.join(ROOT, "examples", "scenes", "maya", "scenes", "muti_layer_test.ma")


class Result(object):
    def __init__(self, code, out, err):
        self.code = code
        self.out = out
        self.err = err

    def events(self):
        """The JSON lines of stdout, parsed (every line must be JSON)."""
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    def __repr__(self):
        return "Result(code={0}, out={1!r}, err={2!r})".format(self.code, self.out[-800:],
                                                            self.err[-800:])


class Cli(object):
    """Runs ``rayvision`` with an isolated config folder and home."""

    def __init__(self, home):
        self.home = str(home)
        self.env = dict((k, v) for k, v in os.environ.items()
                        if not k.startswith("RAYVISION_") or k == "RAYVISION_LOG_ROOT")
        self.env.update(HOME=self.home, USERPROFILE=self.home,
                        XDG_CONFIG_HOME=os.path.join(self.home, ".config"),
                        PYTHONUNBUFFERED="1")

    def argv(self, *args):
        return [sys.executable, "-m", "rayvision_cli"] + [str(a) for a in args]

    def __call__(self, *args, **kwargs):
        timeout = kwargs.pop("timeout", 120)
        process = subprocess.run(self.argv(*args), capture_output=True,
                                 env=self.env, cwd=self.home,
                                 timeout=timeout, text=True, **kwargs)
        return Result(process.returncode, process.stdout, process.stderr)

    def popen(self, *args):
        return subprocess.Popen(self.argv(*args), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env, cwd=self.home,
                                universal_newlines=True)

    @property
    def config_file(self):
        return os.path.join(self.home, ".config", "rayvision", "config.ini")


def submit(cli, frames="1-3", layers="background"):
    """Submit the sample Maya scene; return the task id."""
    result = cli("--profile", "sandbox", "-q", "submit", MAYA_SCENE, "--frames", frames,
                 "--layers", layers)
    assert result.code == 0, result
    return result.out.strip().splitlines()[-1]
