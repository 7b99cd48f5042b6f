"""Transport behaviour: retries, timeouts, errors, credentials, secrecy."""

import logging
import pickle

import pytest
import requests
import responses

from helpers.api_reference import ACCESS_KEY, DOMAIN, assert_signed, envelope
from rayvision_api import constants
from rayvision_api.connect import Connect
from rayvision_api.exception import (
    RayvisionAPIError,
    RayvisionArgumentError,
    RayvisionError,
    RayvisionTransportError,
)

URL = "https://%s/api/render/user/queryUserProfile" % DOMAIN
PATH = "/api/render/user/queryUserProfile"


def test_headers_template_has_the_eight_keys_and_is_not_shared(connect):
    assert list(connect.headers) == ["accessId", "channel", "platform", "UTCTimestamp", "nonce",
                                     "signature", "version", "Content-Type"]
    assert connect.headers["accessId"] == "AKIDEXAMPLE"
    Connect("other", "k", "https", DOMAIN, "9", headers={"channel": "5"})
    assert constants.HEADERS["accessId"] == ""  # the module template is never mutated
    assert connect.headers["channel"] == "4"
    assert connect.headers["platform"] == "2"


def test_header_overrides_merge_before_the_credentials(mocked):
    # Behaviour reference 1.1: ``headers`` is merged into the template first, then accessId
    # and platform are set from the arguments; the merged values are sent and signed.
    from helpers.api_reference import ACCESS_ID
    conn = Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", backoff_factor=0,
                   headers={"accessId": "someone-else", "platform": "9", "version": "2.0.0"})
    assert (conn.headers["accessId"], conn.headers["platform"]) == (ACCESS_ID, "2")
    assert conn.headers["version"] == "2.0.0"
    mocked.add(responses.POST, URL, json=envelope({"userId": 1}))
    conn.post(PATH)
    sent_headers = mocked.calls[0].request.headers
    assert (sent_headers["accessId"], sent_headers["platform"]) == (ACCESS_ID, "2")
    assert sent_headers["version"] == "2.0.0"
    assert_signed(mocked.calls[0])


def test_post_returns_data_and_signs(mocked, connect):
    mocked.add(responses.POST, URL, json=envelope({"userId": 1}))
    assert connect.post(PATH) == {"userId": 1}
    assert_signed(mocked.calls[0])
    assert mocked.calls[0].request.body == b"{}"


def test_business_error_is_raised_once_without_retry(mocked, connect):
    mocked.add(responses.POST, URL, json=envelope(None, code=600, message="PARAMETER_INVALID"))
    with pytest.raises(RayvisionAPIError) as info:
        connect.post(PATH)
    assert len(mocked.calls) == 1
    assert info.value.error_code == 600
    assert info.value.request == URL
    assert str(info.value) == "Error code: 600, Error message: PARAMETER_INVALID, URL: " + URL


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_5xx_and_429_are_retried_and_resigned(mocked, connect, status):
    mocked.add(responses.POST, URL, status=status, body="busy")
    mocked.add(responses.POST, URL, status=status, json=envelope(None, code=status))
    mocked.add(responses.POST, URL, json=envelope({"ok": True}))
    assert connect.post(PATH) == {"ok": True}
    assert len(mocked.calls) == 3
    nonces = {call.request.headers["nonce"] for call in mocked.calls}
    signatures = {call.request.headers["signature"] for call in mocked.calls}
    assert len(signatures) == len(nonces) >= 2
    for call in mocked.calls:
        assert_signed(call)


def test_retries_are_bounded_and_end_in_a_typed_error(mocked, connect):
    mocked.add(responses.POST, URL, status=503, body="<html>down</html>")
    waits = []
    connect._sleep = waits.append
    connect.backoff_factor = 0.5
    with pytest.raises(RayvisionTransportError) as info:
        connect.post(PATH)
    assert len(mocked.calls) == connect.max_attempts == 5
    assert info.value.error_code == 503
    assert "down" in info.value.error
    assert len(waits) == 4
    assert all(0 < w <= connect.backoff_max for w in waits)
    assert waits[-1] > waits[0]  # exponential


def test_retry_after_header_is_honoured(mocked, connect):
    mocked.add(responses.POST, URL, status=429, headers={"Retry-After": "3"}, body="")
    mocked.add(responses.POST, URL, json=envelope(1))
    waits = []
    connect._sleep = waits.append
    assert connect.post(PATH) == 1
    assert waits == [3.0]


def test_non_json_200_is_retried_then_a_clear_error(mocked, connect):
    mocked.add(responses.POST, URL, body="")
    with pytest.raises(RayvisionTransportError, match="no JSON envelope"):
        connect.post(PATH)
    assert len(mocked.calls) == 5


def test_non_json_404_is_not_retried(mocked, connect):
    mocked.add(responses.POST, URL, status=404, body="not here")
    with pytest.raises(RayvisionAPIError) as info:
        connect.post(PATH)
    assert info.value.error_code == 404
    assert len(mocked.calls) == 1


def test_connection_errors_are_retried(mocked, connect):
    mocked.add(responses.POST, URL, body=requests.exceptions.ConnectionError("reset"))
    mocked.add(responses.POST, URL, body=requests.exceptions.ReadTimeout("slow"))
    mocked.add(responses.POST, URL, json=envelope("ok"))
    assert connect.post(PATH) == "ok"
    assert len(mocked.calls) == 3


def test_connection_error_after_all_attempts(mocked, connect):
    mocked.add(responses.POST, URL, body=requests.exceptions.ConnectionError("refused"))
    connect.max_attempts = 2
    with pytest.raises(RayvisionTransportError) as info:
        connect.post(PATH)
    assert info.value.error_code == -1
    assert isinstance(info.value.__cause__, requests.exceptions.ConnectionError)


def test_every_request_has_a_timeout(connect, monkeypatch):
    seen = {}

    class Answer(object):
        status_code = 200
        content = b"{}"
        text = "{}"
        headers = {}

        def json(self):
            return envelope(None)

    def fake_post(url, data=None, headers=None, timeout=None):
        seen["timeout"] = timeout
        return Answer()

    monkeypatch.setattr(connect.session, "post", fake_post)
    connect.timeout = 7.5
    connect.post(PATH)
    assert seen["timeout"] == 7.5


def test_a_hung_server_times_out(connect):
    """A real socket that accepts and never answers: the timeout ends the wait."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        conn = Connect("id", "key", "http", "127.0.0.1:%d" % port, "2", timeout=0.3,
                       max_attempts=2, backoff_factor=0)
        with pytest.raises(RayvisionTransportError, match="no answer"):
            conn.post(PATH)
    finally:
        server.close()


def test_one_session_per_client(connect):
    other = Connect("a", "b", "https", DOMAIN, "2")
    assert isinstance(connect.session, requests.Session)
    assert connect.session is not other.session


def test_credentials_from_environment(monkeypatch):
    monkeypatch.setenv("RAYVISION_ACCESS_ID", "env-id")
    monkeypatch.setenv("RAYVISION_ACCESS_KEY", "env-key")
    conn = Connect(None, None, "https", DOMAIN, "2")
    assert conn.access_id == "env-id"
    assert conn.headers["accessId"] == "env-id"


def test_missing_credentials_name_the_variable(monkeypatch):
    monkeypatch.delenv("RAYVISION_ACCESS_ID", raising=False)
    monkeypatch.delenv("RAYVISION_ACCESS_KEY", raising=False)
    with pytest.raises(RayvisionArgumentError, match="RAYVISION_ACCESS_ID"):
        Connect(None, "k", "https", DOMAIN, "2")
    with pytest.raises(RayvisionArgumentError, match="access_key"):
        Connect("i", None, "https", DOMAIN, "2")
    with pytest.raises(RayvisionArgumentError, match="access_id must be a str"):
        Connect(123, "k", "https", DOMAIN, "2")


@pytest.mark.parametrize("domain, protocol, expected", [
    ("task.renderbus.com", "https", ("task.renderbus.com", "https")),
    ("https://jop.foxrenderfarm.com/", "https", ("jop.foxrenderfarm.com", "https")),
    ("127.0.0.1:8765", "http", ("127.0.0.1:8765", "http")),
    ("http://127.0.0.1:8765", "https", ("127.0.0.1:8765", "http")),
])
def test_domain_forms(domain, protocol, expected):
    conn = Connect("i", "k", protocol, domain, "2")
    assert (conn.domain, conn.protocol) == expected


@pytest.mark.parametrize("kwargs, message", [
    ({"domain": ""}, "domain"), ({"domain": "a.com/path"}, "domain"),
    ({"protocol": "ftp"}, "protocol"), ({"platform": None}, "platform"),
    ({"platform": " "}, "platform"), ({"max_attempts": 0}, "max_attempts"),
])
def test_bad_constructor_arguments(kwargs, message):
    args = dict(access_id="i", access_key="k", protocol="https", domain=DOMAIN, platform="2")
    args.update(kwargs)
    with pytest.raises(RayvisionArgumentError, match=message):
        Connect(**args)


def test_access_key_never_in_repr_logs_or_errors(mocked, connect, caplog):
    mocked.add(responses.POST, URL, json=envelope(None, code=611, message="SIGNATURE_INVALID"))
    caplog.set_level(logging.DEBUG, logger="rayvision_api")
    # The package logger does not propagate by default; listen on it directly.
    package_logger = logging.getLogger("rayvision_api")
    package_logger.addHandler(caplog.handler)
    try:
        with pytest.raises(RayvisionError) as info:
            connect.post(PATH, {"x": 1})
    finally:
        package_logger.removeHandler(caplog.handler)
    assert ACCESS_KEY not in repr(connect)
    assert ACCESS_KEY not in str(info.value) + repr(info.value)
    assert ACCESS_KEY not in pickle.dumps(info.value).decode("latin-1")
    assert caplog.records
    assert ACCESS_KEY not in caplog.text
    assert ACCESS_KEY not in repr(vars(connect).get("session"))


def test_assemble_api_url():
    from rayvision_api.utils import assemble_api_url
    assert Connect.assemble_api_url("a.com", "/x") == "https://a.com/x"
    assert assemble_api_url("a.com", "/x", protocol="http") == "http://a.com/x"


def test_signed_headers_for_storage_requests(connect):
    from rayvision_api.signature import verify_signature
    headers = connect.signed_headers("/storage/b/a.png", {"list": "1"}, method="GET",
                                     domain="127.0.0.1:9")
    assert verify_signature(headers, ACCESS_KEY, "127.0.0.1:9", "/storage/b/a.png",
                            {"list": "1"}, "GET")
    assert not verify_signature(headers, ACCESS_KEY, "127.0.0.1:9", "/storage/b/a.png",
                                {"list": "1"}, "PUT")
