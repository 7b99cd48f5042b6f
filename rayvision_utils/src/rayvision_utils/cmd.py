"""Run a child process and stream its output without deadlocks.

The original runner piped stderr but read only stdout while the child ran: a child that
wrote more than a pipe buffer of stderr blocked for ever. Here each pipe has its own reader
thread, lines are handed to a callback (and the log) as they arrive, and an optional timeout
ends the whole process tree.
"""

import collections
import logging
import os
import signal
import subprocess
import sys
import threading
from typing import Any, Callable, Deque, List, Mapping, Optional, Tuple, Union

from rayvision_utils.utils import str2unicode

LOGGER = logging.getLogger(__name__)

# Lines kept per stream in the result; a DCC in batch mode can print millions.
MAX_KEPT_LINES = 20000

# Seconds to wait for the reader threads once the child is gone.
_READER_GRACE = 5.0

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
    if sys.platform.startswith("win"):
        startupinfo = subprocess.STARTUPINFO()
        startupinfo.dwFlags |= subprocess.STARTF_USESHOWWINDOW
        startupinfo.wShowWindow = 0  # SW_HIDE
        return {"startupinfo": startupinfo,
                "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    # A session of its own lets a timeout kill the DCC and everything it started.
    return {"start_new_session": True}


def _kill_tree(process: Any) -> None:
    """Kill ``process`` and its children."""
    if process.poll() is not None:
        return
    try:
        if sys.platform.startswith("win"):
            subprocess.call(["taskkill", "/F", "/T", "/PID", str(process.pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()


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
                on_line: Optional[Callable[[str, str], Any]] = None, merge_stderr: bool = False,
                log_output: bool = True) -> CmdResult:
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

    Returns:
        CmdResult: exit code, captured output, whether it timed out.

    Raises:
        OSError: The executable could not be started.
    """
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
    timed_out = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        LOGGER.error("command timed out after %ss, killing it: %s", timeout, cmd)
        _kill_tree(process)
        process.wait()
    except BaseException:
        _kill_tree(process)
        process.wait()
        raise
    for thread in readers:
        thread.join(_READER_GRACE)
    return CmdResult(process.returncode, "\n".join(out_lines), "\n".join(err_lines), timed_out)


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
