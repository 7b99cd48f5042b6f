"""Request signing of the Renderbus API: canonical string, body flattening, HMAC-SHA256.

Pure functions shared by the client (:class:`rayvision_api.connect.Connect`), the HTTP transfer
engine and the sandbox farm, which verifies requests with the same rules. The rules are the
service's, including its quirks (empty lists and dicts vanish from the signed string; values
are rendered with Python's ``str()``), because the server recomputes the signature that way.
"""

import base64
import hashlib
import hmac
import random
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

# Header keys that take part in the signature, and the two that never do.
SIGNED_HEADER_KEYS = ("accessId", "channel", "platform", "UTCTimestamp", "nonce", "version")
UNSIGNED_HEADER_KEYS = ("signature", "Content-Type")

_NONCE_RANDOM = random.SystemRandom()


def to_bytes(string: Union[str, bytes]) -> bytes:
    """Return ``string`` as UTF-8 bytes (bytes are returned unchanged).

    The argument keeps its documented name (``rayvision_api.utils.to_bytes(string)``).
    """
    if isinstance(string, bytes):
        return string
    return string.encode("utf-8")


def generate_timestamp(offset: float = 0.0) -> str:
    """Current Unix time in whole seconds, as a decimal string.

    Args:
        offset (float): Seconds to add: the farm's clock minus this machine's.
    """
    return str(int(time.time() + offset))


def generate_nonce() -> str:
    """A random 18-digit decimal string (about 60 bits from the system's random source).

    The original sent six digits, so identical requests in the same second collided about
    once per million pairs and were refused as replays; the service reads the nonce as text.
    """
    return str(_NONCE_RANDOM.randrange(10 ** 17, 10 ** 18))


def flatten_body(body: Any, prefix: str = "") -> Dict[str, Any]:
    """Flatten a JSON body the way the service signs it.

    Nested dict keys are joined with ``.``; list indexes are appended with no separator;
    empty lists and dicts produce nothing.

    Args:
        body: A dict, list or scalar.
        prefix (str): Key of ``body`` in its parent ('' at the top).

    Returns:
        dict: Flat key -> scalar value, in walk order.

    Example:
        >>> flatten_body({"a": {"b": [1, {"c": 2}]}})
        {'a.b0': 1, 'a.b1.c': 2}
    """
    flat = {}
    if isinstance(body, dict):
        for key, value in body.items():
            child = "{0}.{1}".format(prefix, key) if prefix else key
            flat.update(flatten_body(value, child))
    elif isinstance(body, (list, tuple)):
        for index, value in enumerate(body):
            flat.update(flatten_body(value, "{0}{1}".format(prefix, index)))
    else:
        flat[prefix] = body
    return flat


def signed_pairs(headers: Mapping[str, Any], body: Any) -> List[Tuple[str, Any]]:
    """Merge the signed headers with the flattened body, sorted by key.

    Body keys override header keys of the same name (the real header is still sent).

    Returns:
        list[tuple[str, object]]: ``(key, value)`` pairs in code-point order of the keys.
    """
    merged = dict(headers)
    # The service drops both keys only when ``signature`` is present.
    if "signature" in merged:
        merged.pop("signature")
        merged.pop("Content-Type", None)
    merged.update(flatten_body(body or {}))
    return sorted(merged.items())


def render_value(value: Any) -> str:
    """Render a value as the service does: Python ``str()`` (``True``, ``None``, ``1.5``)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return u"{0}".format(value)


def canonical_string(domain: str, api_url: str, headers: Mapping[str, Any], body: Any,
                     method: str = "POST") -> str:
    """Build the string to sign: ``[POST]<domain>:<api_url>&k1=v1&k2=v2...``.

    Args:
        domain (str): Host as given to the client (``task.renderbus.com``, ``127.0.0.1:8765``).
        api_url (str): Request path with its leading ``/``.
        headers (dict): Request headers (``signature``/``Content-Type`` are left out).
        body (dict): JSON body, or the query parameters of a storage request.
        method (str): HTTP method; the API always signs ``POST``.

    Returns:
        str: The canonical string.
    """
    pairs = u"&".join(u"{0}={1}".format(key, render_value(value))
                      for key, value in signed_pairs(headers, body))
    return u"[{0}]{1}:{2}&{3}".format(method.upper(), domain, api_url, pairs)


def hmac_signature(access_key: Union[str, bytes], message: Union[str, bytes]) -> str:
    """HMAC-SHA256 of ``message`` under ``access_key``, standard Base64, as text (44 chars)."""
    digest = hmac.new(to_bytes(access_key), to_bytes(message), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def build_headers(access_id: str, platform: str, timestamp: Optional[str] = None,
                  nonce: Optional[str] = None, channel: str = "4",
                  version: str = "1.0.0") -> Dict[str, str]:
    """The eight request headers, in the service's order, with an empty ``signature``."""
    return {
        "accessId": access_id,
        "channel": channel,
        "platform": platform,
        "UTCTimestamp": timestamp if timestamp is not None else generate_timestamp(),
        "nonce": nonce if nonce is not None else generate_nonce(),
        "signature": "",
        "version": version,
        "Content-Type": "application/json",
    }


def sign_headers(headers: Mapping[str, str], access_key: str, domain: str, api_url: str,
                 body: Any, method: str = "POST") -> Dict[str, str]:
    """Return a copy of ``headers`` with ``signature`` computed for this request."""
    signed = dict(headers)
    signed["signature"] = ""
    message = canonical_string(domain, api_url, signed, body, method)
    signed["signature"] = hmac_signature(access_key, message)
    return signed


def verify_signature(headers: Mapping[str, str], access_key: str, domain: str, api_url: str,
                     body: Any, method: str = "POST") -> bool:
    """True when ``headers['signature']`` is the right signature of this request.

    Used by servers (the sandbox farm); compares in constant time.
    """
    given = headers.get("signature") or ""
    unsigned = dict((key, headers[key]) for key in SIGNED_HEADER_KEYS if key in headers)
    unsigned["signature"] = ""
    expected = hmac_signature(access_key, canonical_string(domain, api_url, unsigned, body,
                                                           method))
    return hmac.compare_digest(to_bytes(expected), to_bytes(given))
