r"""Tokens and values of the MEL statements a Maya ASCII file is made of.

Only what .ma files use: ``command -flag value "string" ... ;`` with double-quoted strings
(``\"``, ``\\``, ``\n``, ``\t`` escapes) and ``("a" + "b")`` concatenation for long strings.
Every function takes bytes and never raises on malformed input.
"""

import re
from typing import Any

# A quoted string is matched "unrolled" (runs of plain characters, then one escape at a
# time): the regex engine keeps no state per plain character, so memory stays flat.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[^\s;"]+', re.S)
_ESCAPES = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b'"': b'"', b"\\": b"\\"}
_ESCAPE = re.compile(rb"\\(.)", re.S)

# setAttr flags followed by a value (everything else starting with '-' stands alone).
_SETATTR_FLAGS_WITH_VALUE = frozenset([b"-k", b"-keyable", b"-l", b"-lock", b"-s", b"-size",
                                       b"-cb", b"-channelBox", b"-type", b"-typ"])

_BOOLEANS = {b"yes": True, b"true": True, b"on": True,
             b"no": False, b"false": False, b"off": False}


def tokenize(statement: Any) -> Any:
    """Split a statement (bytes) into tokens; strings keep their quotes."""
    return _TOKEN.findall(statement)


def is_string(token: Any) -> Any:
    """Whether ``token`` is a quoted string."""
    return token[:1] == b'"'


def unquote(token: Any) -> Any:
    """The bytes of a quoted MEL string, escapes resolved (an unterminated one is accepted)."""
    body = token[1:-1] if len(token) > 1 and token.endswith(b'"') else token[1:]
    if b"\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def join_strings(tokens: Any) -> Any:
    """Concatenate the strings of ``("a" + "b")`` style values; None when there is none."""
    parts = [unquote(token) for token in tokens if is_string(token)]
    if not parts:
        return None
    return b"".join(parts)


def parse_value(tokens: Any) -> Any:
    """A setAttr value: bool, int, float, bytes or a list of them; None when empty."""
    values = []
    for token in tokens:
        if token in (b"(", b")", b"+"):
            continue
        if is_string(token):
            values.append(unquote(token))
            continue
        lowered = token.lower()
        if lowered in _BOOLEANS:
            values.append(_BOOLEANS[lowered])
            continue
        try:
            values.append(int(token))
        except ValueError:
            try:
                values.append(float(token))
            except ValueError:
                values.append(token)
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def parse_setattr(statement: Any) -> Any:
    """Split ``setAttr [flags] "plug" [-type "t"] values;``.

    Returns:
        tuple or None: ``(plug, data_type, value_tokens)`` with ``plug`` and ``data_type``
        as bytes (``data_type`` None when absent), or None for a statement without a plug.
    """
    tokens = tokenize(statement)
    plug = None
    data_type = None
    values = []
    index = 1  # tokens[0] is "setAttr"
    count = len(tokens)
    while index < count:
        token = tokens[index]
        if plug is None and is_string(token):
            plug = unquote(token)
        elif token[:1] == b"-" and token in _SETATTR_FLAGS_WITH_VALUE:
            if token in (b"-type", b"-typ") and index + 1 < count:
                data_type = unquote(tokens[index + 1])
            index += 1
        elif token[:1] == b"-" and not _is_number(token):
            pass
        elif plug is not None:
            values.append(token)
        index += 1
    if plug is None:
        return None
    return plug, data_type, values


def _is_number(token: Any) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def flag_values(tokens: Any) -> Any:
    """``{flag: value}`` for the ``-flag value`` pairs of a statement, and its final string.

    The final quoted string (the path of ``file`` statements) is never taken as a flag value.

    Returns:
        tuple: ``(flags, last_string)``; ``flags`` maps e.g. ``b"-ns"`` to the unquoted value,
        or to True for a flag followed by another flag; ``last_string`` is None when the
        statement does not end with a string.
    """
    last_string = None
    end = len(tokens)
    if end > 1 and is_string(tokens[-1]):
        last_string = unquote(tokens[-1])
        end -= 1
    flags = {}
    index = 1
    while index < end:
        token = tokens[index]
        if token[:1] == b"-" and not _is_number(token):
            following = tokens[index + 1] if index + 1 < end else None
            if following is None or (following[:1] == b"-" and not _is_number(following)):
                flags[token] = True
            else:
                flags[token] = unquote(following) if is_string(following) else following
                index += 1
        index += 1
    return flags, last_string
