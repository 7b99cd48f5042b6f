"""Pause Python's cyclic garbage collector while a scene is parsed and analysed.

The one implementation lives in :mod:`rayvision_api.collector`, shared with the upload
check of ``rayvision_sync``.
"""

from rayvision_api.collector import collector_paused

__all__ = ["collector_paused"]
