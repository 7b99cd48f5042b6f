"""rayvision_sync: uploads, downloads, task monitoring and the upload-record database.

Modules: :mod:`~rayvision_sync.upload` (``RayvisionUpload``),
:mod:`~rayvision_sync.download` (``RayvisionDownload``), :mod:`~rayvision_sync.manage`
(``RayvisionManageTask``), :mod:`~rayvision_sync.transfer` (``RayvisionTransfer``),
:mod:`~rayvision_sync.constants`.
"""

import rayvision_log
from rayvision_sync._version import __version__
from rayvision_sync.constants import PACKAGE_NAME

# Records propagate to the host's logging; init_logger() writes the log file on request.
rayvision_log.library_logger(PACKAGE_NAME)

__all__ = ["__version__", "PACKAGE_NAME"]
