"""The ``rayvision-sandbox`` command: serve, create-user, users."""

import io
import os
import signal
import subprocess
import sys

from rayvision_api import RayvisionAPI
from rayvision_sandbox import cli


def test_create_user_and_list_users(tmp_path):
    out = io.StringIO()
    args = cli.build_parser().parse_args(["create-user", "--data-dir", str(tmp_path), "alice"])
    assert cli.create_user(args, out) == 0
    text = out.getvalue()
    assert "user_name:  alice" in text and "access_key: " in text
    listing = io.StringIO()
    cli.list_users(cli.build_parser().parse_args(["users", "--data-dir", str(tmp_path)]),
                   listing)
    lines = listing.getvalue().splitlines()
    assert [line.split("\t")[1] for line in lines] == ["sandbox", "alice"]
    key = text.split("access_key: ")[1].split()[0]
    assert key not in listing.getvalue()


def test_bad_fault_flags_are_refused():
    parser = cli.build_parser()
    for flags in (["--error-burst", "x:y"], ["--failing-frames", "a,b"]):
        try:
            parser.parse_args(["serve", "--data-dir", "d"] + flags)
        except SystemExit as exc:
            assert exc.code == 2
        else:
            raise AssertionError("accepted {0}".format(flags))


def test_serve_prints_credentials_answers_and_stops_on_sigterm(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "rayvision_sandbox.cli", "serve", "--data-dir", str(tmp_path),
         "--port", "0", "--seconds-per-frame", "0.01", "--error-burst", "503:1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, universal_newlines=True)
    try:
        lines = {}
        for _ in range(5):
            line = process.stdout.readline()
            key, _, value = line.partition(":")
            lines[key.strip()] = value.strip()
        domain = lines["domain"].split()[0]
        assert lines["rayvision_sandbox serving http"] == "//" + domain
        api = RayvisionAPI(access_id=lines["access_id"], access_key=lines["access_key"],
                           domain=domain, platform="2", protocol="http", backoff_factor=0.01)
        assert api.user_info["user_name"] == "sandbox"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in out
