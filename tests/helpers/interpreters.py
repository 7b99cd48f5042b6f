"""Interpreters the in-DCC scripts are tested on: this one, and a real Python 2.7.

DCCs embed Python 2.7 (older Maya/Houdini/Clarisse) or 3; the scripts under ``*/dcc/`` must
run on both, so every in-DCC script test runs under this interpreter and under a real 2.7. A
machine without 2.7 fails those cases with a message saying how to provide one: a static
check alone (vermin) would let a 2.7 runtime regression through.
"""

import glob
import os
import shutil
import subprocess
import sys

import pytest

PY27 = "python2.7"
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


def require_python27():
    """The Python 2.7 interpreter; fails the calling test when the machine has none."""
    found = python27()
    if found is None:
        pytest.fail("no Python 2.7 interpreter found: the in-DCC scripts must be run under 2.7; "
                    "set RAYVISION_TEST_PY27 to one, or install it with pyenv (.ci/run checks)")
    return found


def interpreters():
    """Parameters for an ``interpreter`` fixture: this interpreter, then Python 2.7."""
    return [sys.executable, PY27]


def resolve(interpreter):
    """The executable for a parameter of :func:`interpreters` (failing when 2.7 is absent)."""
    return require_python27() if interpreter == PY27 else interpreter


def version_of(interpreter):
    """``"major.minor"`` of an interpreter, asked of the interpreter itself."""
    out = subprocess.check_output(
        [interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
    return out.decode("ascii").strip()
