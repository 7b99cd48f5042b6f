"""``rayvision_cli.main.main`` called inside a host process (a plugin, a test runner)."""

import logging
import os

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


def _states(names):
    return dict((name, (list(logging.getLogger(name).handlers), logging.getLogger(name).level,
                        logging.getLogger(name).propagate)) for name in names)


def test_log_file_and_debug_leave_the_sdk_loggers_as_they_were(tmp_path, monkeypatch):
    monkeypatch.setenv("RAYVISION_CONFIG_FILE", str(tmp_path / "config.ini"))
    monkeypatch.setenv("RAYVISION_LOG_ROOT", str(tmp_path / "logs"))
    names = ("rayvision_api", "rayvision_sync", "rayvision_utils", "rayvision_cli")
    host = logging.StreamHandler()  # a host's own handler on one of them
    logging.getLogger("rayvision_sync").addHandler(host)
    logging.getLogger("rayvision_sync").setLevel(logging.WARNING)
    try:
        before = _states(names)
        for options in (["--log-file"], ["--debug"], ["--log-file", "--debug"]):
            assert main(options + ["config", "path"]) == exit_codes.OK
            assert _states(names) == before, options
        # The log file init_logger opened is closed again, nothing writes to it any more.
        logs = [os.path.join(folder, name) for folder, _, files in
                os.walk(str(tmp_path / "logs")) for name in files]
        assert logs
        sizes = [os.path.getsize(path) for path in logs]
        logging.getLogger("rayvision_api").error("after the commands")
        assert [os.path.getsize(path) for path in logs] == sizes
    finally:
        logging.getLogger("rayvision_sync").removeHandler(host)
        logging.getLogger("rayvision_sync").setLevel(logging.NOTSET)
