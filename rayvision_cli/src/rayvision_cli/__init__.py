"""The ``rayvision`` command line of the Renderbus SDK (see ``docs/cli.md``)."""

from rayvision_cli._version import __version__
from rayvision_log import library_logger

PACKAGE_NAME = "rayvision_cli"

library_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
