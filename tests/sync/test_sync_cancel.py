"""Cancelling uploads and downloads against a live sandbox farm (docs/embedding.md,
"Cancelling"): the operation stops within a second, the files finished before the cancel
are kept (and recorded), the interrupted one is neither recorded nor made visible."""

import os
import random
import time

import pytest
from rvsync_helpers import make_file, read, write_upload_json

from helpers.cancelling import CANCEL_BOUND, Canceller
from rayvision_api.cancel import CancelToken
from rayvision_api.exception import ProgressCallbackError, RayvisionCancelledError
from rayvision_sync.download import RayvisionDownload
from rayvision_sync.http_download import PARTIAL_SUFFIX
from rayvision_sync.paths import storage_path
from rayvision_sync.upload import RayvisionUpload

MIB = 1024 * 1024
# KB/s: the large file takes about 16 s, the cancel comes well before its end.
SLOW = 256


def unique(name):
    return "/{0}_{1}".format(name, random.getrandbits(40))


def on_farm(farm, kind, path):
    return farm.storage_path(farm.access_id, kind, path)


class Events(object):
    """A progress callback that keeps the events."""

    def __init__(self):
        self.events = []

    def __call__(self, event):
        self.events.append(event)

    def done(self, path):
        return any(event.kind == "file_done" and event.path == path for event in self.events)

    def started(self, path):
        return any(event.kind == "file_start" and event.path == path for event in self.events)


def _upload_job(sync_env):
    root = unique("cancel")
    work = sync_env / "work" / "cancel"
    small = make_file(work / "small.png", 2000, seed=1)
    large = make_file(work / "large.exr", 4 * MIB, seed=2)
    pairs = [(small, root + "/small.png"), (large, root + "/large.exr")]
    return write_upload_json(work, pairs), pairs


def test_cancelled_upload_stops_within_a_second_and_records_only_finished_files(
        api, farm, sync_env):
    upload_json, pairs = _upload_job(sync_env)
    (small, small_server), (large, large_server) = pairs
    events = Events()
    token = CancelToken()
    upload = RayvisionUpload(api, progress_callback=events, show_progress=False)
    canceller = Canceller(token, lambda: events.done(small_server) and
                          events.started(large_server))
    with pytest.raises(RayvisionCancelledError) as info:
        upload.upload_asset(upload_json, max_speed=SLOW, cancel_token=token)
    assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
    assert info.value.reason == "cancelled by the test"
    assert "upload" in info.value.what
    # The finished file is on the farm and recorded; the interrupted one is neither.
    assert read(on_farm(farm, "input", small_server)) == read(small)
    assert not os.path.exists(on_farm(farm, "input", large_server))
    records = upload.open_records()
    try:
        known = records.lookup(upload.engine.scope("input_bid"),
                               [storage_path(small_server), storage_path(large_server)])
    finally:
        records.close()
    assert sorted(known) == [storage_path(small_server)]

    # Without a cancel the next run sends only what is missing.
    upload.upload_asset(upload_json)
    assert (upload.last_result.files_transferred, upload.last_result.files_skipped) == (1, 1)
    assert read(on_farm(farm, "input", large_server)) == read(large)


def test_constructor_token_stops_the_whole_upload_call(api, farm, sync_env):
    upload_json, pairs = _upload_job(sync_env)
    events = Events()
    token = CancelToken()
    upload = RayvisionUpload(api, progress_callback=events, show_progress=False,
                             cancel_token=token)
    canceller = Canceller(token, lambda: events.started(pairs[1][1]))
    with pytest.raises(RayvisionCancelledError):
        upload.upload("1234", upload_json, upload_json, upload_json, upload_json,
                      max_speed=SLOW)
    assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
    assert not os.path.exists(on_farm(farm, "input", pairs[1][1]))


def _output_files(farm):
    out = unique("out")
    data = {}
    for name, size in (("layer/a.png", 3000), ("layer/big.exr", 4 * MIB)):
        target = on_farm(farm, "output", out + "/" + name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        make_file(target, size, seed=size)
        data[name] = read(target)
    return out, data


def test_cancelled_download_keeps_the_partial_file_and_resumes_it(api, farm, sync_env):
    out, data = _output_files(farm)
    events = Events()
    token = CancelToken()
    download = RayvisionDownload(api, progress_callback=events, show_progress=False)
    canceller = Canceller(token, lambda: any(
        event.kind == "bytes" and event.path.endswith("/layer/big.exr")
        for event in events.events))
    dest = sync_env / "dl"
    with pytest.raises(RayvisionCancelledError):
        download.download(server_path=out, local_path=str(dest), max_speed=SLOW,
                          cancel_token=token)
    assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
    layer = dest / out.strip("/") / "layer"
    assert read(layer / "a.png") == data["layer/a.png"]
    # The destination is only ever written complete: the interrupted file is a partial.
    names = os.listdir(str(layer))
    assert "big.exr" not in names
    partials = [name for name in names if name.endswith(PARTIAL_SUFFIX)]
    assert len(partials) == 1
    held = os.path.getsize(str(layer / partials[0]))
    assert 0 < held < len(data["layer/big.exr"])

    again = RayvisionDownload(api, show_progress=False)
    again.download(server_path=out, local_path=str(dest))
    assert again.last_result.bytes_transferred == len(data["layer/big.exr"]) - held
    assert read(layer / "big.exr") == data["layer/big.exr"]
    assert sorted(os.listdir(str(layer))) == ["a.png", "big.exr"]


def test_raising_progress_callback_stops_the_upload_with_a_typed_error(api, farm, sync_env):
    upload_json, pairs = _upload_job(sync_env)

    def broken(event):
        if event.kind == "file_done":
            raise ValueError("plugin bug")

    upload = RayvisionUpload(api, progress_callback=broken, show_progress=False)
    with pytest.raises(ProgressCallbackError) as info:
        upload.upload_asset(upload_json, max_speed=SLOW)
    assert isinstance(info.value.__cause__, ValueError)
    assert info.value.what == "upload"
    assert not os.path.exists(on_farm(farm, "input", pairs[1][1]))


def test_raising_progress_callback_ignored_when_asked(api, farm, sync_env, sync_log):
    upload_json, pairs = _upload_job(sync_env)

    def broken(event):
        raise ValueError("plugin bug")

    upload = RayvisionUpload(api, progress_callback=broken, show_progress=False,
                             ignore_callback_errors=True)
    assert upload.upload_asset(upload_json) is True
    for local, server in pairs:
        assert read(on_farm(farm, "input", server)) == read(local)
    assert sync_log.text.count("plugin bug") >= 2
    download = RayvisionDownload(api, progress_callback=broken, show_progress=False,
                                 ignore_callback_errors=True)
    out, data = _output_files(farm)
    assert download.download(server_path=out, local_path=str(sync_env / "ok")) is True
    assert download.last_result.files_transferred == 2


class _FailsWhenDone(object):
    """Cancels the job as it starts; raises on ``job_done`` (a plugin's clean-up bug)."""

    def __init__(self, token):
        self.token = token

    def __call__(self, event):
        if event.kind == "job_start":
            self.token.cancel("cancelled by the test")
        elif event.kind == "job_done":
            raise ValueError("plugin bug at job_done")


def _count_closes(monkeypatch, engine):
    closes = []
    real_close = engine.client.close
    monkeypatch.setattr(engine.client, "close", lambda: (closes.append(1), real_close()))
    return closes


@pytest.mark.parametrize("direction", ["upload", "download"])
def test_callback_failing_at_job_done_keeps_the_error_in_flight_and_closes(
        api, farm, sync_env, monkeypatch, direction):
    # The job_done report runs while the job's own error is on its way out: the callback's
    # failure must neither replace that error nor skip closing the keep-alive connections.
    from rayvision_sync.progress import ProgressReporter

    token = CancelToken()
    progress = ProgressReporter(direction, _FailsWhenDone(token), show=False,
                                cancel_token=token)
    closes, info = _run_job_expecting(RayvisionCancelledError, api, farm, sync_env,
                                      monkeypatch, direction, progress)
    assert info.value.reason == "cancelled by the test"
    assert closes == [1]
    assert isinstance(progress.callback_error, ProgressCallbackError)


@pytest.mark.parametrize("direction", ["upload", "download"])
def test_callback_failing_at_job_done_alone_raises_it_after_closing(
        api, farm, sync_env, monkeypatch, direction):
    def broken(event):
        if event.kind == "job_done":
            raise ValueError("plugin bug at job_done")

    from rayvision_sync.progress import ProgressReporter

    progress = ProgressReporter(direction, broken, show=False)
    closes, info = _run_job_expecting(ProgressCallbackError, api, farm, sync_env, monkeypatch,
                                      direction, progress)
    assert isinstance(info.value.__cause__, ValueError)
    assert closes == [1]


def _run_job_expecting(error, api, farm, sync_env, monkeypatch, direction, progress):
    """Run an upload or a download job that must raise ``error``; ``(closes, info)``."""
    if direction == "upload":
        engine = RayvisionUpload(api).engine
        closes = _count_closes(monkeypatch, engine)
        _, pairs = _upload_job(sync_env)
        with pytest.raises(error) as info:
            engine.upload_pairs("input_bid", pairs, progress=progress)
    else:
        engine = RayvisionDownload(api).engine
        out, _ = _output_files(farm)
        items = engine.list("output_bid", storage_path(out))
        closes = _count_closes(monkeypatch, engine)
        with pytest.raises(error) as info:
            engine.download_items("output_bid", items, storage_path(out),
                                  str(sync_env / "dl"), progress=progress)
    return closes, info
