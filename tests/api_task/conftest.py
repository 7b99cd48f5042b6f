import json

import pytest
import responses

DOMAIN = "task.renderbus.com"
BASE = "https://" + DOMAIN


class FakeService(object):
    """Answers of the service by URL path, and the calls made, for `responses`."""

    def __init__(self, rsps):
        self.rsps = rsps
        self.calls = []
        self.answers = {
            "/api/render/user/queryUserProfile": {"userId": 100, "userName": "u"},
            "/api/render/user/queryUserSetting": {"taskOverTime": 12},
            "/api/render/task/getTransferBid": {"config_bid": "30201", "input_bid": "10202",
                                                "output_bid": "20201"},
            "/api/render/task/createTask": {"taskIdList": [999], "aliasTaskIdList": ["2W999"],
                                            "userId": 100},
            "/api/render/common/getLabelList": {"projectNameList": [
                {"projectId": 7, "projectName": "P1"}]},
            "/api/render/common/addLabel": None,
            "/api/render/common/queryErrorDetail": None,
        }
        self.error_details = {}
        for path in self.answers:
            rsps.add_callback(responses.POST, BASE + path, callback=self._answer)

    def _answer(self, request):
        path = request.path_url
        body = json.loads(request.body or b"{}")
        self.calls.append((path, body))
        if path.endswith("queryErrorDetail"):
            data = self.error_details.get(body.get("code"), [])
        else:
            data = self.answers[path]
        return 200, {}, json.dumps({"code": 200, "message": "success", "data": data})

    def paths(self):
        return [path.rsplit("/", 1)[1] for path, _ in self.calls]


@pytest.fixture
def service():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeService(rsps)


@pytest.fixture
def api(service):
    from rayvision_api import RayvisionAPI
    client = RayvisionAPI(access_id="AID", access_key="SECRETKEY", domain=DOMAIN, platform="2",
                          backoff_factor=0)
    del service.calls[:]
    return client
