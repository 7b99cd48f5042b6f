"""Retry policy by operation (docs/retries.md), drop-in error types, re-signing, wire exactness.

End-to-end proofs against the sandbox are in tests/sandbox/test_sandbox_lost_answers.py;
these are the request-building and error-path units.
"""

import json
import pickle
import socket

import pytest
import requests
import responses

from helpers.api_reference import ACCESS_ID, ACCESS_KEY, DOMAIN, assert_signed, envelope
from rayvision_api.connect import Connect
from rayvision_api.exception import (
    RayvisionAPIError,
    RayvisionArgumentError,
    RayvisionConnectionError,
    RayvisionError,
    RayvisionOutcomeUnknownError,
    RayvisionResponseDecodeError,
    RayvisionTransportError,
)
from rayvision_api.operations import IDEMPOTENT, OPERATIONS, READ, RECONCILE
from rayvision_api.operators import Query, Tag, Task
from rayvision_api.reconcile import RECONCILERS

BASE = "https://" + DOMAIN
SUBMIT = BASE + "/api/render/task/submitTask"
TASK_INFO = BASE + "/api/render/task/queryTaskInfo"
PROFILE = BASE + "/api/render/user/queryUserProfile"


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_every_operation_declares_its_safety():
    for name, operation in OPERATIONS.items():
        assert operation.safety in (READ, IDEMPOTENT, RECONCILE), name
        assert operation.why, name
    assert set(RECONCILERS) == set(name for name, op in OPERATIONS.items()
                                   if op.safety == RECONCILE)
    # The operations the issue reports as harmful when repeated.
    for name in ("create_task", "submit_task", "delete_task", "stop_task", "abort_task",
                 "add_label", "add_render_env", "restart_frame", "restart_failed_frames"):
        assert OPERATIONS[name].safety == RECONCILE, name


def test_connection_failure_is_also_a_requests_connection_error(mocked, connect):
    mocked.add(responses.POST, PROFILE, body=requests.exceptions.ConnectionError("reset"))
    with pytest.raises(requests.RequestException) as failure:
        connect.post("/api/render/user/queryUserProfile")
    error = failure.value
    assert isinstance(error, requests.exceptions.ConnectionError)
    assert isinstance(error, RayvisionConnectionError)
    assert isinstance(error, RayvisionTransportError) and isinstance(error, RayvisionAPIError)
    assert error.error_code == -1 and error.request == PROFILE
    assert len(mocked.calls) == connect.max_attempts
    assert pickle.loads(pickle.dumps(error)).request == PROFILE


def test_non_json_answer_is_also_a_value_error(mocked, connect):
    mocked.add(responses.POST, PROFILE, body="<html>gateway</html>", status=200)
    with pytest.raises(ValueError) as failure:
        connect.post("/api/render/user/queryUserProfile")
    assert isinstance(failure.value, RayvisionResponseDecodeError)
    assert isinstance(failure.value, RayvisionTransportError)
    assert failure.value.error_code == 200
    assert not isinstance(failure.value, requests.RequestException)


def test_business_errors_of_unsafe_operations_are_not_retried(mocked, connect):
    mocked.add(responses.POST, SUBMIT, json=envelope(None, 600, "already submitted"))
    with pytest.raises(RayvisionAPIError) as failure:
        Task(connect).submit_task(7)
    assert failure.value.error_code == 600
    assert not isinstance(failure.value, RayvisionTransportError)
    assert len(mocked.calls) == 1


def test_unsafe_operation_lost_answer_is_reconciled_as_done(mocked, connect):
    mocked.add(responses.POST, SUBMIT, body=requests.exceptions.ReadTimeout("slow"))
    mocked.add(responses.POST, TASK_INFO, json=envelope(
        {"items": [{"id": 7, "taskStatus": 0, "submitDate": 1586000000000}]}))
    assert Task(connect).submit_task(7) is None
    paths = [call.request.path_url for call in mocked.calls]
    assert paths == ["/api/render/task/submitTask", "/api/render/task/queryTaskInfo"]
    assert json.loads(mocked.calls[1].request.body) == {"taskIds": [7]}


def test_unsafe_operation_not_done_is_sent_again(mocked, connect):
    mocked.add(responses.POST, SUBMIT, body=requests.exceptions.ConnectionError("reset"))
    mocked.add(responses.POST, SUBMIT, json=envelope(None))
    mocked.add(responses.POST, TASK_INFO, json=envelope(
        {"items": [{"id": 7, "taskStatus": 0, "submitDate": None}]}))
    assert Task(connect).submit_task(7) is None
    paths = [call.request.path_url.rsplit("/", 1)[1] for call in mocked.calls]
    assert paths == ["submitTask", "queryTaskInfo", "submitTask"]


def test_unsafe_operation_unknown_outcome_raises_with_what_is_known(mocked, connect):
    mocked.add(responses.POST, SUBMIT, status=502, body="bad gateway")
    mocked.add(responses.POST, TASK_INFO, json=envelope({"items": []}))
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        Task(connect).submit_task(7)
    error = failure.value
    assert error.operation == "submit_task" and error.known["task_ids"] == [7]
    assert isinstance(error, requests.exceptions.ConnectionError)
    assert isinstance(error, RayvisionError)
    assert "submit_task may or may not have taken effect" in str(error)
    assert [c.request.path_url.rsplit("/", 1)[1] for c in mocked.calls] == [
        "submitTask", "queryTaskInfo"]
    copy = pickle.loads(pickle.dumps(error))
    assert copy.known == error.known and copy.operation == "submit_task"


def test_lookup_failure_during_reconciliation_is_an_unknown_outcome(mocked, connect):
    mocked.add(responses.POST, SUBMIT, body=requests.exceptions.ConnectionError("reset"))
    mocked.add(responses.POST, TASK_INFO, body=requests.exceptions.ConnectionError("down"))
    with pytest.raises(RayvisionOutcomeUnknownError) as failure:
        Task(connect).submit_task(7)
    assert "lookup_error" in failure.value.known


def test_policy_never_does_not_ask(mocked):
    connect = Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", retry_policy="never")
    mocked.add(responses.POST, SUBMIT, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(RayvisionOutcomeUnknownError):
        Task(connect).submit_task(7)
    assert len(mocked.calls) == 1


def test_policy_always_repeats(mocked):
    connect = Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", retry_policy="always",
                      backoff_factor=0)
    mocked.add(responses.POST, SUBMIT, body=requests.exceptions.ReadTimeout("slow"))
    mocked.add(responses.POST, SUBMIT, json=envelope(None))
    assert Task(connect).submit_task(7) is None
    assert len(mocked.calls) == 2


def test_unknown_policy_is_refused():
    with pytest.raises(RayvisionArgumentError, match="retry_policy must be one of"):
        Connect(ACCESS_ID, ACCESS_KEY, "https", DOMAIN, "2", retry_policy="sometimes")


def test_idempotent_change_is_retried_but_ends_as_unknown(mocked, connect):
    url = BASE + "/api/rendering/task/renderingTask/updateTaskUserLevel"
    mocked.add(responses.POST, url, body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(RayvisionOutcomeUnknownError):
        Task(connect).update_task_level(7, 60)
    assert len(mocked.calls) == connect.max_attempts


def test_request_that_never_left_is_retried_even_when_unsafe():
    port = closed_port()
    connect = Connect(ACCESS_ID, ACCESS_KEY, "http", "127.0.0.1:%d" % port, "2",
                      max_attempts=3, backoff_factor=0)
    waits = []
    connect._sleep = waits.append
    with pytest.raises(RayvisionConnectionError) as failure:
        Task(connect).submit_task(7)
    assert not isinstance(failure.value, RayvisionOutcomeUnknownError)
    assert len(waits) == 2  # three attempts: a refused connection proves nothing was done


def test_clock_skew_from_the_date_header(mocked, connect, caplog):
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    mocked.add(responses.POST, PROFILE, json=envelope(None, 610, "SIGNATURE_EXPIRED"),
               headers={"Date": stamp})
    mocked.add(responses.POST, PROFILE, json=envelope({"userId": 1}))
    assert connect.post("/api/render/user/queryUserProfile") == {"userId": 1}
    first, second = (int(call.request.headers["UTCTimestamp"]) for call in mocked.calls)
    assert abs(second - 1445412480) <= 2
    assert connect.clock_offset < -3600
    assert len([r for r in caplog.records if "clock" in r.getMessage()]) == 1


def test_clock_skew_resigns_only_once(mocked, connect):
    mocked.add(responses.POST, PROFILE, json=envelope(None, 610, "SIGNATURE_EXPIRED"),
               headers={"Date": "Wed, 21 Oct 2015 07:28:00 GMT"})
    with pytest.raises(RayvisionAPIError) as failure:
        connect.post("/api/render/user/queryUserProfile")
    assert failure.value.error_code == 610 and len(mocked.calls) == 2


def test_signature_refusal_resigns_once_with_a_new_nonce(mocked, connect):
    mocked.add(responses.POST, PROFILE, json=envelope(None, 611, "SIGNATURE_INVALID: replay"))
    mocked.add(responses.POST, PROFILE, json=envelope({"userId": 1}))
    assert connect.post("/api/render/user/queryUserProfile") == {"userId": 1}
    nonces = [call.request.headers["nonce"] for call in mocked.calls]
    assert len(set(nonces)) == 2


@pytest.mark.parametrize("call, path, body", [
    (lambda c: Task(c).stop_task(5), "/api/render/task/stopTask", b'{"taskIds": [5]}'),
    (lambda c: Task(c).start_task(5), "/api/render/task/startTask", b'{"taskIds": [5]}'),
    (lambda c: Task(c).abort_task(5), "/api/render/task/abortTask", b'{"taskIds": [5]}'),
    (lambda c: Task(c).delete_task(5), "/api/render/task/deleteTask", b'{"taskIds": [5]}'),
    (lambda c: Task(c).full_speed(5), "/api/render/task/fullSpeed", b'{"taskIds": [5]}'),
    (lambda c: Task(c).set_task_overtime_top(5, 60), "/api/render/task/setOverTimeStop",
     b'{"taskIds": [5], "overTime": 60}'),
    (lambda c: Query(c).task_info(5), "/api/render/task/queryTaskInfo", b'{"taskIds": [5]}'),
    (lambda c: Query(c).restart_failed_frames(5), "/api/render/task/restartFailedFrames",
     b'{"taskIds": [5]}'),
    (lambda c: Tag(c).add_label("p", "0"), "/api/render/common/addLabel",
     b'{"newName": "p", "status": "0"}'),
    (lambda c: Tag(c).add_label("p"), "/api/render/common/addLabel",
     b'{"newName": "p", "status": 1}'),
])
def test_wire_bytes(mocked, connect, call, path, body):
    mocked.add(responses.POST, BASE + path, json=envelope(None))
    call(connect)
    assert len(mocked.calls) == 1
    assert mocked.calls[0].request.body == body
    assert assert_signed(mocked.calls[0])[0] == path
    headers = [key for key in mocked.calls[0].request.headers
               if key in ("accessId", "channel", "platform", "UTCTimestamp", "nonce",
                          "signature", "version", "Content-Type")]
    assert headers == ["accessId", "channel", "platform", "UTCTimestamp", "nonce",
                       "signature", "version", "Content-Type"]
