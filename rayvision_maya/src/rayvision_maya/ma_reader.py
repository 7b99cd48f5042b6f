"""Streaming reader of Maya ASCII (.ma) files: what the analysis needs, nothing more.

A .ma file is a MEL script: ``requires``, ``fileInfo``, ``file -r`` (references),
``createNode``/``select`` followed by indented ``setAttr`` lines, ``connectAttr``... Most of
a big scene is mesh data on continuation lines. The reader never looks at those in Python:
it reads the file in large blocks and lets one compiled regex find the few statements that
matter (top-level commands, string ``setAttr`` lines, render-layer adjustment connections).
The nodes that matter as a whole (cameras, render layers, render settings, nodes naming
files) are parsed statement by statement, within their own lines only.

The reader never raises on bad content: unknown or broken statements are skipped, a file
without the closing ``// End of`` line is flagged ``complete = False``. Memory stays bounded
whatever the input: the file is streamed in blocks (never read or mapped whole), a statement
or node body is looked at up to :data:`MAX_STATEMENT` bytes, and the records kept per scene
are capped (:data:`MAX_RECORDS`; ``capped`` says when a cap was reached).
"""

import collections
import re
from typing import Any, Dict, List, Optional, Tuple

from rayvision_maya import mel
from rayvision_maya.dcc.tables import CAMERA_TYPES, FILE_ATTRIBUTES
from rayvision_utils.scene_input import PendingDigest, open_scene

# Bytes read at a time: small enough to stay in the CPU caches while scanned and hashed.
BLOCK_SIZE = 1024 * 1024
# Longest statement / node body looked at; beyond, the rest is skipped (broken or garbage
# input must not make the reader buffer the whole file).
MAX_STATEMENT = 4 * 1024 * 1024
# Longest statement tokenized; longer ones are skipped (see _scan).
MAX_PARSED = 256 * 1024
# Most records of each kind kept (nodes, path-like strings, DAG parents, connections...):
# far above real scenes, low enough that a hostile file cannot exhaust memory.
MAX_RECORDS = 200000

# Statements of interest. Every MEL statement ends with ';' at the end of its line, so the
# pattern starts with that ';': the regex engine skips from one ';' to the next (one per
# statement) instead of stopping at every line of mesh data. The statement itself (group 1)
# starts on the next line; what matched is told by its first bytes. The scan starts with a
# ";\n" in front of the first statement.
_STATEMENT = re.compile(
    rb";[ \t\r]*\n([\t ]+setAttr[ \t][^\n]*?-type \"string"
    rb"|c(?:reateNode[ \t]|urrentUnit[ \t]|onnectAttr[ \t][^\n]*\.(?:adjs\[|pls\"|sel\"))"
    rb"|select[ \t]|file(?:Info)?[ \t]|requires[ \t])")
# ``createNode <type> [-s|-ss] -n "<name>" [-p "<parent>"];`` as Maya writes it.
_SIMPLE_CREATE_NODE = re.compile(
    rb'createNode[ \t]+([^\s";]+)(?:[ \t]+-(?:s|ss|shared|skipSelect))*'
    rb'[ \t]+-n(?:ame)?[ \t]+"([^"\\\n]+)"(?:[ \t]+-p(?:arent)?[ \t]+"([^"\\\n]+)")?'
    rb'(?:[ \t]+-(?:s|ss|shared|skipSelect))*[ \t]*;$')
# ``setAttr ".attr" -type "string" "value";`` without escapes, as most are written.
_SIMPLE_STRING_SETATTR = re.compile(
    rb'setAttr[ \t]+"\.([^"\\\s]+)"[ \t]+-type[ \t]+"string"[ \t]+"([^"\\\n]*)"[ \t]*;$')
# Comment lines opening a .ma file (before its first statement).
_LEADING_COMMENTS: Any = re.compile(  # matches everywhere
    rb"(?://[^\n]*\n)*")
# The start of the next line that is not indented: where a node's statements end.
_NEXT_TOP_LEVEL = re.compile(rb"\n[^\t \r\n]")
# A statement ends with ';' at the end of a line.
_STATEMENT_END = re.compile(rb";[ \t\r]*\n")
_STATEMENT_END_OR_EOF = re.compile(rb";[ \t\r]*(?:\n|$)")
_CODESET = re.compile(rb"^//Codeset: *([^\r\n]+)", re.M)
_HEADER_VERSION = re.compile(rb"^//Maya ASCII ([^\s]+) scene", re.M)

# Node types parsed as a whole.
_RENDER_TYPES = frozenset(["renderLayer", "renderSetupLayer", "renderGlobals", "resolution",
                           "aiOptions", "aiAOVDriver", "VRaySettingsNode", "RedshiftOptions",
                           "time"])
# Render Setup nodes whose overrides are read (render settings, cameras).
RENDER_SETUP_TYPES = frozenset(["renderSettingsCollection", "collection", "absOverride",
                                "absUniqueOverride", "relOverride", "relUniqueOverride",
                                "simpleSelector"])
# DAG node types whose parent is remembered (the ancestors of cameras): full DAG paths.
_DAG_PARENT_TYPES = frozenset([b"transform", b"joint"])
# Reference nodes: their ``.ed`` holds the edits the scene makes to referenced nodes.
_REFERENCE_TYPES = frozenset(["reference"])
WHOLE_NODE_TYPES = (frozenset(FILE_ATTRIBUTES) | frozenset(CAMERA_TYPES) | _RENDER_TYPES
                    | RENDER_SETUP_TYPES | _REFERENCE_TYPES)
_WHOLE_NODE_TYPES_BYTES = frozenset(name.encode("ascii") for name in WHOLE_NODE_TYPES)

# Shared nodes reached with ``select -ne :name`` and their types.
SHARED_NODES = {
    "defaultRenderGlobals": "renderGlobals",
    "defaultResolution": "resolution",
    "defaultArnoldDriver": "aiAOVDriver",
    "defaultArnoldRenderOptions": "aiOptions",
    "vraySettings": "VRaySettingsNode",
    "redshiftOptions": "RedshiftOptions",
    "time1": "time",
}

# Windows code pages named by ``//Codeset:`` -> Python codecs.
_CODEPAGES = {"936": "gbk", "950": "big5", "932": "cp932", "949": "cp949", "65001": "utf-8",
              "1252": "cp1252", "1251": "cp1251"}

# Strings worth checking as file paths (a separator, and an extension or a token).
_PATH_LIKE = re.compile(rb"[/\\][^/\\]*(?:\.[A-Za-z0-9]{1,8}|<[A-Za-z]+>|#)[^/\\]*$")
_MAX_PATH = 4096

Node = collections.namedtuple("Node", "type name parent attrs")
Reference = collections.namedtuple("Reference", "path namespace rfn deferred depth file_type")
StringAttr = collections.namedtuple("StringAttr", "node type attr value")
# A reference edit ``setAttr``: the referenced node (as the scene names it), attribute, value.
ReferenceEdit = collections.namedtuple("ReferenceEdit", "node attr value")


class MayaAsciiScene(object):
    """What a .ma file says about render settings, plugins and external files.

    Attributes:
        header_version (str): From ``//Maya ASCII <v> scene``.
        codeset (str): Python codec used for strings (``//Codeset:``).
        requires (OrderedDict): ``requires`` plugin name -> version (``maya`` included).
        file_info (dict): ``fileInfo`` key -> value.
        time_unit (str): ``currentUnit -t`` value (``film`` = 24 fps...).
        nodes (OrderedDict): name -> :class:`Node` for the node types parsed as a whole.
        string_attrs (list): :class:`StringAttr` of other nodes whose value looks like a path.
        references (list): :class:`Reference` of ``file -r`` / ``file -rdi`` statements.
        adjustments (list): ``(source plug, layer, index)`` of legacy layer overrides.
        render_setup_parents (list): ``(child, parent)`` of the Render Setup tree (layers,
            collections, overrides).
        selectors (dict): Render Setup collection -> its selector node.
        dag_parents (dict): transform name -> parent as written (``-p``), for DAG paths.
        reference_edits (list): :class:`ReferenceEdit` of the ``setAttr`` edits the scene's
            reference nodes store (``.ed``) for nodes of referenced files.
        complete (bool): The file ends with its ``// End of`` line.
        capped (bool): A limit was reached (more than :data:`MAX_RECORDS` records of one
            kind, or a statement longer than :data:`MAX_PARSED`): some facts were skipped.
        digest (PendingDigest): md5 of the file, possibly still being computed, when
            :func:`read_scene` was asked for it (else None); :attr:`hexdigest` waits for it.
    """

    def __init__(self, namespace: str = "") -> None:
        self.namespace = namespace
        self.header_version: Optional[str] = None
        self.codeset = "utf-8"
        self.requires: Dict[Any, Any] = collections.OrderedDict()
        self.file_info: Dict[Any, Any] = collections.OrderedDict()
        self.time_unit = "film"
        self.nodes: Dict[Any, Any] = collections.OrderedDict()
        self.string_attrs: List[Any] = []
        self.references: List[Any] = []
        self.adjustments: List[Any] = []
        self.render_setup_parents: List[Any] = []
        self.selectors: Dict[Any, Any] = {}
        self.dag_parents: Dict[Any, Any] = {}
        self.reference_edits: List[Any] = []
        self.complete = False
        self.capped = False
        self.digest: Optional[PendingDigest] = None
        self.bytes_read = 0
        self._tail = b""
        # (type, name) of the node that string setAttr lines belong to
        self._current: Optional[Tuple[Any, Any]] = None

    @property
    def hexdigest(self) -> Optional[str]:
        """md5 of the file when :func:`read_scene` was asked for it, else None."""
        return self.digest.result() if self.digest is not None else None

    # ------------------------------------------------------------------ decoding

    def text(self, raw: bytes) -> str:
        """Decode scene bytes with the scene's code page, falling back, never failing."""
        for codec in (self.codeset, "utf-8", "gbk"):
            try:
                return raw.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
        return raw.decode("utf-8", "replace")

    def _name(self, raw: Any) -> Any:
        name = self.text(raw).lstrip(":")
        if self.namespace and name not in SHARED_NODES:
            return self.namespace + ":" + name
        return name

    # ------------------------------------------------------------------ reading

    def read(self, stream: Any, block_size: int = BLOCK_SIZE) -> "MayaAsciiScene":
        """Read a whole .ma stream (binary, anything with ``read(size)``); returns self.

        Args:
            stream: The scene's bytes.
            block_size (int): Bytes read at a time.
        """
        carry = b""
        head = b""
        header_done = False
        while True:
            data = stream.read(block_size)
            self.bytes_read += len(data)
            self._tail = (self._tail + data[-4096:])[-4096:]
            eof = not data
            buffer = carry + data
            if not header_done:
                # The code page in the header decides how strings are decoded: read it
                # before scanning anything.
                head += data[:4096 - len(head)]
                if len(head) < 4096 and not eof:
                    carry = buffer
                    continue
                self._read_header(head)
                header_done = True
                buffer = b";\n" + buffer[_LEADING_COMMENTS.match(head).end():]
            if eof:
                if not buffer.endswith(b"\n"):
                    buffer += b"\n"
                self._scan(buffer, len(buffer), len(buffer), eof)
                break
            carry = self._scan_block(buffer)
        return self

    def _scan_block(self, buffer: Any) -> Any:
        """Scan what can be decided in ``buffer`` (not the end of a file); return the rest.

        A statement is matched from the ';' ending the line before it to the end of its
        own first line: ';' on the last complete line wait for the next block.
        """
        last_newline = buffer.rfind(b"\n")
        if last_newline < 0:
            # No line end at all: only a ';' and blanks at the very end may still matter.
            return buffer if len(buffer) <= MAX_STATEMENT else buffer[-64:]
        limit = buffer.rfind(b"\n", 0, last_newline) + 1
        carry = self._scan(buffer, limit, last_newline + 1, False)
        if len(carry) - carry.rfind(b"\n") > MAX_STATEMENT:
            # An endless line: a statement starting before it is longer than any looked
            # at; keep only what may still end a line with ';'.
            self.capped = True
            return carry[-64:]
        return carry

    def read_buffer(self, buffer: Any, block_size: int = BLOCK_SIZE) -> "MayaAsciiScene":
        """Read a whole .ma held in a bytes-like object (bytes, mmap); returns self.

        Same result as :meth:`read`; the buffer is read block by block, never copied whole.
        """
        return self.read(_BufferReader(buffer), block_size)

    def _read_header(self, data: Any) -> None:
        head = data[:4096]
        codeset = _CODESET.search(head)
        if codeset:
            name = codeset.group(1).strip().decode("ascii", "replace")
            self.codeset = _CODEPAGES.get(name, name.lower())
            try:
                b"".decode(self.codeset)
            except LookupError:
                self.codeset = "utf-8"
        version = _HEADER_VERSION.search(head)
        if version:
            self.header_version = version.group(1).decode("ascii", "replace")

    def _scan(self, buffer: Any, limit: Any, endpos: Any, eof: Any) -> Any:
        """Handle the statements whose ';' lies before ``limit``; return the carry-over."""
        skip_until = 0
        for match in _STATEMENT.finditer(buffer, 0, endpos):
            if match.start() >= limit:
                break
            start = match.start(1)
            if start < skip_until:
                continue
            end = self._statement_end(buffer, start, eof)
            if end < 0:
                return buffer[match.start():]
            statement = buffer[start:end]
            head = statement[:4]
            if end - start > MAX_PARSED:
                # Too long to be a path, a node's identity or a reference: garbage (or a
                # script body), not tokenized (the cost would grow with its length).
                self.capped = True
                if head in (b"crea", b"sele"):
                    self._current = None
                continue
            if head[:1] in (b"\t", b" "):
                self._string_setattr(statement)
            elif head == b"conn":
                self._connect(statement)
            elif head in (b"crea", b"sele"):
                node_end = self._open_node(b"createNode" if head == b"crea" else b"select",
                                           statement, buffer, end, eof)
                if node_end < 0:
                    return buffer[match.start():]
                skip_until = node_end
            elif head == b"file":
                if statement[4:8] == b"Info":
                    self._file_info(statement)
                else:
                    self._reference(statement)
            elif head == b"requ":
                self._requires(statement)
            else:
                self._current_unit(statement)
        if eof:
            self.complete = bool(re.search(rb"\n//\s*End of [^\n]*\s*$", b"\n" + self._tail))
            return b""
        return buffer[limit:]

    @staticmethod
    def _statement_end(buffer: Any, start: Any, eof: Any) -> Any:
        """Index just after the statement at ``start`` (its ';'), -1 if it goes on."""
        bound = start + MAX_STATEMENT
        found = _STATEMENT_END.search(buffer, start + 1, bound)
        if found:
            return found.start() + 1
        if eof or len(buffer) >= bound:
            # No end in reach: take the first line only.
            line_end = buffer.find(b"\n", start + 1)
            return len(buffer) if line_end < 0 else line_end
        return -1

    # ------------------------------------------------------------------ statements

    def _open_node(self, command: Any, statement: Any, buffer: Any, end: Any, eof: Any) -> Any:
        if command == b"createNode":
            parts = statement.split(None, 2)
            if len(parts) < 2:
                self._current = None
                return end
            if parts[1] not in _WHOLE_NODE_TYPES_BYTES:
                # Most nodes: remember the statement, parse its name only if needed.
                self._current = (parts[1], statement)
                if parts[1] in _DAG_PARENT_TYPES and b"-p" in statement:
                    self._dag_parent(statement)
                return end
        node_type, name, parent = self._node_identity(command, statement)
        self._current = (node_type, name)
        if node_type not in WHOLE_NODE_TYPES:
            return end
        found = _NEXT_TOP_LEVEL.search(buffer, end, end + MAX_STATEMENT)
        if found:
            node_end = found.start()
        elif eof:
            node_end = len(buffer)
        elif len(buffer) >= end + MAX_STATEMENT:
            node_end = end + MAX_STATEMENT
        else:
            return -1
        node = self.nodes.get(name)
        if node is not None and parent is not None and node.parent != parent:
            # Same short name under another parent: a different node (DAG paths tell them
            # apart), kept under "parent|name".
            name = parent + "|" + name.rpartition("|")[2]
            node = self.nodes.get(name)
        if node is None or node.type != node_type:
            if len(self.nodes) >= MAX_RECORDS:
                self.capped = True
                return node_end
            node = Node(node_type, name, parent, {})
            self.nodes[name] = node
        self._current = (node_type, name)
        self._node_attributes(node, buffer[end:node_end])
        return node_end

    def _dag_parent(self, statement: Any) -> None:
        """Remember the parent of a transform (``createNode transform -n a -p b``)."""
        _, name, parent = self._node_identity(b"createNode", statement)
        if parent is None or name in self.dag_parents:
            return
        if len(self.dag_parents) >= MAX_RECORDS:
            self.capped = True
            return
        self.dag_parents[name] = parent

    def _node_identity(self, command: Any, statement: Any) -> Any:
        """``(type, name, parent)`` of a createNode or ``select -ne`` statement."""
        if command == b"createNode":
            # The form Maya writes, without escapes: no tokenizing needed.
            simple = _SIMPLE_CREATE_NODE.match(statement)
            if simple is not None:
                node_type, raw_name, parent = simple.groups()
                return (self.text(node_type), self._name(raw_name),
                        self._name(parent) if parent else None)
        tokens = mel.tokenize(statement)
        if command == b"createNode":
            node_type = self.text(tokens[1]) if len(tokens) > 1 else ""
            raw_name = _flag_argument(tokens, (b"-n", b"-name"))
            name = self._name(raw_name) if raw_name else node_type
            parent = _flag_argument(tokens, (b"-p", b"-parent"))
            return node_type, name, self._name(parent) if parent else None
        last = mel.unquote(tokens[-1]) if len(tokens) > 1 else b""
        bare = self.text(last).lstrip(":")
        return SHARED_NODES.get(bare, ""), self._name(last), None

    def _current_node(self) -> Any:
        """``(type, name)`` of the node string setAttr lines belong to, or None."""
        current = self._current
        if current is not None and isinstance(current[0], bytes):
            node_type, name, _ = self._node_identity(b"createNode", current[1])
            current = self._current = (node_type, name)
        return current

    def _node_attributes(self, node: Any, body: Any) -> None:
        """Parse the indented setAttr statements of one node."""
        for statement in _split_statements(body):
            if not statement.startswith(b"setAttr") or len(statement) > MAX_PARSED:
                continue
            simple = _SIMPLE_STRING_SETATTR.match(statement)
            if simple is not None:
                node.attrs[self.text(simple.group(1))] = self.text(simple.group(2))
                continue
            parsed = mel.parse_setattr(statement)
            if parsed is None:
                continue
            plug, data_type, values = parsed
            if data_type == b"dataReferenceEdits":
                self._reference_edits(values)
                continue
            attr = self.text(plug)
            if not attr.startswith("."):
                continue  # another node's plug: not this node's attribute
            attr = attr[1:]
            if data_type in (b"string", b"stringArray"):
                value = self._string_value(data_type, values)
            else:
                value = mel.parse_value(values)
            node.attrs[attr] = value

    def _reference_edits(self, tokens: Any) -> None:
        """Keep the ``setAttr`` edits (``2 "node" "attr" " value"``) of a ``.ed`` value.

        Other edits (connections, parenting, added attributes) have other codes and
        lengths; a setAttr edit's value is written with a leading blank (``" 1"``, or
        ``-type "string"`` and the quoted, escaped path), which tells it from the strings
        around it.
        """
        for index in range(len(tokens) - 3):
            if tokens[index] != b"2" or not all(mel.is_string(token)
                                                for token in tokens[index + 1:index + 4]):
                continue
            value = mel.unquote(tokens[index + 3])
            if value[:1] not in (b" ", b"\t"):
                continue
            parsed = mel.parse_setattr(b'setAttr "." ' + value)
            if parsed is None:
                continue
            _plug, data_type, values = parsed
            if data_type == b"string":
                value = self._string_value(data_type, values)
            elif data_type is None:
                value = mel.parse_value(values)
            else:
                continue  # matrices, arrays...: nothing the analysis reads
            if len(self.reference_edits) >= MAX_RECORDS:
                self.capped = True
                return
            # Nodes are named by their short names (DAG paths only where they collide).
            node = self._name(mel.unquote(tokens[index + 1]).rpartition(b"|")[2])
            self.reference_edits.append(ReferenceEdit(
                node, self.text(mel.unquote(tokens[index + 2])), value))

    def _string_value(self, data_type: Any, values: Any) -> Any:
        if data_type == b"stringArray":
            return [self.text(mel.unquote(token)) for token in values if mel.is_string(token)]
        joined = mel.join_strings(values)
        return self.text(joined) if joined is not None else ""

    def _string_setattr(self, statement: Any) -> None:
        """A string setAttr of a node not parsed as a whole: keep it if it looks like a path."""
        if self._current is not None and self._current[0] == b"script":
            return
        current = self._current_node()
        if current is None:
            return
        parsed = mel.parse_setattr(statement.lstrip())
        if parsed is None:
            return
        plug, data_type, values = parsed
        raw = mel.join_strings(values)
        if raw is None or len(raw) > _MAX_PATH or b"\n" in raw or not _PATH_LIKE.search(raw):
            return
        attr = self.text(plug)
        node_type, name = current
        if not attr.startswith("."):
            name, _, attr = attr.lstrip(":").partition(".")
            node_type = ""
            attr = "." + attr
        if len(self.string_attrs) >= MAX_RECORDS:
            self.capped = True
            return
        self.string_attrs.append(StringAttr(name, node_type, attr[1:], self.text(raw)))

    def _connect(self, statement: Any) -> None:
        tokens = mel.tokenize(statement)
        strings = [self.text(mel.unquote(token)) for token in tokens if mel.is_string(token)]
        if len(strings) < 2:
            return
        if len(self.render_setup_parents) + len(self.adjustments) + len(self.selectors) \
                >= MAX_RECORDS:
            self.capped = True
            return
        if strings[1].endswith(".sel") and strings[0].endswith(".c"):
            # Render Setup: "<selector>.c" -> "<collection>.sel".
            self.selectors[self._name(strings[1][:-4].encode("utf-8"))] = self._name(
                strings[0][:-2].encode("utf-8"))
            return
        if strings[1].endswith(".pls") and strings[0].endswith(".lit"):
            # Render Setup tree: "<parent>.lit" -> "<child>.pls".
            self.render_setup_parents.append((self._name(strings[1][:-4].encode("utf-8")),
                                              self._name(strings[0][:-4].encode("utf-8"))))
            return
        match = re.match(r"^:?([^.]+)\.adjs\[(\d+)\]\.(?:plg|plug)$", strings[1])
        if match:
            source = strings[0].lstrip(":")
            layer = match.group(1)
            if self.namespace:
                layer = self.namespace + ":" + layer
            self.adjustments.append((source, layer, int(match.group(2))))

    def _reference(self, statement: Any) -> None:
        tokens = mel.tokenize(statement)
        flags, path = mel.flag_values(tokens)
        if path is None or not (b"-r" in flags or b"-reference" in flags or b"-rdi" in flags):
            return
        depth = flags.get(b"-rdi")
        try:
            depth = int(depth) if depth not in (None, True) else 0
        except ValueError:
            depth = 0
        if len(self.references) >= MAX_RECORDS:
            self.capped = True
            return
        deferred = flags.get(b"-dr") in (b"1", b"true")
        namespace = flags.get(b"-ns")
        rfn = flags.get(b"-rfn")
        file_type = flags.get(b"-typ") or flags.get(b"-type")
        self.references.append(Reference(
            self.text(path),
            self.text(namespace) if isinstance(namespace, bytes) else "",
            # A reference node of a referenced scene carries its namespace, as in Maya.
            self._name(rfn) if isinstance(rfn, bytes) else "",
            deferred, depth,
            self.text(file_type) if isinstance(file_type, bytes) else ""))

    def _requires(self, statement: Any) -> None:
        tokens = mel.tokenize(statement)
        if len(tokens) >= 3 and mel.is_string(tokens[-1]) and tokens[-2][:1] != b"-":
            raw = tokens[-2]
            name = self.text(mel.unquote(raw) if mel.is_string(raw) else raw)
            self.requires[name] = self.text(mel.unquote(tokens[-1]))

    def _file_info(self, statement: Any) -> None:
        tokens = mel.tokenize(statement)
        if len(tokens) >= 3 and mel.is_string(tokens[1]) and mel.is_string(tokens[2]):
            self.file_info[self.text(mel.unquote(tokens[1]))] = self.text(
                mel.unquote(tokens[2]))

    def _current_unit(self, statement: Any) -> None:
        flags, _ = mel.flag_values(mel.tokenize(statement))
        unit = flags.get(b"-t") or flags.get(b"-time")
        if isinstance(unit, bytes):
            self.time_unit = self.text(unit)


def _flag_argument(tokens: Any, names: Any) -> Any:
    """The (unquoted) value following the first of ``names`` in ``tokens``, or None."""
    for index, token in enumerate(tokens[:-1]):
        if token in names:
            value = tokens[index + 1]
            return mel.unquote(value) if mel.is_string(value) else value
    return None


def _split_statements(body: Any) -> Any:
    """Statements of a node body, one at a time: each ends with ';' at the end of a line."""
    start = 0
    for end in _STATEMENT_END_OR_EOF.finditer(body):
        statement = body[start:end.start() + 1].strip()
        start = end.end()
        if statement:
            yield statement
        if start >= len(body):
            return
    rest = body[start:].strip()
    if rest:
        yield rest


class _BufferReader(object):
    """``read(size)`` over a bytes-like object, one block copied at a time."""

    def __init__(self, buffer: Any) -> None:
        self._view = memoryview(buffer)
        self._position = 0

    def read(self, size: int) -> bytes:
        start = self._position
        self._position = min(len(self._view), start + size)
        return self._view[start:self._position].tobytes()


def read_scene(path: str, namespace: str = "", block_size: int = BLOCK_SIZE,
               hash_name: Optional[str] = None) -> "MayaAsciiScene":
    """Read the .ma file at ``path`` into a :class:`MayaAsciiScene`.

    The file is opened through :func:`rayvision_utils.scene_input.open_scene` (devices,
    FIFOs and folders refused at once, typed errors) and streamed in blocks of
    ``block_size``: it is never held or mapped whole.

    Args:
        path (str): The scene.
        namespace (str): Namespace of a referenced scene (prefixed to its node names).
        block_size (int): Bytes read at a time.
        hash_name (str, optional): e.g. ``"md5"``: the file's digest is computed from the
            same reads (on a helper thread for big files, which may still be hashing when this
            returns) and set as ``scene.digest`` (``scene.hexdigest`` waits for it).

    Raises:
        rayvision_utils.scene_input.SceneInputError: The file cannot be read.
    """
    scene = MayaAsciiScene(namespace)
    with open_scene(path, hash_name=hash_name, decompress=False) as stream:
        scene.read(stream, block_size)
        if hash_name:
            scene.digest = stream.digest_later()
    return scene
