"""Request counters per endpoint, kept by the WSGI layer in front of the farm's application.

An endpoint is the operation name of an API path (``query_task_frames`` ...), ``storage GET``
and so on for the HTTP storage, ``thumbnail`` for thumbnail URLs. Each counts its requests
by HTTP status class, and connections cut by an injected reset.
"""

import threading
from typing import Any, Dict

from rayvision_api.operations import OPERATIONS
from rayvision_sandbox import constants as c
from rayvision_sandbox.storage_routes import ConnectionAbort

_NAMES_BY_PATH = dict((operation.path, name) for name, operation in OPERATIONS.items())
COLUMNS = ("requests", "2xx", "4xx", "5xx", "resets")


def endpoint_name(method, path):
    """The endpoint a request is counted under."""
    if path.startswith(c.STORAGE_PREFIX + "/"):
        return "storage {0}".format(method)
    if path.startswith(c.THUMBNAIL_PREFIX + "/"):
        return "thumbnail"
    return _NAMES_BY_PATH.get(path, "other")


class RequestCounters(object):
    """Thread-safe counts of requests per endpoint."""

    columns = COLUMNS

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Dict[Any, Any] = {}

    def add(self, endpoint, column) -> None:
        """Count one request of ``endpoint`` (``column``: a status class or ``resets``)."""
        with self._lock:
            row = self._counts.setdefault(endpoint, dict.fromkeys(COLUMNS, 0))
            row["requests"] += 1
            if column in row:
                row[column] += 1

    def snapshot(self):
        """``{endpoint: {column: count}}``, a copy, sorted by endpoint."""
        with self._lock:
            return dict((name, dict(row)) for name, row in sorted(self._counts.items()))

    def clear(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._counts = {}


class CountingApp(object):
    """WSGI middleware counting every request of ``app`` in ``counters``."""

    def __init__(self, app, counters) -> None:
        self.app = app
        self.counters = counters

    def __call__(self, environ, start_response):
        """Run ``app`` and count the request once its answer is sent (or cut)."""
        endpoint = endpoint_name(environ.get("REQUEST_METHOD", "GET"),
                                 environ.get("PATH_INFO", ""))
        seen = {}

        def counting_start_response(status, headers, exc_info=None):
            seen["status"] = status
            return start_response(status, headers, exc_info)

        def done(aborted) -> None:
            column = "resets" if aborted else str(seen.get("status", "500"))[:1] + "xx"
            self.counters.add(endpoint, column)

        try:
            result = self.app(environ, counting_start_response)
        except ConnectionAbort:
            done(True)
            raise
        return _CountedBody(result, done)


class _CountedBody(object):
    """A response body that reports, once sent or cut, whether a reset cut it."""

    def __init__(self, result, done) -> None:
        self._result = result
        self._done = done
        self._aborted = False
        self._reported = False

    def __iter__(self):
        try:
            yield from self._result
        except ConnectionAbort:
            self._aborted = True
            raise

    def close(self) -> None:
        """Close the wrapped body and report the request."""
        if hasattr(self._result, "close"):
            self._result.close()
        if not self._reported:
            self._reported = True
            self._done(self._aborted)
