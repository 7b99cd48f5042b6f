"""Maya scene analysis for the Renderbus SDK (``rayvision_maya.analyze_maya.AnalyzeMaya``)."""

from rayvision_log import library_logger
from rayvision_maya._version import __version__
from rayvision_maya.constants import PACKAGE_NAME

# Records propagate to the host's logging; init_logger() writes the log file on request.
library_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
