"""Maya scene analysis for the Renderbus SDK (``rayvision_maya.analyze_maya.AnalyzeMaya``)."""

from rayvision_log import init_logger
from rayvision_maya._version import __version__
from rayvision_maya.constants import PACKAGE_NAME

init_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
