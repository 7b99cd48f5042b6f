"""Turn the sections of a scene container into nodes, parameters, flags and variables.

Node ``/obj/geo1`` lives in the sections ``obj/geo1.init`` (operator type), ``obj/geo1.def``
(flags, inputs), ``obj/geo1.parm`` (parameter values) and ``obj/geo1.chn`` (animation
channels and expressions). Scene-wide settings are in ``.variables`` (``set -g`` lines,
including ``_HIP_SAVEVERSION``) and ``.start`` (frame range, fps, current time).
"""

import re

from rayvision_houdini.dcc import hfs_rules
from rayvision_houdini.hip_container import HipContainer, read_hip_bytes, read_hip_file

_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?(?:\.\d+)?")
_SET_LINE = re.compile(r"^\s*set\s+(?:-g\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$", re.M)
_PARM_HEAD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_#:.-]*)\s*\[[^\]\n]*\]\s*\(")
# Unquoted value lists never span lines: a newline outside quotes ends a broken entry.
_TOKEN = re.compile(
    r'[ \t\r]*(?:"((?:[^"\\]|\\.)*)"'               # quoted string (may span lines)
    r"|\[\s*([^\s\]]+)\s*([^\]]*?)\s*\]"       # channel reference [ name cached-value ]
    r"|(\))"                                   # end of the value list
    r"|([^\s()\"\[\]]+))",                     # bare word
    re.S)
_SIMPLE_PARM = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_#:.-]*)[ \t]*\[[^\]\n]*\][ \t]*\("
                          r"([^\"\[\]()\n]*)\)[ \t\r]*$")
_CHANNEL_HEAD = re.compile(r"channel\s+(\S+)\s*\{")
_SEGMENT_EXPR = re.compile(r'expr\s*=\s*("(?:[^"\\]|\\.)*"|[^\n}]*?)\s*(?:\}|\n)')
_SEGMENT_VALUE = re.compile(r"\bvalue\s*=\s*(\S+)")
_DEFAULT = re.compile(r"\bdefault\s*=\s*(\S+)")
_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


class ChannelRef(object):
    """A parameter component driven by a channel: ``[ name cached ]`` in a ``.parm`` section.

    Attributes:
        name (str): Channel name, looked up in the node's ``.chn`` section.
        cached (str): The value Houdini saved with the reference.
    """

    __slots__ = ("name", "cached")

    def __init__(self, name, cached):
        self.name = name
        self.cached = cached

    def __eq__(self, other):
        return (isinstance(other, ChannelRef)
                and (self.name, self.cached) == (other.name, other.cached))

    def __hash__(self):
        return hash((self.name, self.cached))

    def __repr__(self):
        return "ChannelRef({0!r}, {1!r})".format(self.name, self.cached)


class Channel(object):
    """An animation channel: its default and the expression of its segments, if any."""

    __slots__ = ("name", "default", "expressions", "values")

    def __init__(self, name, default=None, expressions=None, values=None):
        self.name = name
        self.default = default
        self.expressions = expressions or []
        self.values = values or []

    def __repr__(self):
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
    """

    def __init__(self, path):
        self.path = path
        self.type = ""
        self.parms = {}
        self.flags = {}
        self.channels = {}

    @property
    def name(self):
        """Node name (last path component)."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def base_type(self):
        """Type without namespace and version: ``ris::22`` -> ``ris``."""
        return hfs_rules.base_type(self.type)

    @property
    def bypassed(self):
        """The bypass flag is on."""
        return bool(self.flags.get("bypass"))

    def parm(self, name, default=None):
        """Components of a parameter, or ``default``."""
        return self.parms.get(name, default)

    def parm_string(self, name, default=None):
        """First component of a parameter as a string (the cached value for a channel)."""
        values = self.parms.get(name)
        if not values:
            return default
        value = values[0]
        if isinstance(value, ChannelRef):
            return value.cached
        return value

    def __repr__(self):
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
    """

    def __init__(self, container):
        self.container = container
        self.variables = {}
        self.nodes = {}
        self.frange = None
        self.fps = 24.0
        self.tcur = 0.0
        self.libraries = []

    @property
    def save_version(self):
        """Houdini version that saved the scene (``'17.0.352'``), or None."""
        return extract_version(self.variables.get("_HIP_SAVEVERSION", ""))

    def node(self, path):
        """Node at ``path`` or None."""
        return self.nodes.get(path)

    def current_frame(self):
        """Frame at the saved current time (Houdini frames start at 1 at time 0)."""
        return self.tcur * self.fps + 1.0


def extract_version(text):
    """First ``major.minor[.build[.patch]]`` in ``text``; None when there is none.

    Unlike the original regular expression, single-digit build numbers (``18.0.5``) match.
    """
    match = _VERSION.search(text or "")
    return match.group(0) if match else None


def load_scene(path):
    """Read and parse a scene file from disk (see :func:`parse_container`)."""
    return parse_container(read_hip_file(path))


def parse_scene_bytes(data, path="<bytes>"):
    """Parse scene bytes (see :func:`parse_container`)."""
    return parse_container(read_hip_bytes(data, path))


def parse_container(container):
    """Build a :class:`HipScene` from the sections of a container.

    Unparseable parameter lines are skipped rather than fatal: a static reader must give as
    much as it can from a scene that Houdini itself would still load.
    """
    if not isinstance(container, HipContainer):
        raise TypeError("parse_container() needs a HipContainer, got {0}".format(
            type(container).__name__))
    scene = HipScene(container)
    scene.variables = parse_variables(container.text(".variables"))
    _parse_start(scene, container.text(".start"))
    scene.libraries = parse_libraries(container.text(".OPlibraries"))
    nodes = scene.nodes
    for name, body in container.sections:
        if name.startswith(".") or "." not in name:
            continue
        stem, _, suffix = name.rpartition(".")
        if suffix not in ("init", "def", "parm", "chn"):
            continue
        path = "/" + stem
        node = nodes.get(path)
        if node is None:
            node = nodes[path] = HipNode(path)
        text = body.decode("utf-8", "replace")
        if suffix == "init":
            node.type = parse_init(text)
        elif suffix == "def":
            node.flags = parse_flags(text)
        elif suffix == "parm":
            node.parms.update(parse_parms(text))
        else:
            node.channels.update(parse_channels(text))
    return scene


def parse_variables(text):
    """``set -g NAME = 'value'`` lines -> dict (hscript single quotes removed)."""
    variables = {}
    for match in _SET_LINE.finditer(text):
        variables[match.group(1)] = _unquote_hscript(match.group(2))
    return variables


def _unquote_hscript(value):
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        if value[0] == "'":
            return inner.replace("'\\''", "'")
        return _unescape(inner)
    return value


def _parse_start(scene, text):
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


def parse_libraries(text):
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


def parse_init(text):
    """``type = ifd`` -> ``'ifd'``."""
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "type":
            return value.strip()
    return ""


def parse_flags(text):
    """The ``flags = lock off bypass on ...`` line of a ``.def`` section -> dict of bools."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("flags"):
            continue
        key, sep, rest = stripped.partition("=")
        if not sep or key.strip() != "flags":
            continue
        words = rest.split()
        flags = {}
        for number in range(0, len(words) - 1, 2):
            flags[words[number]] = words[number + 1] == "on"
        return flags
    return {}


def _unescape(text):
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda match: _ESCAPES.get(match.group(1), match.group(1)), text)


def parse_parms(text):
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
            words = simple.group(2).split()
            parms[simple.group(1)] = [_unescape(word) for word in words]
            pos = line_end + 1
            continue
        head = _PARM_HEAD.match(text, pos)
        if head is None:
            pos = line_end + 1
            continue
        name = head.group(1)
        pos = head.end()
        values = []
        closed = False
        while pos < size:
            token = _TOKEN.match(text, pos)
            if token is None:
                break
            pos = token.end()
            quoted, channel, cached, close, bare = token.groups()
            if close is not None:
                closed = True
                break
            if quoted is not None:
                values.append(_unescape(quoted))
            elif channel is not None:
                values.append(ChannelRef(channel, _unquote_cached(cached)))
            elif bare is not None:
                # Bare words escape backslashes too: E:\\proj\\a.jpg is E:\proj\a.jpg.
                values.append(_unescape(bare))
        if closed:
            parms[name] = values
        else:
            newline = text.find("\n", pos)
            pos = size if newline < 0 else newline + 1
    return parms


def _unquote_cached(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _unescape(value[1:-1])
    return value


def parse_channels(text):
    """Channels of a ``.chn`` section: default, segment values and expressions."""
    channels = {}
    for head in _CHANNEL_HEAD.finditer(text):
        body = _braced_body(text, head.end())
        if body is None:
            continue
        name = head.group(1)
        default = _DEFAULT.search(body)
        expressions = []
        for match in _SEGMENT_EXPR.finditer(body):
            expr = match.group(1).strip()
            if len(expr) >= 2 and expr[0] == expr[-1] == '"':
                expr = _unescape(expr[1:-1])
            expressions.append(expr)
        values = [match.group(1) for match in _SEGMENT_VALUE.finditer(body)]
        channels[name] = Channel(name, default.group(1) if default else None, expressions,
                                 values)
    return channels


def _braced_body(text, start):
    """Text from ``start`` up to the brace that closes the one just before it."""
    depth = 1
    pos = start
    size = len(text)
    while pos < size:
        char = text[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start:pos]
        elif char == '"':
            end = pos + 1
            while end < size and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            pos = end
        pos += 1
    return None
