"""``Sandbox``: a whole local farm (database, storages, renderer, HTTP server) in-process."""

import errno
import hmac
import logging
import math
import os
import secrets
import shutil
import tempfile
import threading
import time
from typing import Any, Dict, Iterable, Optional, Set, Tuple, cast

from werkzeug.wrappers import Response

from rayvision_sandbox import constants as c
from rayvision_sandbox.api import ApiHandlers, thumbnail_token
from rayvision_sandbox.app import FarmApp
from rayvision_sandbox.auth import Authenticator
from rayvision_sandbox.counters import CountingApp, RequestCounters
from rayvision_sandbox.errors import SandboxRequestError
from rayvision_sandbox.faults import Faults
from rayvision_sandbox.framelog import FrameLogs
from rayvision_sandbox.httpserver import FarmServer
from rayvision_sandbox.monitor import MonitorApp, RootApp
from rayvision_sandbox.render import Renderer
from rayvision_sandbox.storage import (
    DEFAULT_PARTIAL_TTL,
    KINDS,
    Storages,
    bid_for,
    normalise_path,
)
from rayvision_sandbox.storage_routes import StorageRoutes
from rayvision_sandbox.store import open_store
from rayvision_sandbox.tasks import TaskService

try:  # Python 3
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2
    from urllib import quote  # type: ignore[attr-defined,no-redef]

LOGGER = logging.getLogger(__name__)

DEFAULT_USER_NAME = "sandbox"


class Sandbox(object):
    """A local Renderbus-compatible farm, started in this process.

    Use it as a context manager (or call :meth:`start` / :meth:`stop`)::

        with Sandbox() as farm:
            api = RayvisionAPI(**farm.api_kwargs())

    Args:
        data_dir (str, optional): Where the sqlite database and storages live; kept across
            runs. None: a temporary folder removed on exit.
        port (int): TCP port; 0 picks a free one.
        seconds_per_frame (float): Simulated render time of one frame number.
        host (str): Address to listen on.
        timestamp_window (int): Accepted clock difference of signed requests, in seconds.
        replay_check (bool): Refuse a signed request that was already accepted.
        nodes (int): Frames of one task rendered at the same time.
        access_log (bool): Print one line per request on stderr.
        partial_ttl (float): Seconds an unfinished upload is kept in a storage (24 h).

    Attributes:
        faults (Faults): Fault injection switches.
        request_counters (RequestCounters): Requests per API / storage endpoint.
        monitor (rayvision_sandbox.monitor.MonitorApp): The web monitor (after start).
        access_id (str): Access id of the ready user (the first user of the data dir).
        access_key (str): Its access key.
    """

    platform = c.PLATFORM
    protocol = "http"
    # Seconds stop() waits for the requests being answered before it cuts them.
    stop_grace = 10.0

    def __init__(self, data_dir: Optional[str] = None, port: int = 0,
                 seconds_per_frame: float = c.DEFAULT_SECONDS_PER_FRAME, host: str = "127.0.0.1",
                 timestamp_window: int = c.DEFAULT_TIMESTAMP_WINDOW, replay_check: bool = True,
                 nodes: int = 4, access_log: bool = False,
                 partial_ttl: float = DEFAULT_PARTIAL_TTL) -> None:
        # Settings with which no frame would ever finish are refused here, by name.
        if not 0 <= float(seconds_per_frame) < math.inf:
            raise ValueError("seconds_per_frame must be a number >= 0, got {0!r}".format(
                seconds_per_frame))
        if int(nodes) < 1:
            raise ValueError("nodes must be >= 1, got {0!r}".format(nodes))
        self._given_data_dir = data_dir
        self.data_dir: Optional[str] = None
        self.port = int(port)
        self.host = host
        self.seconds_per_frame = float(seconds_per_frame)
        self.timestamp_window = int(timestamp_window)
        self.replay_check = replay_check
        self.nodes = nodes
        self.access_log = access_log
        self.partial_ttl = float(partial_ttl)
        self.faults = Faults()
        self.request_counters = RequestCounters()
        # Set by start(), cleared by stop().
        self.monitor: Any = None
        self.store: Any = None
        self.access_id: Optional[str] = None
        self.access_key: Optional[str] = None
        self._server: Any = None
        self._thread: Optional[threading.Thread] = None
        self._temp = False

    def __repr__(self) -> str:
        return "Sandbox(url={0!r}, data_dir={1!r})".format(
            self.url if self._server else None, self.data_dir)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> "Sandbox":
        """Open the data dir, start the renderer and the HTTP server; returns self."""
        if self._server is not None:
            return self
        if self._given_data_dir is None:
            self.data_dir = tempfile.mkdtemp(prefix="rayvision_sandbox_")
            self._temp = True
        else:
            self.data_dir = os.path.abspath(self._given_data_dir)
        try:
            self._open()
        except BaseException:
            self.stop()
            raise
        return self

    def _open(self) -> None:
        self.store = open_store(self.data_dir)
        self.storages = Storages(os.path.join(cast(str, self.data_dir), "storage"),
                                 self.partial_ttl)
        self._secret = self.store.meta("thumbnail_secret", lambda: secrets.token_hex(16))
        self.auth = Authenticator(self.store, self.faults, self.timestamp_window,
                                  self.replay_check)
        self.tasks = TaskService(self.store, self.storages, self.clock)
        users = self.store.users()
        user = users[0] if users else self.store.create_user(DEFAULT_USER_NAME)
        self.access_id, self.access_key = user["access_id"], user["access_key"]
        self.api = ApiHandlers(self)
        self.storage_routes = StorageRoutes(self)
        self.frame_logs = FrameLogs(os.path.join(cast(str, self.data_dir), "logs"))
        self.renderer = Renderer(self.store, self.storages, self.faults, self.clock,
                                 self.seconds_per_frame, self.nodes, self.frame_logs)
        self.monitor = MonitorApp(self)
        app = RootApp(CountingApp(FarmApp(self), self.request_counters), self.monitor)
        try:
            self._server = FarmServer(self.host, self.port, app, self.access_log,
                                      clock=self.clock)
        except SystemExit:
            # werkzeug reports a port it cannot bind on stderr and exits; a library raises.
            raise OSError(errno.EADDRINUSE, "rayvision_sandbox cannot listen on {0}:{1} (port "
                                            "in use or not allowed)".format(self.host,
                                                                            self.port))
        self.port = self._server.server_address[1]
        self.renderer.start()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="rayvision-sandbox-http")
        self._thread.daemon = True
        self._thread.start()
        LOGGER.info("rayvision_sandbox serving %s (data dir %s)", self.url, self.data_dir)

    def stop(self) -> None:
        """Stop serving and rendering, close the database; a temporary data dir is removed.

        New connections and requests are refused first; the requests being answered get up
        to ``stop_grace`` seconds to finish before their connections are cut and the
        database is closed.
        """
        self._close_parts()
        if self._temp and self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self._temp = False

    def _close_parts(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            if not server.drain(self.stop_grace):
                LOGGER.warning("rayvision_sandbox: %d request(s) still running after %.1f s "
                               "are cut", server.in_flight(), self.stop_grace)
            server.close_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        renderer = getattr(self, "renderer", None)
        if renderer is not None:
            renderer.stop()
        self.monitor = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block until interrupted (the server already runs in a thread)."""
        try:
            while self._server is not None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass

    # -- facts for clients ------------------------------------------------------------------

    def clock(self) -> float:
        """The farm's clock: real time plus the injected clock skew."""
        return time.time() + self.faults.clock_skew

    @property
    def domain(self) -> str:
        """``host:port``, what ``RayvisionAPI`` takes as ``domain``."""
        return "{0}:{1}".format(self.host, self.port)

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return "{0}://{1}".format(self.protocol, self.domain)

    @property
    def monitor_url(self) -> str:
        """Address of the web monitor (sign in with an access id and key)."""
        return "{0}/monitor/".format(self.url)

    def monitor_login_link(self, access_id: Optional[str] = None) -> str:
        """A one-time link that signs a user (the ready user by default) into the monitor.

        Raises:
            RuntimeError: The farm was not started.
        """
        if self.monitor is None:
            raise RuntimeError("the farm is not running: start() it first")
        return self.monitor.login_link(access_id)

    def api_kwargs(self, access_id: Optional[str] = None,
                   access_key: Optional[str] = None) -> Dict[str, Any]:
        """Keyword arguments for ``RayvisionAPI`` (the ready user unless others are given)."""
        return {"access_id": access_id or self.access_id,
                "access_key": access_key or self.access_key,
                "domain": self.domain, "platform": self.platform, "protocol": self.protocol}

    # -- users and files --------------------------------------------------------------------

    def create_user(self, name: str) -> Tuple[str, str]:
        """Create a user; returns ``(access_id, access_key)``."""
        user = self.store.create_user(name)
        self.auth.forget_users()
        return user["access_id"], user["access_key"]

    def user(self, access_id: str) -> Dict[str, Any]:
        """The user row of an access id (KeyError if unknown)."""
        user = self.store.user_by_access_id(access_id)
        if user is None:
            raise KeyError("no user with access id {0!r}".format(access_id))
        return user

    def bids_of(self, user: Dict[str, Any]) -> Set[str]:
        """The storage ids of a user row."""
        return set(bid_for(user["id"], kind) for kind in KINDS)

    def storage_path(self, access_id: str, kind: str, path: str) -> str:
        """Local file path of ``path`` in a user's ``config``/``input``/``output`` storage."""
        return self.storages.local_path(bid_for(self.user(access_id)["id"], kind), path)

    def wait_for_task(self, task_id: int,
                      statuses: Iterable[int] = c.END_STATUSES + (c.FINISHED_TEST,),
                      timeout: float = 30.0) -> int:
        """Wait until a task reaches one of ``statuses``; returns its status.

        Raises:
            TimeoutError: The task did not get there in time.
        """
        deadline = time.time() + timeout
        while True:
            row = self.store.query_one("SELECT status FROM tasks WHERE id=?", (int(task_id),))
            if row is not None and row["status"] in statuses:
                return row["status"]
            if time.time() > deadline:
                raise TimeoutError("task {0} is in status {1}, not in {2} after {3} s".format(
                    task_id, row and row["status"], list(statuses), timeout))
            time.sleep(min(0.02, timeout))

    # -- thumbnails -------------------------------------------------------------------------

    def thumbnail_url(self, base_url: Any, bid: Any, path: Any) -> str:
        """Unsigned URL of an image of the output storage, protected by a capability token."""
        return "{0}{1}/{2}{3}?token={4}".format(base_url, c.THUMBNAIL_PREFIX, bid,
                                                quote(path, safe="/"),
                                                thumbnail_token(self._secret, bid, path))

    def serve_thumbnail(self, request: Any) -> Any:
        """Answer ``GET /thumbnail/<bid>/<path>?token=...``."""
        rest = request.path[len(c.THUMBNAIL_PREFIX) + 1:]
        bid, _, path = rest.partition("/")
        path = normalise_path("/" + path)
        token = request.args.get("token") or ""
        if not hmac.compare_digest(token, thumbnail_token(self._secret, bid, path)):
            raise SandboxRequestError(c.FORBIDDEN, "FORBIDDEN: bad thumbnail token", 403)
        data = self.storages.read_bytes(bid, path)
        if data is None:
            raise SandboxRequestError(c.RESOURCE_NOT_FOUND, "RESOURCE_NOT_FOUND: " + path, 404)
        return Response(data, content_type="image/png")
