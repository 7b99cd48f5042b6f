"""Threaded WSGI server (werkzeug) with HTTP/1.1 keep-alive and abortive resets.

werkzeug's development handler closes the connection after every answer; a client that
reuses connections (``requests.Session``) then pays a TCP handshake per call. This handler
keeps the connection open when the request body was read to its end and the answer has a
``Content-Length``, and can cut a connection with a TCP reset for fault injection.
"""

import logging
import re
import socket
import struct
import sys
import threading
import time

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from rayvision_sandbox.storage_routes import ConnectionAbort

LOGGER = logging.getLogger(__name__)

# Largest request body left unread by the application that is skipped to reuse a connection.
_MAX_DRAIN = 16 * 1024 * 1024
IDLE_TIMEOUT = 30
# One-time monitor sign-in tokens stay out of the access log.
_SECRET_IN_PATH = re.compile(r"(/monitor/link/)[^\s?]+")


class KeepAliveHandler(WSGIRequestHandler):
    """Request handler: one WSGI call per request, connection kept alive when safe."""

    protocol_version = "HTTP/1.1"
    # Seconds an idle keep-alive connection waits for its next request.
    timeout = IDLE_TIMEOUT

    def setup(self):
        """Register the connection so the server can close it on shutdown."""
        super(KeepAliveHandler, self).setup()
        # Head and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.server.track(self.connection, True)

    def finish(self):
        """Forget the connection."""
        self.server.track(self.connection, False)
        try:
            super(KeepAliveHandler, self).finish()
        except OSError:
            pass

    def date_time_string(self, timestamp=None):
        """The ``Date`` header: the farm's clock (its injected skew included)."""
        if timestamp is None:
            timestamp = self.server.clock()
        return super(KeepAliveHandler, self).date_time_string(timestamp)

    def log_request(self, code="-", size="-"):
        """Access log line on stderr when the server was made with ``access_log=True``."""
        if self.server.access_log:
            line = _SECRET_IN_PATH.sub(r"\1...", getattr(self, "requestline", ""))
            sys.stderr.write('{0} "{1}" {2}\n'.format(self.address_string(), line, code))

    def log_error(self, format, *args):  # noqa: A002 - stdlib signature
        """Errors at debug level (dropped client connections are routine here)."""
        LOGGER.debug(format, *args)

    def run_wsgi(self):
        """Run the application for one request and write its answer."""
        # A stopping server takes no new request: the connection closes unanswered, before
        # the application (and the database it uses) is reached.
        if not self.server.begin_request(self.connection):
            self.close_connection = True
            return
        try:
            self._answer()
        finally:
            self.server.end_request(self.connection)
        if self.server.draining:
            self.close_connection = True

    def _answer(self):
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.make_environ()
        chunked = environ.get("wsgi.input_terminated", False)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        counted = _CountingInput(environ["wsgi.input"], None if chunked else length)
        environ["wsgi.input"] = counted
        state = {"status": None, "headers": None, "sent": False}

        def start_response(status, headers, exc_info=None):
            if exc_info and state["sent"]:
                raise exc_info[1].with_traceback(exc_info[2])
            state["status"], state["headers"] = status, headers
            return write

        def write(data):
            if not state["sent"]:
                self._send_head(state, keep_alive)
            if data:
                self.wfile.write(data)

        keep_alive = not chunked and self._client_keeps_alive()
        try:
            result = self.server.app(environ, start_response)
            try:
                names = set(key.lower() for key, _ in state["headers"] or [])
                if "content-length" not in names or "close" in [
                        value.lower() for key, value in state["headers"]
                        if key.lower() == "connection"]:
                    keep_alive = False
                for data in result:
                    write(data)
                if not state["sent"]:
                    write(b"")
                self.wfile.flush()
            finally:
                if hasattr(result, "close"):
                    result.close()
        except ConnectionAbort:
            self._reset()
            return
        except (ConnectionError, socket.timeout):
            self.close_connection = True
            return
        except Exception:
            LOGGER.exception("error while answering %s", getattr(self, "path", "?"))
            if not state["sent"]:
                try:
                    body = b'{"code": 500, "message": "INTERNAL_ERROR", "data": null}'
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass
            self.close_connection = True
            return
        # Read what the application left of the body even when closing: a socket closed with
        # unread input sends a reset, and the client would lose the answer it was sent.
        if not counted.drain(_MAX_DRAIN):
            keep_alive = False
        self.close_connection = not keep_alive

    def _client_keeps_alive(self):
        connection = (self.headers.get("Connection") or "").lower()
        if self.request_version == "HTTP/1.1":
            return "close" not in connection
        return "keep-alive" in connection

    def _send_head(self, state, keep_alive):
        keep_alive = keep_alive and not self.server.draining
        code, _, message = state["status"].partition(" ")
        self.send_response(int(code), message)
        for key, value in state["headers"]:
            if key.lower() != "connection":
                self.send_header(key, value)
        self.send_header("Connection", "keep-alive" if keep_alive else "close")
        self.end_headers()
        state["sent"] = True

    def _reset(self):
        """Close the connection with a TCP RST (SO_LINGER 0), as a network fault would."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class _CountingInput(object):
    """Request body stream that stops at Content-Length and can skip what is left."""

    def __init__(self, stream, length):
        self._stream = stream
        self._left = length

    def read(self, size=-1):
        if self._left is None:
            return self._stream.read(size) if size is not None and size >= 0 else \
                self._stream.read()
        if self._left <= 0:
            return b""
        if size is None or size < 0 or size > self._left:
            size = self._left
        data = self._stream.read(size)
        self._left -= len(data)
        if not data:
            self._left = 0
        return data

    def readinto(self, buffer):
        """Read into ``buffer`` (no intermediate bytes object); 0 at the end of the body."""
        view = memoryview(buffer).cast("B")
        if self._left is not None:
            if self._left <= 0:
                return 0
            if len(view) > self._left:
                view = view[:self._left]
        count = self._stream.readinto(view) or 0
        if self._left is not None:
            self._left = self._left - count if count else 0
        return count

    def readline(self, size=-1):
        if self._left is not None:
            if self._left <= 0:
                return b""
            if size is None or size < 0 or size > self._left:
                size = self._left
        line = self._stream.readline(size)
        if self._left is not None:
            self._left -= len(line)
        return line

    def __iter__(self):
        line = self.readline()
        while line:
            yield line
            line = self.readline()

    def drain(self, limit):
        """Skip the unread body; False when it is longer than ``limit`` or unknown."""
        if self._left is None:
            return False
        if self._left > limit:
            return False
        while self._left > 0:
            if not self.read(min(self._left, 65536)):
                return False
        return True


class FarmServer(ThreadedWSGIServer):
    """werkzeug's threaded server that can close its open connections on shutdown."""

    def __init__(self, host, port, app, access_log=False, clock=time.time):
        self.access_log = access_log
        self.clock = clock
        self._connections = set()
        self._connections_lock = threading.Lock()
        # Connections whose request is being answered; notified as each answer ends.
        self._busy = set()
        self._answered = threading.Condition(self._connections_lock)
        self.draining = False
        super(FarmServer, self).__init__(host, port, app, handler=KeepAliveHandler)

    def track(self, connection, add):
        """Remember or forget an open client connection."""
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def begin_request(self, connection):
        """Count a request in flight; False once the server is draining (refuse it)."""
        with self._answered:
            if self.draining:
                return False
            self._busy.add(connection)
            return True

    def end_request(self, connection):
        """The request of ``connection`` was answered (or failed)."""
        with self._answered:
            self._busy.discard(connection)
            self._answered.notify_all()

    def in_flight(self):
        """How many requests are being answered now."""
        with self._answered:
            return len(self._busy)

    def drain(self, timeout):
        """Take no new request, close idle connections, wait for the requests in flight.

        Call after ``shutdown()`` (no new connections). Returns True when every request in
        flight was answered within ``timeout`` seconds.
        """
        with self._answered:
            self.draining = True
            idle = [conn for conn in self._connections if conn not in self._busy]
        _shut(idle)
        deadline = time.monotonic() + timeout
        with self._answered:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._answered.wait(left)
        return True

    def close_connections(self):
        """Shut every open client connection down (idle keep-alives included)."""
        with self._connections_lock:
            connections = list(self._connections)
        _shut(connections)


def _shut(connections):
    """Shut client connections down (their handlers see the end and finish)."""
    for connection in connections:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
