"""Indented json text, character for character what ``json.dumps(data, indent=n)`` writes.

``json.dumps`` with ``indent`` leaves the C encoder for the pure-Python one, a generator
chain that costs several steps per value; analysis results (asset.json with tens of
thousands of paths) pay for it. This writer walks the containers with one loop per container,
encodes strings with the C string encoders of :mod:`json`, and writes a list of plain strings
with one ``join``. Anything it does not know exactly (subclasses of ``str``/``int``/``float``,
non-string keys, objects needing a ``default``, recursive data) is left to ``json.dumps``
itself, so the text (or the error) is always the standard one.
"""

import json
from json import encoder as _encoder
from typing import Any, Callable, Dict, List, Set


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


_STR_ONLY = {str}


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
    if indent is None or isinstance(indent, bool) or not isinstance(indent, (int, str)):
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


class _Writer(object):
    def __init__(self, unit: str, encode_str: Callable[[str], str], parts: List[str]) -> None:
        self.unit = unit
        self.encode_str = encode_str
        self.parts = parts
        self.active: Set[int] = set()
        # Keys repeat across the entries of a document: encode each once.
        self.keys: Dict[str, str] = {}

    def value(self, value: Any, newline: str) -> None:
        kind = type(value)
        if kind is str:
            self.parts.append(self.encode_str(value))
        elif kind is dict or (isinstance(value, dict) and kind.__module__ == "collections"):
            self.mapping(value, newline)
        elif kind is list or kind is tuple:
            self.sequence(value, newline)
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

    def mapping(self, value: Dict[Any, Any], newline: str) -> None:
        append = self.parts.append
        if not value:
            append("{}")
            return
        marker = self.enter(value)
        encode_str = self.encode_str
        texts = _SCALAR_TEXTS
        inner = newline + self.unit
        separator = "," + inner
        lead = "{" + inner
        keys = self.keys
        for key, item in value.items():
            key_text = keys.get(key)
            if key_text is None:
                if type(key) is not str:
                    raise _NotPlain()
                key_text = keys[key] = encode_str(key) + ": "
            kind = type(item)
            if kind is str:
                append(lead + key_text + encode_str(item))
            else:
                text_of = texts.get(kind)
                if text_of is not None:
                    append(lead + key_text + text_of(item))
                else:
                    append(lead + key_text)
                    if kind is list:
                        self.sequence(item, inner)
                    else:
                        self.value(item, inner)
            lead = separator
        append(newline + "}")
        self.active.discard(marker)

    def sequence(self, value: Any, newline: str) -> None:
        append = self.parts.append
        if not value:
            append("[]")
            return
        inner = newline + self.unit
        separator = "," + inner
        if set(map(type, value)) == _STR_ONLY:
            # Strings only: no container inside, so no circular reference to look for.
            append("[" + inner + separator.join(map(self.encode_str, value)) + newline + "]")
            return
        marker = self.enter(value)
        lead = "[" + inner
        for item in value:
            append(lead)
            self.value(item, inner)
            lead = separator
        append(newline + "]")
        self.active.discard(marker)
