"""Find DCC executables: the Windows registry, install folders, PATH.

Registry access goes through a ``winreg``-like module that callers (and tests) may pass in;
off Windows, with no module given, every registry lookup answers ``None`` or ``[]`` instead of
failing, so the same code runs on a Linux submit host.
"""

import logging
import os
import shutil
from typing import Any, Dict, List, Optional, Sequence, Union

LOGGER = logging.getLogger(__name__)

try:  # pragma: no cover - only importable on Windows
    import winreg as _WINREG
except ImportError:
    _WINREG = None  # type: ignore[assignment]


def get_winreg(reg: Optional[Any] = None) -> Optional[Any]:
    """The registry module to use: ``reg`` if given, else ``winreg`` on Windows, else None."""
    return reg if reg is not None else _WINREG


def _open_key(reg: Any, hive: str, key_path: str) -> Union[Dict[str, Any], Dict[str, str], str]:
    """Open ``key_path`` read-only, trying the 64-bit then the default registry view."""
    root = getattr(reg, hive) if isinstance(hive, str) else hive
    access = getattr(reg, "KEY_READ", 0x20019)
    views = [access | getattr(reg, "KEY_WOW64_64KEY", 0x0100), access]
    last_error: Any = None
    for mode in views:
        try:
            return reg.OpenKey(root, key_path, 0, mode)
        except OSError as error:
            last_error = error
    raise last_error


def registry_value(key_path: str, value_name: str, hive: str = "HKEY_LOCAL_MACHINE",
                   reg: Optional[Any] = None) -> Optional[str]:
    r"""Read a value from the registry.

    Args:
        key_path (str): e.g. ``r"SOFTWARE\Autodesk\Maya\2018\Setup\InstallPath"``.
        value_name (str): e.g. ``"MAYA_INSTALL_LOCATION"``.
        hive (str): Name of the root key.
        reg (module, optional): ``winreg`` or a stand-in.

    Returns:
        str or None: The value, or None when the key/value is absent or there is no registry.
    """
    reg = get_winreg(reg)
    if reg is None:
        return None
    try:
        key = _open_key(reg, hive, key_path)
    except OSError:
        return None
    try:
        value, _kind = reg.QueryValueEx(key, value_name)
        return value
    except OSError:
        return None
    finally:
        reg.CloseKey(key)


def registry_subkeys(key_path: str, hive: str = "HKEY_LOCAL_MACHINE",
                     reg: Optional[Any] = None) -> List[Union[Any, str]]:
    """Names of the sub-keys of ``key_path`` (``[]`` when absent or without a registry)."""
    reg = get_winreg(reg)
    if reg is None:
        return []
    try:
        key = _open_key(reg, hive, key_path)
    except OSError:
        return []
    names = []
    try:
        index = 0
        while True:
            try:
                names.append(reg.EnumKey(key, index))
            except OSError:
                break
            index += 1
    finally:
        reg.CloseKey(key)
    return names


def exe_path_from_location(location: Optional[str], *parts: Any) -> Optional[str]:
    """``<location>/<parts...>`` if that file exists, else None (None ``location`` -> None)."""
    if not location:
        return None
    path = os.path.join(location, *parts)
    return path if os.path.isfile(path) else None


def first_existing_file(candidates: Sequence[Optional[str]]) -> Optional[str]:
    """The first of ``candidates`` that is an existing file, or None."""
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


def find_on_path(names: List[str], path: Optional[str] = None) -> Optional[str]:
    """The first of ``names`` found on ``PATH`` (or ``path``), or None."""
    for name in names:
        found = shutil.which(name, path=path)
        if found:
            return found
    return None


def env_override(variable: str) -> Optional[str]:
    """An executable named by environment variable ``variable`` if it exists, else None."""
    value = os.environ.get(variable)
    if value and os.path.isfile(value):
        return value
    if value:
        LOGGER.warning("%s=%s is not a file; ignored", variable, value)
    return None
