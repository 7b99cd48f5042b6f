"""Turn the sections of a scene container into nodes, parameters, flags and variables.

Node ``/obj/geo1`` lives in the sections ``obj/geo1.init`` (operator type), ``obj/geo1.def``
(flags, inputs), ``obj/geo1.parm`` (parameter values) and ``obj/geo1.chn`` (animation
channels and expressions). Scene-wide settings are in ``.variables`` (``set -g`` lines,
including ``_HIP_SAVEVERSION``) and ``.start`` (frame range, fps, current time).
"""

import re
from typing import Any, Dict, List

from rayvision_houdini.dcc import hfs_rules
from rayvision_houdini.hip_container import (
    MAX_GZIP_BYTES,
    HipContainer,
    SectionReader,
    read_hip_bytes,
)
from rayvision_utils.collector import collector_paused
from rayvision_utils.scene_input import open_scene

_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?(?:\.\d+)?")
_SET_HEAD = re.compile(r"\s*set\s+(?:-g\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
_PARM_HEAD = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_#:.-]*)[ \t]*\[[^\]\n]*\][ \t]*\(")
_SIMPLE_PARM = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_#:.-]*)[ \t]*\[[^\]\n]*\][ \t]*\("
                          r"([^\"\[\]()\n]*)\)[ \t\r]*$")
_BARE = re.compile(r"[^\s()\"\[\]]+")
# The start of an entry of one component (what :func:`parse_parm_entry` reads from it, in
# one match): a quoted string without backslashes and the closing parenthesis, the opening
# quote of any other quoted string, or a bare word and the closing parenthesis.
_ONE_COMPONENT = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_#:.-]*)[ \t]*\[[^\]\n]*\][ \t]*\("
                            r"[ \t\r]*(?:\"([^\"\\\n]*)\"[ \t\r]*\)|(\")"
                            r"|([^\s()\"\[\]]+)[ \t\r]*\))")
_CLOSE = re.compile(r"[ \t\r]*\)")
_SPACE: Any = re.compile(r"[ \t\r]*")  # matches everywhere
_CHANNEL_NAME = re.compile(r"[^\s\]]+")
# In a lean read, the parameter lines worth parsing: a value (or a channel's saved value) with
# a path character or an extension. Every other line is numbers and menu tokens.
# A component an analysis of files may need: a path character or an extension.
_PATH_LIKE = re.compile(r"[/\\$`]|\.[A-Za-z][A-Za-z0-9_]*$")
_PATH_BYTES = (b"/", b"\\", b"$", b"`")
_EXTENSION_BYTES = re.compile(rb"\.[A-Za-z][A-Za-z0-9_]*[\"\t ]")
_CHANNEL_HEAD = re.compile(r"channel[ \t]+(\S+)[ \t]*\{")
_SEGMENT_HEAD = re.compile(r"segment[ \t]*\{")
_EXPR_HEAD = re.compile(r"\bexpr[ \t]*=[ \t]*")
_EXPR_END: Any = re.compile(  # matches before every end of text
    r"\s+[A-Za-z_]+\s*=|\s*$")
_LANGUAGE = re.compile(r"\blanguage[ \t]*=[ \t]*([A-Za-z]+)")
_SEGMENT_VALUE = re.compile(r"\bvalue[ \t]*=[ \t]*(\S+)")
_DEFAULT = re.compile(r"\bdefault[ \t]*=[ \t]*(\S+)")
_BRACE_OR_QUOTE = re.compile(r'[{}"]')
_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
#: Sections a scene read keeps: scene settings and the four sections of each node.
NODE_SECTION_SUFFIXES = ("init", "def", "parm", "chn")
_SCENE_SECTIONS = (".variables", ".start", ".OPlibraries")
_PARM, _DEF, _CHN, _INIT = b".parm", b".def", b".chn", b".init"
# The node sections a lean read takes in place, by what follows the last dot of their name.
_LEAN_ENDINGS = {ending[1:]: ending for ending in (_PARM, _DEF, _CHN, _INIT)}
#: Name endings (bytes, NUL included) of the sections a scene read keeps.
WANTED_ENDINGS = tuple(("." + suffix + "\x00").encode("ascii")
                       for suffix in NODE_SECTION_SUFFIXES) + tuple(
    (name + "\x00").encode("ascii") for name in _SCENE_SECTIONS)
# A lean read does not parse parameter lines longer than this: such a value is never a file.
_MAX_LEAN_LINE = 64 * 1024
# The line of an .init section saying a digital asset is locked (its contents not saved).
_MATCHES_DEFINITION = b"\nmatchesdef = 1"
# .init sections up to this size are remembered whole, with the type they name.
_SHORT_INIT = 256
_INIT_TYPES = 4096   # at most this many of them (a bound on memory, whatever the file)


class ChannelRef(object):
    """A parameter component driven by a channel: ``[ name cached ]`` in a ``.parm`` section.

    Attributes:
        name (str): Channel name, looked up in the node's ``.chn`` section.
        cached (str): The value Houdini saved with the reference.
    """

    __slots__ = ("name", "cached")

    def __init__(self, name: Any, cached: Any) -> None:
        self.name = name
        self.cached = cached

    def __eq__(self, other: Any) -> Any:
        return (isinstance(other, ChannelRef)
                and (self.name, self.cached) == (other.name, other.cached))

    def __hash__(self) -> Any:
        return hash((self.name, self.cached))

    def __repr__(self) -> Any:
        return "ChannelRef({0!r}, {1!r})".format(self.name, self.cached)


class Channel(object):
    """An animation channel: its default, and per segment its expression and language."""

    __slots__ = ("name", "default", "expressions", "values", "languages")

    def __init__(self, name: Any, default: Any = None, expressions: Any = None, values: Any = None,
                 languages: Any = None) -> None:
        self.name = name
        self.default = default
        self.expressions = expressions or []
        self.values = values or []
        self.languages = languages or ["hscript"] * len(self.expressions)

    def __repr__(self) -> Any:
        return "Channel({0!r}, default={1!r}, expressions={2!r})".format(
            self.name, self.default, self.expressions)


class HipNode(object):
    """One operator of the scene.

    Attributes:
        path (str): Full path, ``/obj/geo1/file1``.
        type (str): Operator type as saved (``file``, ``ifd``, ``ris::22``, ...); ``""`` for
            the root managers (``/obj``, ``/out``).
        parms (dict): name -> list of components (``str`` or :class:`ChannelRef`).
        flags (dict): flag name -> bool (``bypass``, ``display``, ``render``, ``lock``...).
        channels (dict): name -> :class:`Channel`.
        locked (bool): A locked digital asset (``matchesdef = 1`` in ``.init``): Houdini saves
            none of its contents in the scene, they come from the asset's definition.
    """

    locked = False

    def __init__(self, path: Any) -> None:
        self.path = path
        self.type = ""
        self.parms: Dict[Any, Any] = {}
        self.flags: Dict[Any, Any] = {}
        self.channels: Dict[Any, Any] = {}

    @property
    def name(self) -> Any:
        """Node name (last path component)."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def base_type(self) -> Any:
        """Type without namespace and version: ``ris::22`` -> ``ris``."""
        return hfs_rules.base_type(self.type)

    @property
    def bypassed(self) -> Any:
        """The bypass flag is on."""
        return bool(self.flags.get("bypass"))

    def parm(self, name: Any, default: Any = None) -> Any:
        """Components of a parameter, or ``default``."""
        return self.parms.get(name, default)

    def parm_string(self, name: Any, default: Any = None) -> Any:
        """First component of a parameter as a string (the cached value for a channel)."""
        values = self.parms.get(name)
        if not values:
            return default
        value = values[0]
        if isinstance(value, ChannelRef):
            return value.cached
        return value

    def __repr__(self) -> Any:
        return "HipNode({0!r}, type={1!r})".format(self.path, self.type)


class HipScene(object):
    """A parsed scene: its nodes and scene-wide settings.

    Attributes:
        container (HipContainer): Where it came from.
        variables (dict): ``set -g`` variables (``HIP``, ``JOB``, ``_HIP_SAVEVERSION``...).
        nodes (dict): path -> :class:`HipNode`, in file order.
        frange (tuple): ``(start, end)`` global frame range as floats, or None.
        fps (float): Frames per second (24 when not saved).
        tcur (float): Current time in seconds (0 when not saved).
        libraries (list): OTL/HDA library paths listed in ``.OPlibraries``.
        warnings (list): Damage of the file that was worked around.
        md5 (str): Hex md5 of the scene file when it was streamed from disk, else None.
    """

    def __init__(self, container: Any = None) -> None:
        self.container = container
        self.warnings = list(container.warnings) if container is not None else []
        self.md5 = None
        self.kind = container.kind if container is not None else None
        self.variables: Dict[Any, Any] = {}
        self.nodes: Dict[Any, Any] = {}
        self.frange = None
        self.fps = 24.0
        self.tcur = 0.0
        self.libraries: List[Any] = []

    @property
    def save_version(self) -> Any:
        """Houdini version that saved the scene (``'17.0.352'``), or None."""
        return extract_version(self.variables.get("_HIP_SAVEVERSION", ""))

    def node(self, path: Any) -> Any:
        """Node at ``path`` or None."""
        return self.nodes.get(path)

    def current_frame(self) -> Any:
        """Frame at the saved current time (Houdini frames start at 1 at time 0)."""
        return self.tcur * self.fps + 1.0


def extract_version(text: Any) -> Any:
    """First ``major.minor[.build[.patch]]`` in ``text``; None when there is none.

    Unlike the original regular expression, single-digit build numbers (``18.0.5``) match.
    """
    match = _VERSION.search(text or "")
    return match.group(0) if match else None


def load_scene(path: str, lean_parms: Any = None) -> "HipScene":
    """Read and parse a scene file from disk, streaming (see :func:`read_scene`).

    The file is opened with :func:`rayvision_utils.scene_input.open_scene` (folders, devices
    and FIFOs refused at once, typed errors for unreadable files, gzip capped) and its md5 is
    computed in the same pass (``scene.md5``).

    Raises:
        HipFormatError: Not a scene container, or damaged beyond reading.
        rayvision_utils.scene_input.SceneInputError: The file cannot be read.
    """
    with open_scene(path, hash_name="md5", max_decompressed=MAX_GZIP_BYTES) as stream:
        scene = read_scene(stream, path, lean_parms, compressed=stream.compressed)
        scene.md5 = stream.hexdigest()
    return scene


def read_scene(stream: Any, path: str = "<stream>", lean_parms: Any = None,
               compressed: bool = False) -> "HipScene":
    """Parse a scene from a binary stream, one section at a time, in bounded memory.

    Only the sections that describe nodes and scene settings are kept while they are parsed;
    everything else (locked geometry, parameter templates, user data) is skipped as it is read.

    Args:
        stream: Binary file object.
        path (str): Name used in errors and as ``$HIPFILE``.
        lean_parms (collection of str, optional): Keep only these parameters, plus any whose
            value holds a path character, an extension or a channel reference (what an
            analysis of files and ROPs reads); channels are parsed only when a kept parameter
            refers to them. None keeps everything. A :class:`LeanNames` also says for which
            node types the names are searched.
        compressed (bool): The stream was gzip-compressed on disk (reported, not acted upon).

    Returns:
        HipScene: With ``warnings`` (damage worked around) and ``kind``.

    Raises:
        HipFormatError: Not a scene container, or damaged beyond reading.
    """
    reader = SectionReader(stream, path, wanted=WANTED_ENDINGS, compressed=compressed)
    with collector_paused():
        if lean_parms is None:
            builder = _SceneBuilder(None)
            for name, body in reader.sections():
                builder.add(name, body)
        else:
            builder = _LeanBuilder(lean_parms)
            builder.read(reader.raw_spans())
    scene = builder.finish()
    scene.warnings = list(reader.warnings)
    scene.kind = reader.kind
    return scene


def wanted_section(name: Any) -> Any:
    """Whether a scene read keeps a section: scene settings and node sections."""
    if name in _SCENE_SECTIONS:
        return True
    if name.startswith("."):
        return False
    return name.rpartition(".")[2] in NODE_SECTION_SUFFIXES


def parse_scene_bytes(data: Any, path: Any = "<bytes>") -> Any:
    """Parse scene bytes (see :func:`parse_container`)."""
    return parse_container(read_hip_bytes(data, path))


def parse_container(container: Any) -> Any:
    """Build a :class:`HipScene` from the sections of a container (every parameter kept).

    Unparseable parameter lines are skipped rather than fatal: a static reader must give as
    much as it can from a scene that Houdini itself would still load.
    """
    if not isinstance(container, HipContainer):
        raise TypeError("parse_container() needs a HipContainer, got {0}".format(
            type(container).__name__))
    builder = _SceneBuilder(None, container)
    for name, body in container.sections:
        if wanted_section(name):
            builder.add(name, body)
    scene = builder.finish()
    scene.kind = container.kind
    return scene


class _SceneBuilder(object):
    """Turn sections into nodes as they arrive."""

    def __init__(self, lean_parms: Any, container: Any = None) -> None:
        self.scene = HipScene(container)

    def add(self, name: Any, body: Any) -> None:
        """Add the section ``name`` whose body is ``body`` (bytes)."""
        scene = self.scene
        text = body.decode("utf-8", "replace")
        if name == ".variables":
            scene.variables = parse_variables(text)
            return
        if name == ".start":
            _parse_start(scene, text)
            return
        if name == ".OPlibraries":
            scene.libraries = parse_libraries(text)
            return
        node = self._node(name)
        suffix = name.rpartition(".")[2]
        if suffix == "init":
            node.type = parse_init(text)
            if _MATCHES_DEFINITION in b"\n" + body:
                node.locked = True
        elif suffix == "def":
            node.flags = parse_flags(text)
        elif suffix == "parm":
            node.parms.update(parse_parms(text))
        else:
            node.channels.update(parse_channels(text))

    def _node(self, section: Any) -> Any:
        path = "/" + section.rpartition(".")[0]
        node = self.scene.nodes.get(path)
        if node is None:
            node = self.scene.nodes[path] = HipNode(path)
        return node

    def finish(self) -> Any:
        return self.scene


class _LeanBuilder(_SceneBuilder):
    """Build a scene from the sections of a lean read, taking from each only what it needs.

    The four sections of a node are read in place (bounded searches in the read buffer, no
    copy): the type from ``.init``, the bypass flag from ``.def``, the parameters
    :func:`lean_parms_in` keeps from ``.parm``, and from ``.chn`` only the channels those
    parameters refer to. Houdini writes a node's sections one after the other, channels
    before parameters, so the channels wait for the parameters of their node; they are
    dropped (never decoded) when the parameters do not refer to them, or when the sections
    of another node come first, so that at most one section is ever held back.
    """

    def __init__(self, lean_parms: Any) -> None:
        super(_LeanBuilder, self).__init__(None)
        self.lean = lean_parms if isinstance(lean_parms, LeanNames) else LeanNames(lean_parms)
        self._wanted_channels: Dict[Any, Any] = {}  # node path -> channels its parms name
        self._by_name: Dict[str, bool] = {}   # node type -> search its parms by name

    def read(self, spans: Any) -> None:
        """Add every ``(name, data, start, end)`` of ``SectionReader.raw_spans``."""
        nodes = self.scene.nodes
        lean = self.lean
        type_names: Dict[bytes, str] = {}   # ``type = ...`` line -> type
        init_types: Dict[bytes, str] = {}   # whole short .init section -> type
        locked_inits = set()   # those of init_types that say the asset is locked
        stem = None
        node: Any = None
        searched = None   # the node's parameters are searched by name (None: not known yet)
        held = None   # the last .chn section: (node, data, start, end)
        for name, data, start, end in spans:
            node_stem, dot, ending = name.rpartition(b".")
            suffix = _LEAN_ENDINGS.get(ending)
            if suffix is None or not dot:
                self.add(name.decode("utf-8", "replace"), data[start:end])
                continue
            if node_stem != stem:
                stem = node_stem
                searched = None
                path = "/" + stem.decode("utf-8", "replace")
                node = nodes.get(path)
                if node is None:
                    node = nodes[path] = HipNode(path)
            if suffix is _PARM:
                if searched is None:
                    searched = self._searched(node)
                parms = lean_parms_in(data, start, end, lean, searched)
                if parms:
                    self._add_parms(node, parms, held)
                held = None
            elif suffix is _DEF:
                # The analysis reads one flag, of the nodes it reads by name (ROPs); the
                # flags line is the only one naming it.
                if searched is None:
                    searched = self._searched(node)
                if searched:
                    node.flags = {"bypass": data.find(b"bypass on", start, end) >= 0}
            elif suffix is _CHN:
                held = self._channels(node, data, start, end)
            else:
                # Nodes of a type have the same .init section: its type is looked up whole.
                body = data[start:end] if end - start <= _SHORT_INIT else None
                found = init_types.get(body) if body is not None else None
                if found is None:
                    if not data.startswith(b"type = ", start, end):
                        self.add(name.decode("utf-8", "replace"), data[start:end])
                        searched = None
                        continue
                    newline = data.find(b"\n", start, end)
                    line = data[start + 7:end if newline < 0 else newline]
                    found = type_names.get(line)
                    if found is None:
                        found = type_names[line] = line.decode("utf-8", "replace").strip()
                    locked = data.find(_MATCHES_DEFINITION, start, end) >= 0
                    if body is not None and len(init_types) < _INIT_TYPES:
                        init_types[body] = found
                        if locked:
                            locked_inits.add(body)
                else:
                    locked = bool(locked_inits) and body in locked_inits
                node.type = found
                if locked:
                    node.locked = True
                searched = None

    def _searched(self, node: Any) -> bool:
        """Whether the parameters of ``node`` (its type known) are searched by name."""
        searched = self._by_name.get(node.type)
        return self._searched_by_name(node) if searched is None else searched

    def _searched_by_name(self, node: Any) -> bool:
        types = self.lean.node_types
        if types is None or not node.type:
            return True
        found = self._by_name[node.type] = node.base_type in types
        return found

    def _add_parms(self, node: Any, parms: Any, held: Any) -> None:
        """Keep ``parms``; parse the channels they refer to (``held``: the last .chn)."""
        node.parms.update(parms)
        names = set(value.name for values in parms.values() for value in values
                    if isinstance(value, ChannelRef))
        if not names:
            return
        if held is not None and held[0] is node:
            _, text, text_start, text_end = held
            node.channels.update(parse_channels(
                text[text_start:text_end].decode("utf-8", "replace"), names))
        else:
            self._wanted_channels.setdefault(node.path, set()).update(names)

    def _channels(self, node: Any, data: Any, start: Any, end: Any) -> Any:
        """Parse the channels the node's parameters asked for, or return the span to hold."""
        names = self._wanted_channels.pop(node.path, None)
        if names is None:
            # Houdini writes a node's channels before its parameters: hold them until the
            # parameters say which channels matter (usually none: then never decoded).
            return (node, data, start, end)
        node.channels.update(parse_channels(data[start:end].decode("utf-8", "replace"), names))
        return None


def parse_variables(text: Any) -> Any:
    """``set -g NAME = 'value'`` lines -> dict (hscript single quotes removed)."""
    variables = {}
    for line in text.splitlines():
        match = _SET_HEAD.match(line)
        if match is not None:
            variables[match.group(1)] = _unquote_hscript(line[match.end():].strip())
    return variables


def _unquote_hscript(value: Any) -> Any:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        if value[0] == "'":
            return inner.replace("'\\''", "'")
        return _unescape(inner)
    return value


def _parse_start(scene: Any, text: Any) -> None:
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "frange" and len(words) >= 3:
                scene.frange = (float(words[1]), float(words[2]))
            elif words[0] == "fps" and len(words) >= 2:
                scene.fps = float(words[1])
            elif words[0] == "tcur" and len(words) >= 2:
                scene.tcur = float(words[1])
        except ValueError:
            continue


def parse_libraries(text: Any) -> Any:
    """Library files listed in ``.OPlibraries`` (one per line; ``Embedded`` skipped)."""
    libraries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.lower() == "embedded":
            continue
        if line.startswith('"') and line.endswith('"') and len(line) >= 2:
            line = _unescape(line[1:-1])
        libraries.append(line)
    return libraries


def parse_init(text: Any) -> Any:
    """``type = ifd`` -> ``'ifd'``."""
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "type":
            return value.strip()
    return ""


def parse_flags(text: Any) -> Any:
    """The ``flags = lock off bypass on ...`` line of a ``.def`` section -> dict of bools."""
    pos = 0
    while True:
        pos = text.find("flags", pos)
        if pos < 0:
            return {}
        line_start = text.rfind("\n", 0, pos) + 1
        newline = text.find("\n", pos)
        line = text[line_start:] if newline < 0 else text[line_start:newline]
        key, sep, rest = line.partition("=")
        if sep and key.strip() == "flags":
            words = rest.split()
            return dict((words[number], words[number + 1] == "on")
                        for number in range(0, len(words) - 1, 2))
        if newline < 0:
            return {}
        pos = newline


def _unescape(text: Any) -> Any:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_escaped, text)


def _escaped(match: Any) -> str:
    char = match.group(1)
    return _ESCAPES.get(char, char)


def parse_parms(text: Any) -> Any:
    """Parameter values of a ``.parm`` section.

    Each entry reads ``name [ flags ] ( component component ... )`` where a component is a
    quoted string, a bare word or a channel reference ``[ channel cached ]``.

    Returns:
        dict: name -> list of components (``str`` / :class:`ChannelRef`).
    """
    parms = {}
    pos = 0
    size = len(text)
    while pos < size:
        newline = text.find("\n", pos)
        line_end = size if newline < 0 else newline
        # Fast path: most entries are one line of bare words.
        simple = _SIMPLE_PARM.match(text, pos, line_end)
        if simple is not None:
            parms[simple.group(1)] = [_unescape(word) for word in simple.group(2).split()]
            pos = line_end + 1
            continue
        name, values, end = parse_parm_entry(text, pos)
        if values is not None:
            parms[name] = values
            pos = end
        else:
            pos = line_end + 1
    return parms


class LeanNames(object):
    """The parameter names a lean read keeps whatever their value, and a pattern for them.

    Args:
        names (collection of str): Parameter names.
        node_types (collection of str, optional): Base operator types whose parameters are
            searched for these names and whose flags (``bypass``) are read; the parameters of
            other nodes are kept only when they look like paths, and their flags are not
            read. None: every node.
    """

    def __init__(self, names: Any, node_types: Any = None) -> None:
        self.names = frozenset(names)
        self.node_types = None if node_types is None else frozenset(node_types)
        alternatives = "|".join(re.escape(name)
                                for name in sorted(self.names, key=len, reverse=True))
        # The first characters, looked at before the alternatives are tried one by one: most
        # lines start with none of them.
        firsts = "".join(sorted(set(re.escape(name[0]) for name in self.names if name)))
        screen = "(?=[{0}])".format(firsts) if firsts and all(self.names) else ""
        self.pattern = re.compile(r"\n[ \t]*{0}(?:{1})[ \t]*\[".format(
            screen, alternatives or "(?!)").encode("ascii"))


def _path_like(values: Any) -> Any:
    for value in values:
        text = value.cached if isinstance(value, ChannelRef) else value
        if _PATH_LIKE.search(text):
            return True
    return False


def parse_parms_lean(body: Any, lean: Any, by_name: Any = True) -> Any:
    """The parameters of a ``.parm`` section an analysis of files and ROPs can use.

    The lines worth parsing are found over the whole section at C speed (``bytes.find`` for
    the path characters, searches with a literal first character for extensions, channel
    references and the names of ``lean``), so the many lines of numbers and menu tokens are
    never looked at, nor even decoded, one by one. A parameter is kept when its name is one
    of ``lean.names`` or a component (or the saved value of a channel) looks like a path, so
    the keys of animated numeric parameters are never parsed.

    Args:
        body (bytes): The section.
        lean (LeanNames): Names kept whatever their value.
        by_name (bool): Search the section for ``lean.names`` too.
    """
    return lean_parms_in(body, 0, len(body), lean, by_name)


def lean_parms_in(data: Any, start: Any, end: Any, lean: Any, by_name: Any = True) -> Any:
    """:func:`parse_parms_lean` of the section ``data[start:end]``, searched in place."""
    find = data.find
    extension = _EXTENSION_BYTES.search(data, start, end)
    if (extension is None and not by_name and find(b"/", start, end) < 0
            and find(b"\\", start, end) < 0 and find(b"$", start, end) < 0
            and find(b"`", start, end) < 0):
        return {}   # numbers and menu tokens only: most sections
    rfind = data.rfind
    starts = []
    for char in _PATH_BYTES:
        pos = find(char, start, end)
        while pos >= 0:
            starts.append(rfind(b"\n", start, pos) + 1 or start)
            newline = find(b"\n", pos, end)
            if newline < 0:
                break
            pos = find(char, newline, end)
    while extension is not None:
        starts.append(rfind(b"\n", start, extension.start()) + 1 or start)
        extension = _EXTENSION_BYTES.search(data, extension.end(), end)
    if by_name:
        for match in lean.pattern.finditer(data, start, end):
            starts.append(match.start() + 1)
    if not starts:
        return {}
    if len(starts) > 1:
        starts = sorted(set(starts))
    parms = {}
    done = start
    for line_start in starts:
        if line_start < done:
            continue   # inside the multi-line value of the entry before
        newline = find(b"\n", line_start, end)
        line_end = end if newline < 0 else newline
        if line_end - line_start > _MAX_LEAN_LINE:
            continue
        text = data[line_start:line_end].decode("utf-8", "replace")
        done = line_end
        name, values = _one_component_entry(text)
        if values is None:
            name, values, used = parse_parm_entry(text, 0)
        if values is None and name is not None and '"' in text:
            # A quoted value spanning lines: parse again with what follows.
            text = data[line_start:min(line_start + _MAX_LEAN_LINE, end)].decode(
                "utf-8", "replace")
            name, values, used = parse_parm_entry(text, 0)
            done = line_start + len(text[:used].encode("utf-8"))
        if values is not None and (name in lean.names or _path_like(values)):
            parms[name] = values
    return parms


def _one_component_entry(text: Any) -> Any:
    """``(name, [value])`` of an entry of one string component; ``(None, None)`` otherwise.

    The common entries a lean read parses (a path, quoted or bare), read as
    :func:`parse_parm_entry` reads them with a fraction of its steps; anything else is left
    to it.
    """
    entry = _ONE_COMPONENT.match(text)
    if entry is None:
        return None, None
    name, plain, _, bare = entry.groups()
    if plain is not None:
        return name, [plain]   # a quoted string without escapes
    if bare is not None:
        return name, [_unescape(bare)]
    value_start = entry.end()
    close = quoted_end(text, value_start)
    if close < 0 or _CLOSE.match(text, close + 1) is None:
        return None, None
    return name, [_unescape(text[value_start:close])]


def parse_parm_entry(text: Any, pos: Any) -> Any:
    """Parse the entry ``name [ flags ] ( ... )`` at ``pos``.

    Returns:
        tuple: ``(name, values, end)``; ``values`` is None when the entry is broken (no
        closing parenthesis before a newline outside quotes).
    """
    head = _PARM_HEAD.match(text, pos)
    if head is None:
        return None, None, pos
    name = head.group(1)
    pos = head.end()
    size = len(text)
    values: List[Any] = []
    while True:
        pos = _SPACE.match(text, pos).end()
        if pos >= size:
            return name, None, pos
        char = text[pos]
        if char == ")":
            return name, values, pos + 1
        if char == '"':
            end = quoted_end(text, pos + 1)
            if end < 0:
                return name, None, size
            values.append(_unescape(text[pos + 1:end]))
            pos = end + 1
        elif char == "[":
            pos = _channel_ref(text, pos + 1, values)
            if pos < 0:
                return name, None, size
        else:
            bare = _BARE.match(text, pos)
            if bare is None:
                return name, None, pos
            # Bare words escape backslashes too: E:\\proj\\a.jpg is E:\proj\a.jpg.
            values.append(_unescape(bare.group(0)))
            pos = bare.end()


def quoted_end(text: Any, pos: Any) -> Any:
    """Index of the quote closing a string whose body starts at ``pos`` (-1: none).

    Found with ``str.find`` and a count of the backslashes before each quote, so a string of
    any length costs no memory beyond the text itself.
    """
    while True:
        quote = text.find('"', pos)
        if quote < 0:
            return -1
        back = quote - 1
        while back >= pos and text[back] == "\\":
            back -= 1
        if (quote - 1 - back) % 2 == 0:
            return quote
        pos = quote + 1


def _channel_ref(text: Any, pos: Any, values: Any) -> Any:
    """Parse ``name cached ]`` after ``[``; append a ChannelRef; return the end (-1: broken)."""
    pos = _SPACE.match(text, pos).end()
    name = _CHANNEL_NAME.match(text, pos)
    if name is None:
        return -1
    pos = _SPACE.match(text, name.end()).end()
    if text.startswith('"', pos):
        end = quoted_end(text, pos + 1)
        if end < 0:
            return -1
        cached = _unescape(text[pos + 1:end])
        close = text.find("]", end)
    else:
        close = text.find("]", pos)
        cached = text[pos:close].strip() if close >= 0 else ""
    if close < 0:
        return -1
    values.append(ChannelRef(name.group(0), cached))
    return close + 1


def parse_channels(text: Any, names: Any = None) -> Any:
    """Channels of a ``.chn`` section: default, segment values, expressions and languages.

    Args:
        text (str): The section.
        names (collection of str, optional): Parse only these channels (the others, often
            thousands of keys, are skipped over).
    """
    channels = {}
    for head in _CHANNEL_HEAD.finditer(text):
        name = head.group(1)
        if names is not None and name not in names:
            continue
        end = braced_end(text, head.end())
        if end < 0:
            continue
        channels[name] = _channel(name, text[head.end():end])
    return channels


def _channel(name: Any, body: Any) -> Any:
    expressions: List[Any] = []
    languages: List[Any] = []
    values: List[Any] = []
    default = None
    first_segment = _SEGMENT_HEAD.search(body)
    settings = body if first_segment is None else body[:first_segment.start()]
    found = _DEFAULT.search(settings)
    if found is not None:
        default = found.group(1)
    pos = 0
    while first_segment is not None:
        end = braced_end(body, first_segment.end())
        if end < 0:
            break
        segment = body[first_segment.end():end]
        _segment(segment, expressions, languages, values)
        pos = end + 1
        first_segment = _SEGMENT_HEAD.search(body, pos)
    return Channel(name, default, expressions, values, languages)


def _segment(segment: Any, expressions: Any, languages: Any, values: Any) -> None:
    value = _SEGMENT_VALUE.search(segment)
    if value is not None:
        values.append(value.group(1))
    head = _EXPR_HEAD.search(segment)
    if head is None:
        return
    start = head.end()
    if segment.startswith('"', start):
        end = quoted_end(segment, start + 1)
        if end < 0:
            return
        expression = _unescape(segment[start + 1:end])
        rest = segment[end + 1:]
    else:
        stop = _EXPR_END.search(segment, start)
        expression = segment[start:stop.start()].strip()
        rest = segment[stop.start():]
    language = _LANGUAGE.search(rest)
    expressions.append(expression)
    languages.append(language.group(1).lower() if language else "hscript")


def braced_end(text: Any, start: Any) -> Any:
    """Index of the brace closing the one just before ``start`` (-1: none).

    Only braces and quotes are visited (one regular-expression search each), not every
    character; braces inside quoted strings do not count.
    """
    depth = 1
    pos = start
    search = _BRACE_OR_QUOTE.search
    while True:
        match = search(text, pos)
        if match is None:
            return -1
        char = match.group(0)
        where = match.start()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return where
        else:
            where = quoted_end(text, where + 1)
            if where < 0:
                return -1
        pos = where + 1
