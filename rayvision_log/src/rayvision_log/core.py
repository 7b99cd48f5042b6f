"""Configure a package logger: rotating multi-process file log plus console.

The original configured the *root* logger at every package import (and so took over the
host application's logging) and never rotated its files (``maxBytes`` was a string). Here
importing a package only gives its logger a ``NullHandler`` (:func:`library_logger`): records
propagate to whatever the host configured, and no file is written. The documented log file is
written when the user asks for it with :func:`init_logger` (or the ``rayvision`` command line
does): then the named package logger is configured, idempotently, with a numeric 5 MiB
rotation.
"""

import copy
import importlib
import logging
import os
import sys
import traceback
from typing import Any, Dict, Iterable, List, Mapping

ENV_LOG_ROOT = "RAYVISION_LOG_ROOT"
APP_AUTHOR = "RayVision"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 7

# Marks the handlers this module installed, so a second call replaces exactly those.
_OWNED = "_rayvision_log_owned"

_DEFAULT_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "file": {"format": "%(asctime)s [%(levelname)s] %(name)s: %(message)s"},
        "console": {"format": "%(levelname)-8s: %(name)s: %(message)s"},
    },
    "handlers": {
        "file": {
            "class": "concurrent_log_handler.ConcurrentRotatingFileHandler",
            "level": "DEBUG",
            "formatter": "file",
            "filename": "",
            "maxBytes": MAX_BYTES,
            "backupCount": BACKUP_COUNT,
            "delay": True,
        },
        "console": {
            "class": "logging.StreamHandler",
            "level": "INFO",
            "formatter": "console",
        },
    },
    # Settings of the package logger (``root`` in the original's file; kept for its shape).
    "root": {"level": "DEBUG", "handlers": ["file", "console"], "propagate": False},
}

# Keys of a handler spec that are not constructor arguments.
_HANDLER_META = ("class", "level", "formatter", "filters")


def get_default_log_config() -> Dict[str, Any]:
    """Return a fresh copy of the default logging configuration.

    The dict has the shape of ``logging.config.dictConfig``: ``formatters``, ``handlers``
    (``file``: ConcurrentRotatingFileHandler, 5 MiB, 7 backups; ``console``: stderr) and
    ``root``, which here describes the package logger (level, handlers, propagate).

    Returns:
        dict: The configuration; change it freely.
    """
    return copy.deepcopy(_DEFAULT_CONFIG)


_FQDN: List[str] = []


def _host_name() -> str:
    """The machine's fully qualified name (looked up once per process)."""
    if not _FQDN:
        import socket

        _FQDN.append(socket.getfqdn() or socket.gethostname() or "localhost")
    return _FQDN[0]


def _user_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # No user database entry (containers): still log somewhere sensible.
        return "unknown"


def default_log_path(app_name: str) -> str:
    """``<root>/<user>/<fqdn>.log`` with root = ``RAYVISION_LOG_ROOT`` or the user log dir."""
    root = os.environ.get(ENV_LOG_ROOT)
    if not root:
        # Imported here: a library import must stay cheap and needs no log folder.
        import appdirs

        root = appdirs.user_log_dir(app_name, appauthor=APP_AUTHOR)
    return os.path.join(root, _user_name(), "{0}.log".format(_host_name()))


def _resolve(dotted: str) -> Any:
    module_name, _, attr_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr_name)


def _build_handler(spec: Mapping[str, Any],
                   formatters: Mapping[Any, Any]) -> logging.Handler:
    spec = dict(spec)
    handler_class = _resolve(spec["class"])
    kwargs = dict((key, value) for key, value in spec.items() if key not in _HANDLER_META)
    handler = handler_class(**kwargs)
    handler.setLevel(spec.get("level", "NOTSET"))
    formatter = formatters.get(spec.get("formatter"))
    if formatter is not None:
        handler.setFormatter(logging.Formatter(formatter.get("format"),
                                               formatter.get("datefmt")))
    setattr(handler, _OWNED, True)
    return handler


def _replace_handlers(logger: logging.Logger,
                      handlers: Iterable[logging.Handler]) -> None:
    for old in [h for h in logger.handlers if getattr(h, _OWNED, False)]:
        logger.removeHandler(old)
        try:
            old.close()
        except Exception:  # A broken old handler must not stop the new set-up.
            pass
    for handler in handlers:
        logger.addHandler(handler)


def set_up_logger(app_name: str, log_config: Mapping[str, Any]) -> logging.Logger:
    """Configure the logger named ``app_name`` from ``log_config``.

    A ``file`` handler with an empty ``filename`` logs to :func:`default_log_path`; its
    folder is created. Handlers from an earlier call are closed and replaced. Only the
    ``app_name`` logger changes: the root logger and other loggers are left alone.

    Args:
        app_name (str): Logger name, e.g. ``"rayvision_api"``.
        log_config (dict): A configuration like :func:`get_default_log_config` returns.

    Returns:
        logging.Logger: The configured logger.
    """
    config = copy.deepcopy(log_config)
    handler_specs = config.get("handlers")
    if not isinstance(handler_specs, dict) or not handler_specs:
        # As in the original, a configuration without handlers is an error (init_logger
        # turns it into its stderr fallback), never a logger that silently drops records.
        raise ValueError("log_config has no 'handlers': {0!r}".format(sorted(config)))
    file_spec = handler_specs.get("file")
    if file_spec is not None and not file_spec.get("filename"):
        file_spec["filename"] = default_log_path(app_name)
    if file_spec is not None:
        folder = os.path.dirname(os.path.abspath(file_spec["filename"]))
        if not os.path.isdir(folder):
            os.makedirs(folder)
    logger_spec = config.get("root", {})
    formatters = config.get("formatters", {})
    wanted = logger_spec.get("handlers", list(handler_specs))
    handlers = [_build_handler(handler_specs[name], formatters) for name in wanted]
    logger = logging.getLogger(app_name)
    _replace_handlers(logger, handlers)
    logger.setLevel(logger_spec.get("level", "DEBUG"))
    logger.propagate = bool(logger_spec.get("propagate", False))
    if file_spec is not None:
        logger.debug("LOG FILENAME PATH ==> %s", file_spec["filename"])
    return logger


def library_logger(app_name: str) -> logging.Logger:
    """The logger of a library package, as importing the package leaves it.

    It gets one ``NullHandler`` (no "No handlers could be found" noise on old Pythons) and
    nothing else: level, propagation and output are the host application's choice, and no
    file is opened. Idempotent.

    Args:
        app_name (str): Logger name, e.g. ``"rayvision_api"``.

    Returns:
        logging.Logger: The logger.
    """
    logger = logging.getLogger(app_name)
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        placeholder = logging.NullHandler()
        # Ours: init_logger / set_up_logger replace it with the real handlers.
        setattr(placeholder, _OWNED, True)
        logger.addHandler(placeholder)
    return logger


def init_logger(app_name: str) -> logging.Logger:
    """Configure the ``app_name`` logger with the default configuration; never raises.

    This is what writes the documented log file (``<log root>/<user>/<fqdn>.log``) and logs
    INFO and above to stderr; importing a package does not call it. On any failure
    (a read-only home folder, a missing dependency, or :func:`get_default_log_config`
    giving an empty configuration) the logger gets a plain stderr handler, the warning says
    why on it and on the ``rayvision_log`` logger, and nothing raises.

    Args:
        app_name (str): Logger name, e.g. ``"rayvision_api"``.

    Returns:
        logging.Logger: The logger.
    """
    try:
        return set_up_logger(app_name, get_default_log_config())
    except Exception:
        logger = logging.getLogger(app_name)
        fallback = logging.StreamHandler(sys.stderr)
        fallback.setFormatter(logging.Formatter("%(levelname)-8s: %(name)s: %(message)s"))
        setattr(fallback, _OWNED, True)
        _replace_handlers(logger, [fallback])
        logger.propagate = False
        detail = traceback.format_exc()
        logger.warning("rayvision log initialization failed, logging to stderr only.\n%s",
                       detail)
        logging.getLogger("rayvision_log").debug("init_logger(%r) failed:\n%s", app_name, detail)
        return logger
