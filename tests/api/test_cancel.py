"""CancelToken and the two errors it brings (docs/embedding.md, "Cancelling")."""

import pickle
import threading
import time

import pytest

from rayvision_api import exception
from rayvision_api.cancel import CancelToken, check, pause
from rayvision_api.diagnose import explain
from rayvision_utils.exception import exception as utils_exception


def test_cancel_is_one_way_and_keeps_the_first_reason():
    token = CancelToken()
    assert not token.cancelled
    token.raise_if_cancelled("upload")
    token.cancel("first")
    token.cancel("second")
    assert token.cancelled and token.reason == "first"
    with pytest.raises(exception.RayvisionCancelledError) as info:
        token.raise_if_cancelled("upload of a.exr")
    assert str(info.value) == "RayvisionError: 1000006: upload of a.exr was cancelled: first"
    assert (info.value.what, info.value.reason) == ("upload of a.exr", "first")
    assert "cancelled (first)" in repr(token)


def test_wait_returns_early_when_cancelled_from_another_thread():
    token = CancelToken()
    assert token.wait(0.01) is False
    threading.Timer(0.1, token.cancel).start()
    started = time.monotonic()
    assert token.wait(30) is True
    assert time.monotonic() - started < 5
    assert token.wait(0) is True and token.wait(-1) is True


def test_a_child_follows_its_parent_never_the_reverse():
    parent = CancelToken()
    child = CancelToken(parent)
    child.cancel("child only")
    assert not parent.cancelled
    other = CancelToken(parent)
    parent.cancel("stop everything")
    assert other.cancelled and other.reason == "stop everything"
    late = CancelToken(parent)  # linked after the cancel: cancelled at once
    assert late.cancelled and late.reason == "stop everything"


def test_many_threads_cancel_once():
    token = CancelToken()
    children = [CancelToken(token) for _ in range(50)]
    threads = [threading.Thread(target=token.cancel, args=("t{0}".format(i),))
               for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({child.reason for child in children}) == 1
    assert all(child.cancelled for child in children)


def test_check_and_pause_accept_no_token():
    check(None)
    pause(None, 0)
    token = CancelToken()
    token.cancel()
    with pytest.raises(exception.RayvisionCancelledError):
        check(token, "x")
    started = time.monotonic()
    with pytest.raises(exception.RayvisionCancelledError):
        pause(token, 30, "wait")
    assert time.monotonic() - started < 5


def test_errors_are_in_the_hierarchy_and_pickle():
    cancelled = exception.RayvisionCancelledError("download", "host asked")
    failed = exception.ProgressCallbackError("upload", ValueError("bad"))
    for error in (cancelled, failed):
        assert isinstance(error, exception.RayvisionError)
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again)) == (type(error), str(error))
    assert failed.error_code == 1000007
    assert str(failed) == ("RayvisionError: 1000007: the progress callback of the upload "
                           "raised ValueError: bad")
    assert explain(cancelled).kind == "interrupted"
    assert utils_exception.RayvisionCancelledError is exception.RayvisionCancelledError
    assert utils_exception.ProgressCallbackError is exception.ProgressCallbackError
