"""Parse the Clarisse ``.project`` text format into a tree of blocks.

The format is a brace tree, one statement per line::

    #Isotropix_Serial_Version 1.2
    #Isotropix_Clarisse_Version 4
    Context "scene" {
        Image {
            name "image"
            first_frame 0
            layers ".layer"
            embedded_objects {
                Layer3d {
                    name "layer"
                }
            }
        }
        GeometryBundleAlembic {
            name "abc"
            filename "$PDIR/cache/shot.abc"
        }
    }

A block header is ``Kind {`` or ``Kind "label" {`` with the brace on the header line; an
attribute is ``name value value ...`` where a value is a quoted string (backslash escapes,
may span lines) or a bare word. Lines starting with ``#`` inside a block are metadata
(``#version``); at the top they are the file header. Textured attributes are lower-case
blocks (``color { value 1 1 1  texture "tex" }``).

A lean read (``lean_attrs``) keeps only the attributes a reader names; with a
:class:`Pruning` it also skips, unread, the complete blocks that hold none of the reader's
markers, jumping over them with ``bytes`` searches and counts of braces (see
docs/analysis-houdini-clarisse.md).
"""

import io
import re
from typing import (
    AbstractSet,
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from rayvision_utils.collector import collector_paused
from rayvision_utils.exception.exception import AnalyseFailError
from rayvision_utils.scene_input import open_scene

#: These two match at every position (``*``, or called where a bare word starts).
_BARE: Any = re.compile(rb"[^\s{}\"]+")
_SPACE: Any = re.compile(rb"\s*")
_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
# A value an analysis of files may need: a path character or an extension at its end
# (``.`` and a letter, or ``.3dl``: LUTs; not a decimal number).
_PATH_LIKE = re.compile(rb"[/\\$]|\.(?:[A-Za-z]|3[Dd][Ll])[A-Za-z0-9_]*\"?\s*$")
#: Deepest block nesting accepted; real scenes stay far below (the UI layout reaches ~25).
MAX_DEPTH = 500
#: Longest quoted string accepted (a multi-line value is gathered up to this size).
MAX_STRING = 16 * 1024 * 1024
#: Every byte but those that decide how braces count: ``{ } " \\`` and the newline.
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'{}"\\\n')
#: Prefix of the marker keys of objects inside a container (see :class:`Pruning`).
_OBJECTS = "objects in "
#: Deepest nesting a skipped stretch may hold (deeper ones are read line by line).
_MAX_SKIP_DEPTH = 32
#: Most lines whose ``reads_line`` answer a read remembers, and their longest length.
_MAX_VERDICTS = 4096
_MAX_VERDICT_LINE = 512


class ProjectFormatError(AnalyseFailError):
    """The text is not a readable Clarisse project.

    Attributes:
        path (str): The file (or ``"<text>"``).
        line (int): 1-based line of the problem (0 when not tied to a line).
        reason (str): What is wrong.
    """

    def __init__(self, path: Any, line: Any, reason: Any) -> None:
        where = "{0}:{1}".format(path, line) if line else path
        super(ProjectFormatError, self).__init__("{0}: {1}".format(where, reason))
        self.path = path
        self.line = line
        self.reason = reason


class Block(object):
    """One ``Kind "label" { ... }`` block.

    Attributes:
        kind (str): ``Context``, ``Image``, ``Layer3d``, ``embedded_objects``, ``color``...
        label (str or None): The quoted label after the kind (``Context "scene"``).
        attrs (dict): attribute name -> list of values (str); repeated names keep the last.
        meta (dict): ``#name`` metadata lines inside the block -> list of values.
        children (list): Nested blocks, in file order.
        line (int): 1-based line of the header.
        pruned (bool): Lines of the block were skipped unread (:class:`Pruning`).
    """

    __slots__ = ("kind", "label", "attrs", "meta", "children", "line", "pruned")

    def __init__(self, kind: Any, label: Any = None, line: Any = 0) -> None:
        self.kind = kind
        self.label = label
        self.attrs: Dict[Any, Any] = {}
        self.meta: Dict[Any, Any] = {}
        self.children: List[Any] = []
        self.line = line
        self.pruned = False

    @property
    def name(self) -> Any:
        """The ``name`` attribute, else the label."""
        values = self.attrs.get("name")
        if values:
            return values[0]
        return self.label

    def attr(self, name: Any, default: Any = None) -> Any:
        """First value of an attribute (or of a textured attribute's ``value``)."""
        values = self.attrs.get(name)
        if values:
            return values[0]
        for child in self.children:
            if child.kind == name:
                inner = child.attrs.get("value")
                if inner:
                    return inner[0]
        return default

    def find(self, kind: Any) -> Any:
        """Direct children of the given kind."""
        return [child for child in self.children if child.kind == kind]

    def walk(self) -> Any:
        """This block and every block below it, depth first."""
        stack = [self]
        while stack:
            block = stack.pop()
            yield block
            stack.extend(reversed(block.children))

    def __repr__(self) -> Any:
        return "Block({0!r}, {1!r}, line={2})".format(self.kind, self.name, self.line)


class Project(object):
    """A parsed project file.

    Attributes:
        path (str): Source file.
        header (dict): ``#Isotropix_...`` header lines -> value string.
        root (Block): Pseudo-block holding the top-level blocks and attributes.
        md5 (str): Hex md5 of the file when it was read from disk (same pass), else None.
        pruned (bool): Blocks were skipped unread (:class:`Pruning`).
    """

    def __init__(self, path: Any, header: Any, root: Any) -> None:
        self.path = path
        self.header = header
        self.root = root
        self.md5: Optional[str] = None
        self.pruned = False

    @property
    def clarisse_version(self) -> Any:
        """``#Isotropix_Clarisse_Version`` value (``'4'``), or None."""
        return self.header.get("Isotropix_Clarisse_Version")

    def contexts(self) -> Any:
        """Top-level ``Context`` blocks."""
        return self.root.find("Context")

    def preferences(self) -> Any:
        """The ``#preferences`` block, or None."""
        for child in self.root.children:
            if child.kind == "#preferences":
                return child
        return None


def _unescape(text: Any) -> Any:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match.group(1), match.group(1)), text)


def _decode(data: Any) -> Any:
    """A name or value as text: UTF-8, else (for this value only) the Windows code page.

    Clarisse writes its projects in UTF-8, but a project saved by an older build or edited
    with a Windows tool holds paths in cp1252 (``é`` is the byte ``0xE9``): replacing those
    bytes would name a file that exists nowhere, so a value that is not valid UTF-8 is read
    as cp1252, the bytes cp1252 leaves undefined as Latin-1.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(data)


def _decode_legacy(data: bytes) -> str:
    """``data`` (not UTF-8) read as cp1252, or as Latin-1 when cp1252 lacks one of its bytes."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def quoted_end(data: Any, pos: Any) -> Any:
    """Index of the quote closing a string whose body starts at ``pos`` in ``data`` (-1: none).

    ``find`` and a count of the backslashes before each quote: no memory beyond the data,
    whatever the string's length.
    """
    while True:
        quote = data.find(b'"', pos)
        if quote < 0:
            return -1
        back = quote - 1
        while back >= pos and data[back] == 92:
            back -= 1
        if (quote - 1 - back) % 2 == 0:
            return quote
        pos = quote + 1


class Pruning(object):
    """Which complete blocks a lean read may skip without reading them.

    Inside a block whose kind is a key of ``markers`` (a *container*), the child blocks are
    skipped, unread, up to the next line holding one of that kind's markers (bytes, or a
    match of its pattern); the child block around that line is read as usual, line by line.
    The attribute lines of the container itself between skipped blocks are skipped too, so
    a container's markers must cover every attribute of it a reader needs.

    A stretch is skipped only when its braces can be counted without reading it: no
    backslash, every quoted string closed on its line, no brace inside one, nesting at most
    :data:`_MAX_SKIP_DEPTH`. Any other stretch is read line by line, exactly. Skipped blocks
    are not checked for syntax beyond the balance of their braces: braces that do not pair
    up make the read fail (then :func:`read_project_file` reads the text again whole, for
    the whole read's error); a statement error between braces that pair up is not seen.

    Objects (blocks of a capitalised kind other than ``whole`` ones, directly inside a
    container of a kind in ``object_markers``) are containers too, with the markers
    ``object_markers`` gives for their parent's kind: their attribute lines without marker
    and their child blocks without marked line are skipped, and the object is marked
    ``pruned``.

    Args:
        markers (dict): Container kind -> byte strings marking a line to read.
        patterns (dict, optional): Container kind -> regular expression (bytes) marking a
            line to read as well.
        labelled (collection of str): Container kinds that are containers only when their
            header has a label (``Context "scene" {``).
        reads_line (callable, optional): ``reads_line(line)`` (bytes, the whole line):
            whether a line holding a marker is read after all (default: always); a line it
            refuses is skipped as the lines without marker.
        object_markers (dict, optional): Container kind -> markers inside its objects.
        whole (collection of str): Kinds of objects read whole.
    """

    def __init__(self, markers: Mapping[str, Sequence[bytes]],
                 patterns: Optional[Mapping[str, bytes]] = None,
                 labelled: Sequence[str] = (),
                 reads_line: Optional[Callable[[bytes], bool]] = None,
                 object_markers: Optional[Mapping[str, Sequence[bytes]]] = None,
                 whole: Sequence[str] = ()) -> None:
        self.markers = dict((kind, tuple(found)) for kind, found in markers.items())
        self.patterns = dict((kind, re.compile(pattern))
                             for kind, pattern in (patterns or {}).items())
        self.labelled = frozenset(labelled)
        self.reads_line = reads_line
        self.whole = frozenset(whole)
        for kind, found in (object_markers or {}).items():
            self.markers[_OBJECTS + kind] = tuple(found)
            if kind in self.patterns:
                self.patterns[_OBJECTS + kind] = self.patterns[kind]
        #: Kind -> its markers and its pattern, searched alike.
        self.markers_of: Dict[str, Tuple[Any, ...]] = dict(
            (kind, found + ((self.patterns[kind],) if kind in self.patterns else ()))
            for kind, found in self.markers.items())
        self._split: Dict[str, Tuple[Tuple[Any, ...], Tuple[bytes, ...]]] = {}

    def split_markers(self, kind: str) -> Tuple[Tuple[Any, ...], Tuple[bytes, ...]]:
        """``(shared, own)`` markers of ``kind``: those its container also has, and the others.

        The markers of the objects in a container that the container does not have (byte
        strings only) are worth looking for inside each object only.
        """
        split = self._split.get(kind)
        if split is None:
            parent = self.markers_of.get(kind[len(_OBJECTS):], ()) \
                if kind.startswith(_OBJECTS) else ()
            markers = self.markers_of[kind]
            own = tuple(marker for marker in markers
                        if isinstance(marker, bytes) and marker not in parent)
            split = self._split[kind] = (tuple(marker for marker in markers
                                               if marker not in own), own)
        return split

    def container(self, stack: List["Block"]) -> Optional[str]:
        """The kind of markers that apply inside the innermost block of ``stack``.

        None when nothing is skipped there.
        """
        block = stack[-1]
        kind = block.kind
        if kind in self.markers:
            if kind in self.labelled and not block.label:
                return None
            return kind
        if len(stack) < 2 or not kind[:1].isupper() or kind in self.whole:
            return None
        parent = self.container(stack[:-1]) if len(stack) > 2 else None
        if parent is None or _OBJECTS + parent not in self.markers:
            return None
        return _OBJECTS + parent


def read_project_file(path: str, encoding: str = "utf-8",
                      lean_attrs: Optional[AbstractSet[str]] = None,
                      pruning: Optional[Pruning] = None) -> "Project":
    """Parse a project file from disk, line by line, in bounded memory.

    The file is opened with :func:`rayvision_utils.scene_input.open_scene` (folders, devices
    and FIFOs refused, typed errors for unreadable files); its md5 is computed in the same
    pass (``project.md5``).

    Args:
        path (str): The ``.project`` file.
        encoding (str): Kept for compatibility: names and values are read as UTF-8, and a
            value that is not valid UTF-8 as cp1252 (Latin-1 for the bytes cp1252 lacks).
        lean_attrs (collection of str, optional): Keep only these attributes, plus those whose
            value looks like a path (what an analysis of images and files reads). None keeps
            every attribute.
        pruning (Pruning, optional): Skip, unread, the blocks it says a reader never needs
            (only with ``lean_attrs``); ``project.pruned`` tells whether any was skipped. A
            text the pruned read finds broken is read again whole: the error raised is the
            whole read's, with its line.

    Raises:
        ProjectFormatError: The text is not a Clarisse project.
        rayvision_utils.scene_input.SceneInputError: The file cannot be read.
    """
    if pruning is None or lean_attrs is None:
        return _read_file(path, encoding, lean_attrs, None)
    try:
        return _read_file(path, encoding, lean_attrs, pruning)
    except ProjectFormatError:
        # Unbalanced braces in skipped blocks are found only where a block read later fails
        # to close (or closes too much): the whole read names the line at fault.
        return _read_file(path, encoding, lean_attrs, None)


def _read_file(path: str, encoding: str, lean_attrs: Optional[AbstractSet[str]],
               pruning: Optional[Pruning]) -> "Project":
    """:func:`read_project_file` in one pass, pruned or whole."""
    parser = _Parser(path, encoding, lean_attrs)
    skipper = _Skipper(parser, pruning) if pruning is not None and lean_attrs is not None \
        else None
    with collector_paused():
        with open_scene(path, hash_name="md5", decompress=False,
                        max_line=MAX_STRING) as stream:
            parser.check_start(stream.head(4096))
            for block in stream.iter_line_blocks(overflow="truncate"):
                if skipper is None:
                    parser.feed_lines(block)
                else:
                    skipper.feed(_block_bytes(block))
            project = parser.finish()
            project.md5 = stream.hexdigest()
    project.pruned = skipper is not None and skipper.skipped
    return project


def _block_bytes(block: Any) -> bytes:
    """The bytes of a block of whole lines from ``iter_line_blocks`` (no copy for BytesIO)."""
    if isinstance(block, io.BytesIO):
        return block.getvalue()
    return b"".join(block)


def parse_project(text: Union[str, bytes], path: str = "<text>", encoding: str = "utf-8",
                  lean_attrs: Optional[AbstractSet[str]] = None) -> "Project":
    """Parse project text (str or bytes) into a :class:`Project` (see :func:`read_project_file`).

    Raises:
        ProjectFormatError: Binary content, unbalanced braces, a header-less brace, or
            nesting deeper than :data:`MAX_DEPTH`.
    """
    if isinstance(text, str):
        text = text.encode(encoding, "replace")
    if not isinstance(text, (bytes, bytearray)):
        raise ProjectFormatError(path, 0, "expected text, got {0}".format(type(text).__name__))
    parser = _Parser(path, encoding, lean_attrs)
    text = bytes(text)
    parser.check_start(text[:4096])
    parser.feed_lines(text.splitlines(True))
    return parser.finish()


def _read_in_lean(name: bytes, stripped: bytes, lean: Any) -> bool:
    """Whether a lean read parses a line with no brace and no backslash, named ``name``.

    Dismissed are the attributes the analysis never reads, on one line: not among ``lean``,
    and holding no path or naming another object (never a file).
    """
    return (lean is None or name in lean or bool(stripped.count(b'"') % 2) or not stripped
            or (_PATH_LIKE.search(stripped) is not None and b'"project:/' not in stripped))


class _Parser(object):
    """Build the block tree from physical lines (bytes), one at a time."""

    def __init__(self, path: Any, encoding: Any, lean_attrs: Any) -> None:
        self.path = path
        self.encoding = encoding
        self.lean = None if lean_attrs is None else frozenset(
            prefix + name.encode("ascii") for name in lean_attrs for prefix in (b"", b"#"))
        self.header: Dict[Any, Any] = {}
        self.root = Block("<root>", line=0)
        self.stack = [self.root]
        self.statement: List[Any] = []
        self.statement_line = 1
        self.line = 0
        self.string: Any = None  # pieces of a quoted string spanning lines
        self.string_size = 0

    def check_start(self, head: Any) -> None:
        if b"\x00" in head[:4096]:
            raise ProjectFormatError(self.path, 0, "binary data, not a Clarisse project text "
                                                   "file")

    def feed_lines(self, lines: Any) -> None:
        """Feed physical lines; in a lean read, most are dismissed here at little cost."""
        lean = self.lean
        if lean is None:
            for line in lines:
                self.feed(line)
            return
        feed = self.feed
        stack = self.stack
        in_string = self.string is not None
        skipped = 0     # dismissed lines not yet counted in self.line
        for line in lines:
            if in_string or len(stack) == 1:
                self.line += skipped
                skipped = 0
                feed(line)
                in_string = self.string is not None
                continue
            stripped = line.strip()
            if stripped == b"}":
                # The most common structural line: close the block here.
                self.line += skipped + 1
                skipped = 0
                self.close_block()
                continue
            space = stripped.find(b" ")
            name = stripped[:space] if space > 0 else stripped
            if (name not in lean and b"{" not in stripped and b"}" not in stripped
                    and b"\\" not in stripped and not _read_in_lean(name, stripped, lean)):
                # An attribute the analysis never reads (or naming another object, never a
                # file), on one line: not parsed.
                skipped += 1
                if self.statement:
                    self.line += skipped
                    skipped = 0
                    self._end_statement()
                continue
            self.line += skipped
            skipped = 0
            feed(line)
            in_string = self.string is not None
        self.line += skipped

    def close_block(self) -> None:
        """A line ``}`` (already counted), outside a quoted string: the block ends."""
        if self.statement:
            self._end_statement()
        self._close()

    def feed(self, line: Any) -> None:
        """Feed one physical line (bytes, newline included)."""
        self.line += 1
        if self.line == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if self.string is not None:
            self._continue_string(line)
            return
        self._feed_stripped(line.strip())

    def feed_attribute(self, line: bytes) -> None:
        """Feed one line of an object's body, as :meth:`feed_lines` takes it.

        The line holds no brace and no backslash, and its strings close on it; it is
        dismissed or parsed as a lean read does.
        """
        self.line += 1
        stripped = line.strip()
        space = stripped.find(b" ")
        if not _read_in_lean(stripped[:space] if space > 0 else stripped, stripped,
                             self.lean):
            if self.statement:
                self._end_statement()
            return
        self._feed_stripped(stripped)

    def _feed_stripped(self, stripped: bytes) -> None:
        """Feed one line's statement (its spaces stripped), outside a string."""
        if not stripped:
            self._end_statement()
            return
        if stripped == b"}":
            self._end_statement()
            self._close()
            return
        if stripped.endswith(b"{") and b"}" not in stripped and not self.statement:
            head = stripped[:-1]
            if b"{" not in head and (b'"' not in head or (
                    head.count(b'"') == 2 and head.endswith(b'"') and b"\\" not in head)):
                # ``Kind {`` / ``Kind "label" {``: a block opens (no tokenizer needed).
                self._open_simple(head)
                return
        if b"{" not in stripped and b"}" not in stripped:
            quotes = stripped.count(b'"')
            if not quotes:
                self._words(stripped)
                return
            if quotes == 2 and stripped.endswith(b'"') and b"\\" not in stripped:
                self._one_string(stripped)
                return
        self._tokens(stripped, 0)

    def _open_simple(self, head: bytes) -> None:
        """``Kind {`` / ``Kind word ... {`` / ``Kind "label" {``: open the block directly."""
        quote = head.find(b'"')
        if quote < 0:
            words = head.split()
            label = None
        else:
            words = head[:quote].split()
            label = head[quote + 1:-1]
        if not words:
            raise ProjectFormatError(self.path, self.line, "'{' without a block name")
        self.statement_line = self.line
        # The label is the token after the kind, as for any other block header.
        if len(words) > 1:
            label = words[1]
        _push_block(self.stack, _decode(words[0]), None if label is None else _decode(label),
                    self.path, self.line)

    def _keep(self, name: Any, stripped: Any) -> Any:
        return self.lean is None or name in self.lean or name.startswith(b"#") or \
            _PATH_LIKE.search(stripped) is not None

    def _words(self, stripped: Any) -> None:
        """A statement of bare words on one line (the most common line)."""
        words = stripped.split()
        if not self._keep(words[0], stripped):
            return
        self.statement_line = self.line
        self.statement = []
        self._store([_decode(word) for word in words])

    def _one_string(self, stripped: Any) -> None:
        """``name "value"`` (or ``name a b "value"``) on one line, no escapes."""
        start = stripped.find(b'"')
        words = stripped[:start].split()
        if not words:
            self._tokens(stripped, 0)
            return
        if not self._keep(words[0], stripped):
            return
        self.statement_line = self.line
        self.statement = []
        values = [_decode(word) for word in words]
        values.append(_decode(stripped[start + 1:-1]))
        self._store(values)

    def _store(self, words: List[str]) -> None:
        """A statement of words (its name first) read in one go: as :func:`_statement`."""
        first = words[0]
        if first.startswith("#"):
            if len(self.stack) == 1:
                self.header[first[1:]] = " ".join(words[1:])
            else:
                self.stack[-1].meta[first[1:]] = words[1:]
            return
        self.stack[-1].attrs[first] = words[1:]

    def _tokens(self, data: Any, pos: Any) -> None:
        """The general case: quoted strings, braces and bare words anywhere on the line."""
        size = len(data)
        while True:
            pos = _SPACE.match(data, pos).end()
            if pos >= size:
                self._end_statement()
                return
            char = data[pos]
            if not self.statement:
                self.statement_line = self.line
            if char == 34:      # "
                end = quoted_end(data, pos + 1)
                if end < 0:
                    self.string = [data[pos + 1:] + b"\n"]
                    self.string_size = size - pos
                    return
                self.statement.append(("q", _unescape(_decode(data[pos + 1:end]))))
                pos = end + 1
            elif char == 123:   # {
                self._open()
                pos += 1
            elif char == 125:   # }
                self._end_statement()
                self._close()
                pos += 1
            else:
                bare = _BARE.match(data, pos)
                self.statement.append(("w", _decode(bare.group(0))))
                pos = bare.end()

    def _continue_string(self, line: Any) -> None:
        end = quoted_end(line, 0)
        if end < 0:
            self.string.append(line)
            self.string_size += len(line)
            if self.string_size > MAX_STRING:
                raise ProjectFormatError(self.path, self.statement_line, "a quoted string "
                                         "longer than {0} bytes".format(MAX_STRING))
            return
        self.string.append(line[:end])
        value = b"".join(self.string)
        self.string = None
        self.statement.append(("q", _unescape(_decode(value))))
        self._tokens(line.rstrip(b"\r\n"), end + 1)

    def _end_statement(self) -> None:
        if self.statement:
            statement = self.statement
            self.statement = []
            _statement(statement, self.stack, self.header, self.path, self.statement_line)

    def _open(self) -> None:
        statement = self.statement + [("{", "{")]
        self.statement = []
        _open_block(statement, self.stack, self.path, self.statement_line)

    def _close(self) -> None:
        if len(self.stack) == 1:
            raise ProjectFormatError(self.path, self.line, "'}' without a matching '{'")
        self.stack.pop()

    def finish(self) -> Any:
        if self.string is not None:
            raise ProjectFormatError(self.path, self.line, "unterminated quoted string")
        self._end_statement()
        stack = self.stack
        if len(stack) != 1:
            raise ProjectFormatError(self.path, stack[-1].line,
                                     "block {0!r} is never closed".format(stack[-1].kind))
        if not self.header and not self.root.children:
            raise ProjectFormatError(self.path, 0, "no Isotropix header and no block: not a "
                                                   "Clarisse project")
        return Project(self.path, self.header, self.root)


def _open_block(statement: Any, stack: Any, path: Any, line: Any) -> None:
    words = statement[:-1]
    if not words or words[0][0] != "w":
        raise ProjectFormatError(path, line, "'{' without a block name")
    _push_block(stack, words[0][1], words[1][1] if len(words) > 1 else None, path, line)


def _push_block(stack: List["Block"], kind: str, label: Optional[str], path: str,
                line: int) -> None:
    if len(stack) > MAX_DEPTH:
        raise ProjectFormatError(path, line, "blocks nested deeper than {0}".format(MAX_DEPTH))
    block = Block(kind, label, line)
    stack[-1].children.append(block)
    stack.append(block)


def _statement(statement: Any, stack: Any, header: Any, path: Any, line: Any) -> None:
    kind, first = statement[0]
    if kind != "w":
        raise ProjectFormatError(path, line, "a statement starts with a quoted string")
    values = [value for _, value in statement[1:]]
    block = stack[-1]
    if first.startswith("#"):
        if len(stack) == 1:
            header[first[1:]] = " ".join(values)
        else:
            block.meta[first[1:]] = values
        return
    block.attrs[first] = values


class _Skipper(object):
    """Feed a lean parser whole blocks of lines, skipping what :class:`Pruning` allows.

    Between two marked lines, complete blocks are jumped over with counts of braces done by
    ``bytes`` methods (C loops); only the blocks holding marked lines, and the stretches
    whose braces cannot be counted that way, are read line by line.
    """

    def __init__(self, parser: _Parser, pruning: Pruning) -> None:
        self.parser = parser
        self.pruning = pruning
        self.skipped = False
        self._data = b""
        self._next: Dict[Any, int] = {}
        # id of an open block -> indentation of its header line
        self._indents: Dict[int, bytes] = {}
        # id of a block -> :meth:`Pruning.container` of it (the blocks live as long as this)
        self._kinds: Dict[int, Optional[str]] = {}
        # line -> whether ``reads_line`` reads it (bounded: :data:`_MAX_VERDICTS`)
        self._verdicts: Dict[bytes, bool] = {}

    def feed(self, data: bytes) -> None:
        """Feed a block of whole lines (bytes)."""
        self._data = data
        self._next = {}
        parser = self.parser
        pos = 0
        size = len(data)
        tried = -1      # where an object was last found not flat
        while pos < size:
            kind = self._container()
            if kind is not None and kind.startswith(_OBJECTS) and pos != tried:
                end = self._read_flat_object(kind, pos)
                if end is not None:
                    pos = end
                    continue
            elif kind is not None and _OBJECTS + kind in self.pruning.markers:
                end = self._read_next_object(kind, pos)
                if end is not None:
                    pos = end
                    continue
            if kind is not None:
                end = self._skip_end(kind, pos)
                if end > pos:
                    parser.line += data.count(b"\n", pos, end)
                    self.skipped = True
                    parser.stack[-1].pruned = True
                    pos = end
                # What ends a skipped stretch is read: a marked line, the header of the
                # block holding one, the container's end or the end of the data.
                stop = data.find(b"\n", pos) + 1 or size
                lines: Any = (data[pos:stop],) if stop > pos else ()
            else:
                stop = self._next_brace_line(pos)
                lines = io.BytesIO(data[pos:stop])
            depth = len(parser.stack)
            parser.feed_lines(lines)
            if len(parser.stack) == depth + 1:
                # A header was read: most often an object's, read at once when flat.
                inner = self._container()
                if inner is not None and inner.startswith(_OBJECTS):
                    end = self._read_flat_object(inner, stop)
                    if end is not None:
                        pos = end
                        continue
                    tried = stop
                self._remember_indent(pos, stop)
            pos = stop

    def _remember_indent(self, pos: int, stop: int) -> None:
        """Note the indentation of the header just read (its closing line likely has it)."""
        header = self._data[self._data.rfind(b"\n", pos, stop - 1) + 1 or pos:stop]
        self._indents[id(self.parser.stack[-1])] = header[:len(header) - len(header.lstrip())]

    def _read_next_object(self, kind: str, pos: int) -> Optional[int]:
        """Skip to the object holding the next marked line and read it, in one step.

        The common case inside a container: complete blocks, then an object whose header
        ends its line, with no child block, closed by a ``}`` alone on its line. One count
        of braces (:func:`_balance`) checks the skipped blocks and the object together.

        Returns:
            int or None: Where reading goes on; None when the case does not apply (then
            nothing was read).
        """
        data = self._data
        marked = self._marked(kind, pos)
        brace = data.rfind(b"{", pos, marked)
        if brace < 0:
            return None
        close = data.find(b"}", brace)
        header_end = data.find(b"\n", brace) + 1
        if close < marked or not header_end or header_end > marked:
            return None
        header = data.rfind(b"\n", pos, brace) + 1 or pos
        close_start = data.rfind(b"\n", marked, close) + 1
        close_end = data.find(b"\n", close) + 1 or len(data)
        if (not close_start or data[close_start:close_end].strip() != b"}"
                or data.find(b"}", header, brace) >= 0
                or data.find(b"{", header_end, close_start) >= 0
                or _balance(data[pos:close_start]) != (0, 1)):
            return None
        parser = self.parser
        if header > pos:
            parser.line += data.count(b"\n", pos, header)
            self.skipped = True
            parser.stack[-1].pruned = True
        depth = len(parser.stack)
        parser.feed_lines((data[header:header_end],))
        inner = self._container() if len(parser.stack) == depth + 1 else None
        if inner is None or not inner.startswith(_OBJECTS):
            if len(parser.stack) == depth + 1:
                self._remember_indent(header, header_end)
            return header_end
        return self._read_flat_body(inner, header_end, close_start, close_end)

    def _read_flat_object(self, kind: str, pos: int) -> Optional[int]:
        """Read the rest of an object that has no child block left, in one go.

        Only its marked lines are fed to the parser, then its closing line.

        Returns:
            int or None: Where the object ends; None when it does not qualify (a child block,
            a string that hides braces, its end beyond the data): it is then read in steps.
        """
        data = self._data
        close = data.find(b"}", pos)
        if close < 0:
            return None
        start = data.rfind(b"\n", pos, close) + 1 or pos
        stop = data.find(b"\n", close) + 1 or len(data)
        if data[start:stop].strip() != b"}" or data.find(b"{", pos, start) >= 0:
            return None
        if _balance(data[pos:start]) != (0, 0):
            return None
        return self._read_flat_body(kind, pos, start, stop)

    def _read_flat_body(self, kind: str, pos: int, start: int, stop: int) -> int:
        """Read the object whose body is ``[pos, start)`` and whose ``}`` line ends at ``stop``.

        The body has no brace and no backslash, and its strings close on their lines.
        """
        data = self._data
        parser = self.parser
        first_line = parser.line
        kept = 0
        for line_start in self._marked_starts(kind, pos, start):
            line_end = data.find(b"\n", line_start, start) + 1 or start
            parser.line = first_line + data.count(b"\n", pos, line_start)
            parser.feed_attribute(data[line_start:line_end])
            kept += 1
        lines = data.count(b"\n", pos, start)
        parser.line = first_line + lines + 1
        if kept < lines:
            self.skipped = True
            parser.stack[-1].pruned = True
        parser.close_block()   # the line is ``}`` (checked above)
        return stop

    def _marked_starts(self, kind: str, low: int, high: int) -> List[int]:
        """Starts of the lines in ``[low, high)`` holding a marker of ``kind`` that are read.

        Found with :meth:`_marked_line`, whose answers the searches for the next marked line
        share: each marker's occurrences are looked at once along the data.
        """
        starts = []
        data = self._data
        size = len(data)
        remembered = self._next
        shared, own = self.pruning.split_markers(kind)
        for marker in own:
            # Searched inside the object only: the container's searches never look for it.
            found = data.find(marker, low, high)
            while found >= 0:
                start = data.rfind(b"\n", low, found) + 1 or low
                following = data.find(b"\n", found, high) + 1 or high
                if self._reads(data[start:following]):
                    starts.append(start)
                found = data.find(marker, following, high)
        for marker in shared:
            start = remembered.get(marker, -1)
            if start < low and start != size:
                start = self._marked_line(marker, low)
            while start < high:
                starts.append(start)
                following = data.find(b"\n", start, high) + 1
                if not following:
                    break
                start = self._marked_line(marker, following) if following < size else size
        if len(starts) > 1:
            starts = sorted(set(starts))
        return starts

    def _next_brace_line(self, pos: int) -> int:
        """End of the line holding the next brace: only such a line changes the block read."""
        data = self._data
        brace = min(self._find(b"{", pos), self._find(b"}", pos))
        return data.find(b"\n", brace) + 1 or len(data)

    def _find(self, text: bytes, pos: int) -> int:
        """``data.find(text, pos)`` (the end of the data: none), remembered along the data."""
        found = self._next.get(text, -1)
        if found < pos and found != len(self._data):
            found = self._data.find(text, pos)
            found = len(self._data) if found < 0 else found
            self._next[text] = found
        return found

    def _container(self) -> Optional[str]:
        parser = self.parser
        stack = parser.stack
        if parser.string is not None or len(stack) + _MAX_SKIP_DEPTH > MAX_DEPTH:
            return None
        # A block's answer depends on it and its parent only: asked once per block.
        key = id(stack[-1])
        kinds = self._kinds
        if key not in kinds:
            kinds[key] = self.pruning.container(stack)
        return kinds[key]

    def _marked(self, kind: str, pos: int) -> int:
        """Start of the first marked line at or after ``pos`` (the end of the data: none)."""
        data = self._data
        first = self._next.get(kind, -1)
        if first >= pos:
            return first
        size = first = len(data)
        remembered = self._next
        for marker in self.pruning.markers_of[kind]:
            start = remembered.get(marker, -1)
            if start < pos and start != size:
                start = self._marked_line(marker, pos)
            if start < first:
                first = start
        remembered[kind] = first
        return first

    def _marked_line(self, marker: Any, pos: int) -> int:
        """Start of the first line at or after ``pos`` holding ``marker`` that is read."""
        data = self._data
        size = len(data)
        start = self._next.get(marker, -1)
        if start >= pos or start == size:
            return start
        search = pos
        while True:
            if isinstance(marker, bytes):
                found = data.find(marker, search)
            else:
                match = marker.search(data, search)
                found = -1 if match is None else match.start()
            if found < 0:
                start = size
                break
            start = data.rfind(b"\n", pos, found) + 1 or pos
            search = data.find(b"\n", found) + 1 or size
            if self._reads(data[start:search]):
                break
        self._next[marker] = start
        return start

    def _reads(self, line: bytes) -> bool:
        """``reads_line(line)``, remembered: the same lines recur (and several markers hit one)."""
        reads_line = self.pruning.reads_line
        if reads_line is None:
            return True
        verdicts = self._verdicts
        verdict = verdicts.get(line)
        if verdict is None:
            verdict = bool(reads_line(line))
            if len(verdicts) < _MAX_VERDICTS and len(line) <= _MAX_VERDICT_LINE:
                verdicts[line] = verdict
        return verdict

    def _skip_end(self, kind: str, pos: int) -> int:
        """Where the stretch of complete blocks starting at ``pos`` ends (``pos``: none)."""
        data = self._data
        end = self._marked(kind, pos)
        if end <= pos:
            return pos
        balance = _balance(data[pos:end])
        if balance is None:
            return pos
        closes, opens = balance
        if closes:
            end = self._closing_line(pos, end)
            balance = _balance(data[pos:end])
            if end <= pos or balance is None:
                return pos
            closes, opens = balance
        if opens:
            end = _outermost_open(data, pos, end, opens)
        return end

    def _closing_line(self, pos: int, end: int) -> int:
        """Start of the line in ``[pos, end)`` whose brace closes the container.

        Most often the first ``}`` after ``pos``, alone on its line, closes it (a block
        without child blocks left), or the first ``}`` line indented as the container's
        header; each guess is checked (the braces before it balance). Else the braces are
        followed one by one (:func:`_first_close`), and past a few dozen of them
        :meth:`_before_close` bisects.
        """
        data = self._data
        brace = data.find(b"}", pos, end)
        guesses = [data.rfind(b"\n", pos, brace) + 1 or pos]
        indent = self._indents.get(id(self.parser.stack[-1]))
        if indent is not None and pos:
            found = data.find(b"\n" + indent + b"}", pos - 1, end)
            if found >= 0:
                guesses.append(found + 1)
        for start in guesses:
            stop = data.find(b"\n", start) + 1 or len(data)
            if data[start:stop].strip() == b"}" and _balance(data[pos:start]) == (0, 0):
                return start
        return _first_close(data, pos, end) or self._before_close(pos, end)

    def _before_close(self, pos: int, end: int) -> int:
        """Last line start in ``[pos, end)`` before which no brace closes the container.

        ``[pos, end)`` is a stretch whose braces count (:func:`_balance`), so is every part
        of it cut at line starts; the unmatched closes only grow along it: a bisection.
        """
        data = self._data
        low, high = pos, end      # [pos, low) closes nothing; [pos, high) closes a block
        while True:
            middle = data.rfind(b"\n", low, (low + high) // 2) + 1
            if middle <= low:
                middle = data.find(b"\n", (low + high) // 2, high) + 1
                if middle <= low or middle >= high:
                    return low
            balance = _balance(data[pos:middle])
            if balance is not None and not balance[0]:
                low = middle
            else:
                high = middle


def _balance(stretch: bytes) -> Optional[Tuple[int, int]]:
    """``(closes, opens)`` left unmatched in ``stretch``, or None when they cannot be counted.

    Braces count only outside quoted strings: the stretch is refused when a string holds a
    brace, a newline or a backslash (it is then read line by line).
    """
    marks = stretch.translate(None, _NOT_STRUCTURE)
    if b"\\" in marks:
        return None
    marks = marks.replace(b'""', b"")
    if b'"' in marks:
        return None
    braces = marks.replace(b"\n", b"")
    for _ in range(_MAX_SKIP_DEPTH):
        if b"{}" not in braces:
            break
        braces = braces.replace(b"{}", b"")
    else:
        if b"{}" in braces:
            return None
    closes = braces.count(b"}")
    return closes, len(braces) - closes


def _first_close(data: bytes, pos: int, end: int, limit: int = 64) -> int:
    """Start of the line in ``[pos, end)`` whose ``}`` closes the block ``pos`` is in.

    The braces of ``[pos, end)`` must count (:func:`_balance` said so). 0 when none of the
    first ``limit`` closing braces does.
    """
    depth = 0
    cursor = pos
    for _ in range(limit):
        brace = data.find(b"}", cursor, end)
        if brace < 0:
            return 0
        depth += data.count(b"{", cursor, brace) - 1
        if depth < 0:
            return data.rfind(b"\n", pos, brace) + 1 or pos
        cursor = brace + 1
    return 0


def _outermost_open(data: bytes, pos: int, end: int, opens: int) -> int:
    """Start of the line holding the outermost of the ``opens`` braces left open at ``end``.

    ``pos`` when that line also closes a block: the stretch before it is not whole blocks.
    """
    depth = 0
    cursor = end
    while True:
        brace = max(data.rfind(b"{", pos, cursor), data.rfind(b"}", pos, cursor))
        if data[brace] == 125:
            depth += 1
        elif depth:
            depth -= 1
        else:
            opens -= 1
            if not opens:
                start = data.rfind(b"\n", pos, brace) + 1 or pos
                # A brace closing an earlier block on the header's line: the stretch up to
                # that line is not made of whole blocks; read it as it comes.
                return pos if data.find(b"}", start, brace) >= 0 else start
        cursor = brace
