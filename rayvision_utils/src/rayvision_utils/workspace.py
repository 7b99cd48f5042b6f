"""Analysis workspaces: the default location and result folders that never collide.

The original made ``<workspace>/<int(time.time())>`` with ``makedirs``, so two analyses started
in the same second shared (and overwrote) one folder. :func:`make_unique_folder` claims a
folder with an atomic ``mkdir`` and moves to ``<stamp>_1``, ``<stamp>_2``, ... when it is taken,
which holds across threads and processes.
"""

import errno
import os
import sys
import time

from rayvision_utils.constants import DEFAULT_WORKSPACE_NAME
from rayvision_utils.exception.exception import RayvisionArgumentError


def default_workspace(environ=None, platform=None):
    r"""``%USERPROFILE%\renderfarm_sdk`` on Windows, ``$HOME/renderfarm_sdk`` elsewhere.

    Args:
        environ (dict, optional): Environment to read (default ``os.environ``).
        platform (str, optional): ``sys.platform`` value to assume.

    Returns:
        str: The folder (not created).
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        home = environ.get("USERPROFILE") or os.path.expanduser("~")
        return home.rstrip("\\/") + "\\" + DEFAULT_WORKSPACE_NAME
    home = environ.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, DEFAULT_WORKSPACE_NAME)


def check_workspace(workspace):
    """Return the workspace to use: ``workspace`` if given (it must exist), else the default.

    Raises:
        RayvisionArgumentError: ``workspace`` is given but is not an existing folder.
    """
    if not workspace:
        return default_workspace()
    if not os.path.isdir(workspace):
        raise RayvisionArgumentError("workspace {} is not found".format(workspace))
    return workspace


def make_unique_folder(parent, name=None):
    """Create and return a new folder ``<parent>/<name>`` that no one else has.

    Args:
        parent (str): Parent folder (created if missing).
        name (str, optional): Wanted name; default the Unix time in seconds, like the
            original's "timestamp folder". When taken, ``_1``, ``_2``, ... is appended.

    Returns:
        str: Absolute path of the folder this call created.
    """
    parent = os.path.abspath(parent)
    if not os.path.isdir(parent):
        os.makedirs(parent, exist_ok=True)
    base = name or str(int(time.time()))
    index = 0
    while True:
        candidate = os.path.join(parent, base if index == 0 else "{}_{}".format(base, index))
        try:
            os.mkdir(candidate)
            return candidate
        except OSError as error:
            if error.errno != errno.EEXIST:
                raise
        index += 1


def make_analysis_workspace(workspace=None):
    """Check ``workspace`` (or take the default) and create a fresh timestamp folder in it."""
    return make_unique_folder(check_workspace(workspace))
