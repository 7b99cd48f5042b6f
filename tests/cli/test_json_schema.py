"""The ``--json`` event stream keeps its documented schema (docs/cli.md)."""

import os
import re

from cli_helpers import MAYA_SCENE, ROOT, submit

from rayvision_cli.events import EVENTS, SCHEMA

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

#: Fields every event of a kind carries (schema 1).
REQUIRED = {
    "start": {"command", "version"},
    "phase": {"phase"},
    "progress": {"phase", "task_id", "files_done", "files_total", "bytes_done",
                 "bytes_total", "rate", "eta", "current_file", "final"},
    "file": {"phase", "task_id", "state", "path", "local_path", "message"},
    "task": {"task_id", "scene", "project", "status_code", "status", "final", "frames_done",
             "frames_failed", "frames_total", "submitted", "started", "completed", "output"},
    "lock": {"task_id", "state"},
    "check": {"name", "state", "detail"},
    "result": {"command"},
    "error": {"message", "code", "kind", "exit_code"},
    "end": {"exit_code"},
}


def check_stream(result):
    events = result.events()
    assert events[0]["event"] == "start" and events[-1]["event"] == "end"
    assert events[-1]["exit_code"] == result.code
    for event in events:
        assert event["schema"] == SCHEMA == 1
        assert event["event"] in EVENTS
        assert TIME.match(event["time"]), event["time"]
        missing = REQUIRED[event["event"]] - set(event)
        assert not missing, (event, missing)
    return events


def test_every_event_is_documented():
    page = open(os.path.join(ROOT, "docs", "cli.md"), encoding="utf-8").read()
    assert set(REQUIRED) == set(EVENTS)
    for name in EVENTS:
        assert "| `{0}` |".format(name) in page, name


def test_streams_of_the_commands(cli, farm, sandbox_profile, tmp_path):
    seen = set()
    task_id = submit(cli)
    for args in (("analyse", MAYA_SCENE), ("status", task_id), ("tasks",),
                 ("wait", task_id, "--interval", "0.2"),
                 ("download", task_id, "--dest", str(tmp_path / "d")),
                 ("sync-output", task_id, "--dest", str(tmp_path / "s"), "--interval", "0.2"),
                 ("doctor", "--dest", str(tmp_path)), ("config", "show", "sandbox"),
                 ("status", "999999999")):
        result = cli("--profile", "sandbox", "--json", *args)
        events = check_stream(result)
        seen.update(event["event"] for event in events)
    submitted = cli("--profile", "sandbox", "--json", "submit", MAYA_SCENE, "--frames", "1",
                    "--layers", "background")
    phases = [e["phase"] for e in check_stream(submitted) if e["event"] == "phase"]
    assert phases == ["analyse", "check", "upload", "submit"]
    seen.update(e["event"] for e in submitted.events())
    assert seen == set(EVENTS)
    failed = cli("--profile", "sandbox", "--json", "status", "999999999")
    error = [e for e in failed.events() if e["event"] == "error"][0]
    assert error["exit_code"] == failed.code == 1 and "999999999" in error["message"]
