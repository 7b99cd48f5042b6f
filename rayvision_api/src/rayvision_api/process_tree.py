"""Child processes that can be ended with everything they started.

The analysis runs a DCC (which starts its own helpers) and the transfer may run
``rayvision_transmitter``: both are started in a process group of their own so that a
timeout or a cancel ends the whole tree, not only the first process.
"""

import os
import signal
import subprocess
import sys
from typing import Any, Dict


def popen_group_kwargs() -> Dict[str, Any]:
    """``subprocess.Popen`` keyword arguments: a new process group, no console window.

    POSIX: a session of its own (``killpg`` then reaches every descendant). Windows: a new
    process group and a hidden window (``taskkill /T`` ends the tree).
    """
    if sys.platform.startswith("win"):
        startupinfo = subprocess.STARTUPINFO()
        startupinfo.dwFlags |= subprocess.STARTF_USESHOWWINDOW
        startupinfo.wShowWindow = 0  # SW_HIDE
        return {"startupinfo": startupinfo,
                "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    return {"start_new_session": True}


def kill_tree(process: "subprocess.Popen[Any]") -> None:
    """Kill ``process`` and its descendants (started with :func:`popen_group_kwargs`)."""
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
