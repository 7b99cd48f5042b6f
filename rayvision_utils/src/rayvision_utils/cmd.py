"""Run a child process and stream its output without deadlocks.

The original runner piped stderr but read only stdout while the child ran: a child that
wrote more than a pipe buffer of stderr blocked for ever. Here each pipe has its own reader
thread, lines are handed to a callback (and the log) as they arrive, and an optional timeout
ends the whole process tree.
"""

import collections
import logging
import subprocess
import threading
import time
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Deque,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from rayvision_api.exception import RayvisionCancelledError
from rayvision_api.process_tree import kill_tree, popen_group_kwargs
from rayvision_utils.utils import str2unicode

if TYPE_CHECKING:
    from rayvision_api.cancel import CancelToken

LOGGER = logging.getLogger(__name__)

# Lines kept per stream in the result; a DCC in batch mode can print millions.
MAX_KEPT_LINES = 20000

# Seconds to wait for the reader threads once the child is gone.
_READER_GRACE = 5.0

# Seconds between two looks at the cancel token while the child runs.
_CANCEL_POLL = 0.1

CmdResult = collections.namedtuple("CmdResult", "returncode stdout stderr timed_out")
CmdResult.__doc__ = """Outcome of :func:`run_command`.

Attributes:
    returncode (int): Exit code (negative signal number on POSIX when killed).
    stdout (str): Captured standard output (last ``MAX_KEPT_LINES`` lines).
    stderr (str): Captured standard error; ``""`` when merged into stdout.
    timed_out (bool): The timeout expired and the process tree was killed.
"""


def _popen_platform_kwargs() -> Any:
    """Keyword arguments that hide the console window (Windows) or open a new session (POSIX)."""
    # A group of its own lets a timeout or a cancel kill the DCC and everything it started.
    return popen_group_kwargs()


def _kill_tree(process: Any) -> None:
    """Kill ``process`` and its children."""
    kill_tree(process)


def _reader(pipe: Any, name: Any, kept: Any, on_line: Any, log_output: Any) -> None:
    """Read ``pipe`` line by line until EOF."""
    try:
        for raw in iter(pipe.readline, b""):
            line = str2unicode(raw).rstrip("\r\n")
            kept.append(line)
            if log_output:
                LOGGER.info("[%s] %s", name, line)
            if on_line is not None:
                try:
                    on_line(name, line)
                except Exception:  # a faulty callback must not stall the pipe
                    LOGGER.exception("output callback failed")
    finally:
        pipe.close()


def run_command(cmd: Union[str, List[str]], shell: bool = False, timeout: Optional[float] = None,
                env: Optional[Mapping[str, str]] = None, cwd: Optional[str] = None,
                on_line: Optional[Callable[[str, str], Any]] = None,
                merge_stderr: bool = False, log_output: bool = True,
                cancel_token: Optional["CancelToken"] = None) -> CmdResult:
    """Run ``cmd``, streaming its output, and wait for it.

    Args:
        cmd (list or str): Argument list (preferred: no shell quoting issues) or a command
            line for ``shell=True``.
        shell (bool): Run through the shell.
        timeout (float, optional): Seconds before the process tree is killed.
        env (dict, optional): Environment of the child (default: inherited).
        cwd (str, optional): Working directory of the child.
        on_line (callable, optional): ``on_line(stream, line)`` for each output line as it
            arrives; ``stream`` is ``"stdout"`` or ``"stderr"``.
        merge_stderr (bool): Send stderr into stdout (one ordered stream).
        log_output (bool): Log each line at INFO level.
        cancel_token (CancelToken, optional): Cancelling it kills the process tree.

    Returns:
        CmdResult: exit code, captured output, whether it timed out.

    Raises:
        OSError: The executable could not be started.
        RayvisionCancelledError: ``cancel_token`` was cancelled; the tree is gone.
    """
    what = "command {0}".format(_name_of(cmd))
    if cancel_token is not None:
        cancel_token.raise_if_cancelled(what)
    LOGGER.info("run command:\n%s", cmd)
    process = subprocess.Popen(
        cmd, shell=shell, env=env, cwd=cwd,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
        **_popen_platform_kwargs())
    out_lines: Deque[str] = collections.deque(maxlen=MAX_KEPT_LINES)
    err_lines: Deque[str] = collections.deque(maxlen=MAX_KEPT_LINES)
    readers = [threading.Thread(target=_reader,
                                args=(process.stdout, "stdout", out_lines, on_line, log_output))]
    if not merge_stderr:
        readers.append(threading.Thread(
            target=_reader, args=(process.stderr, "stderr", err_lines, on_line, log_output)))
    for thread in readers:
        thread.daemon = True
        thread.start()
    try:
        timed_out = _wait(process, timeout, cancel_token, what)
    except BaseException:
        _kill_tree(process)
        process.wait()
        raise
    if timed_out:
        LOGGER.error("command timed out after %ss, killing it: %s", timeout, cmd)
        _kill_tree(process)
        process.wait()
    for thread in readers:
        thread.join(_READER_GRACE)
    return CmdResult(process.returncode, "\n".join(out_lines), "\n".join(err_lines), timed_out)


def _name_of(cmd: Union[str, Sequence[Any]]) -> str:
    """The program of a command, for messages."""
    if isinstance(cmd, (list, tuple)):
        return str(cmd[0]) if cmd else ""
    return str(cmd).split(" ", 1)[0]


def _wait(process: subprocess.Popen, timeout: Optional[float],
          cancel_token: Optional["CancelToken"], what: str) -> bool:
    """Wait for ``process``; True when ``timeout`` expired first.

    Raises:
        RayvisionCancelledError: ``cancel_token`` was cancelled meanwhile (the caller
            kills the tree).
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        step = None if cancel_token is None else _CANCEL_POLL
        if deadline is not None:
            left = max(0.0, deadline - time.monotonic())
            step = left if step is None else min(step, left)
        try:
            process.wait(timeout=step)
            return False
        except subprocess.TimeoutExpired:
            if deadline is not None and time.monotonic() >= deadline:
                return True
            if cancel_token is not None and cancel_token.cancelled:
                raise RayvisionCancelledError(what, cancel_token.reason)


class Cmd(object):
    """The documented command helper (kept for compatibility; prefer :func:`run_command`)."""

    @classmethod
    def run(cls, cmd: Union[str, List[str]], shell: bool = False,
            log_output: bool = True) -> Tuple[int, str, str]:
        """Run ``cmd`` and return ``(returncode, stdout, stderr)`` as text."""
        result = run_command(cls.compatible(cmd), shell=shell, log_output=log_output)
        return result.returncode, result.stdout, result.stderr

    @staticmethod
    def compatible(cmd: Any) -> Any:
        """Return ``cmd`` ready for ``subprocess`` (unchanged on Python 3)."""
        return cmd

    @staticmethod
    def wrap_subprocess(cmd: str) -> "subprocess.Popen[str]":
        """Start ``cmd`` (shell) with stderr merged into text stdout, window hidden.

        Returns:
            subprocess.Popen: The running process; the caller reads and waits.
        """
        return subprocess.Popen(cmd, shell=True, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True, **_popen_platform_kwargs())

    @staticmethod
    def power_run(*args: Any, **kwargs: Any) -> None:
        """Do nothing (the original's placeholder)."""
        return None
