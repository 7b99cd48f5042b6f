"""The README's Quick start, run as written against a sandbox farm.

The farm is started with the README's command, the profile is created with the command line
the farm prints, and the README's Python block runs unchanged.
"""

import os
import re
import shlex
import signal
import subprocess
import sys

from cli_helpers import ROOT


def _readme_section():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    return text[text.index("## Quick start"):text.index("## The `rayvision` command")]


def _blocks(section, language):
    return re.findall(r"```{0}\n(.*?)```".format(language), section, re.S)


def test_quick_start_works_as_written(cli, tmp_path):
    section = _readme_section()
    serve = [line for block in _blocks(section, "console") for line in block.splitlines()
             if line.startswith("rayvision-sandbox serve")][0]
    argv = shlex.split(serve) + ["--port", "0"]  # the README's port may be taken here
    farm = subprocess.Popen([sys.executable, "-m", "rayvision_sandbox.cli"] + argv[1:],
                            cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(cli.env, PYTHONUNBUFFERED="1"), universal_newlines=True)
    try:
        printed = []
        for line in farm.stdout:
            printed.append(line)
            if "config create sandbox" in line:
                break
        create = [line.strip() for line in printed if "config create sandbox" in line][0]
        assert create.startswith("rayvision ")
        made = cli(*shlex.split(create)[1:])
        assert made.code == 0, made
        script = _blocks(section, "python")[0]
        assert 'RayvisionAPI(profile="sandbox")' in script
        done = subprocess.run([sys.executable, "-c", script], cwd=cli.home, env=cli.env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        user_id, platforms = done.stdout.strip().splitlines()[:2]
        assert user_id.isdigit() and "platform" in platforms.lower()
        assert done.stderr == ""
    finally:
        farm.send_signal(signal.SIGTERM)
        farm.communicate(timeout=30)
