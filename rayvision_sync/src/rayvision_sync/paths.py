"""Pure path rules of transfers: storage paths, and local names for server files.

A download writes files whose names come from the server. A name that is absolute, holds a
drive letter or a ``..`` component, or that a Windows machine would read differently (a
backslash, a colon), could land outside the download folder: it is refused.
"""

import ntpath
import os
import posixpath
import re
import tempfile
from typing import Dict, Iterable, List, Optional, Tuple

from rayvision_sync.exception import ListingError, UnsafePathError

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


def relative_components(remote_path: str, base: str,
                        windows: Optional[bool] = None) -> List[str]:
    """Components of ``remote_path`` below the storage folder ``base``.

    Args:
        remote_path (str): Absolute storage path of a listed file.
        base (str): The storage folder that was requested.
        windows (bool): Apply Windows' name rules (:func:`windows_name_problem`); default:
            when this machine is Windows.

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
        check_component(part, remote_path, windows)
    return parts


#: Names Windows reserves for devices, whatever the extension (``nul.png`` is the device).
WINDOWS_RESERVED = frozenset(["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"] +
                             ["{0}{1}".format(kind, number) for kind in ("COM", "LPT")
                              for number in list("123456789") + ["\u00b9", "\u00b2",
                                                                 "\u00b3"]])


def windows_name_problem(part: str) -> Optional[str]:
    """Why Windows would not store the name ``part`` as given, or None.

    Pure text rules, so that they can be applied to any target (and tested anywhere):
    Windows drops trailing dots and spaces (``'a.. '`` would be ``'a'``), and a name whose
    stem is a device name (``CON``, ``NUL``, ``AUX``, ``COM1``, ``LPT1``..., any case, any
    extension) opens the device instead of a file.
    """
    if part != part.rstrip(" ."):
        return "ends a component with a dot or space"
    stem = part.split(".", 1)[0].rstrip(" ").upper()
    if stem in WINDOWS_RESERVED:
        return "names the Windows device {0}".format(stem)
    return None


def check_component(part: str, whole: str, windows: Optional[bool] = None) -> None:
    """Refuse a path component that could escape or alias the destination folder.

    Args:
        part (str): One component of a local name.
        whole (str): The server name it comes from (named in the error).
        windows (bool): Apply Windows' name rules (:func:`windows_name_problem`); default:
            when this machine is Windows.
    """
    if part in ("", ".", ".."):
        raise UnsafePathError("server name {0!r} holds an empty, '.' or '..' component"
                              .format(whole))
    if "\\" in part or ":" in part or "\x00" in part or _DRIVE.match(part):
        raise UnsafePathError("server name {0!r} holds a backslash, colon, drive letter or "
                              "NUL byte".format(whole))
    if windows is None:
        windows = ntpath is os.path
    problem = windows_name_problem(part) if windows else None
    if problem:
        raise UnsafePathError("server name {0!r} {1}".format(whole, problem))


def local_destination(local_root: str, remote_path: str, base: str, keep_path: bool = True,
                      windows: Optional[bool] = None) -> str:
    """Local file for the server file ``remote_path`` downloaded from folder ``base``.

    Args:
        local_root (str): Download folder.
        remote_path (str): Absolute storage path of the file (from the server's listing).
        base (str): Storage folder that was requested.
        keep_path (bool): True: keep the whole storage path below ``local_root``
            (``<local>/<taskId>_<scene>/<layer>/<file>``); False: only the part below ``base``.
        windows (bool): Apply Windows' name rules (:func:`windows_name_problem`); default:
            when this machine is Windows.

    Raises:
        UnsafePathError: The result would not be inside ``local_root``.
    """
    below = relative_components(remote_path, base, windows)
    if keep_path:
        above = [part for part in storage_path(base).split("/") if part]
        if storage_path(remote_path) == storage_path(base):
            above = above[:-1]
        for part in above:
            check_component(part, remote_path, windows)
        parts = above + below
    else:
        parts = below
    root = os.path.abspath(local_root)
    target = os.path.abspath(os.path.join(root, *parts))
    if os.path.commonpath([root, target]) != root or target == root:
        raise UnsafePathError("server name {0!r} would be written outside {1!r}".format(
            remote_path, local_root))
    return target


class TargetRules(object):
    """How the file system of a download folder treats names (found by probing it).

    Attributes:
        case_insensitive (bool): ``a.png`` and ``A.png`` are one file there (Windows, macOS
            by default, SMB shares).
        windows_names (bool): Windows' name rules apply there (trailing dots and spaces
            dropped, device names): a Windows machine, or a share of one.
    """

    def __init__(self, case_insensitive: bool, windows_names: bool) -> None:
        self.case_insensitive = case_insensitive
        self.windows_names = windows_names

    def __repr__(self) -> str:
        return "TargetRules(case_insensitive={0}, windows_names={1})".format(
            self.case_insensitive, self.windows_names)


def _existing_folder(folder: str) -> str:
    """``folder`` or its nearest existing parent: where a probe file can be made."""
    folder = os.path.abspath(folder)
    while not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


def _probe(folder: str, name: str, alias: str) -> Optional[bool]:
    """Whether a probe file made in ``folder`` is found under another ending of its name.

    The file's name ends with ``name``; the answer is whether the same name ending with
    ``alias`` finds it. None when no file can be made there.
    """
    try:
        handle, created = tempfile.mkstemp(prefix=".rvprobe-", suffix=name, dir=folder)
    except OSError:
        return None
    os.close(handle)
    other = created[:-len(name)] + alias  # the random part keeps it from naming another file
    try:
        return os.path.exists(other)
    finally:
        for path in (created, other):
            try:
                os.remove(path)
            except OSError:
                pass


def probe_target(folder: str) -> TargetRules:
    """The :class:`TargetRules` of the file system holding ``folder`` (or its parent).

    Two files are created and removed there. When a probe cannot be made (a read-only
    folder), this machine's own rules are assumed (Windows: both true; else both false).
    """
    place = _existing_folder(folder)
    host = ntpath is os.path
    case = _probe(place, "-aB", "-Ab")
    dots = _probe(place, "-x.", "-x")
    return TargetRules(host if case is None else case, host if dots is None else (dots or host))


def check_target_names(local_root: str, pairs: Iterable[Tuple[str, str]],
                       probe: "Optional[TargetRules]" = None) -> Optional[TargetRules]:
    """Refuse destinations the download folder's file system would store as another name.

    Only when a destination needs it is the folder probed (:func:`probe_target`): a
    component Windows would not store as given (:func:`windows_name_problem`), or two
    destinations that differ by case only (two files, or a file and a folder).

    Args:
        local_root (str): The download folder.
        pairs: ``(server path, local destination)`` of every file of the download.
        probe (TargetRules): Rules to use instead of probing.

    Returns:
        TargetRules: The probe's answer, or None when no destination needed one.

    Raises:
        UnsafePathError: A Windows-style target and a name Windows would alter.
        ListingError: A case-insensitive target and two paths that would be one.
    """
    root = os.path.abspath(local_root)
    pairs = list(pairs)
    below = [(server, os.path.relpath(destination, root).replace(os.sep, "/"))
             for server, destination in pairs]
    windows_suspects = [(server, part) for server, relative in below
                        for part in relative.split("/") if windows_name_problem(part)]
    clashes = _case_clashes(below)
    if not windows_suspects and not clashes:
        return None
    rules = probe or probe_target(root)
    if rules.windows_names and windows_suspects:
        server, part = windows_suspects[0]
        raise UnsafePathError("server name {0!r} {1} (the download folder {2!r} follows "
                              "Windows' name rules)".format(server, windows_name_problem(part),
                                                            local_root))
    if rules.case_insensitive and clashes:
        first, second = clashes[0]
        raise ListingError("listing paths {0!r} and {1!r} differ only by case: the download "
                           "folder {2!r} is case-insensitive, they would be one file; "
                           "nothing was downloaded".format(first, second, local_root))
    return rules


def _case_clashes(below: List[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """Pairs of server paths whose local names (files or folders) differ only by case."""
    owners: Dict[str, Tuple[str, str]] = {}
    clashes = []
    for server, relative in below:
        parts = relative.split("/")
        # The file itself, and each folder on its way (a file 'A' clashes with a folder 'a').
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            key = name.lower()
            seen = owners.get(key)
            if seen is None:
                owners[key] = (name, server)
            elif seen[0] != name:
                clashes.append((seen[1], server))
    return clashes
