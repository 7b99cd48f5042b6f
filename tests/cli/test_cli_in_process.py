"""``rayvision_cli.main.main`` called inside a host process (a plugin, a test runner)."""

import logging

from rayvision_cli import exit_codes
from rayvision_cli.main import main


def test_main_leaves_the_hosts_logging_as_it_found_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAYVISION_CONFIG_FILE", str(tmp_path / "config.ini"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    for _ in range(3):
        assert main(["config", "path"]) == exit_codes.OK
        assert main(["-v", "config", "show", "nope"]) == exit_codes.CONFIG
    assert root.handlers == handlers and root.level == level
    # An SDK error logged by the host afterwards is printed by the host's handlers only.
    capsys.readouterr()
    logging.getLogger("rayvision_sync").error("after the commands")
    assert "after the commands" not in capsys.readouterr().err
