"""Stand-in for ``maya.utils``: ``executeDeferred`` queues work for Maya's idle loop.

``process_idle_queue()`` (stand-in only) is Maya's main thread running the queue; tests
call it in a loop while the UI would be responsive. Queued work from any thread is allowed,
as in Maya; running it anywhere but the main thread is an error.
"""

import threading

_QUEUE = []
_LOCK = threading.Lock()
MAIN_THREAD = threading.current_thread()


def executeDeferred(callable_or_code, *args):
    """Run ``callable_or_code`` (a callable, or Python code as a string) when Maya is idle."""
    with _LOCK:
        _QUEUE.append((callable_or_code, args))


def process_idle_queue():
    """Run what was queued so far on this (the main) thread; returns how many ran."""
    if threading.current_thread() is not MAIN_THREAD:
        raise RuntimeError("Maya's idle queue runs on the main thread")
    with _LOCK:
        pending = list(_QUEUE)
        del _QUEUE[:]
    for item, args in pending:
        if isinstance(item, str):
            exec(item, {"__name__": "__main__"})
        else:
            item(*args)
    return len(pending)
