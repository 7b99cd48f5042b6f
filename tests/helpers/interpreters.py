"""Interpreters the in-DCC scripts are tested on: this one, and Python 2.7 when installed.

DCCs embed Python 2.7 (older Maya/Houdini/Clarisse) or 3; the scripts under ``*/dcc/`` must
run on both, so the tests run them under a real 2.7 whenever the machine has one.
"""

import glob
import os
import shutil
import subprocess
import sys

_FOUND = []


def python27():
    """A working Python 2.7 (``RAYVISION_TEST_PY27``, pyenv or PATH), or None; looked up once."""
    if not _FOUND:
        root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        candidates = [os.environ.get("RAYVISION_TEST_PY27"), shutil.which("python2.7"),
                      shutil.which("python2")]
        candidates += sorted(glob.glob(os.path.join(root, "versions", "2.7*", "bin", "python")))
        _FOUND.append(next((c for c in candidates if c and _is_python2(c)), None))
    return _FOUND[0]


def _is_python2(candidate):
    try:
        out = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[0])"],
                             capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == b"2"


def interpreters():
    """``[sys.executable]`` plus Python 2.7 when one is installed."""
    py27 = python27()
    return [sys.executable] + ([py27] if py27 else [])
