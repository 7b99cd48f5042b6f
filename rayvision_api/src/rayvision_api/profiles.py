"""Named profiles in a config file, and the credential chain that uses them.

A profile holds the settings of one farm account (Renderbus, Fox Renderfarm, a local
sandbox): domain, platform, protocol, access id, the access key or a command that prints it,
proxy, CA bundle and the transfer settings. The file is INI, one section per profile, in the
user config folder (see :func:`config_path`), written atomically with mode 0600.

Resolution order of every setting: argument > environment variable > profile > documented
default. See ``docs/configuration.md``.
"""

import os
import sys
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union, cast

from rayvision_api.atomic import write_text_atomic
from rayvision_api.exception import RayvisionArgumentError

if TYPE_CHECKING:  # requests and configparser are imported where used.
    import configparser

    import requests

ENV_CONFIG_FILE = "RAYVISION_CONFIG_FILE"
ENV_PROFILE = "RAYVISION_PROFILE"
APP_FOLDER = "rayvision"
CONFIG_NAME = "config.ini"
DEFAULT_PROFILE = "default"

#: Settings a profile may hold, with what each means (``rayvision config`` lists them).
SETTINGS = {
    "domain": "API host, e.g. task.renderbus.com, jop.foxrenderfarm.com or 127.0.0.1:8765",
    "platform": "platform id, e.g. 2",
    "protocol": "https or http",
    "access_id": "access id",
    "access_key": "access key (kept in this file, mode 0600)",
    "access_key_command": "a command printing the access key (instead of access_key)",
    "proxy": "proxy URL for the API and the storage, e.g. http://proxy:3128",
    "ca_bundle": "CA bundle file for TLS verification of the API and the storage",
    "local_os": "windows or linux: the OS the uploaded paths come from",
    "engine": "transfer engine: http or transmitter",
    "max_speed": "transfer speed limit in KB/s",
    "workers": "files transferred at once",
    "record_store": "upload-record database: a db_config.ini path or redis://host:port/db",
    "workspace": "folder of the analysis json files",
}

#: Environment variables of the chain (between arguments and the profile).
ENVIRONMENT = {
    "access_id": "RAYVISION_ACCESS_ID",
    "access_key": "RAYVISION_ACCESS_KEY",
    "domain": "RAYVISION_DOMAIN",
    "platform": "RAYVISION_PLATFORM",
    "protocol": "RAYVISION_PROTOCOL",
}

_SECRET_KEYS = ("access_key",)
_HIDDEN = "****"


def config_dir(environ: Optional[Mapping[str, str]] = None,
               platform: Optional[str] = None) -> str:
    r"""The user config folder of the SDK.

    ``%APPDATA%\\rayvision`` on Windows, ``~/Library/Application Support/rayvision`` on
    macOS, ``$XDG_CONFIG_HOME/rayvision`` (default ``~/.config/rayvision``) elsewhere.

    Args:
        environ: Environment to read (default ``os.environ``).
        platform: ``sys.platform`` value to assume (default the running one).
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = environ.get("HOME") or environ.get("USERPROFILE") or os.path.expanduser("~")
    if platform.startswith("win"):
        base = environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming")
    elif platform == "darwin":
        base = os.path.join(home, "Library", "Application Support")
    else:
        base = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return os.path.join(base, APP_FOLDER)


def config_path(environ: Optional[Mapping[str, str]] = None) -> str:
    """The profiles file: ``RAYVISION_CONFIG_FILE`` or ``<config dir>/config.ini``."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_CONFIG_FILE) or os.path.join(config_dir(environ), CONFIG_NAME)


# configparser, subprocess and tempfile are imported where used: ``import rayvision_api``
# stays cheap (a render node imports it at every task start).


def _parser() -> "configparser.ConfigParser":
    import configparser

    # No interpolation: a key or a proxy password may hold '%'.
    return configparser.ConfigParser(interpolation=None, default_section="__none__")


def load_profiles(path: Optional[str] = None) -> Dict[str, Dict[str, str]]:
    """Every profile of the file (an absent file has none).

    Raises:
        RayvisionArgumentError: The file is not valid INI (the message names it).
    """
    import configparser

    path = path or config_path()
    parser = _parser()
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle, source=path)
    except FileNotFoundError:
        return {}
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise RayvisionArgumentError("profile file {0} is not valid: {1}".format(
            path, str(exc).splitlines()[0]))
    return dict((name, dict(parser.items(name))) for name in parser.sections())


def get_profile(name: str, path: Optional[str] = None) -> Dict[str, str]:
    """The settings of profile ``name``.

    Raises:
        RayvisionArgumentError: No such profile (the message names the file and the
            profiles it has).
    """
    path = path or config_path()
    profiles = load_profiles(path)
    if name not in profiles:
        raise RayvisionArgumentError("no profile {0!r} in {1} (profiles: {2}); create it with "
                                     "'rayvision config create {0}'".format(
                                         name, path, ", ".join(sorted(profiles)) or "none"))
    return profiles[name]


def _write_atomically(path: str, parser: "configparser.ConfigParser") -> None:
    import io

    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    text = io.StringIO()
    parser.write(text)
    # Owner-only from the first byte: the key is never readable by others, not even for
    # the moment before the rename.
    write_text_atomic(path, text.getvalue(), private=True, durable=True)


def save_profile(name: str, settings: Mapping[str, object], path: Optional[str] = None,
                 replace: bool = False) -> str:
    """Create or update profile ``name`` with ``settings``; return the file's path.

    Settings set to None or ``""`` are removed from the profile. The file is rewritten
    atomically, mode 0600.

    Args:
        name: Profile name.
        settings: Keys of :data:`SETTINGS`.
        path: The file (default :func:`config_path`).
        replace: Drop the profile's other settings instead of keeping them.

    Raises:
        RayvisionArgumentError: An unknown setting or an invalid name.
    """
    if not name or name != name.strip() or any(c in name for c in "[]\n"):
        raise RayvisionArgumentError("profile name must be a plain word, got {0!r}".format(name))
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise RayvisionArgumentError("unknown profile setting(s) {0}; known: {1}".format(
            ", ".join(unknown), ", ".join(SETTINGS)))
    path = path or config_path()
    current = load_profiles(path)
    profile = {} if replace else dict(current.get(name, {}))
    for key, value in settings.items():
        if value is None or value == "":
            profile.pop(key, None)
        else:
            profile[key] = str(value)
    current[name] = profile
    parser = _parser()
    for section in sorted(current):
        parser[section] = current[section]
    _write_atomically(path, parser)
    return path


def delete_profile(name: str, path: Optional[str] = None) -> None:
    """Remove profile ``name`` (an error when it does not exist)."""
    path = path or config_path()
    get_profile(name, path)
    current = load_profiles(path)
    del current[name]
    parser = _parser()
    for section in sorted(current):
        parser[section] = current[section]
    _write_atomically(path, parser)


def redacted(profile: Mapping[str, str]) -> Dict[str, str]:
    """A copy of ``profile`` safe to print: the access key is hidden."""
    shown = dict(profile)
    for key in _SECRET_KEYS:
        if shown.get(key):
            shown[key] = _HIDDEN
    return shown


def key_from_command(command: str, profile_name: str = "") -> str:
    """Run ``command`` (no shell) and return the first line it prints.

    Raises:
        RayvisionArgumentError: The command fails or prints nothing (its output is never
            put in the message).
    """
    import shlex
    import subprocess

    what = "access_key_command of profile {0!r}".format(profile_name)
    try:
        argv = shlex.split(command, posix=os.name != "nt")
        completed = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   timeout=60, check=False)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise RayvisionArgumentError("{0} could not run: {1}".format(what, exc))
    if completed.returncode != 0:
        raise RayvisionArgumentError("{0} exited with code {1}".format(
            what, completed.returncode))
    lines = completed.stdout.decode("utf-8", "replace").strip().splitlines()
    if not lines or not lines[0].strip():
        raise RayvisionArgumentError("{0} printed no key".format(what))
    return lines[0].strip()


def chosen_profile_name(profile: Optional[str] = None,
                        environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The profile in use: the argument, else ``RAYVISION_PROFILE``, else None."""
    environ = os.environ if environ is None else environ
    return profile or environ.get(ENV_PROFILE) or None


def resolve(arguments: Mapping[str, object], profile: Union[str, bool, None] = None,
            defaults: Optional[Mapping[str, object]] = None, path: Optional[str] = None,
            environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Apply the chain argument > environment > profile > default to each setting.

    An argument equal to its documented default (``defaults``) counts as not given, so
    ``RayvisionAPI(profile="fox")`` takes the profile's domain although the signature says
    ``domain="task.renderbus.com"``.

    Args:
        arguments: Values passed by the caller (None: not given).
        profile: Profile name; None: ``RAYVISION_PROFILE`` if set, else no profile;
            False: the arguments are final (no environment, no profile).
        defaults: Documented defaults of the arguments.
        path: The profiles file.
        environ: Environment to read.

    Returns:
        dict: Every key of ``arguments`` and of the profile, resolved; ``access_key`` from
        ``access_key_command`` when only the command is known.
    """
    environ = os.environ if environ is None else environ
    defaults = defaults or {}
    if profile is False:
        # The caller resolved the chain already (the command line does).
        return dict((key, arguments.get(key) if arguments.get(key) is not None
                     else defaults.get(key)) for key in set(arguments) | set(defaults))
    # Only a name or None is left here (False returned above).
    name = chosen_profile_name(cast(Optional[str], profile), environ)
    stored = get_profile(name, path) if name else {}
    result: Dict[str, Any] = dict(stored)
    result.pop("access_key_command", None)
    for key in set(arguments) | set(defaults):
        value = arguments.get(key)
        if value is not None and (key not in defaults or value != defaults[key]):
            result[key] = value
        elif environ.get(ENVIRONMENT.get(key, "")):
            result[key] = environ[ENVIRONMENT[key]]
        elif stored.get(key):
            result[key] = stored[key]
        elif key in defaults:
            result[key] = defaults[key]
        else:
            result[key] = value
    if not result.get("access_key") and stored.get("access_key_command"):
        result["access_key"] = key_from_command(stored["access_key_command"], name or "")
    return result


def build_session(settings: Mapping[str, object]) -> Optional["requests.Session"]:
    """A ``requests.Session`` with the proxy and CA bundle of ``settings``, or None.

    The storage engine of ``rayvision_sync`` copies these from the API's session, so one
    profile setting reaches both.
    """
    proxy = settings.get("proxy")
    ca_bundle = settings.get("ca_bundle")
    if not proxy and not ca_bundle:
        return None
    import requests

    session = requests.Session()
    if proxy:
        session.proxies.update({"http": str(proxy), "https": str(proxy)})
    if ca_bundle:
        if not os.path.isfile(str(ca_bundle)):
            raise RayvisionArgumentError("ca_bundle {0} is not a file".format(ca_bundle))
        session.verify = str(ca_bundle)
    return session
