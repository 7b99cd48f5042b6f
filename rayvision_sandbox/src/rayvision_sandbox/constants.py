"""Codes, statuses and defaults of the sandbox farm (values as the service documents them)."""

PACKAGE_NAME = "rayvision_sandbox"

API_VERSION = "1.0.0"
PLATFORM = "2"
CHANNEL = "4"
# Platform ids a request may name (docs/wire-format.md, "the platform id"): those
# queryPlatforms answers (catalog.PLATFORMS: 2, 3, 6, 9, 21), the SDK's default 4
# (RayvisionAPI(platform="4")) and 20, which docs/sync.md lists among the transfer servers.
PLATFORM_IDS = ("2", "3", "4", "6", "9", "20", "21")
ZONE_CHINA = 1
ZONE_ABROAD = 2

# Envelope codes (spec: error code table).
SUCCESS = 200
FAIL = 100
FORBIDDEN = 403
RESOURCE_NOT_FOUND = 404
INTERNAL_ERROR = 500
PARAMETER_INVALID = 600
PARAMETER_CANT_BE_EMPTY = 601
SIGNATURE_EXPIRED = 610
SIGNATURE_INVALID = 611

CODE_NAMES = {
    SUCCESS: "success",
    FAIL: "FAIL",
    400: "APIError",
    FORBIDDEN: "FORBIDDEN",
    RESOURCE_NOT_FOUND: "RESOURCE_NOT_FOUND",
    409: "CONFLICT",
    422: "CHECKSUM_MISMATCH",
    INTERNAL_ERROR: "INTERNAL_ERROR",
    PARAMETER_INVALID: "PARAMETER_INVALID",
    PARAMETER_CANT_BE_EMPTY: "PARAMETER_CANT_BE_EMPTY",
    SIGNATURE_EXPIRED: "SIGNATURE_EXPIRED",
    SIGNATURE_INVALID: "SIGNATURE_INVALID",
}

# Task statuses (getTaskList "任务状态说明").
WAITING = 0
RENDERING = 5
PRE_RENDERING = 8
STOP = 10
ARREARAGE_STOP = 20
TIME_OUT_STOP = 23
FINISHED = 25
FINISHED_HAS_FAILED = 30
ABANDON = 35
FINISHED_TEST = 40
FAILED = 45
ANALYSE = 50

# Statuses in which the simulated renderer works on a task.
ACTIVE_STATUSES = (WAITING, RENDERING)
END_STATUSES = (STOP, ARREARAGE_STOP, TIME_OUT_STOP, FINISHED, FINISHED_HAS_FAILED, ABANDON,
                FAILED)

# Frame statuses (queryTaskFrames frameStatus).
FRAME_WAITING = 1
FRAME_EXECUTING = 2
FRAME_STOPPED = 3
FRAME_DONE = 4
FRAME_FAILED = 5
FRAME_TIMEOUT = 11

# Frame types (queryTaskFrames frameType).
FRAME_TYPE_PRIORITY = 4
FRAME_TYPE_MAIN = 5

# task.json ``stop_after_test``: "1" pauses after the priority frames, "2" goes on.
STOP_AFTER_TEST_PAUSE = "1"

DEFAULT_TIMESTAMP_WINDOW = 300
DEFAULT_SECONDS_PER_FRAME = 0.05
DEFAULT_TASK_OVER_TIME_SEC = 43200
STORAGE_CHUNK_SIZE = 8 * 1024 * 1024
FIRST_USER_ID = 10001
FIRST_TASK_ID = 19001
FIRST_FRAME_ID = 1546001
FIRST_LABEL_ID = 3601

STORAGE_PREFIX = "/storage"
THUMBNAIL_PREFIX = "/thumbnail"
