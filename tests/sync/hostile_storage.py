"""A storage server that lies: crafted listings, oversized and chunked bodies.

It speaks just enough of docs/storage-protocol.md for downloads (``?list=1`` and GET) and
ignores signatures. Each test sets ``server.listing`` (the envelope ``data``) and
``server.bodies`` (storage path -> bytes, or a callable writing the answer itself).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def do_GET(self):  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        self.server.requests.append(("GET", path, parts.query))
        if "list=1" in parts.query:
            body = json.dumps({"version": "1.0.0", "result": True, "message": "success",
                               "code": 200, "data": self.server.listing}).encode("utf-8")
            self._answer(200, body, {"Content-Type": "application/json"})
            return
        remote = "/" + path.split("/", 3)[-1]
        body = self.server.bodies.get(remote)
        if body is None:
            self._answer(404, b"{}", {"Content-Type": "application/json"})
        elif callable(body):
            body(self)
        else:
            self._answer(200, body, {"Content-Type": "application/octet-stream"})

    def _answer(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class HostileStorage(object):
    """Runs the lying server on a free port of 127.0.0.1 (``url`` is its storage URL)."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.listing = {"items": []}
        self.server.bodies = {}
        self.server.requests = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.netloc = "127.0.0.1:{0}".format(self.server.server_address[1])
        self.url = "http://{0}/storage".format(self.netloc)

    @property
    def requests(self):
        return self.server.requests

    def serve(self, items, bodies=None):
        """Answer ``items`` as the listing and ``bodies`` for the GETs."""
        self.server.listing = {"items": items} if isinstance(items, list) else items
        self.server.bodies = dict(bodies or {})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
