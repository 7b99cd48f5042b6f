"""rayvision_log: package logger only, idempotent, rotating, multi-process safe, never raises."""

import logging
import os
import re
import subprocess
import sys
import textwrap

from rayvision_log import get_default_log_config, init_logger, set_up_logger
from rayvision_log.core import default_log_path


def owned(logger):
    return [h for h in logger.handlers if getattr(h, "_rayvision_log_owned", False)]


def test_default_config_shape():
    config = get_default_log_config()
    file_handler = config["handlers"]["file"]
    assert file_handler["class"] == "concurrent_log_handler.ConcurrentRotatingFileHandler"
    assert file_handler["maxBytes"] == 5 * 1024 * 1024
    assert isinstance(file_handler["maxBytes"], int)
    assert file_handler["backupCount"] == 7
    assert config["formatters"]["file"]["format"] == (
        "%(asctime)s [%(levelname)s] %(name)s: %(message)s")
    config["handlers"].clear()
    assert get_default_log_config()["handlers"]  # a fresh copy every time


def test_log_path_layout(monkeypatch, tmp_path):
    monkeypatch.setenv("RAYVISION_LOG_ROOT", str(tmp_path))
    path = default_log_path("rayvision_x")
    parts = os.path.relpath(path, str(tmp_path)).split(os.sep)
    assert len(parts) == 2 and parts[1].endswith(".log")
    monkeypatch.delenv("RAYVISION_LOG_ROOT")
    assert "rayvision_x" in default_log_path("rayvision_x")


def test_configures_package_logger_only_and_is_idempotent(monkeypatch, tmp_path):
    monkeypatch.setenv("RAYVISION_LOG_ROOT", str(tmp_path))
    root = logging.getLogger()
    root_handlers, root_level = list(root.handlers), root.level
    other = logging.getLogger("host.app")
    other_handler = logging.NullHandler()
    other.addHandler(other_handler)
    logger = init_logger("rayvision_test_pkg")
    first = owned(logger)
    init_logger("rayvision_test_pkg")
    init_logger("rayvision_test_pkg")
    assert len(owned(logger)) == len(first) == 2
    assert all(h not in logger.handlers for h in first)  # replaced, and closed
    assert root.handlers == root_handlers and root.level == root_level
    assert other.handlers == [other_handler] and not other.disabled
    logger.info("hello file")
    for handler in owned(logger):
        handler.flush()
    log_file = default_log_path("rayvision_test_pkg")
    assert log_file.startswith(str(tmp_path))
    assert "hello file" in open(log_file).read()


def test_keeps_handlers_the_host_added(monkeypatch, tmp_path):
    monkeypatch.setenv("RAYVISION_LOG_ROOT", str(tmp_path))
    logger = logging.getLogger("rayvision_test_host")
    host_handler = logging.NullHandler()
    logger.addHandler(host_handler)
    init_logger("rayvision_test_host")
    init_logger("rayvision_test_host")
    assert host_handler in logger.handlers
    assert len(logger.handlers) == 3


def test_never_raises(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("RAYVISION_LOG_ROOT", str(blocker))  # makedirs below a file fails
    logger = init_logger("rayvision_test_broken")
    assert [type(h) for h in owned(logger)] == [logging.StreamHandler]
    assert "rayvision log initialization failed" in capsys.readouterr().err
    logger.error("still logs")
    assert "still logs" in capsys.readouterr().err


def test_custom_config_with_explicit_file(tmp_path):
    config = get_default_log_config()
    config["handlers"]["file"]["filename"] = str(tmp_path / "sub" / "custom.log")
    config["root"]["handlers"] = ["file"]
    logger = set_up_logger("rayvision_test_custom", config)
    logger.warning("custom")
    owned(logger)[0].flush()
    assert "custom" in (tmp_path / "sub" / "custom.log").read_text()


WRITER = textwrap.dedent("""
    import logging, sys
    from rayvision_log import get_default_log_config, set_up_logger
    worker, lines, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    config = get_default_log_config()
    config["handlers"]["file"].update(filename=path, maxBytes=64 * 1024, backupCount=50)
    config["root"]["handlers"] = ["file"]
    logger = set_up_logger("rayvision_mp", config)
    payload = "x" * 80
    for index in range(lines):
        logger.info("worker=%s line=%05d %s end", worker, index, payload)
""")


def test_many_processes_one_file_rotating(tmp_path):
    """Real processes write to one rotating file: no line lost, none interleaved."""
    path = str(tmp_path / "shared.log")
    workers, lines = 4, 400
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(lines), path])
             for w in range(workers)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    files = [f for f in os.listdir(str(tmp_path)) if f.startswith("shared.log")]
    assert len(files) > 2  # 4 * 400 * ~150 bytes >> 64 KiB: rotation really happened
    pattern = re.compile(r"^\S+ \S+ \[INFO\] rayvision_mp: worker=(\d) line=(\d{5}) x{80} end$")
    seen = set()
    for name in files:
        with open(os.path.join(str(tmp_path), name)) as handle:
            for line in handle:
                if "LOG FILENAME PATH ==>" in line:
                    continue
                match = pattern.match(line.rstrip("\n"))
                assert match, "interleaved or damaged line: %r" % line
                seen.add((match.group(1), match.group(2)))
    assert len(seen) == workers * lines
