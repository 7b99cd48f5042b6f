"""``rayvision-sandbox`` on a newcomer's mistakes: one line each, nothing created by a typo."""

import os
import socket
import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "rayvision_sandbox.cli"] + list(args),
                          capture_output=True, text=True, timeout=60)


def test_busy_port_is_one_line(tmp_path):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        port = holder.getsockname()[1]
        result = run("serve", "--data-dir", str(tmp_path / "farm"), "--port", str(port))
    finally:
        holder.close()
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "rayvision-sandbox: port {0} is already in use (another farm?); choose another "
        "--port, or --port 0 for any free one".format(port)]


def test_users_of_a_mistyped_data_dir_creates_nothing(tmp_path):
    typo = tmp_path / "farm-typo"
    result = run("users", "--data-dir", str(typo))
    assert result.returncode == 2
    assert "no sandbox farm in" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not typo.exists()


def test_create_user_twice_is_refused(tmp_path):
    assert run("create-user", "--data-dir", str(tmp_path), "alice").returncode == 0
    again = run("create-user", "--data-dir", str(tmp_path), "alice")
    assert again.returncode == 2
    assert again.stderr.strip() == "rayvision-sandbox: user 'alice' already exists in {0}".format(
        tmp_path)
    names = [line.split("\t")[1] for line in run("users", "--data-dir",
                                                   str(tmp_path)).stdout.splitlines()]
    assert names.count("alice") == 1


def test_help_shows_defaults():
    out = run("serve", "--help").stdout
    assert "(default: 8765)" in out and "(default: 127.0.0.1)" in out
    assert "(default: 1.0)" in out


def test_serve_prints_the_quick_start_snippet(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "rayvision_sandbox.cli", "serve", "--data-dir", str(tmp_path),
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        universal_newlines=True)
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "--profile sandbox status" in line:
                break
    finally:
        process.terminate()
        process.communicate(timeout=30)
    text = "".join(lines)
    domain = [line.split()[1] for line in lines if line.startswith("domain:")][0]
    assert 'protocol="http"' in text and 'domain="{0}"'.format(domain) in text
    assert "--protocol http" in text and "config create sandbox" in text
