"""The progress display in a real terminal (tmux): one line, redrawn in place."""

import re
import shlex
import shutil
import subprocess
import sys
import time

from cli_helpers import submit

PROGRESS = re.compile(r"^download\s+(\d+)/(\d+) files\s+.*ETA")


def _tmux(socket, *args):
    return subprocess.run(["tmux", "-S", socket] + list(args), capture_output=True,
                          text=True, timeout=30)


def test_download_progress_redraws_one_line(cli, farm, sandbox_profile, tmp_path):
    assert shutil.which("tmux"), "tmux is needed for this test (.ci/run installs it)"
    task_id = submit(cli, frames="1-15", layers="")
    assert cli("--profile", "sandbox", "wait", task_id, "--interval", "0.2").code == 0
    farm.faults.set(latency=0.15)
    socket = str(tmp_path / "tmux.sock")
    environment = " ".join("{0}={1}".format(k, shlex.quote(v)) for k, v in cli.env.items()
                           if k in ("HOME", "XDG_CONFIG_HOME", "PATH", "PYTHONPATH",
                                    "RAYVISION_LOG_ROOT", "VIRTUAL_ENV"))
    command = "cd {0} && env {1} {2} -m rayvision_cli --profile sandbox download {3} " \
              "--dest {4}; echo EXIT=$?; sleep 60".format(
                  shlex.quote(cli.home), environment, shlex.quote(sys.executable), task_id,
                  shlex.quote(str(tmp_path / "dl")))
    started = _tmux(socket, "new-session", "-d", "-s", "progress", "-x", "160", "-y", "40",
                    command)
    assert started.returncode == 0, started.stderr
    screens = []
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            screen = _tmux(socket, "capture-pane", "-p", "-t", "progress").stdout
            screens.append(screen)
            if "EXIT=" in screen:
                break
            time.sleep(0.1)
    finally:
        _tmux(socket, "kill-server")
    final = screens[-1]
    assert "EXIT=0" in final, final
    progress_lines = [line for line in final.splitlines() if PROGRESS.match(line)]
    assert len(progress_lines) == 1, final  # redrawn in place, not one line per update
    done, total = PROGRESS.match(progress_lines[0]).groups()
    assert done == total == "60"
    partial = [PROGRESS.match(line).groups() for screen in screens
               for line in screen.splitlines() if PROGRESS.match(line)]
    assert any(int(d) < int(t) for d, t in partial), "no intermediate progress was shown"
    assert re.search(r"downloaded 60 files \(0 already there\)", final)
