"""Library manners: importing any SDK package writes nothing and installs only NullHandlers.

Each check runs in a fresh interpreter with an empty home folder and no RAYVISION_*
variable, as on a render node, and then looks for any file that appeared.
"""

import json
import logging
import os
import subprocess
import sys
import textwrap

import rayvision_log
from rayvision_log import init_logger

MODULES = [
    "rayvision_log", "rayvision_api", "rayvision_api.task.check", "rayvision_utils",
    "rayvision_sync", "rayvision_sync.upload", "rayvision_sync.download",
    "rayvision_maya.analyze_maya", "rayvision_houdini.analyze_houdini",
    "rayvision_clarisse.analyse_clarisse", "rayvision_sandbox",
    "rayvision_sandbox.pytest_plugin", "rayvision_cli.main",
]

PROBE = textwrap.dedent("""
    import json, logging, sys
    for name in sys.argv[1:]:
        __import__(name)
    loggers = {}
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and name.startswith("rayvision"):
            loggers[name] = {"handlers": [type(h).__name__ for h in logger.handlers],
                             "propagate": logger.propagate, "level": logger.level}
    heavy = sorted(m for m in ("concurrent_log_handler", "portalocker", "redis", "asyncio",
                               "appdirs") if m in sys.modules)
    print(json.dumps({"root": [type(h).__name__ for h in logging.getLogger().handlers],
                      "loggers": loggers, "heavy": heavy}))
""")


def _bare_environment(home):
    env = dict((key, value) for key, value in os.environ.items()
               if not key.startswith(("RAYVISION_", "XDG_")) and key not in ("APPDATA",
                                                                             "LOCALAPPDATA"))
    env.update(HOME=str(home), USERPROFILE=str(home), PYTHONDONTWRITEBYTECODE="1")
    return env


def _files_below(folder):
    return sorted(os.path.join(root, name) for root, _, names in os.walk(str(folder))
                  for name in names)


def _probe(home, *modules):
    out = subprocess.check_output([sys.executable, "-c", PROBE] + list(modules), cwd=str(home),
                                  env=_bare_environment(home), timeout=120)
    return json.loads(out.decode().strip().splitlines()[-1])


def test_importing_every_package_writes_nothing_and_adds_only_null_handlers(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    report = _probe(home, *MODULES)
    assert _files_below(home) == []
    assert report["root"] == []
    packages = dict((name, info) for name, info in report["loggers"].items()
                    if "." not in name)
    assert set(packages) >= {"rayvision_log", "rayvision_api", "rayvision_utils",
                             "rayvision_sync", "rayvision_maya", "rayvision_houdini",
                             "rayvision_clarisse", "rayvision_sandbox", "rayvision_cli"}
    for name, info in report["loggers"].items():
        assert set(info["handlers"]) <= {"NullHandler"}, (name, info)
        assert info["propagate"] is True, name
        assert info["level"] == logging.NOTSET, name


def test_import_of_rayvision_api_pulls_no_log_machinery(tmp_path):
    """What made ``import rayvision_api`` slow: the file handler's locking and redis."""
    report = _probe(tmp_path, "rayvision_api")
    assert report["heavy"] == []


def test_sdk_records_reach_the_host_logging(tmp_path):
    code = textwrap.dedent("""
        import logging, sys
        logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="%(name)s %(message)s")
        import rayvision_api, rayvision_sync
        logging.getLogger("rayvision_sync.download").info("host sees this")
    """)
    out = subprocess.check_output([sys.executable, "-c", code], cwd=str(tmp_path),
                                  env=_bare_environment(tmp_path)).decode()
    assert "rayvision_sync.download host sees this" in out
    assert _files_below(tmp_path) == []


def test_pytest_run_with_the_sandbox_plugin_writes_no_log(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    tests = tmp_path / "suite"
    tests.mkdir()
    (tests / "test_host.py").write_text(textwrap.dedent("""
        import logging
        import rayvision_api

        def test_something(rayvision_sandbox):
            logging.getLogger("rayvision_api").warning("a record")
            assert rayvision_sandbox.domain
    """))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        cwd=str(home), env=_bare_environment(home), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, timeout=300)
    assert result.returncode == 0, result.stdout.decode()
    assert _files_below(home) == []


def test_init_logger_with_an_empty_config_behaves_as_documented(monkeypatch, capsys):
    """As in the original: a setup failure never raises, is logged, and the named logger
    still logs (here to stderr); the ``rayvision_log`` logger exists."""
    monkeypatch.setattr("rayvision_log.core.get_default_log_config", lambda: {})
    logger = init_logger("rayvision_empty_config")
    assert "rayvision_log" in logging.root.manager.loggerDict
    assert [type(h) for h in logger.handlers] == [logging.StreamHandler]
    assert "rayvision log initialization failed" in capsys.readouterr().err
    logger.error("still logged")
    assert "still logged" in capsys.readouterr().err
    logger.handlers[:] = []


def test_init_logger_writes_the_documented_file_on_request(monkeypatch, tmp_path):
    monkeypatch.setenv("RAYVISION_LOG_ROOT", str(tmp_path))
    assert rayvision_log.library_logger("rayvision_on_request").handlers
    logger = init_logger("rayvision_on_request")
    logger.info("asked for")
    for handler in logger.handlers:
        handler.flush()
    logs = [path for path in _files_below(tmp_path) if path.endswith(".log")]
    assert len(logs) == 1  # (next to it, the handler's lock file)
    assert "asked for" in open(logs[0]).read()
    for handler in logger.handlers:
        handler.close()
    logger.handlers[:] = []
