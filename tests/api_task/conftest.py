"""Fixtures of the task-preparation tests: a live sandbox farm, one fresh user per test.

The farm answers every call the checks make (task ids, the user profile, project labels,
error details), so these tests exercise the real signed API end to end. The requests each
client sends are recorded from its own ``requests`` session, so a test can also assert which
calls were made, in order. A scripted service (``responses``) remains only for answers the
farm never gives (an empty task id list, the dict form of an error detail).
"""

import itertools
import json

import pytest
import requests
import responses

from rayvision_sandbox import Sandbox

_USERS = itertools.count(1)


@pytest.fixture(scope="session")
def farm(tmp_path_factory):
    with Sandbox(data_dir=str(tmp_path_factory.mktemp("farm")), seconds_per_frame=0.01) as live:
        yield live


class RecordedCalls(object):
    """The API calls a client made: ``(operation, body)`` in order, read off its session."""

    def __init__(self):
        self.calls = []
        self.session = requests.Session()
        self.session.hooks["response"].append(self._record)

    def _record(self, response, *args, **kwargs):
        request = response.request
        path = request.path_url.split("?", 1)[0]
        self.calls.append((path.rsplit("/", 1)[1], json.loads(request.body or b"{}")))

    def paths(self):
        return [operation for operation, _ in self.calls]

    def clear(self):
        del self.calls[:]


@pytest.fixture
def user(farm):
    """``(access_id, access_key)`` of a user created for this test (nothing shared)."""
    return farm.create_user("task-check-{0}".format(next(_USERS)))


@pytest.fixture
def recorded():
    calls = RecordedCalls()
    yield calls
    calls.session.close()


@pytest.fixture
def client_options(farm, user, recorded):
    """Keyword arguments of a client of this test's user, recording its calls."""
    return dict(farm.api_kwargs(*user), backoff_factor=0, session=recorded.session)


@pytest.fixture
def api(client_options, recorded):
    from rayvision_api import RayvisionAPI
    client = RayvisionAPI(**client_options)
    recorded.clear()
    return client


@pytest.fixture
def project(api, recorded):
    """The label id of project ``P1``, created on the farm for this user."""
    api.tag.add_label("P1", 0)
    label = [item for item in api.tag.get_label_list()["projectNameList"]
             if item["projectName"] == "P1"][0]
    recorded.clear()
    return str(label["projectId"])


@pytest.fixture
def scripted():
    """A scripted service for the answers the farm never gives (error-path tests only)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
