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

_GROUP_TAGS = (b"FORM", b"FOR4", b"FOR8", b"CAT4", b"CAT8", b"LIST", b"LIS4", b"LIS8")
_PATH = re.compile(
    rb"(?:[A-Za-z]:[\\/]|\\\\|/)[^\x00-\x1f\x7f\"*?|]{1,1024}?\.[A-Za-z0-9#<>]{2,12}(?=\x00)")
_SCAN_CHUNK = 32 * 1024 * 1024
_MAX_HEAD = 16 * 1024 * 1024


class MayaBinaryHead(object):
    """The readable part of a .mb file.

    Attributes:
        valid (bool): The file starts like a Maya IFF file.
        version (str): ``VERS`` chunk, e.g. ``"2018"``.
        file_info (OrderedDict): FINF key -> value.
        requires (OrderedDict): plugin name -> version (PLUG chunks).
        time_unit (str): TUNI chunk (``film``...).
    """

    def __init__(self):
        self.valid = False
        self.version = None
        self.file_info = collections.OrderedDict()
        self.requires = collections.OrderedDict()
        self.time_unit = None


def _text(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_head(path):
    """Parse the HEAD group of the .mb file at ``path``; never raises on bad content."""
    head = MayaBinaryHead()
    with open(path, "rb") as stream:
        data = stream.read(_MAX_HEAD)
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


def _size(data, offset, wide):
    try:
        if wide:
            return struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        return struct.unpack(">I", data[offset + 4:offset + 8])[0]
    except struct.error:
        return None


def _head_chunk(head, tag, payload):
    parts = payload.split(b"\x00")
    if tag == b"VERS":
        head.version = _text(parts[0])
    elif tag == b"FINF" and len(parts) >= 2:
        head.file_info[_text(parts[0])] = _text(parts[1])
    elif tag == b"PLUG" and len(parts) >= 2:
        head.requires[_text(parts[0])] = _text(parts[1])
    elif tag == b"TUNI":
        head.time_unit = _text(parts[0])


def scan_paths(path):
    """Strings of the .mb file that look like absolute file paths (in order, no repeats)."""
    found = collections.OrderedDict()
    overlap = b""
    with open(path, "rb") as stream:
        while True:
            data = stream.read(_SCAN_CHUNK)
            if not data:
                break
            buffer = overlap + data
            for match in _PATH.finditer(buffer):
                found[_text(match.group(0))] = None
            overlap = buffer[-1100:]
    return list(found)
