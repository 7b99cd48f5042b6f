"""Fixtures of the sandbox tests: one fast farm per session, API clients, storage helpers."""

import hashlib
import json

import pytest
import requests

from rayvision_api import RayvisionAPI
from rayvision_sandbox import Sandbox

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover
    from urllib import quote

FAST = 0.01


@pytest.fixture(scope="session")
def farm(tmp_path_factory):
    with Sandbox(data_dir=str(tmp_path_factory.mktemp("farm")), seconds_per_frame=FAST) as running:
        yield running


@pytest.fixture(autouse=True)
def _faults_off(request):
    yield
    if "farm" in request.fixturenames:
        request.getfixturevalue("farm").faults.clear()


def make_api(farm, access_id=None, access_key=None, **options):
    options.setdefault("backoff_factor", 0.01)
    options.setdefault("timeout", 10)
    return RayvisionAPI(**dict(farm.api_kwargs(access_id, access_key), **options))


@pytest.fixture(scope="session")
def api(farm):
    return make_api(farm)


@pytest.fixture(scope="session")
def other_user(farm):
    access_id, access_key = farm.create_user("other")
    return make_api(farm, access_id, access_key)


class StorageClient(object):
    """Signed HTTP storage requests as docs/storage-protocol.md describes them."""

    def __init__(self, farm, api):
        self.farm = farm
        self.api = api
        self.session = requests.Session()

    def request(self, method, bid, path, params=None, data=None, headers=None, sign=True,
                stream=False):
        url_path = "/storage/{0}{1}".format(bid, path)
        params = dict((key, str(value)) for key, value in (params or {}).items())
        sent = {}
        if sign:
            sent = self.api.connect.signed_headers(url_path, params, method=method,
                                                   domain=self.farm.domain)
        sent.update(headers or {})
        return self.session.request(method, self.farm.url + quote(url_path, safe="/"),
                                    params=params, data=data, headers=sent, timeout=10,
                                    stream=stream)

    def put(self, bid, path, data, offset=0, size=None, sha=None, chunk=None):
        size = len(data) if size is None else size
        sha = sha or hashlib.sha256(data).hexdigest()
        return self.request("PUT", bid, path, {"offset": offset, "size": size, "sha256": sha},
                            data=chunk if chunk is not None else data[offset:])

    def upload(self, bid, path, data):
        response = self.put(bid, path, data)
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"offset": len(data), "complete": True}
        return response

    def get(self, bid, path, **kwargs):
        return self.request("GET", bid, path, **kwargs)

    def listing(self, bid, path="/"):
        response = self.request("GET", bid, path, {"list": 1})
        assert response.status_code == 200, response.text
        return response.json()["data"]["items"]


@pytest.fixture(scope="session")
def storage(farm, api):
    return StorageClient(farm, api)


def maya_task_json(frames="1-4[1]", layers=("defaultRenderLayer",), pre_frames="000",
                   stop_after_test="2", frames_per_task="1", scene="D:/proj/shot_010.ma"):
    scene_info = {}
    for name in layers:
        scene_info[name] = {"renderable": "1", "env": {}, "is_default_camera": "1",
                            "option": "",
                            "common": {"frames": frames, "width": "640", "height": "360",
                                       "render_camera": ["camShape1"], "image_format": "exr"}}
    return {"task_info": {"input_cg_file": scene, "cg_id": "2000", "pre_frames": pre_frames,
                          "stop_after_test": stop_after_test, "frames_per_task": frames_per_task,
                          "project_name": "P1", "ram": "64"},
            "software_config": {"cg_name": "Maya", "cg_version": "2018", "plugins": {}},
            "scene_info_render": scene_info}


def submit_task(api, storage, task_json, extra_files=("tips.json", "asset.json",
                                                      "upload.json")):
    """Create a task, upload its config files over HTTP storage, submit it; returns its id."""
    task_id = int(api.get_task_id())
    bid = api.user_info["config_bid"]
    storage.upload(bid, "/{0}/cfg/task.json".format(task_id), json.dumps(task_json).encode())
    for name in extra_files:
        storage.upload(bid, "/{0}/cfg/{1}".format(task_id, name), b"{}")
    assert api.submit(task_id) is True
    return task_id


@pytest.fixture(scope="session")
def maya_json():
    return maya_task_json


@pytest.fixture(scope="session")
def submit(api, storage):
    def _submit(task_json, client=None, client_storage=None):
        return submit_task(client or api, client_storage or storage, task_json)
    return _submit


@pytest.fixture(scope="session")
def new_api(farm):
    def _new_api(access_id=None, access_key=None, target=None, **options):
        return make_api(target or farm, access_id, access_key, **options)
    return _new_api


@pytest.fixture(scope="session")
def storage_for(farm):
    def _storage_for(client, target=None):
        return StorageClient(target or farm, client)
    return _storage_for
