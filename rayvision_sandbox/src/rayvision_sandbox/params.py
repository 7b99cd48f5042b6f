"""Validation of request body parameters: 601 when missing, 600 when invalid, named.

Integers are kept to the signed 64-bit range the service's Java binding accepts (and sqlite
stores); non-finite and fractional numbers are refused by name, never answered with a 500.
"""

import math

from rayvision_sandbox.errors import invalid, missing

INT64_MIN = -2 ** 63
INT64_MAX = 2 ** 63 - 1


def _present(body, name):
    return name in body and body[name] is not None and body[name] != ""


def integer(body, name, required: bool = True, default=None, minimum=None, maximum=None):
    """An int parameter (digit strings accepted, as the service's JSON binding does)."""
    if not _present(body, name):
        if required:
            raise missing(name)
        return default
    value = body[name]
    if isinstance(value, bool):
        raise invalid(name, "must be an integer, got {0!r}".format(value))
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isdigit() and digits.isascii()) or len(digits) > 19:
            raise invalid(name, "must be an integer, got {0}".format(_short(value)))
        value = int(text)
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    if not isinstance(value, int):
        raise invalid(name, "must be an integer, got {0}".format(_short(value)))
    if not INT64_MIN <= value <= INT64_MAX:
        raise invalid(name, "is out of range (a 64-bit integer), got {0}".format(
            _short(value)))
    if minimum is not None and value < minimum:
        raise invalid(name, "must be >= {0}, got {1}".format(minimum, value))
    if maximum is not None and value > maximum:
        raise invalid(name, "must be <= {0}, got {1}".format(maximum, value))
    return value


def _short(value):
    """A value for a message: long ones cut, so an answer never echoes a huge request."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def string(body, name, required: bool = True, default=None, max_length=255):
    """A non-empty string parameter (numbers are accepted and turned into text)."""
    if not _present(body, name) or (isinstance(body[name], str) and not body[name].strip()):
        if required:
            raise missing(name)
        return default
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise invalid(name, "must be a string, got {0!r}".format(value))
    value = str(value).strip()
    if len(value) > max_length:
        raise invalid(name, "must be at most {0} characters".format(max_length))
    return value


def id_list(body, name, required: bool = True, allow_scalar: bool = False):
    """A list of ids (ints or digit strings); ``allow_scalar`` also takes one id."""
    if name not in body or body[name] is None:
        if required:
            raise missing(name)
        return []
    value = body[name]
    if allow_scalar and not isinstance(value, list):
        value = [value]
    if not isinstance(value, list):
        raise invalid(name, "must be a list of ids, got {0!r}".format(value))
    if required and not value:
        raise missing(name)
    ids = []
    for index, item in enumerate(value):
        ids.append(integer({name: item}, name, minimum=0) if item not in (None, "") else None)
        if ids[-1] is None:
            raise invalid("{0}[{1}]".format(name, index), "must be an id, got {0!r}".format(
                item))
    return ids


def string_list(body, name, required: bool = False):
    """A list of strings (or nothing)."""
    if name not in body or body[name] is None:
        if required:
            raise missing(name)
        return []
    value = body[name]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid(name, "must be a list of strings, got {0!r}".format(value))
    return value


def integer_list(body, name, required: bool = False):
    """A list of ints (digit strings accepted)."""
    if name not in body or body[name] is None:
        if required:
            raise missing(name)
        return []
    value = body[name]
    if not isinstance(value, list):
        raise invalid(name, "must be a list of integers, got {0!r}".format(value))
    numbers = []
    for index, item in enumerate(value):
        if item is None or item == "":  # given but empty: invalid, not "required"
            raise invalid("{0}[{1}]".format(name, index), "must be an integer, got {0!r}".format(
                item))
        numbers.append(integer({name: item}, name))
    return numbers
