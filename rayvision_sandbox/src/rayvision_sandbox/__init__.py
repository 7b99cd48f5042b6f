"""rayvision_sandbox: a local Renderbus-compatible render farm.

It serves every documented API endpoint with the service's request signing, per-user HTTP
storages (see ``docs/storage-protocol.md``), a simulated renderer that writes real PNG images,
state in sqlite under a data directory, and switchable fault injection.

Example:
    >>> from rayvision_sandbox import Sandbox
    >>> with Sandbox() as farm:  # doctest: +SKIP
    ...     api = RayvisionAPI(**farm.api_kwargs())
"""

from typing import TYPE_CHECKING, Any

import rayvision_log
from rayvision_sandbox._version import __version__
from rayvision_sandbox.constants import PACKAGE_NAME

# Records propagate to the host's logging; init_logger() writes the log file on request.
rayvision_log.library_logger(PACKAGE_NAME)

__all__ = ["Sandbox", "Faults", "PACKAGE_NAME", "__version__"]

# Imported on first use, so that loading the pytest plugin (an entry point every pytest run
# of an environment with this package installed loads) imports neither werkzeug nor sqlite.
if TYPE_CHECKING:  # Imported on first use at run time (see __getattr__).
    from rayvision_sandbox.farm import Sandbox
    from rayvision_sandbox.faults import Faults

_LAZY = {"Sandbox": "rayvision_sandbox.farm", "Faults": "rayvision_sandbox.faults"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError("module 'rayvision_sandbox' has no attribute {0!r}".format(name))
