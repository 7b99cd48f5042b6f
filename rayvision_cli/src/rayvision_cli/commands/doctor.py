"""``rayvision doctor``: is this machine ready to use the farm?"""

import datetime
import email.utils
import os
import socket
import tempfile
import time
from typing import Any, Callable, List, Tuple

from rayvision_api import profiles
from rayvision_api.diagnose import explain
from rayvision_cli import client, exit_codes
from rayvision_cli.events import Output

#: Windows' classic MAX_PATH: longer paths break many DCC and render tools.
MAX_PATH = 260
#: Room kept for what the farm appends below a download folder (task folder, layer, frame).
OUTPUT_ROOM = 120
#: Clock difference the API accepts before refusing signatures.
SKEW_LIMIT = 300.0
#: Seconds the redis check waits to connect, then for the answer: a server that accepts
#: connections and never answers must not hang the doctor.
REDIS_TIMEOUT = 3.0


def register(commands: Any, parents: list, formatter: Any) -> None:
    """Add ``doctor`` to the command parser."""
    doctor = commands.add_parser("doctor", parents=parents, formatter_class=formatter,
                                 help="check settings, network, TLS, clock, credentials, "
                                      "storage and paths")
    doctor.add_argument("--dest", default=".", help="download folder to check")
    doctor.set_defaults(handler=run_doctor)


class Checks(object):
    """The outcomes of the checks: one line (or ``check`` event) each."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.failed = 0

    def report(self, name: str, ok: Any, detail: str) -> None:
        """Record one check's outcome (``ok``, ``warn`` when None, ``fail``)."""
        state = "ok" if ok is True else ("warn" if ok is None else "fail")
        if state == "fail":
            self.failed += 1
        self.output.emit("check", name=name, state=state, detail=detail)
        self.output.result("{0:<5} {1:<12} {2}".format(state.upper(), name, detail))

    def run(self, name: str, check: Callable[[], Tuple[Any, str]]) -> Any:
        """Run one check; an exception it raises is a failed check, explained in one line."""
        try:
            ok, detail = check()
        except Exception as exc:  # a check that breaks is a failed check
            ok, detail = False, explain(exc).line()
        self.report(name, ok, detail)
        return ok


def _host_port(domain: str, protocol: str) -> Tuple[str, int]:
    """``(host, port)`` of ``host``, ``host:port``, ``[v6 address]:port`` or a bare v6 address.

    Raises:
        ValueError: The port is not a number, or a ``[`` is not closed.
    """
    default = 443 if protocol == "https" else 80
    if domain.startswith("["):
        host, closed, rest = domain[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            raise ValueError("domain {0!r} is not [address]:port".format(domain))
        port = rest[1:]
    elif domain.count(":") > 1:
        # An IPv6 address without brackets cannot carry a port: it is all host.
        host, port = domain, ""
    else:
        host, _, port = domain.partition(":")
    return host, int(port) if port else default


def _shown_host(host: str, port: int) -> str:
    return "[{0}]:{1}".format(host, port) if ":" in host else "{0}:{1}".format(host, port)


def _reach(settings: dict) -> Tuple[Any, str]:
    host, port = _host_port(settings["domain"], settings["protocol"])
    if settings.get("proxy"):
        return None, "through proxy {0} (not tested directly)".format(
            client.without_password(settings["proxy"]))
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=5):
        pass
    return True, "{0} answers ({1:.0f} ms)".format(_shown_host(host, port),
                                                  (time.monotonic() - started) * 1000)


def _http_date(settings: dict) -> Tuple[Any, str]:
    session = profiles.build_session(settings)
    import requests

    session = session or requests.Session()
    url = "{0}://{1}/".format(settings["protocol"], settings["domain"])
    response = session.get(url, timeout=10)
    date = response.headers.get("Date")
    if not date:
        return None, "{0} answers (HTTP {1}) without a Date header".format(
            url, response.status_code)
    farm = email.utils.parsedate_to_datetime(date)
    skew = (farm - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    ok = abs(skew) < SKEW_LIMIT
    return ok, "{0} speaks {1}; farm clock {2:+.0f} s from this machine{3}".format(
        settings["domain"], settings["protocol"], skew,
        "" if ok else " (beyond {0:.0f} s the farm refuses signatures; the SDK re-signs by the "
                      "farm's clock, but fix the clock)".format(SKEW_LIMIT))


def _writable(folder: str) -> Tuple[Any, str]:
    os.makedirs(folder, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".rayvision-doctor-"):
        pass
    return True, "{0} is writable".format(folder)


def _path_lengths(folders: List[str]) -> Tuple[Any, str]:
    longest = max(folders, key=len)
    if len(longest) + OUTPUT_ROOM > MAX_PATH:
        return None, "{0} is {1} characters: frames below it may pass {2} (Windows " \
                     "MAX_PATH)".format(longest, len(longest), MAX_PATH)
    return True, "longest folder {0} characters (limit {1} with room for frame " \
                 "names)".format(len(longest), MAX_PATH)


def _transmitter() -> Tuple[Any, str]:
    import rayvision_sync.transfer as transfer_module
    from rayvision_sync.transfer import RayvisionTransfer
    from rayvision_sync.transmitter import host_os

    explicit = os.environ.get("RAYVISION_TRANSMITTER")
    path = explicit or RayvisionTransfer.init_transmitter(
        os.path.dirname(transfer_module.__file__), host_os())
    if os.path.isfile(path):
        return True, "rayvision_transmitter at {0}".format(path)
    return None, "no rayvision_transmitter ({0}): the built-in HTTP engine is used where " \
                 "the farm offers HTTP storage".format(path)


def _record_store(settings: dict) -> Tuple[Any, str]:
    from rayvision_sync import config

    store = settings.get("record_store") or ""
    client.check_record_store(store, "record_store")
    if store.startswith(("redis://", "unix://", "rediss://")):
        return _redis_store(store)
    ini = store if store.endswith(".ini") else None
    _, redis_config, sqlite_config, database_config = config.load_db_config(ini)
    kind = config.database_type(database_config)
    local_os = "windows" if os.name == "nt" else "linux"
    folder = config.resolve_db_dir(database_config.get("db_path"), local_os)
    count = len(os.listdir(folder)) if os.path.isdir(folder) else 0
    return True, "{0} upload records in {1} ({2} files)".format(kind, folder, count)


def _redis_store(url: str) -> Tuple[Any, str]:
    """Whether the redis of ``url`` answers, each of connecting and answering bounded.

    :data:`REDIS_TIMEOUT` seconds each: a server that accepts and never answers fails the
    check instead of hanging the doctor.
    """
    import redis

    shown = url.split("@")[-1]
    client_ = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT,
                                   socket_connect_timeout=REDIS_TIMEOUT)
    try:
        info = client_.info("keyspace")
    except redis.exceptions.TimeoutError:
        return False, "redis {0}: no answer within {1:g} s".format(shown, REDIS_TIMEOUT)
    finally:
        client_.connection_pool.disconnect()
    return True, "redis {0}: {1}".format(shown, info or "empty")


def run_doctor(args: Any, output: Output) -> int:
    """``rayvision doctor``: every check, one line each; exit code 8 if one failed."""
    checks = Checks(output)
    settings = {}

    def _settings() -> Tuple[Any, str]:
        settings.update(client.settings(args))
        settings["domain"] = settings.get("domain") or "task.renderbus.com"
        settings["protocol"] = settings.get("protocol") or "https"
        shown = client.redacted(settings)
        return True, "profile {0}: {1} {2} platform {3}, access id {4}{5}".format(
            settings.get("profile") or "(none)", shown["protocol"], shown["domain"],
            shown.get("platform") or "4", shown.get("access_id") or "(missing)",
            ", proxy {0}".format(shown["proxy"]) if shown.get("proxy") else "")

    if checks.run("settings", _settings):
        checks.run("network", lambda: _reach(settings))
        checks.run("tls/clock", lambda: _http_date(settings))

        def _login() -> Tuple[Any, str]:
            api = client.connect(args)
            return True, "logged in as {0} (user {1})".format(
                api.user_info.get("user_name"), api.user_info.get("user_id"))

        checks.run("credentials", _login)
        checks.run("records", lambda: _record_store(settings))
    checks.run("transmitter", _transmitter)
    workspace = settings.get("workspace") or os.path.join(os.path.expanduser("~"),
                                                          "renderfarm_sdk")
    dest = os.path.abspath(args.dest)
    checks.run("permissions", lambda: _writable(dest))
    checks.run("paths", lambda: _path_lengths([workspace, dest]))
    output.emit("result", command="doctor", failed=checks.failed)
    return exit_codes.CHECK_FAILED if checks.failed else exit_codes.OK
