"""Shared scene-analysis machinery of the Renderbus SDK (see docs/dev/analysis-machinery.md)."""

from rayvision_log import init_logger
from rayvision_utils._version import __version__
from rayvision_utils.constants import PACKAGE_NAME

init_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
