"""Houdini scene analysis for the Renderbus SDK (``AnalyzeHoudini``)."""

from rayvision_houdini._version import __version__
from rayvision_houdini.constants import PACKAGE_NAME
from rayvision_log import library_logger

# Records propagate to the host's logging; init_logger() writes the log file on request.
library_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
