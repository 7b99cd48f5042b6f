"""Constants of the analysis layer.

``TASK_INFO`` and ``CG_SETTING`` are the very objects of :mod:`rayvision_api.constants` (one
definition for the whole SDK). They are templates: never mutate them, ``copy.deepcopy`` first.
"""

from rayvision_api.constants import CG_SETTING, MODIFIABLE_PARAM, TASK_INFO
from rayvision_api.workspace import DEFAULT_WORKSPACE_NAME

PACKAGE_NAME = "rayvision_utils"

# File names of the analysis results inside a workspace folder.
TASK_JSON = "task.json"
ASSET_JSON = "asset.json"
TIPS_JSON = "tips.json"
UPLOAD_JSON = "upload.json"

# ``os_name`` values of task.json.
OS_NAME = {"windows": "1", "linux": "0"}

__all__ = [
    "ASSET_JSON",
    "CG_SETTING",
    "DEFAULT_WORKSPACE_NAME",
    "MODIFIABLE_PARAM",
    "OS_NAME",
    "PACKAGE_NAME",
    "TASK_INFO",
    "TASK_JSON",
    "TIPS_JSON",
    "UPLOAD_JSON",
]
