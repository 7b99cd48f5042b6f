"""Signed HTTP client of the Renderbus cloud render farm API.

>>> from rayvision_api import RayvisionAPI
>>> api = RayvisionAPI(access_id="...", access_key="...", domain="task.renderbus.com",
...                    platform="2")
>>> api.query.platforms()
"""

from rayvision_api._version import __version__
from rayvision_api.constants import PACKAGE_NAME
from rayvision_api.core import RayvisionAPI
from rayvision_log import library_logger

# Records propagate to the host's logging; init_logger() writes the log file on request.
library_logger(PACKAGE_NAME)

__all__ = ["RayvisionAPI", "__version__"]
