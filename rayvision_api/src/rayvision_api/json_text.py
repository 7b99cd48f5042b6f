"""Indented json text, character for character what ``json.dumps(data, indent=n)`` writes.

Before Python 3.13, ``json.dumps`` with ``indent`` leaves the C encoder for the pure-Python
one, a generator chain that costs several steps per value; analysis results (asset.json with
tens of thousands of paths) pay for it. This writer walks the containers with one loop per
container, encodes strings with the C string encoders of :mod:`json`, and writes the common
leaves of analysis results as one piece of text each: a list of strings (one ``join``), a
``[str, [str, ...]]`` pair (asset tables), and the records of a list of dicts (upload.json
entries, dependency chains) with their key texts encoded once per document. Anything it does
not know exactly (subclasses of ``int``/``float``, non-string keys, objects needing a
``default``, recursive data) is left to ``json.dumps`` itself, so the text (or the error) is
always the standard one. From Python 3.13 on, ``json.dumps`` indents in C: it is used as it is.
"""

import itertools
import json
import sys
from json import encoder as _encoder
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union


class _NotPlain(Exception):
    """Raised inside the fast path when ``json.dumps`` must take over."""


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


# Exact scalar types (strings apart) -> their json text, as json.dumps writes them.
_SCALAR_TEXTS = {
    int: int.__repr__,
    float: _float_text,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): lambda value: "null",
}

# Python 3.13's C encoder indents (``c_make_encoder`` takes ``indent``); older ones do not
# and json.dumps(indent=...) then runs the pure-Python encoder.
_C_INDENTS = sys.version_info >= (3, 13) and getattr(_encoder, "c_make_encoder", None) is not None


def dumps_indented(data: Any, ensure_ascii: bool = True, indent: int = 2) -> str:
    """``json.dumps(data, ensure_ascii=ensure_ascii, indent=indent)``, the same text.

    Args:
        data (object): JSON-serialisable data.
        ensure_ascii (bool): Escape non-ASCII characters.
        indent (int or str): Indentation, as for ``json.dumps``.

    Returns:
        str: The json text.

    Raises:
        TypeError, ValueError: As ``json.dumps`` (not serialisable, circular reference).
    """
    if (_C_INDENTS or indent is None or isinstance(indent, bool)
            or not isinstance(indent, (int, str))):
        return json.dumps(data, ensure_ascii=ensure_ascii, indent=indent)
    unit = " " * indent if isinstance(indent, int) else indent
    encode_str = (_encoder.encode_basestring_ascii if ensure_ascii
                  else _encoder.encode_basestring)
    parts: List[str] = []
    try:
        _Writer(unit, encode_str, parts).value(data, "\n")
    except (_NotPlain, RecursionError):
        return json.dumps(data, ensure_ascii=ensure_ascii, indent=indent)
    return "".join(parts)


def _is_mapping(value: Any) -> bool:
    """A dict json.dumps writes by its items (``dict`` or a :mod:`collections` dict)."""
    kind = type(value)
    return kind is dict or (isinstance(value, dict) and kind.__module__ == "collections")


class _Writer(object):
    """Appends the text of one document to ``parts``.

    Containers are marked as open (for json.dumps' circular-reference error) only when the
    writer descends into one of their items: a container whose items are all leaves (strings,
    scalars, lists of strings) cannot hold itself.
    """

    def __init__(self, unit: str, encode_str: Callable[[str], str], parts: List[str]) -> None:
        self.unit = unit
        self.encode_str = encode_str
        self.parts = parts
        self.active: Set[int] = set()
        # Keys repeat across the entries of a document: encode each once.
        self.keys: Dict[str, str] = {}
        # newline -> (newline + unit, "," + newline + unit), one per depth.
        self.levels: Dict[str, Tuple[str, str]] = {}

    def level(self, newline: str) -> Tuple[str, str]:
        """``(inner, separator)`` of the items of a container that closes at ``newline``."""
        found = self.levels.get(newline)
        if found is None:
            inner = newline + self.unit
            found = self.levels[newline] = (inner, "," + inner)
        return found

    def value(self, value: Any, newline: str) -> None:
        kind = type(value)
        if kind is str:
            self.parts.append(self.encode_str(value))
        elif kind is list or kind is tuple:
            self.sequence(value, newline)
        elif _is_mapping(value):
            self.mapping(value, newline)
        else:
            text_of = _SCALAR_TEXTS.get(kind)
            if text_of is None:
                raise _NotPlain()
            self.parts.append(text_of(value))

    def enter(self, value: Any) -> int:
        marker = id(value)
        if marker in self.active:
            raise _NotPlain()  # json.dumps raises its "Circular reference detected"
        self.active.add(marker)
        return marker

    def new_key(self, key: Any) -> str:
        """The text ``"key": `` of a key not met before in the document (remembered)."""
        if type(key) is not str:
            raise _NotPlain()
        text = self.keys[key] = self.encode_str(key) + ": "
        return text

    def leaf_list(self, value: Any, newline: str) -> Optional[str]:
        """Text of a list or tuple of strings, or of a ``[str, [str, ...]]`` pair; else None.

        Neither holds a container that could hold it back, so neither needs a mark.
        """
        if not value:
            return "[]"
        inner, separator = self.level(newline)
        encode_str = self.encode_str
        if len(value) == 2 and type(value[0]) is str:
            files = value[1]
            if type(files) is list or type(files) is tuple:
                # [raw, [files]] (asset tables): the pair, then the list one level deeper.
                if not files:
                    return "[" + inner + encode_str(value[0]) + separator + "[]" + newline + "]"
                deeper, deeper_separator = self.level(inner)
                try:
                    body = deeper_separator.join(map(encode_str, files))
                except TypeError:
                    return None
                return ("[" + inner + encode_str(value[0]) + separator + "[" + deeper + body
                        + inner + "]" + newline + "]")
        if type(value[0]) is not str:
            return None
        try:
            # The C string encoder refuses anything but a str (a subclass it encodes as
            # json.dumps does, with the same function).
            body = separator.join(map(encode_str, value))
        except TypeError:
            return None
        return "[" + inner + body + newline + "]"

    def mapping(self, value: Dict[Any, Any], newline: str, done: Sequence[str] = ()) -> None:
        """Write a dict.

        ``done``: the texts of its first items (``key: value``, without separators), as
        :meth:`record` gave them before it met an item that is not a leaf.
        """
        append = self.parts.append
        if not value:
            append("{}")
            return
        marker = None
        encode_str = self.encode_str
        texts = _SCALAR_TEXTS
        inner, separator = self.level(newline)
        lead = "{" + inner
        keys = self.keys
        items: Iterable[Tuple[Any, Any]] = value.items()
        if done:
            append(lead + separator.join(done))
            lead = separator
            items = itertools.islice(items, len(done), None)
        for key, item in items:
            key_text = keys.get(key) or self.new_key(key)
            kind = type(item)
            if kind is str:
                append(lead + key_text + encode_str(item))
            else:
                text_of = texts.get(kind)
                if text_of is not None:
                    append(lead + key_text + text_of(item))
                else:
                    text = (self.leaf_list(item, inner) if kind is list or kind is tuple
                            else None)
                    if text is not None:
                        append(lead + key_text + text)
                    else:
                        if marker is None:
                            marker = self.enter(value)
                        append(lead + key_text)
                        self.value(item, inner)
            lead = separator
        append(newline + "}")
        if marker is not None:
            self.active.discard(marker)

    def record(self, value: Dict[Any, Any], newline: str) -> Union[str, List[str]]:
        """Text of a non-empty dict whose values are all leaves, else a list.

        The list holds the texts of the items before the first that is not a leaf, for
        :meth:`mapping` to go on from. Such dicts are the records of the lists analysis
        results hold (upload.json entries, dependency chains): each is written as one piece
        of text, with the key texts of the document.
        """
        inner, separator = self.level(newline)
        encode_str = self.encode_str
        texts = _SCALAR_TEXTS
        keys = self.keys
        pieces = []
        for key, item in value.items():
            key_text = keys.get(key) or self.new_key(key)
            kind = type(item)
            if kind is str:
                pieces.append(key_text + encode_str(item))
            elif kind is list or kind is tuple:
                text = self.leaf_list(item, inner)
                if text is None:
                    return pieces
                pieces.append(key_text + text)
            else:
                text_of = texts.get(kind)
                if text_of is None:
                    return pieces
                pieces.append(key_text + text_of(item))
        return "{" + inner + separator.join(pieces) + newline + "}"

    def sequence(self, value: Any, newline: str) -> None:
        text = self.leaf_list(value, newline)
        if text is not None:
            self.parts.append(text)
            return
        marker = None
        append = self.parts.append
        inner, separator = self.level(newline)
        lead = "[" + inner
        for item in value:
            kind = type(item)
            if kind is str:
                append(lead + self.encode_str(item))
            elif item and _is_mapping(item):
                written = self.record(item, inner)
                if isinstance(written, str):
                    append(lead + written)
                else:
                    if marker is None:
                        marker = self.enter(value)
                    append(lead)
                    self.mapping(item, inner, written)
            else:
                if marker is None:
                    marker = self.enter(value)
                append(lead)
                self.value(item, inner)
            lead = separator
        append(newline + "]")
        if marker is not None:
            self.active.discard(marker)
