"""The logged-in ``RayvisionAPI`` of a command, from arguments, environment and profile."""

import logging
import os
import re
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlsplit

from rayvision_api import RayvisionAPI, profiles

LOGGER = logging.getLogger(__name__)

#: Global options that override the profile (argument > environment > profile).
CONNECTION_OPTIONS = ("domain", "platform", "protocol", "access_id", "access_key")


def without_password(value: str) -> str:
    """A URL with the password of its user part hidden (``redis://:****@host:6379/0``)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if not parts.scheme or "@" not in parts.netloc:
        return value
    user_info, _, host = parts.netloc.rpartition("@")
    if ":" not in user_info:
        return value
    user = user_info.split(":", 1)[0]
    return parts._replace(netloc="{0}:{1}@{2}".format(user, "****", host)).geturl()


def hidden_user_info(value: str) -> str:
    """``value`` with whatever could be a password before an ``@`` hidden.

    For values that may not parse as URLs at all (a mistyped ``redis:/:pw@host``), where
    :func:`without_password` cannot find the password.
    """
    shown = without_password(value)
    scheme, separator, rest = shown.partition("://")
    if not separator:
        scheme, rest = "", shown
    user_info, at, host = rest.rpartition("@")
    if not at or ":" not in user_info:
        return shown
    user = user_info.split(":", 1)[0]
    return "{0}{1}{2}:****@{3}".format(scheme, separator, user, host)


#: URL schemes a ``record_store`` or ``--store`` naming a redis may use.
REDIS_STORE_SCHEMES = ("redis://", "rediss://", "unix://")


def check_record_store(value: Optional[str], what: str, ini_allowed: bool = True) -> None:
    """Refuse a record store that is neither a redis URL nor (when allowed) a ``.ini`` file.

    Such a value used to be ignored without a word: the upload records and the sync-output
    checkpoints went to the default place instead of the store the profile names.

    Args:
        value (str): The setting's value; empty means the default store.
        what (str): The setting, as the message names it (``record_store of profile 'x'``).
        ini_allowed (bool): A ``db_config.ini`` path is a valid value.

    Raises:
        OptionValueError: The value is named, its password hidden.
    """
    from rayvision_sync.exception import OptionValueError

    if not value or value.startswith(REDIS_STORE_SCHEMES) or \
            (ini_allowed and value.endswith(".ini")):
        return
    wanted = "a redis URL (redis://[:password@]host[:port]/db, rediss://, unix://)"
    if ini_allowed:
        wanted += " or a db_config .ini file"
    raise OptionValueError("{0} must be {1}, not {2!r}".format(what, wanted,
                                                               hidden_user_info(value)))


def redacted(settings: Mapping[str, Any]) -> Dict[str, Any]:
    """Settings safe to print: the access key and the passwords of URLs hidden.

    ``record_store`` (a redis URL) and ``proxy`` may carry a password.
    """
    return dict((key, without_password(value) if isinstance(value, str) else value)
                for key, value in profiles.redacted(settings).items())


def profile_name(args: Any) -> Optional[str]:
    """``--profile``, else ``RAYVISION_PROFILE``, else ``default`` when the file has it."""
    chosen = profiles.chosen_profile_name(getattr(args, "profile", None))
    if chosen:
        return chosen
    if profiles.DEFAULT_PROFILE in profiles.load_profiles():
        return profiles.DEFAULT_PROFILE
    return None


def settings(args: Any) -> Dict[str, Any]:
    """Every setting of this run (connection and transfer), resolved along the chain.

    Resolved once per run (an ``access_key_command`` runs once) and kept on ``args``.
    """
    cached = getattr(args, "_resolved_settings", None)
    if cached is not None:
        return dict(cached)
    given = dict((name, getattr(args, name, None)) for name in CONNECTION_OPTIONS)
    name = profile_name(args)
    resolved = profiles.resolve(given, name, defaults={})
    resolved.setdefault("domain", None)
    resolved["profile"] = name
    args._resolved_settings = dict(resolved)
    return resolved


def check_transfer_settings(args: Any) -> None:
    """Refuse a ``workers``, ``max_speed``, ``record_store`` or ``--store`` of this run.

    Called before a command does any work, so that a bad profile value is one error (exit
    code 3) instead of a failure after the analysis, the task's creation or every pass.

    Raises:
        RayvisionArgumentError: The setting is named with its value and profile
            (``OptionValueError``, a subclass, for a record store).
    """
    from rayvision_api.exception import RayvisionArgumentError
    from rayvision_sync.throttle import parse_max_speed

    chosen = settings(args)
    where = " of profile {0!r}".format(chosen["profile"]) if chosen.get("profile") else ""
    workers = chosen.get("workers")
    if workers not in (None, "") and not re.match(r"\A\s*[0-9]{1,6}\s*\Z", str(workers)):
        raise RayvisionArgumentError("workers{0} must be a whole number of files moved at "
                                     "once, not {1!r}".format(where, workers))
    try:
        parse_max_speed(chosen.get("max_speed"))
    except RayvisionArgumentError as exc:
        raise RayvisionArgumentError("max_speed{0}: {1}".format(where, exc.error))
    check_record_store(chosen.get("record_store"), "record_store" + where)
    if getattr(args, "store", None) is not None:
        check_record_store(args.store, "--store", ini_allowed=False)


def connect(args: Any) -> RayvisionAPI:
    """Log in with the settings of this run (argument > environment > profile)."""
    chosen = settings(args)
    extra = {}
    timeout = getattr(args, "timeout", None)
    if timeout:
        extra["timeout"] = timeout
    session = profiles.build_session(chosen)
    if session is not None:
        extra["session"] = session
    local_os = chosen.get("local_os") or ("windows" if os.name == "nt" else "linux")
    return RayvisionAPI(access_id=chosen.get("access_id"),
                        access_key=chosen.get("access_key"),
                        domain=chosen.get("domain") or "task.renderbus.com",
                        platform=chosen.get("platform") or "4",
                        protocol=chosen.get("protocol") or "https", local_os=local_os,
                        profile=False, **extra)
