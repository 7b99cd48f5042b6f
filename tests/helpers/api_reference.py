"""Shared helpers of the rayvision_api tests (an independent reading of the spec)."""

import base64
import hashlib
import hmac
import json

ACCESS_ID = "AKIDEXAMPLE"
ACCESS_KEY = "SECRET-KEY-never-logged"
DOMAIN = "task.renderbus.com"


def reference_flatten(value, prefix, out):
    """Flattening written from the spec's prose, independently of the SDK."""
    if isinstance(value, dict):
        for key in value:
            reference_flatten(value[key], key if not prefix else prefix + "." + key, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            reference_flatten(item, prefix + str(index), out)
    else:
        out[prefix] = value
    return out


def reference_signature(key, domain, path, headers, body, method="POST"):
    pairs = {k: v for k, v in headers.items() if k not in ("signature", "Content-Type")}
    pairs.update(reference_flatten(body, "", {}))
    text = "[%s]%s:%s&" % (method, domain, path) + "&".join(
        "%s=%s" % (k, pairs[k]) for k in sorted(pairs))
    digest = hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def envelope(data=None, code=200, message="success"):
    return {"version": "1.0.0", "result": code == 200, "message": message, "code": code,
            "data": data, "serverTime": 1586000000000, "requestId": "test-request"}


def sent(call):
    """(path, body dict, headers) of a recorded responses call."""
    request = call.request
    path = request.path_url
    return path, json.loads(request.body), request.headers


def assert_signed(call, key=ACCESS_KEY, domain=DOMAIN):
    path, body, headers = sent(call)
    header_dict = {k: headers[k] for k in
                   ("accessId", "channel", "platform", "UTCTimestamp", "nonce", "version")}
    assert headers["signature"] == reference_signature(key, domain, path, header_dict, body)
    assert headers["Content-Type"] == "application/json"
    return path, body
