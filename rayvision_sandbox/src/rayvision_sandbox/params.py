"""Validation of request body parameters: 601 when missing, 600 when invalid, named."""

from rayvision_sandbox.errors import invalid, missing


def _present(body, name):
    return name in body and body[name] is not None and body[name] != ""


def integer(body, name, required=True, default=None, minimum=None, maximum=None):
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
        if not text.lstrip("-").isdigit():
            raise invalid(name, "must be an integer, got {0!r}".format(value))
        value = int(text)
    if isinstance(value, float) and value == int(value):
        value = int(value)
    if not isinstance(value, int):
        raise invalid(name, "must be an integer, got {0!r}".format(value))
    if minimum is not None and value < minimum:
        raise invalid(name, "must be >= {0}, got {1}".format(minimum, value))
    if maximum is not None and value > maximum:
        raise invalid(name, "must be <= {0}, got {1}".format(maximum, value))
    return value


def string(body, name, required=True, default=None, max_length=255):
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


def id_list(body, name, required=True, allow_scalar=False):
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


def string_list(body, name, required=False):
    """A list of strings (or nothing)."""
    if name not in body or body[name] is None:
        if required:
            raise missing(name)
        return []
    value = body[name]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid(name, "must be a list of strings, got {0!r}".format(value))
    return value


def integer_list(body, name, required=False):
    """A list of ints (digit strings accepted)."""
    if name not in body or body[name] is None:
        if required:
            raise missing(name)
        return []
    value = body[name]
    if not isinstance(value, list):
        raise invalid(name, "must be a list of integers, got {0!r}".format(value))
    return [integer({name: item}, name) for item in value]
