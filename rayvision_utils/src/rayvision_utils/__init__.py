"""Shared scene-analysis machinery of the Renderbus SDK (see docs/dev/analysis-machinery.md)."""

from rayvision_log import library_logger
from rayvision_utils._version import __version__
from rayvision_utils.constants import PACKAGE_NAME

# Records propagate to the host's logging; init_logger() writes the log file on request.
library_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
