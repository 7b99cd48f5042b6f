"""Stand-in for Houdini's ``hdefereval``: ``executeDeferred`` runs work on the main thread
the next time Houdini's event loop turns (``process_deferred``, stand-in only)."""

import threading

_QUEUE = []
_LOCK = threading.Lock()
MAIN_THREAD = threading.current_thread()


def executeDeferred(code, *args, **kwargs):
    with _LOCK:
        _QUEUE.append((code, args, kwargs))


def process_deferred():
    if threading.current_thread() is not MAIN_THREAD:
        raise RuntimeError("the event loop runs on the main thread")
    with _LOCK:
        pending = list(_QUEUE)
        del _QUEUE[:]
    for code, args, kwargs in pending:
        code(*args, **kwargs)
    return len(pending)
