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


def _command_lines():
    """The console lines of the README's `rayvision` command section, comments dropped."""
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = text[text.index("## The `rayvision` command"):text.index("## Examples")]
    return [line.split("  #")[0].strip() for block in _blocks(section, "console")
            for line in block.splitlines() if line.startswith("rayvision ")]


def test_rayvision_command_section_works_as_written(cli, sandbox_profile):
    lines = _command_lines()
    assert len(lines) >= 5
    task_id = None
    for line in lines:
        command, _, then = line.partition(" && ")
        argv = shlex.split(command)[1:]
        if "scene.ma" in argv or argv == ["doctor"]:
            continue  # a placeholder scene; doctor without a profile checks Renderbus itself
        argv = [os.path.join(ROOT, arg) if arg.startswith("examples/") else arg
                for arg in argv]
        # The README's ids are those of a fresh farm; this farm is shared with other tests.
        argv = [task_id if arg == "19001" and task_id else arg for arg in argv]
        if "sync-output" in argv and not any(arg.isdigit() for arg in argv):
            argv.append("--once")  # the whole account is followed until interrupted
        done = cli(*argv, timeout=300)
        assert done.code == 0, (line, done)
        if "submit" in argv:
            task_id = done.out.strip().splitlines()[-1]
            assert task_id.isdigit(), (line, done)
        if then:
            assert then == "echo rendered", line
