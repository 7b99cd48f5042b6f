"""One-line explanations of SDK errors (``rayvision_api.diagnose``)."""

import pytest
import requests

from rayvision_api import RayvisionAPI
from rayvision_api.diagnose import explain
from rayvision_api.exception import RayvisionAPIError, RayvisionArgumentError


def _failure(**kwargs):
    with pytest.raises(Exception) as info:
        RayvisionAPI(backoff_factor=0.01, max_attempts=2, timeout=5, **kwargs)
    return explain(info.value)


def test_https_to_an_http_farm_says_use_http(rayvision_sandbox):
    found = _failure(**dict(rayvision_sandbox.api_kwargs(), protocol="https"))
    assert found.kind == "protocol"
    assert "answers plain http, not https" in found.message
    assert "protocol http" in found.hint
    assert "\\n" not in found.line()


def test_wrong_port_and_wrong_key(rayvision_sandbox):
    refused = _failure(**dict(rayvision_sandbox.api_kwargs(), domain="127.0.0.1:9"))
    assert refused.kind == "unreachable" and "connection refused" in refused.message
    wrong_key = _failure(**rayvision_sandbox.api_kwargs(access_key="0" * 32))
    assert wrong_key.kind == "credentials" and wrong_key.code == 611
    assert "0" * 32 not in wrong_key.line()


def test_http_to_an_https_port_says_use_https():
    error = RayvisionAPIError(400, "HTTP 400 with no JSON envelope in the answer: "
                                   "'The plain HTTP request was sent to HTTPS port'",
                              "http://farm.example/api/render/user/queryUserProfile")
    found = explain(error)
    assert found.kind == "protocol" and "expects https" in found.message


def test_other_errors_keep_their_code():
    assert explain(RayvisionArgumentError("platform must be ...")).kind == "argument"
    farm = explain(RayvisionAPIError(100001, "TASK_NOT_FOUND", "https://x/api"))
    assert farm.kind == "farm" and farm.code == 100001
    assert explain(requests.exceptions.InvalidURL("bad")).kind == "sdk"
    assert "--debug" in explain(RuntimeError("boom")).hint
