"""Analysis workspaces: the default location and result folders that never collide.

The folder logic itself lives in :mod:`rayvision_api.workspace` (RayvisionCheck needs it too);
this module adds the analysers' workspace check.
"""

import os
from typing import Optional

from rayvision_api.workspace import default_workspace, make_unique_folder
from rayvision_utils.exception.exception import RayvisionArgumentError

__all__ = ["default_workspace", "check_workspace", "make_unique_folder",
           "make_analysis_workspace"]


def check_workspace(workspace: Optional[str]) -> str:
    """Return the workspace to use: ``workspace`` (created when missing), else the default.

    The original refused a missing folder (``workspace ... is not found``); a newcomer's
    first run then failed for want of a ``mkdir``, so it is created (``docs/migration.md``).

    Raises:
        RayvisionArgumentError: ``workspace`` is a file, or cannot be created (the message
            names it and says why).
    """
    if not workspace:
        return default_workspace()
    if not os.path.isdir(workspace):
        if os.path.exists(workspace):
            raise RayvisionArgumentError("workspace {} is a file, not a folder".format(
                workspace))
        try:
            os.makedirs(workspace, exist_ok=True)
        except OSError as exc:
            raise RayvisionArgumentError("workspace {} cannot be created: {}".format(
                workspace, exc.strerror or exc))
    return workspace


def make_analysis_workspace(workspace: Optional[str] = None) -> str:
    """Check ``workspace`` (or take the default) and create a fresh timestamp folder in it."""
    return make_unique_folder(check_workspace(workspace))
