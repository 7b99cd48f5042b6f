"""The WSGI application of the farm: fault injection, routing, envelopes."""

import json
import logging
import time
import uuid

from werkzeug.wrappers import Request, Response

from rayvision_sandbox import constants as c
from rayvision_sandbox.errors import CLIENT_ERROR_STATUS, SandboxRequestError
from rayvision_sandbox.storage_routes import ConnectionAbort

LOGGER = logging.getLogger(__name__)


class FarmApp(object):
    """WSGI callable serving the API, the storages and thumbnails of one farm.

    Args:
        farm (rayvision_sandbox.farm.Sandbox): The farm.
    """

    def __init__(self, farm) -> None:
        self.farm = farm
        self.routes = farm.api.routes()

    def envelope(self, data=None, code=c.SUCCESS, message: str = "success", http_status=200):
        """A response holding the service's envelope."""
        body = {"version": c.API_VERSION, "result": code == c.SUCCESS, "message": message,
                "code": code, "data": data, "serverTime": int(self.farm.clock() * 1000),
                "requestId": "{0}-{1}".format(uuid.uuid4().hex[:12], int(time.time() * 1000))}
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return Response(payload, status=http_status,
                        content_type="application/json;charset=UTF-8")

    def __call__(self, environ, start_response):
        """Answer one WSGI request."""
        request = Request(environ)
        faults = self.farm.faults
        if faults.latency:
            time.sleep(faults.latency)
        status = faults.take_error()
        if status is not None:
            response = self.envelope(None, status, "injected fault: HTTP {0}".format(status),
                                     status)
            if status in (429, 503):
                response.headers["Retry-After"] = "0"
            return response(environ, start_response)
        try:
            response = self.dispatch(request)
            self._lose_answer(request.path)
        except ConnectionAbort:
            raise
        except SandboxRequestError as exc:
            response = self.envelope(exc.data, exc.code, exc.message, exc.http_status)
            response.headers.extend(exc.headers)
        except Exception:
            LOGGER.exception("request %s %s failed", request.method, request.path)
            response = self.envelope(None, c.INTERNAL_ERROR, "INTERNAL_ERROR", 500)
        return response(environ, start_response)

    def _lose_answer(self, path):
        """The per-path faults that act after the farm performed the request."""
        faults = self.farm.faults
        if faults.take_drop(path):
            raise ConnectionAbort("answer to {0} dropped by fault injection".format(path))
        seconds = faults.take_late(path)
        if seconds:
            time.sleep(seconds)

    def dispatch(self, request):
        """Route one request."""
        path = request.path
        if path.startswith(c.STORAGE_PREFIX + "/"):
            return self.farm.storage_routes.handle(request, self.envelope)
        if path.startswith(c.THUMBNAIL_PREFIX + "/") and request.method in ("GET", "HEAD"):
            return self.farm.serve_thumbnail(request)
        handler = self.routes.get(path)
        if handler is None:
            raise SandboxRequestError(c.RESOURCE_NOT_FOUND,
                                      "RESOURCE_NOT_FOUND: no endpoint at {0}".format(path), 404)
        if request.method != "POST":
            raise SandboxRequestError(405, "{0} takes POST, not {1}".format(path,
                                                                           request.method), 405)
        raw = request.get_data(cache=False)
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (UnicodeDecodeError, ValueError) as exc:
            raise SandboxRequestError(c.PARAMETER_INVALID,
                                      "PARAMETER_INVALID: the body is not UTF-8 JSON ({0})".format(
                                          exc), CLIENT_ERROR_STATUS)
        if not isinstance(body, dict):
            raise SandboxRequestError(c.PARAMETER_INVALID,
                                      "PARAMETER_INVALID: the body must be a JSON object",
                                      CLIENT_ERROR_STATUS)
        user = self.farm.auth.authenticate(request.headers, request.host, path, body)
        host, _, port = request.host.rpartition(":")
        ctx = {"now": self.farm.clock(), "base_url": "{0}://{1}".format(request.scheme,
                                                                         request.host),
               "host": host or request.host, "port": int(port) if port.isdigit() else 80}
        return self.envelope(handler(user, body, ctx))
