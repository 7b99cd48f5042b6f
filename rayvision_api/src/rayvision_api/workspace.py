"""Workspace folders: the default location and timestamp folders that never collide.

The original made ``<workspace>/<int(time.time())>`` with ``makedirs``, so two analyses or
checks started in the same second shared (and overwrote) one folder.
:func:`make_unique_folder` claims a folder with an atomic ``mkdir`` and moves to
``<stamp>_1``, ``<stamp>_2``, ... when it is taken, which holds across threads and processes.
"""

import errno
import ntpath
import os
import posixpath
import sys
import time
from typing import Mapping, Optional

DEFAULT_WORKSPACE_NAME = "renderfarm_sdk"


def join_like(base: str, *parts: str) -> str:
    """Join with the separator style of ``base`` (a Windows path stays a Windows path)."""
    flavour = ntpath if ("\\" in base or ntpath.splitdrive(base)[0]) else posixpath
    return flavour.join(base, *parts)


def default_workspace(environ: Optional[Mapping[str, str]] = None,
                      platform: Optional[str] = None) -> str:
    r"""``%USERPROFILE%\renderfarm_sdk`` on Windows, ``$HOME/renderfarm_sdk`` elsewhere.

    A missing USERPROFILE falls back to HOME and the other way round (``RayvisionAPI`` claims
    ``local_os='windows'`` by default even on Linux), then to the user's home folder.

    Args:
        environ (dict, optional): Environment to read (default ``os.environ``).
        platform (str, optional): ``sys.platform`` value (or ``windows``/``linux``) to assume.

    Returns:
        str: The folder (not created).
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else str(platform).lower()
    names = ("USERPROFILE", "HOME") if platform.startswith("win") else ("HOME", "USERPROFILE")
    home = environ.get(names[0]) or environ.get(names[1]) or os.path.expanduser("~")
    return join_like(home.rstrip("\\/") or home, DEFAULT_WORKSPACE_NAME)


def make_unique_folder(parent: str, name: Optional[str] = None) -> str:
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
