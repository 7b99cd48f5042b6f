"""Logging set-up shared by the rayvision SDK packages.

Each package calls ``init_logger(<package name>)`` on import: its own logger (never the root
logger) gets a rotating file handler safe for many processes and a console handler.
"""

from rayvision_log._version import __version__
from rayvision_log.core import get_default_log_config, init_logger, set_up_logger

__all__ = ["init_logger", "set_up_logger", "get_default_log_config", "__version__"]
