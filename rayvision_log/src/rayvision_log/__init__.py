"""Logging set-up shared by the rayvision SDK packages.

Importing an SDK package only gives its logger a ``NullHandler`` (:func:`library_logger`):
records propagate to the host application's logging and no file is written. Call
``init_logger(<package name>)`` to get the documented rotating log file (safe for many
processes) and a console handler.
"""

from rayvision_log._version import __version__
from rayvision_log.core import get_default_log_config, init_logger, library_logger, set_up_logger

__all__ = ["init_logger", "set_up_logger", "get_default_log_config", "library_logger",
           "__version__"]

library_logger(__name__)
