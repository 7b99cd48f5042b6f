"""Analysis workspaces: the default location and result folders that never collide.

The folder logic itself lives in :mod:`rayvision_api.workspace` (RayvisionCheck needs it too);
this module adds the analysers' workspace check.
"""

import os

from rayvision_api.workspace import default_workspace, make_unique_folder
from rayvision_utils.exception.exception import RayvisionArgumentError

__all__ = ["default_workspace", "check_workspace", "make_unique_folder",
           "make_analysis_workspace"]


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


def make_analysis_workspace(workspace=None):
    """Check ``workspace`` (or take the default) and create a fresh timestamp folder in it."""
    return make_unique_folder(check_workspace(workspace))
