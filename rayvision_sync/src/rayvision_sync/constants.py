# -*- coding: utf-8 -*-
"""Constants of rayvision_sync: package name, task states and environment variable names."""

from rayvision_api.workspace import DEFAULT_WORKSPACE_NAME

PACKAGE_NAME = "rayvision_sync"

# Task status code -> {"0": Chinese, "1": English}, exactly as documented (no 1, 15 or 50).
TASK_STATUS_DESCRIPTION = {
    "0": {"0": u"等待中", "1": "Waiting"},
    "5": {"0": u"渲染中", "1": "Rendering"},
    "8": {"0": u"预处理中", "1": "Preprocessing"},
    "10": {"0": u"停止", "1": "Stop"},
    "20": {"0": u"欠费停止", "1": "Arrearage-stop"},
    "23": {"0": u"超时停止", "1": "Timeout stop"},
    "25": {"0": u"已完成", "1": "Done"},
    "30": {"0": u"已完成(有失败帧)", "1": "Done(with failed frame)"},
    "35": {"0": u"放弃", "1": "Abort"},
    "40": {"0": u"等待全速渲染", "1": "Test done"},
    "45": {"0": u"失败", "1": "Failed"},
}

# Codes the API documents for ``taskStatus`` that the table above lacks.
EXTRA_TASK_STATUS_DESCRIPTION = {
    "1": {"0": u"等待中", "1": "Waiting"},
    "15": {"0": u"用户停止", "1": "User stop"},
    "50": {"0": u"分析中", "1": "Analysing"},
}

# End states as documented (40, "test done", waits for a full-speed render: not an end).
TASK_END_STATUS_CODE_LIST = ["10", "20", "23", "25", "30", "35", "45"]

# Documented end states plus 15 (stopped by the user), which the API also reports.
TASK_FINAL_STATUS_CODES = frozenset(TASK_END_STATUS_CODE_LIST + ["15"])

# States after which a task still changes: the download loops keep waiting on these
# (1 waiting in the API's own table, 40 test done waiting for full speed, 50 analysing).
TASK_RUNNING_STATUS_CODES = frozenset(["0", "1", "5", "8", "40", "50"])

TRANSFER_LOG = "RAYVISION_LOG"
RAYVISION_DB = "RAYVISION_DB"
RAYVISION_TRANSMITTER = "RAYVISION_TRANSMITTER"
WINDOWS_LOCAL_ENV = "USERPROFILE"
LINUX_LOCAL_ENV = "HOME"
RENDERFARM_SDK = DEFAULT_WORKSPACE_NAME

# KB/s; 1048576 KB/s is 1 GB/s, the documented default.
DEFAULT_MAX_SPEED = "1048576"

# Transmitter exit codes as the SDK interprets them.
TRANSMITTER_OK = 0
TRANSMITTER_PARAMETER_ERROR = 9
TRANSMITTER_RETRYABLE = 10
TRANSMITTER_NOT_UPLOADABLE = 11
