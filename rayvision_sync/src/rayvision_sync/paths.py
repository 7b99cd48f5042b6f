"""Pure path rules of transfers: storage paths, and local names for server files.

A download writes files whose names come from the server. A name that is absolute, holds a
drive letter or a ``..`` component, or that a Windows machine would read differently (a
backslash, a colon), could land outside the download folder: it is refused.
"""

import ntpath
import os
import posixpath
import re
from typing import List

from rayvision_sync.exception import UnsafePathError

_DRIVE = re.compile(r"^[A-Za-z]:")


def storage_path(path: str) -> str:
    """Normalise a storage path: leading ``/``, ``/`` separators, no trailing ``/``.

    ``'18164087_test/l_ayer2'`` -> ``'/18164087_test/l_ayer2'``; ``''`` or ``'/'`` -> ``'/'``.
    Spaces are kept, at either end of the path or of a component: on Linux a folder
    ``'shot '`` is another folder than ``'shot'``, and the wire format carries them as they
    are (percent-encoded).
    """
    # Fast path for the common, already clean path (called once per file of an upload).
    if path and path[:1] == "/" and path[-1:] not in ("/", ".") and "\\" not in path \
            and "//" not in path and "/." not in path:
        return path
    text = (path or "").replace("\\", "/")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    return "/" + "/".join(parts)


def relative_components(remote_path: str, base: str) -> List[str]:
    """Components of ``remote_path`` below the storage folder ``base``.

    Raises:
        UnsafePathError: ``remote_path`` is not below ``base`` or a component is unsafe.
    """
    base = storage_path(base)
    if not isinstance(remote_path, str) or not remote_path.startswith("/"):
        raise UnsafePathError("server name {0!r} is not an absolute storage path".format(
            remote_path))
    prefix = base if base.endswith("/") else base + "/"
    if remote_path == base:
        rest = posixpath.basename(base)
    elif remote_path.startswith(prefix):
        rest = remote_path[len(prefix):]
    else:
        raise UnsafePathError("server name {0!r} is outside the requested folder {1!r}"
                              .format(remote_path, base))
    parts = rest.split("/")
    for part in parts:
        check_component(part, remote_path)
    return parts


def check_component(part: str, whole: str) -> None:
    """Refuse a path component that could escape or alias the destination folder."""
    if part in ("", ".", ".."):
        raise UnsafePathError("server name {0!r} holds an empty, '.' or '..' component"
                              .format(whole))
    if "\\" in part or ":" in part or "\x00" in part or _DRIVE.match(part):
        raise UnsafePathError("server name {0!r} holds a backslash, colon, drive letter or "
                              "NUL byte".format(whole))
    if part != part.rstrip(" .") and ntpath is os.path:
        # Windows drops trailing dots and spaces: 'a.. ' would alias 'a'.
        raise UnsafePathError("server name {0!r} ends a component with a dot or space"
                              .format(whole))


def local_destination(local_root: str, remote_path: str, base: str, keep_path: bool = True) -> str:
    """Local file for the server file ``remote_path`` downloaded from folder ``base``.

    Args:
        local_root (str): Download folder.
        remote_path (str): Absolute storage path of the file (from the server's listing).
        base (str): Storage folder that was requested.
        keep_path (bool): True: keep the whole storage path below ``local_root``
            (``<local>/<taskId>_<scene>/<layer>/<file>``); False: only the part below ``base``.

    Raises:
        UnsafePathError: The result would not be inside ``local_root``.
    """
    below = relative_components(remote_path, base)
    if keep_path:
        above = [part for part in storage_path(base).split("/") if part]
        if storage_path(remote_path) == storage_path(base):
            above = above[:-1]
        for part in above:
            check_component(part, remote_path)
        parts = above + below
    else:
        parts = below
    root = os.path.abspath(local_root)
    target = os.path.abspath(os.path.join(root, *parts))
    if os.path.commonpath([root, target]) != root or target == root:
        raise UnsafePathError("server name {0!r} would be written outside {1!r}".format(
            remote_path, local_root))
    return target
