"""``rayvision``: the command line of the Renderbus SDK (see ``docs/cli.md``).

Every command shares the global options (``--profile``, ``--json``, ``-q``/``-v``,
``--debug`` and the connection overrides), prints one line per error (a traceback only with
``--debug``) and ends with a documented exit code (:mod:`rayvision_cli.exit_codes`).
"""

import argparse
import logging
import os
import sys
import traceback
from typing import Any, Callable, List, Optional, Tuple

from rayvision_api.diagnose import explain
from rayvision_api.exception import RayvisionOutcomeUnknownError
from rayvision_cli import __version__, exit_codes
from rayvision_cli.commands import analysis, config, doctor, sync_output, tasks, transfer
from rayvision_cli.events import Output
from rayvision_cli.interrupts import Interrupts

LOGGER = logging.getLogger(__name__)

COMMAND_MODULES = (analysis, tasks, transfer, sync_output, config, doctor)


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default in --help, once.

    An option whose help already says what its default is (a default computed at run time,
    such as ``<dest>/.rayvision-sync``) keeps that wording alone: the formatter's own
    ``(default: None)`` would contradict it.
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text.lower():
            return text
        return super(_Formatter, self)._get_help_string(action) or ""


def global_options() -> argparse.ArgumentParser:
    """Options every command takes (before or after the command name)."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("global options")
    group.add_argument("--profile", default=argparse.SUPPRESS,
                       help="profile of the config file (default: RAYVISION_PROFILE, else "
                            "the profile named 'default')")
    group.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help="JSON-lines event stream on stdout (docs/cli.md)")
    group.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                       help="results and errors only")
    group.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                       help="more detail; -vv logs the SDK's DEBUG records")
    group.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="tracebacks on errors, DEBUG log to stderr and the log file")
    group.add_argument("--log-file", action="store_true", default=argparse.SUPPRESS,
                       help="also write the SDK's documented log file (init_logger)")
    conn = parent.add_argument_group("connection (override the profile)")
    conn.add_argument("--domain", default=argparse.SUPPRESS,
                      help="API host, e.g. task.renderbus.com or 127.0.0.1:8765")
    conn.add_argument("--platform", default=argparse.SUPPRESS, help="platform id")
    conn.add_argument("--protocol", choices=("https", "http"), default=argparse.SUPPRESS,
                      help="https, or http for a local sandbox")
    conn.add_argument("--access-id", dest="access_id", default=argparse.SUPPRESS,
                      help="access id (else RAYVISION_ACCESS_ID, else the profile)")
    conn.add_argument("--access-key", dest="access_key", default=argparse.SUPPRESS,
                      help="access key (prefer RAYVISION_ACCESS_KEY or the profile: "
                           "arguments show in process lists)")
    conn.add_argument("--timeout", type=float, default=argparse.SUPPRESS,
                      help="seconds per API request")
    return parent


GLOBAL_DEFAULTS = {"profile": None, "json": False, "quiet": False, "verbose": 0,
                   "debug": False, "log_file": False, "domain": None, "platform": None,
                   "protocol": None, "access_id": None, "access_key": None, "timeout": None}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``rayvision``."""
    parents = [global_options()]
    parser = argparse.ArgumentParser(
        prog="rayvision", parents=parents, formatter_class=_Formatter,
        description="Analyse, submit, watch and download Renderbus / Fox Renderfarm jobs.",
        epilog="Exit codes and the --json event stream: docs/cli.md.")
    parser.add_argument("--version", action="version",
                        version="rayvision {0}".format(__version__))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands, parents, _Formatter)
    return parser


#: The loggers ``--log-file`` / ``--debug`` set up with ``init_logger``.
SDK_LOGGERS = ("rayvision_api", "rayvision_sync", "rayvision_utils", "rayvision_cli")


def _logger_state(logger: logging.Logger) -> Tuple[Any, ...]:
    """What ``init_logger`` changes on ``logger``: handlers, level, propagation."""
    return list(logger.handlers), logger.level, logger.propagate, logger.disabled


def _restore_logger(logger: logging.Logger, state: Tuple[Any, ...]) -> None:
    """Put ``logger`` back as :func:`_logger_state` saw it; close the handlers added since.

    A host calling :func:`main` in its own process keeps its loggers (and no log file stays
    open behind it).
    """
    handlers, level, propagate, disabled = state
    for current in list(logger.handlers):
        logger.removeHandler(current)
        if current not in handlers:
            current.close()
    for kept in handlers:  # in their order
        logger.addHandler(kept)
    logger.setLevel(level)
    logger.propagate = propagate
    logger.disabled = disabled


def _configure_logging(args: argparse.Namespace) -> Callable[[], None]:
    """Send the SDK's records to stderr at the level the options ask for.

    ERROR by default (errors are reported as one line anyway), INFO and warnings with -v,
    DEBUG with -vv or --debug.

    Returns:
        A function that takes the stderr handler off the root logger again and restores
        its level, and puts the SDK loggers ``--log-file`` / ``--debug`` set up back as they
        were, for a host that calls :func:`main` in its own process.
    """
    level = logging.ERROR
    if args.verbose >= 2 or args.debug:
        level = logging.DEBUG
    elif args.verbose == 1:
        level = logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(min(level, root.level) if root.level else level)

    saved: List[Tuple[logging.Logger, Tuple[Any, ...]]] = []

    def restore() -> None:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        for logger, state in saved:
            _restore_logger(logger, state)

    if args.log_file or args.debug:
        from rayvision_log import init_logger

        for name in SDK_LOGGERS:
            saved.append((logging.getLogger(name), _logger_state(logging.getLogger(name))))
            logger = init_logger(name)
            logger.propagate = False
            for own in logger.handlers:
                if isinstance(own, logging.StreamHandler) and \
                        getattr(own, "stream", None) is sys.stderr:
                    own.setLevel(level)
    return restore


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the ``rayvision`` console command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, value in GLOBAL_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    if not getattr(args, "command", None):
        parser.print_help()
        return exit_codes.USAGE
    output = Output(json_mode=args.json, quiet=args.quiet, verbose=args.verbose)
    restore_logging = _configure_logging(args)
    try:
        return _run(args, output)
    finally:
        restore_logging()


def _run(args: argparse.Namespace, output: Output) -> int:
    """Run the command of ``args``; its errors become one line and an exit code."""
    output.emit("start", command=args.command, version=__version__)
    try:
        # Ctrl-C / SIGTERM cancel the command's token: it ends as RayvisionCancelledError.
        with Interrupts() as interrupts:
            args.cancel_token = interrupts.token
            code = args.handler(args, output)
    except KeyboardInterrupt:
        output.error("interrupted", code=None, kind="interrupted",
                     exit_code=exit_codes.INTERRUPTED)
        code = exit_codes.INTERRUPTED
    except RayvisionOutcomeUnknownError as exc:
        # Not a refusal nor an unreachable farm: the change may have happened once.
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        code = tasks.outcome_unknown(output, "rayvision {0}".format(args.command), exc,
                                     [str(task) for task in _named_tasks(args)])
    except Exception as exc:  # every failure becomes one line and an exit code
        explanation = explain(exc)
        code = exit_codes.BY_KIND.get(explanation.kind, exit_codes.ERROR)
        code = getattr(exc, "exit_code", code)
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        output.error(explanation.line(), code=explanation.code, kind=explanation.kind,
                     hint=explanation.hint, exit_code=code)
    output.emit("end", exit_code=code)
    if output.closed:
        # stdout's reader left: keep the interpreter's final flush from failing loudly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return code


def _named_tasks(args: argparse.Namespace) -> List[Any]:
    """The task ids the command line named (``task`` is one id or a list), for a hint."""
    named = getattr(args, "task", None) or []
    return list(named) if isinstance(named, (list, tuple)) else [named]


if __name__ == "__main__":
    sys.exit(main())
