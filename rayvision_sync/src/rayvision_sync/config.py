"""db_config.ini: reading it, the path-priority rules, and the ini handed to the transmitter.

Everything here is pure (environment and file-existence test are parameters) so that the
Windows rules can be tested on Linux.
"""

import configparser
import ntpath
import os
import posixpath
import re
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union
from urllib.parse import unquote, urlsplit

from rayvision_api.atomic import write_text_atomic
from rayvision_api.workspace import default_workspace, join_like
from rayvision_sync.constants import (
    RAYVISION_DB,
    TRANSFER_LOG,
)
from rayvision_sync.exception import DbConfigError, UnsupportedDatabaseError

PACKAGED_DB_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "db_config.ini")

SUPPORTED_DATABASES = ("redis", "sqlite")

# (section, option) pairs db_config.ini must hold, in file order.
REQUIRED_OPTIONS = (
    ("TRANSFER_LOG_PATH", "transfer_log_path"),
    ("DATABASE_CONFIG", "on"),
    ("DATABASE_CONFIG", "type"),
    ("DATABASE_CONFIG", "db_path"),
    ("REDIS", "host"),
    ("REDIS", "port"),
    ("REDIS", "password"),
    ("REDIS", "table_index"),
    ("REDIS", "timeout"),
    ("SQLITE", "temporary"),
)

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def read_ini_config(path: str) -> configparser.ConfigParser:
    """Read an ini file (UTF-8) and return the ConfigParser.

    Raises:
        DbConfigError: The file is missing or is not a valid ini file.
    """
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as exc:
        raise DbConfigError("cannot read db config file {0!r}: {1}".format(path, exc))
    except configparser.Error as exc:
        raise DbConfigError("db config file {0!r} is not a valid ini file: {1}".format(
            path, exc))
    return parser


#: What an empty (or absent) switch of db_config.ini means: the documented default.
SWITCH_DEFAULTS = {("DATABASE_CONFIG", "on"): True, ("SQLITE", "temporary"): False}


def parse_bool(value: Any, path: str, section: str, option: str,
               default: Optional[bool] = None) -> bool:
    """Read a true/false ini value; anything else is an error naming the key.

    An empty value means ``default``; when it is None, the documented default of the key
    (:data:`SWITCH_DEFAULTS`: ``on`` true, ``temporary`` false), else false.
    """
    text = (value or "").strip().lower()
    if not text:
        if default is None:
            default = SWITCH_DEFAULTS.get((section, option), False)
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise DbConfigError("{0}: [{1}] {2} must be true or false, not {3!r}".format(
        path, section, option, value))


def parse_int(value: Any, path: str, section: str, option: str) -> int:
    """Read an integer ini value; anything else is an error naming the key."""
    try:
        return int(str(value).strip())
    except ValueError:
        raise DbConfigError("{0}: [{1}] {2} must be an integer, not {3!r}".format(
            path, section, option, value))


def load_db_config(db_config_path: Optional[str] = None
                   ) -> Tuple[str, Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    """Read db_config.ini (the packaged default when the path is falsy or missing).

    Returns:
        tuple: ``(transfer_log_path, redis_config, sqlite_config, database_config)``; the
        three configs are dicts of the ini strings, except ``redis_config['port']`` (int).

    Raises:
        DbConfigError: A section or option is missing, ``port`` is not an integer, or
            ``on`` / ``temporary`` is not true or false.
    """
    path = db_config_path if db_config_path and os.path.isfile(db_config_path) \
        else PACKAGED_DB_CONFIG
    parser = read_ini_config(path)
    for section, option in REQUIRED_OPTIONS:
        if not parser.has_section(section):
            raise DbConfigError("{0}: section [{1}] is missing".format(path, section))
        if not parser.has_option(section, option):
            raise DbConfigError("{0}: option {1!r} of section [{2}] is missing".format(
                path, option, section))

    def get(section: Any, option: Any) -> Any:
        return parser.get(section, option).strip()

    transfer_log_path = get("TRANSFER_LOG_PATH", "transfer_log_path")
    redis_config = {
        "host": get("REDIS", "host"),
        "port": parse_int(get("REDIS", "port"), path, "REDIS", "port"),
        "password": get("REDIS", "password"),
        "table_index": get("REDIS", "table_index"),
        "timeout": get("REDIS", "timeout"),
    }
    sqlite_config = {"temporary": get("SQLITE", "temporary")}
    database_config = {
        "on": get("DATABASE_CONFIG", "on"),
        "type": get("DATABASE_CONFIG", "type"),
        "db_path": get("DATABASE_CONFIG", "db_path"),
    }
    # Checked now: a misspelt switch would otherwise keep the records on, or fail only
    # after the upload it was meant to affect.
    parse_bool(database_config["on"], path, "DATABASE_CONFIG", "on")
    parse_bool(sqlite_config["temporary"], path, "SQLITE", "temporary")
    return transfer_log_path, redis_config, sqlite_config, database_config


#: URL schemes of a redis record store given as a URL (a profile's ``record_store``).
REDIS_URL_SCHEMES = ("redis://", "rediss://")


def redis_config_from_url(url: str) -> Dict[str, Any]:
    """The ``[REDIS]`` settings of ``redis://[:password@]host[:port][/db]``.

    Args:
        url (str): A redis URL, as a profile's ``record_store`` gives it.

    Returns:
        dict: ``host``, ``port`` (int), ``password``, ``table_index``, ``timeout``, as
        :func:`load_db_config` reads them from a ``db_config.ini``.

    Raises:
        DbConfigError: The URL is not a redis URL, or its port or database is not a number.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise DbConfigError("record store {0!r} is not a redis://host[:port][/db] URL".format(
            _without_password(url)))
    database = parts.path.strip("/") or "0"
    try:
        port = parts.port or 6379
        int(database)
    except ValueError:
        raise DbConfigError("record store {0!r}: port and database must be numbers".format(
            _without_password(url)))
    return {"host": parts.hostname, "port": port, "password": unquote(parts.password or ""),
            "table_index": database, "timeout": "5000"}


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(":" + parts.password + "@", ":***@", 1)


def database_type(database_config: Any) -> str:
    """The configured database type, stripped and lower-cased (default ``sqlite``).

    Raises:
        UnsupportedDatabaseError: Neither ``redis`` nor ``sqlite``.
    """
    kind = (database_config.get("type") or "sqlite").strip().lower()
    if kind not in SUPPORTED_DATABASES:
        raise UnsupportedDatabaseError(
            "{0} is not a supported database, only support 'redis' or 'sqlite'".format(kind))
    return kind


def default_sdk_dir(local_os: str, environ: Optional[Mapping[str, str]] = None) -> str:
    r"""``%USERPROFILE%\renderfarm_sdk`` on Windows, ``$HOME/renderfarm_sdk`` elsewhere.

    See :func:`rayvision_api.workspace.default_workspace` (a missing USERPROFILE falls back to
    HOME and the other way round).
    """
    return default_workspace(environ, platform=str(local_os))


def resolve_db_dir(db_path: Optional[str], local_os: str,
                   environ: Optional[Mapping[str, str]] = None,
                   exists: Callable[[str], bool] = os.path.exists) -> str:
    """Folder of the upload-record database, by the documented priority.

    1. ``[DATABASE_CONFIG] db_path`` when non-empty and existing;
    2. env ``RAYVISION_DB`` when it names an existing path;
    3. :func:`default_sdk_dir`.
    """
    return _first_existing(db_path, RAYVISION_DB, local_os, environ, exists)


def resolve_transfer_log_path(transfer_log_path: Optional[str], local_os: str,
                              environ: Optional[Mapping[str, str]] = None,
                              exists: Callable[[str], bool] = os.path.exists) -> str:
    """Folder of the transmitter's logs, by the documented priority.

    1. ``[TRANSFER_LOG_PATH] transfer_log_path`` when non-empty and existing;
    2. env ``RAYVISION_LOG`` when it names an existing path;
    3. :func:`default_sdk_dir`.

    The result reaches the transmitter through ``RAYVISION_LOG`` in the child's environment
    only: the machine environment is never rewritten (the original ran ``setx /m``).
    """
    return _first_existing(transfer_log_path, TRANSFER_LOG, local_os, environ, exists)


def _first_existing(configured: Optional[str], variable: str, local_os: str,
                    environ: Optional[Mapping[str, str]],
                    exists: Callable[[str], bool]) -> str:
    """The documented priority of both folders: the setting, the variable, the default."""
    environ = os.environ if environ is None else environ
    if configured and exists(configured):
        return configured
    env_value = environ.get(variable)
    if env_value and exists(env_value):
        return env_value
    return default_sdk_dir(local_os, environ)


def time_temp_of(upload_json_path: str) -> str:
    """Name of the folder that holds upload.json (the analysis folder, e.g. ``1586932339``)."""
    flavour = ntpath if "\\" in upload_json_path else posixpath
    folder = flavour.dirname(flavour.normpath(upload_json_path))
    return flavour.basename(folder) or "upload"


def shared_sqlite_file(db_dir: str, domain: str, user_id: Union[int, str, None],
                       bid: Union[int, str, None], folder: str = "records") -> str:
    """``<db dir>/<folder>/<user>_<domain>_<storage id>.db``: sqlite records of one storage.

    One file per user, domain and storage, shared by every analysis of every scene on the
    machine, so that re-analysing a scene into a new folder still skips unchanged files:
    the HTTP engine's records in ``records``, the transmitter's in ``db`` (their tables are
    their own, so each engine has its file).
    """
    name = u"{0}_{1}_{2}".format(user_id, domain, bid)
    return join_like(db_dir, folder, re.sub(r"[^0-9A-Za-z._-]", "_", name) + ".db")


def render_db_ini(database_config: Any, redis_config: Any, sqlite_config: Any, platform: Any,
                  sqlite_path: Any) -> Any:
    """Text of the ini the transmitter reads (``[database]``, ``[redis]``, ``[sqlite]``)."""
    kind = database_type(database_config)
    sections = [
        # An empty 'on' is written as the value it means, so the transmitter cannot read it
        # another way.
        ("database", [("on", database_config.get("on") or "true"), ("platform_id", platform),
                      ("type", kind)]),
        ("redis", [(key, redis_config.get(key, "")) for key in
                   ("host", "port", "password", "table_index", "timeout")]),
        ("sqlite", [("db_path", sqlite_path), ("temporary", sqlite_config.get("temporary", ""))]),
    ]
    blocks = []
    for name, items in sections:
        lines = ["[{0}]".format(name)]
        lines.extend(u"{0} = {1}".format(key, value) for key, value in items)
        blocks.append(u"\n".join(lines) + u"\n")
    return u"\n".join(blocks)


def db_ini_file_name(kind: str, upload_json_path: str) -> str:
    """``db_redis.ini`` for redis, ``<time_temp>.ini`` for sqlite."""
    if kind == "redis":
        return "db_redis.ini"
    return time_temp_of(upload_json_path) + ".ini"


def atomic_write_text(path: str, text: str, private: bool = False) -> Any:
    """Write UTF-8 text to a temporary file beside ``path`` and rename it over ``path``.

    Args:
        path (str): Target file (its folder is created when missing).
        text (str): Content.
        private (bool): Readable by the owner only (0600 where POSIX modes apply): the
            transmitter's ini holds the redis password.

    Returns:
        str: ``path``.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, exist_ok=True)
    write_text_atomic(path, text, private=private)
    return path
