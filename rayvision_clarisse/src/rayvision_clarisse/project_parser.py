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
"""

import re

from rayvision_utils.exception.exception import AnalyseFailError

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\n)|([{}])|([^\s{}"]+)|(")', re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
#: Deepest block nesting accepted; real scenes stay far below (the UI layout reaches ~25).
MAX_DEPTH = 500


class ProjectFormatError(AnalyseFailError):
    """The text is not a readable Clarisse project.

    Attributes:
        path (str): The file (or ``"<text>"``).
        line (int): 1-based line of the problem (0 when not tied to a line).
        reason (str): What is wrong.
    """

    def __init__(self, path, line, reason):
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
    """

    __slots__ = ("kind", "label", "attrs", "meta", "children", "line")

    def __init__(self, kind, label=None, line=0):
        self.kind = kind
        self.label = label
        self.attrs = {}
        self.meta = {}
        self.children = []
        self.line = line

    @property
    def name(self):
        """The ``name`` attribute, else the label."""
        values = self.attrs.get("name")
        if values:
            return values[0]
        return self.label

    def attr(self, name, default=None):
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

    def find(self, kind):
        """Direct children of the given kind."""
        return [child for child in self.children if child.kind == kind]

    def walk(self):
        """This block and every block below it, depth first."""
        stack = [self]
        while stack:
            block = stack.pop()
            yield block
            stack.extend(reversed(block.children))

    def __repr__(self):
        return "Block({0!r}, {1!r}, line={2})".format(self.kind, self.name, self.line)


class Project(object):
    """A parsed project file.

    Attributes:
        path (str): Source file.
        header (dict): ``#Isotropix_...`` header lines -> value string.
        root (Block): Pseudo-block holding the top-level blocks and attributes.
    """

    def __init__(self, path, header, root):
        self.path = path
        self.header = header
        self.root = root

    @property
    def clarisse_version(self):
        """``#Isotropix_Clarisse_Version`` value (``'4'``), or None."""
        return self.header.get("Isotropix_Clarisse_Version")

    def contexts(self):
        """Top-level ``Context`` blocks."""
        return self.root.find("Context")

    def preferences(self):
        """The ``#preferences`` block, or None."""
        for child in self.root.children:
            if child.kind == "#preferences":
                return child
        return None


def _unescape(text):
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match.group(1), match.group(1)), text)


def read_project_file(path, encoding="utf-8"):
    """Parse a project file from disk (undecodable bytes are replaced, never fatal).

    Raises:
        ProjectFormatError: The text is not a Clarisse project.
        OSError: The file cannot be read.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    return parse_project(data, path, encoding)


def parse_project(text, path="<text>", encoding="utf-8"):
    """Parse project text (str or bytes) into a :class:`Project`.

    Raises:
        ProjectFormatError: Binary content, unbalanced braces, a header-less brace, or
            nesting deeper than :data:`MAX_DEPTH`.
    """
    if isinstance(text, (bytes, bytearray)):
        if b"\x00" in text[:4096]:
            raise ProjectFormatError(path, 0, "binary data, not a Clarisse project text file")
        text = bytes(text).decode(encoding, "replace")
    if not isinstance(text, str):
        raise ProjectFormatError(path, 0, "expected text, got {0}".format(type(text).__name__))
    if text.startswith(u"\ufeff"):
        text = text[1:]
    header = {}
    root = Block("<root>", line=0)
    stack = [root]
    statement = []
    line = 1
    statement_line = 1
    for match in _TOKEN.finditer(text):
        quoted, newline, brace, bare, stray = match.groups()
        if newline is not None:
            if statement:
                _statement(statement, stack, header, path, statement_line)
                statement = []
            line += 1
            statement_line = line
            continue
        if not statement:
            statement_line = line
        if quoted is not None:
            statement.append(("q", _unescape(quoted)))
            line += quoted.count("\n")
        elif brace == "{":
            statement.append(("{", "{"))
            _open_block(statement, stack, path, statement_line)
            statement = []
        elif brace == "}":
            if statement:
                _statement(statement, stack, header, path, statement_line)
                statement = []
            if len(stack) == 1:
                raise ProjectFormatError(path, line, "'}' without a matching '{'")
            stack.pop()
        elif bare is not None:
            statement.append(("w", bare))
        elif stray is not None:
            raise ProjectFormatError(path, line, "unterminated quoted string")
    if statement:
        _statement(statement, stack, header, path, statement_line)
    if len(stack) != 1:
        raise ProjectFormatError(path, stack[-1].line, "block {0!r} is never closed".format(
            stack[-1].kind))
    if not header and not root.children:
        raise ProjectFormatError(path, 0, "no Isotropix header and no block: not a Clarisse "
                                          "project")
    return Project(path, header, root)


def _open_block(statement, stack, path, line):
    words = statement[:-1]
    if not words or words[0][0] != "w":
        raise ProjectFormatError(path, line, "'{' without a block name")
    if len(stack) > MAX_DEPTH:
        raise ProjectFormatError(path, line, "blocks nested deeper than {0}".format(MAX_DEPTH))
    label = words[1][1] if len(words) > 1 else None
    block = Block(words[0][1], label, line)
    stack[-1].children.append(block)
    stack.append(block)


def _statement(statement, stack, header, path, line):
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
