"""Pause Python's cyclic garbage collector while a large job builds long-lived objects.

A scene parse, or the check of a job's file list against its upload records, builds hundreds
of thousands of small objects that all stay alive until the job ends; the collector then
walks the growing heap again and again for nothing. Reference counting still frees
everything that is dropped.
"""

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the ``with`` block; restore its state after.

    Nested blocks are fine: only the outermost one turns the collector back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
