"""An independent implementation of the request signing of ``docs/wire-format.md``.

Written from that page alone and sharing no code with ``rayvision_api``, so that the SDK's
signer and the sandbox's verifier are checked against a second reading of the rules rather
than against themselves. Also reads the page's worked examples.
"""

import base64
import hashlib
import hmac
import json
import os

WIRE_FORMAT = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "docs",
                           "wire-format.md")
_UNSIGNED_HEADERS = ("signature", "Content-Type")


def leaf_text(value):
    """A leaf value as the canonical string renders it (Python's ``str()`` rules)."""
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, float):
        return repr(value)
    return "{0}".format(value)


def flatten(body, prefix=""):
    """Pairs of the flattened body, in walk order (dict keys dotted, list indexes appended)."""
    pairs = []
    if isinstance(body, dict):
        for key, value in body.items():
            pairs += flatten(value, "{0}.{1}".format(prefix, key) if prefix else key)
    elif isinstance(body, list):
        for index, value in enumerate(body):
            pairs += flatten(value, "{0}{1}".format(prefix, index))
    else:
        pairs.append((prefix, body))
    return pairs


def canonical(domain, path, headers, body):
    """The string to sign for these headers and body."""
    merged = dict(headers)
    if "signature" in merged:
        for name in _UNSIGNED_HEADERS:
            merged.pop(name, None)
    merged.update(flatten(body))
    text = "&".join("{0}={1}".format(key, leaf_text(merged[key])) for key in sorted(merged))
    return "[POST]{0}:{1}&{2}".format(domain, path, text)


def sign(key, message):
    """Base64 of HMAC-SHA256(key, message), both UTF-8."""
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def worked_examples():
    """``(path, body, canonical string, signature)`` rows of the page's worked examples."""
    with open(WIRE_FORMAT, encoding="utf-8") as handle:
        text = handle.read()
    start = text.index("<!-- vectors:")
    end = text.index("<!-- end of vectors -->")
    rows = []
    for line in text[start:end].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        path, body, string, signature = (cell.strip("`") for cell in cells)
        rows.append((path, json.loads(body), string, signature))
    return rows
