r"""Read the sections of a Houdini scene file without Houdini, streaming, in bounded memory.

A ``.hip`` file is a cpio archive in the portable ASCII ("odc", magic ``070707``) format: one
member per section (``.variables``, ``obj/geo1.parm``, ...). Apprentice (``.hipnc``) and Indie
(``.hiplc``) files carry the same members behind a ``HouNC\x1a`` / ``HouLC\x1a`` marker and a
28-hex-digit scrambled header whose size fields cannot be decoded; their members are found by
scanning for the next marker. When the section bodies themselves are not text (newer
licence-protected files), the container is reported as unreadable so the caller can fall back
to Houdini itself.

The file is read front to back in chunks (:class:`SectionReader`): a section the caller does
not want is skipped without being kept, a wanted section larger than :data:`MAX_SECTION_BYTES`
is skipped with a warning, and gzip-compressed files are decompressed as they are read, up to
:data:`MAX_GZIP_BYTES`. So memory stays bounded whatever the file holds. Everything here is
pure Python and works on bytes, so it can be fuzzed freely.
"""

import gzip
import io
import re
import zlib
from typing import Any, Dict, List, Optional, cast

from rayvision_utils.exception.exception import AnalyseFailError
from rayvision_utils.scene_input import open_scene

CPIO_MAGIC = b"070707"
#: Marker of a non-commercial (Apprentice) and of a limited-commercial (Indie) section.
LICENSED_MAGICS = {b"HouNC\x1a": "hipnc", b"HouLC\x1a": "hiplc"}
GZIP_MAGIC = b"\x1f\x8b"

# magic dev ino mode uid gid nlink rdev (6 octal digits each), mtime (11), namesize (6),
# filesize (11): 76 bytes in all; the group is namesize and filesize.
_CPIO_HEADER = re.compile(rb"070707[0-7]{53}([0-7]{17})")
_CPIO_HEADER_SIZE = 76
# A header and the name after it, up to its first NUL: what almost every member is. The name
# is the whole name when the match ends where the header's name size says.
_CPIO_MEMBER = re.compile(rb"070707[0-7]{53}([0-7]{17})([^\x00]{0,4095})\x00")
# The bits of filesize (11 octal digits).
_FILESIZE_BITS = 33
_FILESIZE_MASK = (1 << _FILESIZE_BITS) - 1
_MAX_NAME = 4096
# Longest licensed header: marker, 28 digits, a name, its NUL.
_LICENSED_HEADER_MAX = 6 + 28 + _MAX_NAME + 1
_TRAILER = "TRAILER!!!"
_TRAILER_BYTES = b"TRAILER!!!\x00"
_TRAILER_FIRST = _TRAILER_BYTES[0]
_TRAILER_NAME = _TRAILER_BYTES[:-1]
# Sections whose presence proves the archive holds a Houdini scene.
_SCENE_MARKERS = (".variables", ".start")
_SCENE_MARKER_BYTES = (b".variables\x00", b".start\x00")
_SCENE_MARKER_NAMES = (b".variables", b".start")
#: Decompressed size at which a gzip-compressed scene is refused (a "gzip bomb").
MAX_GZIP_BYTES = 2 * 1024 ** 3
#: A wanted section larger than this is skipped (with a warning) instead of kept in memory.
MAX_SECTION_BYTES = 64 * 1024 ** 2
_CHUNK = 1024 * 1024
# Bytes of a new chunk copied after the end of the previous one (see :class:`_Window`).
_BRIDGE = 64 * 1024


class HipFormatError(AnalyseFailError):
    """The file is not a Houdini scene container, or it is damaged beyond reading.

    Attributes:
        path (str): The file (or ``"<bytes>"``).
        reason (str): What is wrong with it.
    """

    def __init__(self, path: Any, reason: Any) -> None:
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

    def __init__(self, path: Any, kind: Any, sections: Any, compressed: bool = False,
                 warnings: Any = None) -> None:
        self.path = path
        self.kind = kind
        self.sections = sections
        self.compressed = compressed
        self.warnings = list(warnings or [])
        self._index: Dict[Any, Any] = {}
        for name, body in sections:
            self._index.setdefault(name, body)

    def names(self) -> Any:
        """Section names, in file order."""
        return [name for name, _ in self.sections]

    def get(self, name: Any, default: Any = None) -> Any:
        """Body (bytes) of the first section called ``name``."""
        return self._index.get(name, default)

    def text(self, name: Any, default: str = "") -> Any:
        """Body of a section decoded as text (UTF-8, undecodable bytes replaced)."""
        body = self._index.get(name)
        if body is None:
            return default
        return body.decode("utf-8", "replace")

    def __contains__(self, name: Any) -> bool:
        return name in self._index

    def __len__(self) -> int:
        return len(self.sections)

    def __repr__(self) -> str:
        return "HipContainer({0!r}, kind={1!r}, sections={2})".format(
            self.path, self.kind, len(self.sections))


class _CappedGzip(object):
    """Decompress gzip bytes held in memory as they are read, up to ``limit`` bytes."""

    def __init__(self, data: Any, path: Any, limit: Any) -> None:
        self._gzip = gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb")
        self._path = path
        self._limit = limit
        self._produced = 0

    def read(self, size: Any) -> Any:
        try:
            data = self._gzip.read(size)
        except (OSError, EOFError, zlib.error) as error:
            raise HipFormatError(self._path, "gzip-compressed but damaged ({0})".format(error))
        self._produced += len(data)
        if self._produced > self._limit:
            raise HipFormatError(self._path, "gzip content larger than {0} bytes: refused "
                                             "(a damaged or malicious file?)".format(self._limit))
        return data


class _Window(object):
    """Forward-only view of a byte stream, read in chunks; old bytes are dropped.

    A new chunk is not joined to the few bytes left of the previous one (a copy of the whole
    chunk, for every chunk of the file): those bytes go before a short bridge, a copy of the
    chunk's first bytes, and the chunk itself becomes the buffer, uncopied, as soon as the
    reader has left the old bytes behind.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.offset = 0   # file offset of buf[0]
        self._next: Optional[bytes] = None   # the chunk whose first bytes end the bridge
        self._next_at = 0   # where they start in ``buf``

    def fill(self, need: Any) -> Any:
        """Make ``need`` bytes available from ``pos`` (fewer at the end of the stream)."""
        while len(self.buf) - self.pos < need:
            if self._next is not None:
                self._leave_bridge()
                continue
            if self.eof:
                break
            data = self._stream.read(max(_CHUNK, need - (len(self.buf) - self.pos)))
            if not data:
                self.eof = True
                break
            rest = self.buf[self.pos:]
            self.offset += self.pos
            self.pos = 0
            if need <= _BRIDGE and len(rest) < _BRIDGE and len(data) > 2 * _BRIDGE:
                self.buf = rest + data[:_BRIDGE]
                self._next = data
                self._next_at = len(rest)
            else:
                self.buf = rest + data
        return len(self.buf) - self.pos

    def _leave_bridge(self) -> None:
        """Make the chunk behind the bridge the buffer (joined to what is left before it)."""
        data, start = cast(bytes, self._next), self._next_at
        self._next = None
        if self.pos >= start:
            self.offset += start
            self.pos -= start
            self.buf = data
        else:
            self.offset += self.pos
            self.buf = self.buf[self.pos:] + data[len(self.buf) - start:]
            self.pos = 0

    def tell(self) -> Any:
        return self.offset + self.pos

    def take(self, size: Any, keep: bool = True) -> Any:
        """Consume ``size`` bytes; return them (``keep``) or how many there were."""
        if len(self.buf) - self.pos >= size:
            start = self.pos
            self.pos += size
            return self.buf[start:self.pos] if keep else size
        pieces = []
        got = 0
        while got < size:
            available = self.fill(min(size - got, _CHUNK))
            if not available:
                break
            step = min(available, size - got)
            if keep:
                pieces.append(self.buf[self.pos:self.pos + step])
            self.pos += step
            got += step
        return b"".join(pieces) if keep else got

    def search(self, pattern: Any, overlap: Any, keep_limit: Any) -> Any:
        """Advance to the next match of ``pattern``; return ``(match, skipped bytes)``.

        The skipped bytes are returned up to ``keep_limit`` (the rest is only counted). The
        match is relative to ``buf``; None at the end of the stream.
        """
        skipped = []
        kept = 0
        while True:
            self.fill(overlap + 1)
            match = pattern.search(self.buf, self.pos)
            if match is not None:
                piece = self.buf[self.pos:match.start()]
                if kept < keep_limit:
                    skipped.append(piece[:keep_limit - kept])
                    kept += len(piece)
                self.pos = match.start()
                return match, b"".join(skipped)
            if self.eof:
                piece = self.buf[self.pos:]
                if kept < keep_limit:
                    skipped.append(piece[:keep_limit - kept])
                self.pos = len(self.buf)
                return None, b"".join(skipped)
            # Keep a tail that may hold the start of a match; consume the rest.
            cut = max(self.pos, len(self.buf) - overlap)
            piece = self.buf[self.pos:cut]
            if kept < keep_limit:
                skipped.append(piece[:keep_limit - kept])
                kept += len(piece)
            self.pos = cut
            before = len(self.buf) - self.pos
            self.fill(before + _CHUNK)
            if len(self.buf) - self.pos <= before:
                self.eof = True


class SectionReader(object):
    """Stream the sections of a scene container.

    Args:
        stream: A binary stream of the container, already decompressed (anything with
            ``read(size)``: a :class:`rayvision_utils.scene_input.SceneStream`, a file...).
        path (str): Name used in errors.
        wanted (callable or tuple, optional): ``wanted(name) -> bool``, or a tuple of name
            endings (bytes, tested before the name is even decoded); the other sections are
            skipped without being kept. Default: every section.
        max_section (int): Wanted sections longer than this are skipped with a warning.
        compressed (bool): The file was gzip-compressed (reported, not acted upon).

    Attributes:
        kind (str): ``"hip"``, ``"hipnc"`` or ``"hiplc"`` (after the first section).
        compressed (bool): The file is gzip-compressed.
        warnings (list): Damage that was worked around.
    """

    def __init__(self, stream: Any, path: str = "<bytes>", wanted: Any = None,
                 max_section: Any = MAX_SECTION_BYTES, compressed: bool = False) -> None:
        self.path = path
        self.wanted = wanted
        self.max_section = max_section
        self.kind: Optional[str] = None
        self.compressed = compressed
        self.warnings: List[Any] = []
        self.seen = False   # a section proving that the archive is a Houdini scene
        self._window = _Window(stream)

    def sections(self) -> Any:
        """Yield ``(name, body)`` of the wanted sections (too large ones are left out).

        Raises:
            HipFormatError: Not a scene container, or damaged beyond reading.
        """
        for name, data, start, end in self.raw_spans():
            yield name.decode("utf-8", "replace"), data[start:end]

    def spans(self) -> Any:
        """Yield ``(name, data, start, end)`` of the wanted sections, body ``data[start:end]``.

        ``data`` is the buffer the section was read into (shared with its neighbours), so a
        caller that scans bodies with ``find``/regex searches bounded by ``start`` and ``end``
        never copies them; a section that spans two reads comes as bytes of its own.

        Raises:
            HipFormatError: Not a scene container, or damaged beyond reading.
        """
        for name, data, start, end in self.raw_spans():
            yield name.decode("utf-8", "replace"), data, start, end

    def raw_spans(self) -> Any:
        """:meth:`spans` with each name as it is stored: bytes (no NUL), not decoded.

        Raises:
            HipFormatError: Not a scene container, or damaged beyond reading.
        """
        window = self._window
        window.fill(8)
        head = window.buf[window.pos:window.pos + 8]
        if not head:
            raise HipFormatError(self.path, "the file is empty")
        if head.startswith(CPIO_MAGIC):
            self.kind = "hip"
            members = self._cpio()
        else:
            for magic, name in LICENSED_MAGICS.items():
                if head.startswith(magic):
                    self.kind = name
            if self.kind is None:
                raise HipFormatError(
                    self.path, "not a Houdini scene: it starts with {0!r}, expected a cpio "
                    "header ('070707') or a 'HouNC'/'HouLC' marker".format(head))
            members = self._licensed()
        yield from members
        self._check_scene()

    def _check_scene(self) -> None:
        if not self.seen:
            if self.kind == "hip":
                raise HipFormatError(self.path, "the archive has no '.variables' or '.start' "
                                                "section, so it is not a Houdini scene")
            raise HipUnreadableError(self.path, "the {0} container's sections are not "
                                                "readable without Houdini".format(self.kind))

    def _keep(self, name: Any, size: Any) -> bool:
        if name in _SCENE_MARKERS:
            self.seen = True
        if self.wanted is not None and not isinstance(self.wanted, tuple) \
                and not self.wanted(name):
            return False
        if size > self.max_section:
            self.warnings.append("section {0!r} ({1} bytes) is larger than {2} bytes and was "
                                 "skipped".format(name, size, self.max_section))
            return False
        return True

    def _cpio(self) -> Any:
        """Walk the cpio members, trusting the declared sizes and resynchronising when they lie.

        Scene files that went through a text-mode copy (binary bytes replaced by U+FFFD, CRLF
        conversion) have members longer than their headers say. Such damage only makes members
        longer, so the next header is searched from the declared end onwards, and the bytes
        in between are added to the previous section.

        A scene has tens of thousands of members, so this loop is kept to the few steps each
        member needs: the window's buffer and position live in locals (written back only
        around a refill, a resynchronisation or an error), and an unwanted member is skipped
        by its name's ending without decoding the name or copying the body. The common
        member (sound header, NUL-terminated name, body within the buffer, a scene already
        proven) is read with one match of header and name together; any other member takes
        the general steps below it, which check everything one by one.
        """
        window = self._window
        pending = None      # a span not yet yielded: a resync may extend it
        count = 0
        trailer = False
        header = _CPIO_HEADER.match
        member = _CPIO_MEMBER.match
        lookahead = _CPIO_HEADER_SIZE + _MAX_NAME
        keep_section = self._keep
        endings = self.wanted if isinstance(self.wanted, tuple) else None
        # The endings as name endings: the name is matched without its NUL, and an ending
        # without a NUL never matches a NUL-terminated name.
        name_endings = () if endings is None else tuple(
            ending[:-1] for ending in endings if ending.endswith(b"\x00"))
        trailer_wanted = _TRAILER_NAME.endswith(name_endings)
        max_section = self.max_section
        unseen = not self.seen
        fast = endings is not None and not unseen
        buf = window.buf
        pos = window.pos
        end = len(buf)
        while True:
            if end - pos < lookahead:
                window.pos = pos
                if not window.fill(lookahead):
                    break
                buf = window.buf
                pos = window.pos
                end = len(buf)
            if fast:
                # (A scene marker was walked, so ``count`` is already above zero.)
                match = member(buf, pos)
                if match is not None:
                    sizes = int(match[1], 8)
                    name_end = match.end()
                    body_end = name_end + (sizes & _FILESIZE_MASK)
                    if (name_end - pos - _CPIO_HEADER_SIZE == sizes >> _FILESIZE_BITS
                            and body_end <= end):
                        name = match[2]
                        if name.endswith(name_endings):
                            if body_end - name_end <= max_section and not (
                                    trailer_wanted and name == _TRAILER_NAME):
                                pos = body_end
                                if pending is not None:
                                    yield pending
                                pending = (name, buf, name_end, body_end)
                                continue
                        elif name != _TRAILER_NAME:
                            pos = body_end
                            if pending is not None:
                                yield pending
                                pending = None
                            continue
            match = header(buf, pos)
            if match is None:
                window.pos = pos
                match, pending = self._resync(pending)
                if match is None:
                    break
                buf = window.buf
                pos = window.pos
                end = len(buf)
            # namesize (6 octal digits) and filesize (11) are adjacent: one number of 17
            # digits, the name size in its high bits and the body size in its low 33 bits.
            sizes = int(match[1], 8)
            name_size = sizes >> _FILESIZE_BITS
            body_size = sizes & _FILESIZE_MASK
            name_start = pos + _CPIO_HEADER_SIZE
            name_end = name_start + name_size
            if name_size < 1 or name_size > _MAX_NAME or name_end > end:
                window.pos = pos
                raise HipFormatError(self.path, "cpio header at byte {0} announces a name of "
                                                "{1} bytes past the end of the file".format(
                                                    window.tell(), name_size))
            if buf[name_end - 1]:
                window.pos = pos
                raise HipFormatError(self.path, "cpio member name at byte {0} is not "
                                                "NUL-terminated".format(window.tell() + 76))
            body_end = name_end + body_size
            if buf[name_start] == _TRAILER_FIRST and buf.startswith(_TRAILER_BYTES, name_start):
                trailer = True
                break
            if endings is not None and not buf.endswith(endings, name_start, name_end):
                # Not wanted: skipped without decoding its name or copying its body.
                if unseen and buf.startswith(_SCENE_MARKER_BYTES, name_start):
                    self.seen = True
                    unseen = False
                    fast = True
                if body_end <= end:
                    pos = body_end
                else:
                    window.pos = name_end
                    window.take(body_size, False)
                    buf = window.buf
                    pos = window.pos
                    end = len(buf)
                if pending is not None:
                    yield pending
                    pending = None
                count += 1
                continue
            name = buf[name_start:name_end - 1]
            if endings is None or body_size > max_section or (
                    unseen and name in _SCENE_MARKER_NAMES):
                keep = keep_section(name.decode("utf-8", "replace"), body_size)
                unseen = not self.seen
                fast = endings is not None and not unseen
            else:
                keep = True
            if body_end <= end:
                pos = body_end
                span = (name, buf, name_end, body_end) if keep else None
            else:
                window.pos = name_end
                body = window.take(body_size, keep)
                got = len(body) if keep else body
                if got < body_size:
                    self.warnings.append("section {0!r} is truncated ({1} of {2} bytes)"
                                         .format(name.decode("utf-8", "replace"), got,
                                                 body_size))
                span = (name, body, 0, got) if keep else None
                buf = window.buf
                pos = window.pos
                end = len(buf)
            if pending is not None:
                yield pending
            pending = span
            count += 1
        window.pos = pos
        if pending is not None:
            yield pending
        if not count:
            raise HipFormatError(self.path, "the cpio archive has no members")
        if not trailer:
            self.warnings.append("the archive has no TRAILER!!! member (truncated file?)")

    def _resync(self, pending: Any) -> Any:
        """Find the next member header after damage; return ``(match, pending)``."""
        window = self._window
        found, skipped = window.search(_CPIO_HEADER, _CPIO_HEADER_SIZE, self.max_section)
        if found is None:
            if skipped.strip(b"\x00 \r\n"):
                self.warnings.append("trailing bytes after the last section were ignored")
            return None, pending
        self.warnings.append("a section is longer than its header says (damaged copy?); "
                             "resynchronised at byte {0}".format(window.tell()))
        if pending is not None:
            name, data, start, end = pending
            body = data[start:end] + skipped
            pending = (name, body, 0, len(body))
        window.fill(_CPIO_HEADER_SIZE + _MAX_NAME)
        return _CPIO_HEADER.match(window.buf, window.pos), pending

    def _licensed(self) -> Any:
        """Members of a HouNC/HouLC container: bodies run up to the next marker."""
        window = self._window
        marker = b"Hou" + (b"NC" if self.kind == "hipnc" else b"LC") + b"\x1a"
        pattern = re.compile(re.escape(marker) + rb"[0-9a-f]{28}([^\x00\n]{1,4096})\x00")
        found, _ = window.search(pattern, _LICENSED_HEADER_MAX, 0)
        while found is not None:
            raw_name = found.group(1)
            name = raw_name.decode("utf-8", "replace")
            window.pos = found.end()
            if name == _TRAILER:
                return
            keep = self._keep(name, 0)
            found, body = window.search(pattern, _LICENSED_HEADER_MAX,
                                        self.max_section + 1 if keep else 0)
            if keep and len(body) > self.max_section:
                self.warnings.append("section {0!r} is larger than {1} bytes and was "
                                     "skipped".format(name, self.max_section))
                keep = False
            if keep:
                yield raw_name, body, 0, len(body)


def read_hip_file(path: str) -> "HipContainer":
    """Read a scene file from disk, every section kept (see :class:`SectionReader`).

    Args:
        path (str): A ``.hip``, ``.hipnc`` or ``.hiplc`` file.

    Returns:
        HipContainer: Its sections.

    Raises:
        HipFormatError: Not a scene container, or damaged beyond reading.
        HipUnreadableError: A licence-protected container whose sections are not text.
        rayvision_utils.scene_input.SceneInputError: Missing, unreadable, not a regular file
            (folder, device, FIFO), damaged gzip data or beyond the gzip cap.
    """
    with open_scene(path, max_decompressed=MAX_GZIP_BYTES) as stream:
        reader = SectionReader(stream, path, compressed=stream.compressed)
        return _container(reader)


def _container(reader: Any) -> Any:
    sections = list(reader.sections())
    return HipContainer(reader.path, reader.kind, sections, reader.compressed, reader.warnings)


def open_bytes(data: Any, path: str = "<bytes>") -> Any:
    """``(stream, compressed)`` for scene bytes held in memory (gzip decompressed, capped)."""
    if not isinstance(data, (bytes, bytearray)):
        raise HipFormatError(path, "expected bytes, got {0}".format(type(data).__name__))
    data = bytes(data)
    if data.startswith(GZIP_MAGIC):
        return _CappedGzip(data, path, MAX_GZIP_BYTES), True
    return io.BytesIO(data), False


def read_hip_bytes(data: Any, path: str = "<bytes>") -> Any:
    """Split the bytes of a scene file into its sections (see :func:`read_hip_file`)."""
    stream, compressed = open_bytes(data, path)
    return _container(SectionReader(stream, path, compressed=compressed))
