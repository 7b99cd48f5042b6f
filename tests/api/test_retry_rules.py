"""Rules of the retry policy and of the signed string that a regression could bend quietly.

Each test pins one rule of ``docs/retries.md`` / ``docs/wire-format.md`` down through the
public ``Connect.post`` and ``rayvision_api.signature`` functions.
"""

import pytest
import responses

from helpers.api_reference import DOMAIN, envelope
from rayvision_api.connect import Connect
from rayvision_api.exception import RayvisionOutcomeUnknownError, RayvisionTransportError
from rayvision_api.operations import IDEMPOTENT, RECONCILE
from rayvision_api.signature import build_headers, canonical_string

URL = "https://%s/api/render/task/createTask" % DOMAIN
PATH = "/api/render/task/createTask"


def _waits(connect):
    waits = []
    connect._sleep = waits.append
    return waits


def test_retry_after_is_capped_by_backoff_max(mocked):
    connect = Connect("id", "key", "https", DOMAIN, "2", backoff_max=2.5)
    waits = _waits(connect)
    mocked.add(responses.POST, URL, status=429, headers={"Retry-After": "600"}, body="")
    mocked.add(responses.POST, URL, json=envelope(1))
    assert connect.post(PATH) == 1
    assert waits == [2.5]


def test_a_negative_retry_after_waits_nothing(mocked, connect):
    waits = _waits(connect)
    mocked.add(responses.POST, URL, status=503, headers={"Retry-After": "-5"}, body="")
    mocked.add(responses.POST, URL, json=envelope(1))
    assert connect.post(PATH) == 1
    assert waits == [0.0]


def test_exponential_backoff_is_capped_by_backoff_max(mocked):
    connect = Connect("id", "key", "https", DOMAIN, "2", backoff_factor=10.0, backoff_max=3.0,
                      max_attempts=5)
    waits = _waits(connect)
    mocked.add(responses.POST, URL, status=503, body="down")
    with pytest.raises(RayvisionTransportError):
        connect.post(PATH)
    assert len(waits) == 4
    # 10 * 2**n * [0.5, 1) is far above the cap from the first wait on.
    assert waits == [3.0] * 4


def test_a_change_refused_with_429_is_repeated(mocked, connect):
    # 429: the farm refused the request before acting on it, so even a change that is not
    # safe to repeat blindly is sent again.
    mocked.add(responses.POST, URL, status=429, body="")
    mocked.add(responses.POST, URL, json=envelope({"taskIdList": [7]}))
    assert connect.post(PATH, {}, safety=RECONCILE, operation="create_task") == {
        "taskIdList": [7]}
    assert len(mocked.calls) == 2


def test_an_idempotent_change_failing_every_attempt_has_an_unknown_outcome(mocked, connect):
    mocked.add(responses.POST, URL, status=503, body="down")
    with pytest.raises(RayvisionOutcomeUnknownError):
        connect.post(PATH, {}, safety=IDEMPOTENT, operation="set_task_overtime_top")
    assert len(mocked.calls) == connect.max_attempts


def test_a_body_key_overrides_the_header_of_the_same_name_in_the_signed_string():
    headers = build_headers("AKID", "2", timestamp="1700000000", nonce="123")
    text = canonical_string(DOMAIN, PATH, headers, {"platform": "9"})
    assert "&platform=9&" in text
    assert "platform=2" not in text
