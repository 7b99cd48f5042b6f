"""The file references written in the text formats a scene's dependencies may have.

Each reader takes an open :class:`~rayvision_utils.scene_input.SceneStream` and yields
``(label, reference)`` pairs: ``label`` says where the reference was written (``"subLayers"``,
``"image1.filename"``, ``"BitmapBuffer bitmap1.file"``, ``"src"``...), ``reference`` is the path
as written. They never execute or resolve anything, read line by line with a bounded line
length, and skip what they cannot read.

Formats (see docs/analysis.md, "Dependencies inside dependencies"):

* USD text layers (``.usda``, and ``.usd`` files that are text): ``@asset paths@`` of
  sub-layers, references, payloads and ``asset`` attributes;
* Arnold scene sources (``.ass``, ``.ass.gz``): ``filename``, ``dso`` and other file
  parameters of every node;
* V-Ray scenes (``.vrscene``): ``#include`` files and file parameters of every plugin;
* MaterialX (``.mtlx``): ``filename`` inputs (with ``fileprefix``) and ``xi:include`` files;
* OCIO configs (``.ocio``): the LUT files of ``src:`` entries, found along ``search_path``.
"""

import io
import re
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, List, Optional, Tuple, Union

from rayvision_utils.scene_input import SceneLimitError

if TYPE_CHECKING:
    from rayvision_utils.scene_input import SceneStream

#: Longest line read whole (longer lines are cut there: a path is never that long).
MAX_LINE = 1024 * 1024

_USD_ASSET = re.compile(r"@@@(.*?)@@@|@([^@\n]*)@")
_USD_ASSET_ATTR = re.compile(r"\basset(?:\[\])?\s+([\w:.]+)")
_USD_LIST_KEYS = ("subLayers", "payload", "references")
# Lines without these bytes cannot change what the readers find.
_USD_MARKERS = (b"@", b"[", b"]")
_VRSCENE_MARKERS = (b'"', b"{", b"}")
#: Largest OCIO config read (configs are small; a bigger file is not one).
MAX_OCIO_BYTES = 16 * 1024 * 1024

# Quoted values as an unrolled loop ("[^"\\]*(?:\\.[^"\\]*)*"): linear, no per-character
# backtracking state, whatever the line length.
_ASS_PARAM = re.compile(r'^\s*([A-Za-z_][\w.:]*)\s+(?:[A-Z]+\s+)?"([^"\\]*(?:\\.[^"\\]*)*)"')
_ASS_NAME = re.compile(r'^\s*name\s+"?([^"\s]+)"?')
#: Arnold parameters naming files besides any ``*filename*`` / ``*file*`` parameter.
_ASS_FILE_PARAMS = frozenset(["dso", "config", "texture", "map", "ies", "lut", "profile"])

_VRSCENE_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"')
_VRSCENE_PLUGIN = re.compile(r"^\s*([A-Za-z_]\w*)\s+([^\s{]+)\s*\{")
_VRSCENE_PARAM = re.compile(r'\b([A-Za-z_]\w*)\s*=\s*"([^"\\]*(?:\\.[^"\\]*)*)"')

_LONE_BACKSLASH = re.compile(r"\\(?!\")")
_XML_NAME = re.compile(br"/?([\w:.-]+)")
_XML_ATTR = re.compile(br"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
#: Longest MaterialX tag read (longer ones are skipped: no real tag is that long).
MAX_TAG = 64 * 1024

_YAML_KEY = re.compile(r"^\s*-?\s*(search_path|searchpath|src)\s*:\s*(.*?)\s*$")
_YAML_LIST_ITEM = re.compile(r"^\s*-\s+(\S.*?)\s*$")
_YAML_INLINE_SRC = re.compile(r"\bsrc\s*:\s*([^,}\s][^,}]*)")


def _text(line: bytes) -> str:
    return line.decode("utf-8", "replace")


def _lines(scene: "SceneStream",
           markers: Optional[Tuple[bytes, bytes, bytes]] = None) -> Iterator[str]:
    """Decoded lines; with ``markers`` (bytes), only the lines holding one of them.

    The test runs on the raw bytes, so the lines a reader has no use for (geometry, blank
    lines) cost no decoding.
    """
    for block in scene.iter_line_blocks(overflow="truncate"):
        if markers is None:
            for line in block:
                yield _text(line)
            continue
        data = _block_bytes(block)
        if data is not None and not any(marker in data for marker in markers):
            continue  # a whole block of nothing useful (a flood of blank lines...)
        for line in block:
            for marker in markers:
                if marker in line:
                    yield _text(line)
                    break


def _block_bytes(block: Iterable[bytes]) -> Optional[bytes]:
    """The bytes of a block of lines from ``iter_line_blocks`` (None for a short tuple)."""
    return block.getvalue() if isinstance(block, io.BytesIO) else None


def _unescape(value: str) -> str:
    r"""A quoted value with C-style escapes (``D:\\tex\\a.png``) as the path it stands for.

    Only when every backslash is doubled: an unescaped UNC path (``\\server\share``) has
    single ones and is kept as written.
    """
    if "\\" not in value:
        return value
    if _LONE_BACKSLASH.search(value.replace("\\\\", "")):
        return value
    return value.replace("\\\\", "\\").replace('\\"', '"')


def _file_param(name: str) -> bool:
    lowered = name.lower()
    return "file" in lowered or lowered in _ASS_FILE_PARAMS


def read_usda(scene: "SceneStream") -> Iterator[Tuple[str, str]]:
    """``(label, path)`` of the asset paths of a USD text layer (nothing for a binary crate).

    Labels: ``subLayers``, ``references``, ``payload`` (also inside ``prepend``/``append``
    list edits), the attribute name for ``asset`` attributes (``inputs:file``), else ``asset``.
    """
    if scene.head(5) != b"#usda":
        return
    open_list = None  # the list key whose [...] spans lines
    for line in _lines(scene, _USD_MARKERS):
        has_asset = "@" in line
        if not has_asset and open_list is None and "[" not in line:
            continue
        bare = _USD_ASSET.sub("@", line) if has_asset else line
        key_here = _usd_list_key(bare)
        if has_asset:
            label = open_list or key_here
            if label is None:
                attribute = _USD_ASSET_ATTR.search(bare)
                label = attribute.group(1) if attribute else "asset"
            for match in _USD_ASSET.finditer(line):
                path = match.group(1) if match.group(1) is not None else match.group(2)
                if path:
                    yield label, path
        if open_list is not None:
            if "]" in bare:
                open_list = None
        elif key_here is not None:
            after = bare.split(key_here, 1)[1]
            if "[" in after and "]" not in after.split("[", 1)[1]:
                open_list = key_here


def _usd_list_key(line: str) -> Optional[str]:
    for key in _USD_LIST_KEYS:
        if key in line:
            return key
    return None


def read_ass(scene: "SceneStream") -> Iterator[Tuple[str, str]]:
    """``(label, path)`` of the file parameters of an Arnold scene source.

    Labels: ``<node name>.<parameter>`` (``<node type>.<parameter>`` before the name is seen).
    Lines without a quote or ``name`` inside a node (geometry arrays, most of a big file) are
    passed over as bytes, never decoded.
    """
    node_type = None
    node_name = None
    previous = b""
    for block in scene.iter_line_blocks(overflow="truncate"):
        data = _block_bytes(block)
        if data is not None:
            if node_type is None and b"{" not in data:
                last = data.rstrip().rsplit(b"\n", 1)[-1]
                previous = last if last.strip() else previous
                continue  # no node opens here: only its last line may be a node type
            if node_type is not None and not any(
                    marker in data for marker in (b'"', b"name", b"}")):
                continue  # inside a node, nothing named, nothing closed
        for raw in block:
            if node_type is None:
                if b"{" in raw:
                    word = raw.split(b"{", 1)[0].strip() or previous.strip()
                    node_type, node_name = _text(word) or "node", None
                elif raw.strip():
                    previous = raw
                continue
            if b"}" in raw and raw.strip() == b"}":
                node_type = node_name = None
                previous = b""
                continue
            if b'"' not in raw and b"name" not in raw:
                continue
            line = _text(raw)
            name = _ASS_NAME.match(line)
            if name:
                node_name = name.group(1)
                continue
            if node_type.startswith("driver_"):
                continue  # output drivers name the images to write, not inputs
            param = _ASS_PARAM.match(line)
            if param and _file_param(param.group(1)) and param.group(2):
                yield ("{0}.{1}".format(node_name or node_type, param.group(1)),
                       _unescape(param.group(2)))


def read_vrscene(scene: "SceneStream") -> Iterator[Tuple[str, str]]:
    """``(label, path)`` of ``#include`` files and file parameters of a V-Ray scene.

    Labels: ``#include`` or ``<plugin type> <instance>.<parameter>``.
    """
    plugin = None
    for line in _lines(scene, _VRSCENE_MARKERS):
        include = _VRSCENE_INCLUDE.match(line)
        if include:
            yield "#include", include.group(1)
            continue
        header = _VRSCENE_PLUGIN.match(line)
        if header:
            plugin = "{0} {1}".format(header.group(1), header.group(2))
        if plugin is not None and plugin.startswith("SettingsOutput"):
            continue  # where the images are written, not an input
        for param in _VRSCENE_PARAM.finditer(line):
            if _file_param(param.group(1)) and param.group(2):
                yield ("{0}.{1}".format(plugin or "vrscene", param.group(1)),
                       _unescape(param.group(2)))
        if "}" in line:
            plugin = None


def read_mtlx(scene: "SceneStream", max_bytes: int = 16 * 1024 * 1024) -> Iterator[Tuple[str, str]]:
    """``(label, path)`` of ``filename`` inputs and ``xi:include`` files of a MaterialX document.

    ``fileprefix`` attributes of enclosing elements are put in front of relative values.
    Labels: ``<node>.<input>`` or ``xi:include``. Documents above ``max_bytes`` are refused
    (``SceneLimitError``): MaterialX files are small. Tags are found with plain searches for
    ``<`` and ``>`` (comments and declarations skipped), each at most ``MAX_TAG`` bytes.
    """
    data = scene.read_capped(max_bytes)
    prefixes = [b""]
    nodes = [b""]
    for closing, name, body, self_closing in _xml_tags(data):
        if closing:
            if len(prefixes) > 1:
                prefixes.pop()
                nodes.pop()
            continue
        attrs = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
                 for m in _XML_ATTR.finditer(body)}
        prefix = attrs.get(b"fileprefix", prefixes[-1])
        if name == b"xi:include" and attrs.get(b"href"):
            yield "xi:include", _text(attrs[b"href"])
        elif attrs.get(b"type") == b"filename" and attrs.get(b"value"):
            value = _text(attrs[b"value"])
            if prefix and not _looks_absolute(value):
                value = _text(prefix) + value
            yield ("{0}.{1}".format(_text(nodes[-1] or name), _text(attrs.get(b"name", b"value"))),
                   value)
        if not self_closing:
            prefixes.append(prefix)
            nodes.append(attrs.get(b"name", nodes[-1]))


def _xml_tags(data: bytes) -> Iterator[Tuple[bool, bytes, bytes, bool]]:
    """``(closing, name, attribute text, self_closing)`` of each element tag of ``data``."""
    position = 0
    find = data.find
    while True:
        start = find(b"<", position)
        if start < 0:
            return
        if data.startswith(b"<!--", start):
            end = find(b"-->", start + 4)
            if end < 0:
                return
            position = end + 3
            continue
        end = find(b">", start + 1)
        if end < 0:
            return
        position = end + 1
        if end - start > MAX_TAG or data[start + 1:start + 2] in (b"?", b"!"):
            continue
        inner = data[start + 1:end]
        match = _XML_NAME.match(inner)
        if match is None:
            continue
        yield (inner.startswith(b"/"), match.group(1), inner[match.end():],
               inner.endswith(b"/"))


def _looks_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path) is not None


def read_ocio(scene: "SceneStream") -> Iterator[Tuple[str, str]]:
    """``(label, path)`` of an OCIO config: ``search_path`` folders and ``src`` LUT files.

    ``search_path`` entries (label ``search_path``) are folders, not files: the follower looks
    the ``src`` names up in them. Both the v1 form (``search_path: luts:../shared``) and the
    v2 list form (``search_path:`` then ``- luts`` lines) are read.
    """
    if scene.size > MAX_OCIO_BYTES:
        raise SceneLimitError(scene.path, "is larger than {0} bytes, too large for an OCIO "
                                          "config".format(MAX_OCIO_BYTES))
    in_search_list = False
    for line in _lines(scene):
        stripped = line.split("#", 1)[0]
        if in_search_list:
            item = _YAML_LIST_ITEM.match(stripped)
            if item:
                yield "search_path", _unquote(item.group(1))
                continue
            if stripped.strip():
                in_search_list = False
        match = _YAML_KEY.match(stripped)
        if match:
            key, value = match.group(1), _unquote(match.group(2))
            if key in ("search_path", "searchpath"):
                in_search_list = not value
                for entry in _search_entries(value):
                    yield "search_path", entry
            elif value and not value.startswith(("{", "[")):
                yield "src", value
            continue
        if "src" in stripped:
            for inline in _YAML_INLINE_SRC.finditer(stripped):
                value = _unquote(inline.group(1).strip())
                if value:
                    yield "src", value


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _search_entries(value: str) -> List[Union[Any, str]]:
    if value.startswith("[") and value.endswith("]"):
        return [_unquote(item) for item in value[1:-1].split(",") if item.strip()]
    # OCIO v1 separates search paths with ':' -- but never split a Windows drive ('D:/luts').
    parts = re.split(r":(?![\\/])", value) if value else []
    return [part for part in (p.strip() for p in parts) if part]


#: Lower-case file name endings -> reader.
READERS = (
    (".ass.gz", read_ass),
    (".usda", read_usda),
    (".usd", read_usda),
    (".ass", read_ass),
    (".vrscene", read_vrscene),
    (".mtlx", read_mtlx),
    (".ocio", read_ocio),
)


_FOLLOWED_ENDINGS = tuple(ending for ending, _ in READERS)


def reader_for(path: str) -> Optional[Callable]:
    """The reader of ``path`` by its name, or None when the format is not followed."""
    lowered = path.lower()
    if not lowered.endswith(_FOLLOWED_ENDINGS):
        return None   # most files (images, caches): one test
    for ending, reader in READERS:
        if lowered.endswith(ending):
            return reader
    return None
