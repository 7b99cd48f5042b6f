r"""Read the sections of a Houdini scene file without Houdini.

A ``.hip`` file is a cpio archive in the portable ASCII ("odc", magic ``070707``) format: one
member per section (``.variables``, ``obj/geo1.parm``, ...). Apprentice (``.hipnc``) and Indie
(``.hiplc``) files carry the same members behind a ``HouNC\x1a`` / ``HouLC\x1a`` marker and a
28-hex-digit scrambled header whose size fields cannot be decoded; their members are found by
scanning for the next marker. When the section bodies themselves are not text (newer
licence-protected files), the container is reported as unreadable so the caller can fall back
to Houdini itself.

Everything here is pure Python and works on bytes, so it can be fuzzed freely.
"""

import gzip
import io
import re

from rayvision_utils.exception.exception import AnalyseFailError

CPIO_MAGIC = b"070707"
#: Marker of a non-commercial (Apprentice) and of a limited-commercial (Indie) section.
LICENSED_MAGICS = {b"HouNC\x1a": "hipnc", b"HouLC\x1a": "hiplc"}
GZIP_MAGIC = b"\x1f\x8b"

# magic dev ino mode uid gid nlink rdev (6 octal digits each), mtime (11), namesize (6),
# filesize (11): 76 bytes in all.
_CPIO_HEADER = re.compile(rb"070707[0-7]{42}[0-7]{11}([0-7]{6})([0-7]{11})")
_CPIO_HEADER_SIZE = 76
_LICENSED_HEADER = re.compile(rb"Hou(NC|LC)\x1a[0-9a-f]{28}([^\x00\n]{1,4096})\x00")
_TRAILER = "TRAILER!!!"
# Sections whose presence proves the archive holds a Houdini scene.
_SCENE_MARKERS = (".variables", ".start")
# Cap for sizes announced by a header: a damaged header must not make us allocate gigabytes.
_MAX_GZIP_BYTES = 2 * 1024 ** 3


class HipFormatError(AnalyseFailError):
    """The file is not a Houdini scene container, or it is damaged beyond reading.

    Attributes:
        path (str): The file (or ``"<bytes>"``).
        reason (str): What is wrong with it.
    """

    def __init__(self, path, reason):
        super(HipFormatError, self).__init__("{0}: {1}".format(path, reason))
        self.path = path
        self.reason = reason


class HipUnreadableError(HipFormatError):
    """The container is a Houdini scene, but its sections cannot be read without Houdini."""


class HipContainer(object):
    """The sections of one scene file, in file order.

    Attributes:
        path (str): Where the bytes came from.
        kind (str): ``"hip"`` (cpio), ``"hipnc"`` or ``"hiplc"`` (licence-marked containers).
        compressed (bool): The file was gzip-compressed around the container.
        sections (list): ``(name, bytes)`` pairs; a name may repeat (licence markers).
        warnings (list): Human-readable notes about damage that was worked around.
    """

    def __init__(self, path, kind, sections, compressed=False, warnings=None):
        self.path = path
        self.kind = kind
        self.sections = sections
        self.compressed = compressed
        self.warnings = list(warnings or [])
        self._index = {}
        for name, body in sections:
            self._index.setdefault(name, body)

    def names(self):
        """Section names, in file order."""
        return [name for name, _ in self.sections]

    def get(self, name, default=None):
        """Body (bytes) of the first section called ``name``."""
        return self._index.get(name, default)

    def text(self, name, default=""):
        """Body of a section decoded as text (UTF-8, undecodable bytes replaced)."""
        body = self._index.get(name)
        if body is None:
            return default
        return body.decode("utf-8", "replace")

    def __contains__(self, name):
        return name in self._index

    def __len__(self):
        return len(self.sections)

    def __repr__(self):
        return "HipContainer({0!r}, kind={1!r}, sections={2})".format(
            self.path, self.kind, len(self.sections))


def read_hip_file(path):
    """Read a scene file from disk.

    Args:
        path (str): A ``.hip``, ``.hipnc`` or ``.hiplc`` file.

    Returns:
        HipContainer: Its sections.

    Raises:
        HipFormatError: Not a scene container, or damaged beyond reading.
        HipUnreadableError: A licence-protected container whose sections are not text.
        OSError: The file cannot be read.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    return read_hip_bytes(data, path)


def read_hip_bytes(data, path="<bytes>"):
    """Split the bytes of a scene file into its sections (see :func:`read_hip_file`)."""
    if not isinstance(data, (bytes, bytearray)):
        raise HipFormatError(path, "expected bytes, got {0}".format(type(data).__name__))
    data = bytes(data)
    compressed = False
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(data, path)
        compressed = True
    if not data:
        raise HipFormatError(path, "the file is empty")
    if data.startswith(CPIO_MAGIC):
        sections, warnings = _read_cpio(data, path)
        kind = "hip"
    else:
        kind = None
        for magic, name in LICENSED_MAGICS.items():
            if data.startswith(magic):
                kind = name
        if kind is None:
            raise HipFormatError(
                path, "not a Houdini scene: it starts with {0!r}, expected a cpio header "
                "('070707') or a 'HouNC'/'HouLC' marker".format(data[:8]))
        sections, warnings = _read_licensed(data, path, kind)
    container = HipContainer(path, kind, sections, compressed, warnings)
    if not any(marker in container for marker in _SCENE_MARKERS):
        if kind == "hip":
            raise HipFormatError(path, "the archive has no '.variables' or '.start' section, "
                                       "so it is not a Houdini scene")
        raise HipUnreadableError(path, "the {0} container's sections are not readable "
                                       "without Houdini".format(kind))
    return container


def _gunzip(data, path):
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(_MAX_GZIP_BYTES + 1)
    except (OSError, EOFError, ValueError) as error:
        raise HipFormatError(path, "gzip-compressed but damaged ({0})".format(error))
    if len(out) > _MAX_GZIP_BYTES:
        raise HipFormatError(path, "gzip content larger than {0} bytes".format(_MAX_GZIP_BYTES))
    return out


def _read_cpio(data, path):
    """Walk the cpio members, trusting the declared sizes and resynchronising when they lie.

    Scene files that went through a text-mode copy (binary bytes replaced by U+FFFD, CRLF
    conversion) have members longer than their headers say. Such damage only makes members
    longer, so the next header is searched from the declared end onwards.
    """
    sections = []
    warnings = []
    pos = 0
    size = len(data)
    while pos < size:
        match = _CPIO_HEADER.match(data, pos)
        if match is None:
            found = _CPIO_HEADER.search(data, pos)
            if found is None:
                if data[pos:].strip(b"\x00 \r\n"):
                    warnings.append("{0} trailing bytes after the last section were "
                                    "ignored".format(size - pos))
                break
            if sections:
                warnings.append("section {0!r} is longer than its header says (damaged "
                                "copy?); resynchronised at byte {1}".format(sections[-1][0],
                                                                            found.start()))
                name, body = sections[-1]
                sections[-1] = (name, body + data[pos:found.start()])
            match = found
        name_size = int(match.group(1), 8)
        body_size = int(match.group(2), 8)
        name_start = match.end()
        if name_size < 1 or name_start + name_size > size:
            raise HipFormatError(path, "cpio header at byte {0} announces a name of {1} bytes "
                                       "past the end of the file".format(match.start(),
                                                                        name_size))
        raw_name = data[name_start:name_start + name_size]
        if not raw_name.endswith(b"\x00"):
            raise HipFormatError(path, "cpio member name at byte {0} is not NUL-terminated"
                                 .format(name_start))
        name = raw_name[:-1].decode("utf-8", "replace")
        body_start = name_start + name_size
        body_end = body_start + body_size
        if body_end > size:
            warnings.append("section {0!r} is truncated ({1} of {2} bytes)".format(
                name, size - body_start, body_size))
            body_end = size
        if name == _TRAILER:
            break
        sections.append((name, data[body_start:body_end]))
        pos = body_end
    else:
        if sections:
            warnings.append("the archive has no TRAILER!!! member (truncated file?)")
    if not sections:
        raise HipFormatError(path, "the cpio archive has no members")
    return sections, warnings


def _read_licensed(data, path, kind):
    """Members of a HouNC/HouLC container: bodies run up to the next marker."""
    marker = b"Hou" + (b"NC" if kind == "hipnc" else b"LC") + b"\x1a"
    matches = []
    for match in _LICENSED_HEADER.finditer(data):
        if data[match.start():match.start() + len(marker)] == marker:
            matches.append(match)
    sections = []
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(data)
        name = match.group(2).decode("utf-8", "replace")
        if name == _TRAILER:
            break
        sections.append((name, data[match.end():end]))
    return sections, []
