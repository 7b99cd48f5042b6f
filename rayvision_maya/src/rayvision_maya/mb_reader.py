"""What can be read from a Maya binary (.mb) file without Maya.

A .mb file is an IFF container (``FOR4`` groups with 32-bit sizes, or ``FOR8`` with 64-bit
sizes since Maya 2014). Its ``HEAD`` group is documented by its layout: ``VERS`` (version),
``FINF`` (fileInfo key/value), ``PLUG`` (required plugins), ``TUNI`` (time unit). Those are
read exactly. The node data that follows is not: only NUL-terminated strings that look like
absolute file paths are picked out, and kept when such a file exists.
"""

import collections
import re
import struct
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from rayvision_utils.scene_input import open_scene

if TYPE_CHECKING:
    from rayvision_utils.scene_input import SceneStream

_GROUP_TAGS = (b"FORM", b"FOR4", b"FOR8", b"CAT4", b"CAT8", b"LIS4", b"LIS8", b"LIST")
# A path is a NUL-terminated run of printable characters: a root (``D:\``, ``D:/``, ``\\``
# or ``/``), 1 to _MAX_PATH_BODY characters, and an extension. Runs are found with a
# greedy pattern that never backtracks into itself, then each run is checked from its end:
# the scan is linear whatever the input (runs of ``/`` or ``\`` included).
_RUN = re.compile(rb'[^\x00-\x1f\x7f"*?|]+')
_EXTENSION = re.compile(rb"\.[A-Za-z0-9#<>]{2,12}$")
_ROOT = re.compile(rb"[A-Za-z]:[\\/]|\\\\|/")
_MAX_PATH_BODY = 1024
# The longest root: where a path may start before its extension.
_WINDOW = _MAX_PATH_BODY + 3
_SCAN_CHUNK = 1024 * 1024
_MAX_HEAD = 16 * 1024 * 1024
# Most paths kept from one file (bounded memory for any input).
MAX_PATHS = 100000


class MayaBinaryHead(object):
    """The readable part of a .mb file.

    Attributes:
        valid (bool): The file starts like a Maya IFF file.
        version (str): ``VERS`` chunk, e.g. ``"2018"``.
        file_info (OrderedDict): FINF key -> value.
        requires (OrderedDict): plugin name -> version (PLUG chunks).
        time_unit (str): TUNI chunk (``film``...).
    """

    def __init__(self) -> None:
        self.valid = False
        self.version: Optional[str] = None
        self.file_info: Dict[Any, Any] = collections.OrderedDict()
        self.requires: Dict[Any, Any] = collections.OrderedDict()
        self.time_unit: Optional[str] = None


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_head(path: str) -> MayaBinaryHead:
    """Parse the HEAD group of the .mb file at ``path``; never raises on bad content."""
    head = MayaBinaryHead()
    with open_scene(path, decompress=False) as stream:
        data = _read_up_to(stream, _MAX_HEAD)
    if len(data) < 16 or data[:4] not in (b"FOR4", b"FOR8"):
        return head
    wide = data[:4] == b"FOR8"
    header_size, align = (16, 8) if wide else (8, 4)
    # The outer group's form type ("Maya") follows the header.
    form_type = data[header_size:header_size + 4]
    if form_type != b"Maya":
        return head
    head.valid = True
    offset = header_size + 4
    # First child: the HEAD group.
    if data[offset:offset + 4] not in _GROUP_TAGS:
        return head
    size = _size(data, offset, wide)
    if size is None:
        return head
    body = offset + header_size
    if data[body:body + 4] != b"HEAD":
        return head
    end = min(len(data), body + size)
    position = body + 4
    while position + header_size <= end:
        tag = data[position:position + 4]
        length = _size(data, position, wide)
        if length is None:
            break
        start = position + header_size
        payload = data[start:min(start + length, end)]
        _head_chunk(head, tag, payload)
        position = start + length
        position += (-position) % align
    return head


def _size(data: bytes, offset: int, wide: bool) -> Optional[int]:
    try:
        if wide:
            return struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        return struct.unpack(">I", data[offset + 4:offset + 8])[0]
    except struct.error:
        return None


def _head_chunk(head: MayaBinaryHead, tag: bytes, payload: bytes) -> None:
    parts = payload.split(b"\x00")
    if tag == b"VERS":
        head.version = _text(parts[0])
    elif tag == b"FINF" and len(parts) >= 2:
        head.file_info[_text(parts[0])] = _text(parts[1])
    elif tag == b"PLUG" and len(parts) >= 2:
        head.requires[_text(parts[0])] = _text(parts[1])
    elif tag == b"TUNI":
        head.time_unit = _text(parts[0])


def _read_up_to(stream: "SceneStream", limit: int) -> bytes:
    pieces = []
    total = 0
    while total < limit:
        data = stream.read(min(1024 * 1024, limit - total))
        if not data:
            break
        pieces.append(data)
        total += len(data)
    return b"".join(pieces)


def path_in_run(run: bytes) -> Optional[bytes]:
    """The absolute path a NUL-terminated run of printable bytes ends with, or None.

    The leftmost root from which the run, up to its end, is a path with a body of 1 to
    1024 characters and an extension of 2 to 12.
    """
    extension = _EXTENSION.search(run)
    if extension is None:
        return None
    dot = extension.start()
    first = max(0, dot - _WINDOW)
    for position in range(first, dot):
        root = _ROOT.match(run, position)
        if root is not None and 1 <= dot - root.end() <= _MAX_PATH_BODY:
            return run[position:]
    return None


def scan_paths(path: str) -> List[Union[str, Any]]:
    """Strings of the .mb file that look like absolute file paths (in order, no repeats)."""
    return scan_binary(path)[0]


def scan_binary(path: str,
                hash_name: Optional[str] = None) -> Union[Tuple[Any, str], Tuple[Any, None]]:
    """The path-like strings of a .mb file and, in the same pass, its digest.

    Args:
        path (str): The .mb file.
        hash_name (str, optional): e.g. ``"md5"``.

    Returns:
        tuple: ``(paths, hexdigest)``; ``hexdigest`` is None without ``hash_name``.
    """
    found: Dict[Any, Any] = collections.OrderedDict()
    carry = b""
    with open_scene(path, hash_name=hash_name, decompress=False) as stream:
        while True:
            data = stream.read(_SCAN_CHUNK)
            if not data:
                break
            buffer = carry + data
            carry = b""
            for run in _RUN.finditer(buffer):
                end = run.end()
                if end == len(buffer):
                    # May go on in the next block: keep what a path could still use.
                    carry = buffer[max(run.start(), end - _WINDOW - 16):]
                    break
                if buffer[end:end + 1] != b"\x00" or len(found) >= MAX_PATHS:
                    continue
                candidate = path_in_run(run.group(0)[-(_WINDOW + 16):])
                if candidate is not None:
                    found[_text(candidate)] = None
        digest = stream.hexdigest() if hash_name else None
    return list(found), digest
