"""Fault injection: error bursts, latency, connection resets, clock skew (failing frames and
clock skew are also covered by the life-cycle and auth tests)."""

import hashlib
import os
import time

import pytest
import requests

from rayvision_api.exception import RayvisionTransportError
from rayvision_sandbox import Faults


@pytest.mark.parametrize("status", [503, 500, 429])
def test_error_burst_is_retried_by_the_client(farm, api, status):
    farm.faults.set(error_burst=(status, 2))
    before = farm.faults.counters["errors"]
    assert api.user.query_user_profile()["userId"] == api.user_info["user_id"]
    assert farm.faults.counters["errors"] - before == 2
    assert farm.faults.error_burst is None


def test_error_burst_longer_than_the_retries_fails_with_transport_error(farm, new_api):
    client = new_api(max_attempts=2)
    farm.faults.set(error_burst=(502, 5))
    with pytest.raises(RayvisionTransportError) as failure:
        client.query.platforms()
    assert failure.value.error_code == 502
    assert farm.faults.error_burst == (502, 3)


def test_error_burst_hits_storage_routes_too(farm, storage, api):
    farm.faults.set(error_burst=(503, 1))
    response = storage.request("GET", api.user_info["input_bid"], "/", params={"list": 1})
    assert response.status_code == 503 and response.headers["Retry-After"] == "0"
    assert response.json()["code"] == 503
    assert storage.listing(api.user_info["input_bid"], "/") is not None


def test_latency_is_added_to_every_answer(farm, api):
    farm.faults.set(latency=0.3)
    started = time.time()
    api.query.platforms()
    assert time.time() - started >= 0.3


def test_download_reset_mid_transfer_and_resume_with_range(farm, storage, api):
    data = os.urandom(300000)
    bid = api.user_info["output_bid"]
    storage.upload(bid, "/reset/big.bin", data)
    farm.faults.set(reset_after_bytes=100000)
    before = farm.faults.counters["resets"]
    received = b""
    attempts = 0
    while len(received) < len(data):
        attempts += 1
        assert attempts < 10
        headers = {"Range": "bytes={0}-".format(len(received))} if received else {}
        response = storage.request("GET", bid, "/reset/big.bin", headers=headers, stream=True)
        assert response.status_code == (206 if received else 200)
        received += _read_until_cut(response)
    assert received == data
    # A reset may drop bytes still in flight, so there can be more cuts than 300000/100000.
    assert farm.faults.counters["resets"] - before >= 2


def _read_until_cut(response):
    chunks = []
    try:
        for chunk in response.iter_content(8192):
            chunks.append(chunk)
    except requests.exceptions.RequestException:
        pass
    return b"".join(chunks)


def test_upload_reset_keeps_the_bytes_received(farm, storage, api):
    data = os.urandom(250000)
    digest = hashlib.sha256(data).hexdigest()
    bid = api.user_info["input_bid"]
    farm.faults.set(reset_after_bytes=100000)
    offset = 0
    for _ in range(10):
        try:
            response = storage.put(bid, "/reset/up.bin", data, offset=offset)
            if response.json()["data"]["complete"]:
                break
        except requests.exceptions.RequestException:
            pass
        state = storage.get(bid, "/reset/up.bin", params={"upload": 1, "size": len(data),
                                                          "sha256": digest})
        offset = state.json()["data"]["offset"]
    farm.faults.clear()
    assert storage.get(bid, "/reset/up.bin").content == data


def test_stream_shorter_than_the_limit_is_not_reset(farm, storage, api):
    bid = api.user_info["input_bid"]
    farm.faults.set(reset_after_bytes=1000)
    storage.upload(bid, "/reset/small.bin", b"s" * 1000)
    assert storage.get(bid, "/reset/small.bin").content == b"s" * 1000


@pytest.mark.parametrize("kwargs", [{"latency": -1}, {"error_burst": (404, 1)},
                                    {"error_burst": "503"}, {"reset_after_bytes": 0}])
def test_invalid_fault_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        Faults().set(**kwargs)


def test_set_replaces_and_clear_switches_everything_off():
    faults = Faults()
    faults.set(latency=1, error_burst=(503, 2), reset_after_bytes=10, clock_skew=5,
               failing_frames=["3"])
    assert faults.frame_fails([3]) and not faults.frame_fails([4])
    faults.set(clock_skew=2)
    assert faults.latency == 0 and faults.error_burst is None and faults.clock_skew == 2
    faults.clear()
    assert faults.take_error() is None and faults.reset_after_bytes is None
    assert "Faults(" in repr(faults)


def test_error_burst_on_an_upload_answers_the_status_not_a_reset(farm, storage, api):
    data = os.urandom(3 * 1024 * 1024)
    bid = api.user_info["input_bid"]
    farm.faults.set(error_burst=(503, 1))
    response = storage.put(bid, "/burst/up.bin", data)
    assert response.status_code == 503
    # The same connection still works: the farm read the refused body.
    storage.upload(bid, "/burst/up.bin", data)
    assert storage.get(bid, "/burst/up.bin").content == data


def test_lost_answer_settings_round_trip_through_as_dict():
    faults = Faults()
    faults.set(latency=0.1, drop_answer={"/api/render/task/submitTask": 2},
               late_answer={"/api/render/task/createTask": (1.5, 1),
                            "/api/render/common/addLabel": 2.0},
               failing_frames=[3, "7"], clock_skew=-600)
    config = faults.as_dict()
    assert config["drop_answer"] == {"/api/render/task/submitTask": 2}
    assert config["late_answer"] == {"/api/render/task/createTask": (1.5, 1),
                                     "/api/render/common/addLabel": (2.0, None)}
    assert config["failing_frames"] == ["3", "7"] and config["clock_skew"] == -600
    copy = Faults()
    copy.set(**config)
    assert copy.as_dict() == config
    assert "drop_answer" in repr(copy)
    faults.clear()
    assert faults.as_dict()["drop_answer"] is None and faults.as_dict()["late_answer"] is None


def test_dropped_answers_are_counted_and_run_out():
    faults = Faults()
    faults.set(drop_answer={"/a": 2}, late_answer={"/b": (0.5, 1)})
    assert [faults.take_drop("/a") for _ in range(3)] == [True, True, False]
    assert faults.take_drop("/b") is False
    assert [faults.take_late("/b") for _ in range(2)] == [0.5, 0.0]
    assert faults.counters["dropped_answers"] == 2 and faults.counters["late_answers"] == 1
    faults.set(drop_answer=["/a"])
    assert all(faults.take_drop("/a") for _ in range(5))
    assert faults.drop_answer == {"/a": None}


@pytest.mark.parametrize("kwargs, message", [
    ({"drop_answer": {"api/no/slash": 1}}, "drop_answer keys must be URL paths"),
    ({"drop_answer": {"/a": -1}}, "drop_answer"),
    ({"late_answer": {"/a": -2}}, "late_answer"),
    ({"late_answer": {"/a": "soon"}}, "late_answer"),
])
def test_lost_answer_settings_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Faults().set(**kwargs)


def test_date_header_is_the_farm_clock(farm, api):
    import email.utils

    farm.faults.set(clock_skew=3600)
    response = requests.post(farm.url + "/api/render/user/queryUserProfile", data="{}",
                             timeout=10)
    date = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
    assert abs(date - (time.time() + 3600)) < 5
    assert len(response.raw.headers.getlist("Date")) == 1


def test_scripted_task_statuses_are_taken_in_order_and_counted():
    faults = Faults()
    faults.set(task_statuses={"7": [5, None, 25]})
    taken = [faults.take_status(7) for _ in range(4)]
    assert taken == [(True, 5), (True, None), (True, 25), (True, 25)]
    assert faults.take_status(8) == (False, None)
    assert faults.status_polls(7) == 4 and faults.status_polls(8) == 0
    assert faults.as_dict()["task_statuses"] == {7: [25]}
    faults.clear()
    assert faults.take_status(7) == (False, None) and faults.status_polls(7) == 0


@pytest.mark.parametrize("statuses", [{"x": [1]}, {1: []}, {1: ["done"]}, {1: 5}])
def test_invalid_task_status_scripts_are_refused(statuses):
    with pytest.raises(ValueError, match="task_statuses"):
        Faults().set(task_statuses=statuses)


def test_query_task_info_answers_the_scripted_statuses(farm, api):
    task_id = int(api.get_task_id())
    farm.faults.set(task_statuses={task_id: [None, 15, 25]})
    answers = []
    for _ in range(4):
        items = api.query.task_info([task_id])["items"]
        answers.append([item["taskStatus"] for item in items])
    assert answers == [[], [15], [25], [25]]
    assert farm.faults.status_polls(task_id) == 4


def test_another_users_query_takes_no_scripted_status(farm, api, other_user):
    # Another user asking for the task's id used up its scripted statuses and counted as a
    # poll, so the owner's polling loop saw the script out of order.
    task_id = int(api.get_task_id())
    farm.faults.set(task_statuses={task_id: [5, 25]})
    assert other_user.query.task_info([task_id])["items"] == []
    assert farm.faults.status_polls(task_id) == 0
    assert [item["taskStatus"] for item in api.query.task_info([task_id])["items"]] == [5]
