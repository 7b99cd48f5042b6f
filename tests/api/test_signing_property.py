"""Property: every request the client sends verifies under the independent reference signer.

Bodies are generated (nested dicts and lists, Unicode, numbers, booleans, null, empty
containers), posted through the public ``Connect.post`` and captured on the wire; the
reference implementation of ``docs/wire-format.md`` (``tests/helpers/wire_reference.py``)
recomputes the canonical string from what was actually sent and must find the same signature.
"""

import json

import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import wire_reference
from rayvision_api.connect import Connect

DOMAIN = "task.renderbus.com"
KEY = "k3y-\u00e9-SECRET"

keys = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo")),
               min_size=1, max_size=8)  # letters only: flattened keys cannot collide
leaves = (st.none() | st.booleans() | st.integers(-10 ** 12, 10 ** 12)
          | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
bodies = st.dictionaries(keys, st.recursive(
    leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12), max_size=6)
paths = st.sampled_from(["/api/render/task/createTask", "/api/render/common/addLabel",
                         "/api/render/task/getTaskList", "/x"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=paths, body=bodies)
def test_sent_requests_verify_under_the_reference(path, body):
    client = Connect("AKID", KEY, "https", DOMAIN, "2")
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, "https://" + DOMAIN + path,
                 json={"code": 200, "message": "success", "data": None})
        client.post(path, body)
        sent = rsps.calls[0].request
    headers = dict(sent.headers)
    sent_body = json.loads(sent.body)
    assert sent_body == body
    signed_headers = {name: headers[name] for name in
                      ("accessId", "channel", "platform", "UTCTimestamp", "nonce", "signature",
                       "version", "Content-Type")}
    expected = wire_reference.sign(
        KEY, wire_reference.canonical(DOMAIN, path, signed_headers, sent_body))
    signature = headers["signature"]
    assert (signature.decode("ascii") if isinstance(signature, bytes) else signature) == expected


@given(body=bodies)
@settings(max_examples=100, deadline=None)
def test_reference_tells_apart_any_change_of_a_leaf(body):
    """The reference is not trivially permissive: changing the body changes the string."""
    base = wire_reference.canonical(DOMAIN, "/x", {"signature": ""}, body)
    changed = dict(body)
    changed["\u00a7extra"] = 1
    assert wire_reference.canonical(DOMAIN, "/x", {"signature": ""}, changed) != base
