"""Houdini scene analysis for the Renderbus SDK (``AnalyzeHoudini``)."""

from rayvision_houdini._version import __version__
from rayvision_houdini.constants import PACKAGE_NAME
from rayvision_log import init_logger

init_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
