"""The raysync/aspera ``rayvision_transmitter`` wrapper: locate, run, interpret.

The binary is proprietary and not shipped. It is looked for, in order, at an explicit path,
at ``$RAYVISION_TRANSMITTER``, and at the package's documented location
(``transmission/windows/rayvision_transmitter.exe``, ``transmission/linux/rayvision_transmitter``,
and ``transmission/centos/`` where 1.1.4 shipped it). It is run as an argv list, never
through a shell, with its output streamed to the log; its exit code becomes a typed error.
"""

import logging
import os
import subprocess
import sys
import threading
from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

from rayvision_api.cancel import CancelToken
from rayvision_api.exception import RayvisionCancelledError
from rayvision_api.process_tree import kill_tree, popen_group_kwargs
from rayvision_sync.constants import (
    DEFAULT_MAX_SPEED,
    RAYVISION_TRANSMITTER,
    TRANSFER_LOG,
    TRANSMITTER_NOT_UPLOADABLE,
    TRANSMITTER_OK,
    TRANSMITTER_PARAMETER_ERROR,
    TRANSMITTER_RETRYABLE,
)
from rayvision_sync.exception import TransmitterExitError, TransmitterNotFoundError
from rayvision_sync.progress import ProgressReporter
from rayvision_sync.result import TransferResult
from rayvision_sync.throttle import parse_max_speed

LOGGER = logging.getLogger(__name__)

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

EXIT_MEANINGS = {
    TRANSMITTER_PARAMETER_ERROR: "parameter or domain name resolution error",
    TRANSMITTER_RETRYABLE: "some files were not transferred (retryable)",
    TRANSMITTER_NOT_UPLOADABLE: "there are files that cannot be uploaded",
}


def host_os() -> str:
    """``windows`` or ``linux``: the family of the machine we run on."""
    return "windows" if sys.platform.startswith("win") else "linux"


def documented_location(package_dir: str, local_os: str) -> str:
    """Where the package documents the transmitter for ``local_os``."""
    if str(local_os).lower().startswith("win"):
        return os.path.join(package_dir, "transmission", "windows", "rayvision_transmitter.exe")
    return os.path.join(package_dir, "transmission", "linux", "rayvision_transmitter")


def candidate_locations(explicit: Optional[str] = None,
                        environ: Optional[Mapping[str, str]] = None,
                        package_dir: str = PACKAGE_DIR,
                        local_os: Optional[str] = None) -> List[Tuple[str, str]]:
    """Places to look for the transmitter, in priority order, with where each came from."""
    environ = os.environ if environ is None else environ
    local_os = local_os or host_os()
    found = []
    if explicit:
        found.append(("argument transmitter_exe", explicit))
    if environ.get(RAYVISION_TRANSMITTER):
        found.append(("environment variable " + RAYVISION_TRANSMITTER,
                      environ[RAYVISION_TRANSMITTER]))
    found.append(("package folder", documented_location(package_dir, local_os)))
    if local_os != "windows":
        found.append(("package folder (1.1.4 layout)", os.path.join(
            package_dir, "transmission", "centos", "rayvision_transmitter")))
    return found


def find_transmitter(explicit: Optional[str] = None,
                     environ: Optional[Mapping[str, str]] = None, package_dir: str = PACKAGE_DIR,
                     local_os: Optional[str] = None) -> str:
    """Path of an executable transmitter.

    Raises:
        TransmitterNotFoundError: None of the candidates is an executable file; the message
            lists every place looked at and how to install it.
    """
    candidates = candidate_locations(explicit, environ, package_dir, local_os)
    for _, path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    looked = "; ".join("{0}: {1}".format(origin, path) for origin, path in candidates)
    raise TransmitterNotFoundError(
        "rayvision_transmitter (Renderbus' proprietary raysync/aspera client) is not installed. "
        "Looked at: {0}. Install it from Renderbus and set {1}=/path/to/rayvision_transmitter, "
        "pass transmitter_exe=..., or copy it to {2}. Farms with HTTP storage (the sandbox) "
        "do not need it.".format(looked, RAYVISION_TRANSMITTER,
                                 documented_location(package_dir, local_os or host_os())))


def build_argv(exe: Any, transport_info: Any, bid: Any, user_id: Any, transmit_type: Any,
               local_path: Any, server_path: Any, max_speed: Any = None,
               keep_path: Union[str, bool] = "true", db_ini_path: Any = None,
               max_connect_failure_count: Union[str, int] = "1") -> Any:
    """The transmitter's positional argument contract, as an argv list.

    ``exe engine_type server_name server_ip server_port storage_id user_id transmit_type
    local_path remote_path max_connect_failure_count keep_path max_speed [db_config_path]``
    (the database path is left out rather than passed as the string ``None``).

    Raises:
        OptionValueError: ``max_speed`` is not a finite, non-negative number of KB/s.
    """
    parse_max_speed(max_speed)  # the transmitter would take 'nan' without a word
    argv = [exe, transport_info["engine_type"], transport_info["server_name"],
            transport_info["server_ip"], str(transport_info["server_port"]), str(bid),
            str(user_id), transmit_type, local_path, server_path,
            str(max_connect_failure_count), str(keep_path).lower(),
            str(max_speed or DEFAULT_MAX_SPEED)]
    if db_ini_path:
        argv.append(db_ini_path)
    return argv


def _decode(raw: Any) -> Any:
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode(sys.getfilesystemencoding() or "utf-8", "replace")


def is_error_line(line: str) -> bool:
    """Lines the transmitter prints for files that failed."""
    lowered = line.lower()
    return "upload file fail" in lowered or ("get path" in lowered and "info failed" in lowered)


# Seconds between two looks at the cancel token while the transmitter runs.
_CANCEL_POLL = 0.1


def _watch(process: subprocess.Popen, stop: CancelToken, killed: threading.Event) -> None:
    """Kill the transmitter's process tree once ``stop`` is cancelled (a thread's body)."""
    while process.poll() is None:
        if stop.wait(_CANCEL_POLL):
            killed.set()
            kill_tree(process)
            return


def run_transmitter(argv: List[str], log_dir: Optional[str] = None, print_log: bool = True,
                    logger: Optional[logging.Logger] = None,
                    environ: Optional[Mapping[str, str]] = None,
                    stop: Optional[CancelToken] = None) -> Tuple[int, List[str]]:
    """Run the transmitter, streaming its output to the log.

    Args:
        argv (list): From :func:`build_argv`.
        log_dir (str): Given to the transmitter as ``RAYVISION_LOG`` (its environment only).
        print_log (bool): Output lines at INFO (else DEBUG).
        logger: Logger for the output.
        environ (dict): Base environment of the child (default: ours).
        stop (CancelToken, optional): Cancelling it kills the transmitter's process tree.

    Returns:
        tuple: ``(returncode, error_lines)``.

    Raises:
        RayvisionCancelledError: ``stop`` was cancelled; the transmitter is gone.
    """
    logger = logger or LOGGER
    level = logging.INFO if print_log else logging.DEBUG
    env = dict(os.environ if environ is None else environ)
    if log_dir:
        env[TRANSFER_LOG] = log_dir
    logger.log(level, "cmd...%s", subprocess.list2cmdline(argv))
    if stop is not None:
        stop.raise_if_cancelled("transfer")
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env, **popen_group_kwargs())
    assert process.stdin is not None and process.stdout is not None  # both are PIPEs
    killed = threading.Event()
    if stop is not None:
        watcher = threading.Thread(target=_watch, args=(process, stop, killed))
        watcher.daemon = True
        watcher.start()
    try:
        # The original piped "echo y|" into it: answer its confirmation prompt.
        process.stdin.write(b"y\n")
        process.stdin.close()
    except OSError:
        pass
    errors = []
    for raw in iter(process.stdout.readline, b""):
        line = _decode(raw).rstrip("\r\n")
        if not line.strip():
            continue
        logger.log(level, "%s", line)
        if is_error_line(line):
            errors.append(line)
    process.stdout.close()
    returncode = process.wait()
    if killed.is_set():
        assert stop is not None  # only the watcher of a token sets ``killed``
        raise RayvisionCancelledError("rayvision_transmitter", stop.reason)
    return returncode, errors


def check_exit(returncode: int, errors: List[str], what: str) -> None:
    """Raise the typed error for a failed run.

    Raises:
        TransmitterExitError: ``returncode`` is not 0 (``error_code`` 200023 for 9,
            200022 for 10, 200025 for 11, 200024 for 1-8, 200020 otherwise).
    """
    if returncode == TRANSMITTER_OK:
        return
    if 1 <= returncode <= 8:
        meaning = "argument format invalid"
    else:
        meaning = EXIT_MEANINGS.get(returncode, "unexpected exit code")
    detail = ": " + "; ".join(errors[:5]) if errors else ""
    raise TransmitterExitError("{0}: rayvision_transmitter exited with {1} ({2}){3}".format(
        what, returncode, meaning, detail), returncode, errors)


class TransmitterEngine(object):
    """Transfers through ``rayvision_transmitter`` (the real farm's raysync/aspera storage).

    The transmitter reports files only through its output: the documented per-file lines
    are its failures (``upload file fail``, ``get path ... info failed``). Those become
    ``failures``; counts it does not report (files it skipped as unchanged, bytes moved,
    files a download found) are ``None`` in the :class:`TransferResult`, never guessed.

    Args:
        transfer (RayvisionTransfer): Builds the command lines.
        log_dir (str): The transmitter's log folder (``RAYVISION_LOG``).
    """

    name = "transmitter"

    def __init__(self, transfer: Any, log_dir: Any = None) -> None:
        self.transfer = transfer
        self.log_dir = log_dir

    def __repr__(self) -> str:
        return "TransmitterEngine(exe={0!r})".format(self.transfer.transmitter_exe)

    def run(self, cmd_params: Sequence[Any], db_ini_path: Optional[str] = None,
            print_log: bool = True, what: str = "transfer",
            stop: Optional[CancelToken] = None) -> List[str]:
        """Run one command; returns its failure lines, or raises :class:`TransmitterExitError`.

        ``stop`` (a cancel token) kills the transmitter and raises
        :class:`~rayvision_api.exception.RayvisionCancelledError`.
        """
        argv = self.transfer.create_argv(cmd_params, db_ini_path)
        argv[0] = find_transmitter(self.transfer.explicit_transmitter)
        try:
            returncode, errors = run_transmitter(argv, self.log_dir, print_log,
                                                 self.transfer.logger, stop=stop)
        except RayvisionCancelledError as exc:
            raise RayvisionCancelledError(what, exc.reason) from exc
        check_exit(returncode, errors, what)
        return errors

    def _job(self, progress: Any, cmd_params: Any, db_ini_path: Any, print_log: Any, what: Any,
             result: Any, finished: Any = None) -> Any:
        """Run a command; its events arrive in order, all before ``done``.

        ``finished`` runs (before ``done``) when the transmitter reported no failure.
        """
        errors = []
        try:
            errors = self.run(cmd_params, db_ini_path, print_log, what, progress.token)
            if finished is not None and not errors:
                finished()
        except TransmitterExitError as exc:
            errors = list(exc.messages or []) or [str(exc)]
            exc.result = result  # type: ignore[attr-defined]  # the caller's last_result
            raise
        finally:
            for line in errors:
                result.failures.append((cmd_params[1], line))
                progress.file_failed(None, cmd_params[1], line)
            progress.done()
        return result

    def upload_file(self, bid_key: Any, local: Any, server: Any, max_speed: Any = None,
                    progress: Any = None, print_log: bool = True) -> Any:
        """Upload one file (or folder) to ``server`` in storage ``bid_key``."""
        progress = progress or ProgressReporter("upload", show=False)
        single = os.path.isfile(local)
        result = _unknown_result(1 if single else None)
        progress.start(result.files_total or 0, _size_of(local))
        progress.file_start(server, local)

        def finished() -> None:
            progress.file_done(server, local)
            if single:
                result.files_transferred, result.files_skipped = 1, 0
                result.bytes_transferred = _size_of(local)

        return self._job(progress, ["upload_files", local, server, max_speed, "false",
                                    bid_key], None, print_log, "upload of {0}".format(local),
                         result, finished)

    def upload_asset(self, upload_json_path: Any, pairs: Any, max_speed: Any = None,
                     records: Any = None, db_ini_path: Any = None, progress: Any = None,
                     print_log: bool = True) -> Any:
        """Upload the assets of upload.json (``upload_file_pairs``); records via the db ini.

        With a record database the transmitter skips unchanged files without saying which:
        ``files_transferred``, ``files_skipped`` and ``bytes_transferred`` are then None.
        """
        progress = progress or ProgressReporter("upload", show=False)
        pairs = list(pairs)
        result = _unknown_result(len(pairs))
        progress.start(len(pairs), sum(_size_of(local) for local, _ in pairs))
        self._job(progress, ["upload_file_pairs", upload_json_path, "/", max_speed, "false",
                             "input_bid"], db_ini_path, print_log,
                  "upload of the assets of {0}".format(upload_json_path), result)
        if db_ini_path is None:  # no records: every listed file was sent
            result.files_transferred, result.files_skipped = len(pairs), 0
        return result

    def download(self, bid_key: Any, server_path: Any, local_path: Any, keep_path: bool = True,
                 max_speed: Any = None, progress: Any = None, digests: Any = None,
                 print_log: bool = True, strict: bool = False) -> Any:
        """Download a storage folder (``download_files``); the remote path goes verbatim."""
        progress = progress or ProgressReporter("download", show=False)
        progress.start(0, 0)
        return self._job(progress, ["download_files", local_path, server_path, max_speed,
                                    "true" if keep_path else "false", bid_key], None,
                         print_log, "download of {0}".format(server_path), _unknown_result())


def _unknown_result(files_total: Any = None) -> Any:
    result: Any = TransferResult()  # counts the transmitter does not report are None
    result.files_total = files_total
    result.files_transferred = result.files_skipped = None
    result.bytes_transferred = None
    return result


def _size_of(path: Any) -> Any:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
