"""``nox -s demo -- --keep-farm``: the demo prints the monitor and keeps the farm up."""

import os
import re
import signal
import subprocess
import sys

import requests

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "examples")


def test_keep_farm_serves_the_monitor_until_interrupted(example_env, tmp_path):
    command = [sys.executable, os.path.join(EXAMPLES, "run_demo.py"), "--state-dir",
               str(tmp_path / "state"), "--port", "0", "--keep-farm"]
    process = subprocess.Popen(command, cwd=str(tmp_path), env=dict(example_env,
                                                                    PYTHONUNBUFFERED="1"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in iter(process.stdout.readline, ""):
            seen.append(line)
            if line.startswith("Ctrl-C stops the farm."):
                break
        text = "".join(seen)
        assert re.search(r"^   monitor http://127\.0\.0\.1:\d+/monitor/  sign in: http", text,
                         re.M), text
        link = re.search(r"^sign in +(\S+)", text, re.M).group(1)
        task_id = re.search(r"^task id +(\d+)", text, re.M).group(1)
        page = requests.get(link, timeout=10)
        assert page.url.endswith("/monitor/tasks")
        assert 'data-key="{0}"'.format(task_id) in page.text
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-3000:]
    assert "stop the sandbox farm" not in text, "the farm was stopped before the summary"
