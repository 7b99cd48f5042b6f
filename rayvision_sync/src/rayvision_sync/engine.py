"""Choosing the transfer engine from the transfer information of the domain in use.

``getTransferServerMsg`` answers ``raysyncTransfer`` (the proprietary transmitter's servers)
and, on farms with HTTP storage, ``httpTransfer``: then the built-in HTTP engine is used.
``engine="http"`` / ``"transmitter"`` (argument) or ``RAYVISION_SYNC_ENGINE`` force one.
"""

import logging
import os
from typing import TYPE_CHECKING, Any, Dict, Optional, Union

from rayvision_api.exception import RayvisionArgumentError
from rayvision_sync.exception import TransferError
from rayvision_sync.http_engine import HttpTransferEngine
from rayvision_sync.transmitter import TransmitterEngine

if TYPE_CHECKING:
    from rayvision_api.core import RayvisionAPI
    from rayvision_sync.transfer import RayvisionTransfer

LOGGER = logging.getLogger(__name__)

ENGINE_ENV = "RAYVISION_SYNC_ENGINE"
ENGINE_NAMES = ("http", "transmitter")


def http_transfer_info(api: "RayvisionAPI") -> Optional[Dict[str, Any]]:
    """The ``httpTransfer`` object the farm publishes, or None."""
    message = api.query.get_transfer_server_msg()
    info = message.get("httpTransfer") if isinstance(message, dict) else None
    if isinstance(info, dict) and info.get("url"):
        return info
    return None


def select_engine(api: "RayvisionAPI", transfer: "RayvisionTransfer", engine: Optional[str] = None,
                  workers: Optional[Any] = None, chunk_size: Optional[int] = None,
                  log_dir: Optional[str] = None) -> Union[HttpTransferEngine, TransmitterEngine]:
    """Return the engine to use.

    Args:
        api: The logged-in ``RayvisionAPI``.
        transfer (RayvisionTransfer): Transfer settings (storage ids, transmitter).
        engine: An engine object, ``"http"``, ``"transmitter"`` or None (automatic; the
            environment variable ``RAYVISION_SYNC_ENGINE`` may name one).
        workers (int): Parallel files of the HTTP engine.
        chunk_size (int): PUT size of the HTTP engine (default: the farm's ``chunkSize``).
        log_dir (str): The transmitter's log folder.
    """
    if engine is not None and not isinstance(engine, str):
        return engine
    name = (engine or os.environ.get(ENGINE_ENV) or "").strip().lower()
    if name and name not in ENGINE_NAMES:
        raise RayvisionArgumentError("engine must be one of {0}, not {1!r}".format(
            ", ".join(ENGINE_NAMES), name))
    if name == "transmitter":
        return TransmitterEngine(transfer, log_dir)
    info = http_transfer_info(api)
    if info is None:
        if name == "http":
            raise TransferError("engine 'http' was asked for but {0} publishes no HTTP "
                                "storage (no httpTransfer in getTransferServerMsg)".format(
                                    transfer.domain))
        return TransmitterEngine(transfer, log_dir)
    bids = dict((key, transfer.user_info.get(key))
                for key in ("config_bid", "input_bid", "output_bid"))
    chosen = HttpTransferEngine(api.connect, info["url"], bids,
                                chunk_size=chunk_size or info.get("chunkSize"),
                                workers=workers)
    LOGGER.debug("transfer engine: %r", chosen)
    return chosen
