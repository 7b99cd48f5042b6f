import pytest
import responses

from helpers.api_reference import ACCESS_ID, ACCESS_KEY, DOMAIN


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def connect():
    from rayvision_api.connect import Connect
    conn = Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", backoff_factor=0)
    conn._sleep = lambda seconds: None
    return conn
