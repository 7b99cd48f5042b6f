import io
import logging
import time

import pytest

from rayvision_api.cancel import CancelToken
from rayvision_api.exception import (
    ProgressCallbackError,
    RayvisionArgumentError,
    RayvisionCancelledError,
)
from rayvision_sync.progress import ProgressReporter
from rayvision_sync.throttle import RateLimiter, limiter_for, parse_max_speed


def test_callback_receives_structured_events():
    events = []
    reporter = ProgressReporter("download", events.append, show=False)
    reporter.start(2, 30)
    reporter.file_start("/a", "/l/a")
    reporter.moved("/a", "/l/a", 10)
    reporter.file_done("/a", "/l/a")
    reporter.file_skipped("/b", "/l/b", 20)
    reporter.done()
    assert [event.kind for event in events] == [
        "job_start", "file_start", "bytes", "file_done", "file_skipped", "job_done"]
    assert events[2].as_dict() == {"kind": "bytes", "direction": "download", "path": "/a",
                                   "local_path": "/l/a", "nbytes": 10, "files_done": 0,
                                   "files_total": 2, "bytes_done": 10, "bytes_total": 30,
                                   "message": None}
    assert (events[-1].files_done, events[-1].bytes_done) == (2, 10)
    assert "kind='bytes'" in repr(events[2])


def test_broken_callback_stops_the_job_with_a_typed_error():
    calls = []

    def explode(event):
        calls.append(event.kind)
        raise RuntimeError("plugin bug")

    reporter = ProgressReporter("upload", explode, show=False)
    with pytest.raises(ProgressCallbackError) as info:
        reporter.start(1, 1)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert info.value.original is info.value.__cause__
    assert "RuntimeError: plugin bug" in str(info.value)
    assert reporter.callback_error is info.value
    # Every worker of the job sees the stop; the callback is not called again.
    assert reporter.token.cancelled
    with pytest.raises(RayvisionCancelledError):
        reporter.check()
    reporter.done()
    assert calls == ["job_start"]


def test_broken_callback_ignored_when_asked_warns_once(caplog):
    def explode(event):
        raise RuntimeError("plugin bug")

    reporter = ProgressReporter("upload", explode, show=False, ignore_callback_errors=True)
    with caplog.at_level(logging.DEBUG, logger="rayvision_sync.progress"):
        reporter.start(1, 1)
        reporter.moved("a", "a", 1)
        reporter.done()
    levels = [record.levelno for record in caplog.records if "plugin bug" in record.message]
    assert levels == [logging.WARNING, logging.DEBUG, logging.DEBUG]
    assert not reporter.token.cancelled
    assert reporter.bytes_done == 1


def test_cancel_token_of_the_caller_stops_the_job():
    token = CancelToken()
    reporter = ProgressReporter("download", show=False, cancel_token=token)
    reporter.check()
    token.cancel("host asked")
    with pytest.raises(RayvisionCancelledError) as info:
        reporter.check("download of a.exr")
    assert str(info.value).endswith("download of a.exr was cancelled: host asked")


def test_tqdm_bars_files_and_bytes(monkeypatch):
    stream = io.StringIO()
    import tqdm

    original = tqdm.tqdm

    def to_stream(*args, **kwargs):
        kwargs["file"] = stream
        return original(*args, **kwargs)

    monkeypatch.setattr(tqdm, "tqdm", to_stream)
    reporter = ProgressReporter("upload", show=True)
    reporter.start(3, 3 * 1024)
    for name in "abc":
        reporter.moved(name, name, 1024)
        reporter.file_done(name, name)
    reporter.done()
    text = stream.getvalue()
    assert "upload files" in text and "3/3" in text
    assert "upload bytes" in text and "3.00k/3.00k" in text


@pytest.mark.parametrize("value,rate", [(None, None), ("", None), ("0", None), (0, None),
                                        ("100", 102400.0), (2048, 2097152.0)])
def test_parse_max_speed(value, rate):
    assert parse_max_speed(value) == rate


@pytest.mark.parametrize("value", ["fast", "-1"])
def test_bad_max_speed(value):
    with pytest.raises(RayvisionArgumentError, match="max_speed"):
        parse_max_speed(value)


def test_default_max_speed_is_the_documented_one():
    assert limiter_for(None).rate == 1048576 * 1024.0
    assert limiter_for("0").rate is None


def test_rate_limiter_paces_bytes():
    limiter = RateLimiter(100 * 1024.0)
    started = time.monotonic()
    for _ in range(4):
        limiter.consume(10 * 1024)
    # The first piece goes at once; the other three wait 0.1 s each.
    assert time.monotonic() - started >= 0.28


def test_bars_closed_when_the_callback_raises_on_job_done(monkeypatch):
    import tqdm

    original, bars = tqdm.tqdm, []

    def to_stream(*args, **kwargs):
        kwargs["file"] = io.StringIO()
        bars.append(original(*args, **kwargs))
        return bars[-1]

    def broken(event):
        if event.kind == "job_done":
            raise RuntimeError("plugin bug")

    monkeypatch.setattr(tqdm, "tqdm", to_stream)
    reporter = ProgressReporter("upload", broken, show=True)
    reporter.start(1, 1)
    with pytest.raises(ProgressCallbackError):
        reporter.done()
    assert len(bars) == 2 and all(bar.disable for bar in bars)  # tqdm marks closed bars
