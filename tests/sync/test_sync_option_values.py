"""Settings holding a value they cannot take are refused by name, before any transfer.

``verify``, ``max_speed``: an ``OptionValueError`` (a ``RayvisionArgumentError`` and a
``ValueError``) naming the setting and the value, against the sandbox farm.
"""

import os
import random

import pytest
from rvsync_helpers import make_file, write_upload_json

from rayvision_api.exception import RayvisionArgumentError
from rayvision_sync.exception import OptionValueError
from rayvision_sync.upload import RayvisionUpload


def one_asset(sync_env):
    local = make_file(sync_env / "assets" / "a.png", 1000)
    server = "/opt_{0}/a.png".format(random.getrandbits(40))
    return write_upload_json(sync_env / "work" / "1586932339", [(local, server)]), server


def on_farm(farm, path):
    return farm.storage_path(farm.access_id, "input", path)


@pytest.mark.parametrize("value", ["sometimes", "HASH", "", None, 1])
def test_a_bad_verify_is_refused_when_the_upload_object_is_built(api, value):
    with pytest.raises(OptionValueError) as info:
        RayvisionUpload(api, verify=value)
    assert isinstance(info.value, RayvisionArgumentError)
    assert isinstance(info.value, ValueError)
    assert "verify" in str(info.value) and repr(value) in str(info.value)


def test_a_bad_verify_of_one_call_is_refused_before_anything_is_sent(api, farm, sync_env):
    upload_json, server = one_asset(sync_env)
    upload = RayvisionUpload(api, verify="hash")
    with pytest.raises(OptionValueError, match="verify.*'sometimes'"):
        upload.upload_asset(upload_json, verify="sometimes")
    assert not os.path.exists(on_farm(farm, server))
    upload.upload_asset(upload_json)
    assert upload.last_result.files_transferred == 1


@pytest.mark.parametrize("value", ["nan", "NaN", float("nan"), "inf", "-inf", float("inf"),
                                   "1e999", "-1", -5])
def test_a_max_speed_that_is_not_a_finite_rate_is_refused_before_anything_is_sent(
        api, farm, sync_env, value):
    upload_json, server = one_asset(sync_env)
    upload = RayvisionUpload(api)
    with pytest.raises(OptionValueError) as info:
        upload.upload_asset(upload_json, max_speed=value)
    assert isinstance(info.value, RayvisionArgumentError)
    assert "max_speed" in str(info.value) and repr(value) in str(info.value)
    assert not os.path.exists(on_farm(farm, server))
    upload.upload_asset(upload_json, max_speed="0")  # 0 is the way to ask for no limit
    assert upload.last_result.files_transferred == 1
