"""auto_download / auto_download_after_task_completed against tasks rendered by the sandbox."""

import collections
import json
import os
import time

import pytest

from helpers.cancelling import CANCEL_BOUND, Canceller
from rayvision_api import RayvisionAPI
from rayvision_api.cancel import CancelToken
from rayvision_api.exception import RayvisionCancelledError
from rayvision_sync.download import RayvisionDownload
from rayvision_sync.upload import RayvisionUpload


@pytest.fixture(scope="module")
def slow_farm():
    """A farm whose frames take long enough to be seen rendering."""
    from rayvision_sandbox import Sandbox

    farm = Sandbox(seconds_per_frame=0.2)
    farm.start()
    yield farm
    farm.stop()


def submit_task(api, folder, frames="1-8[1]", layers=("layer1",)):
    task_id = api.get_task_id()
    os.makedirs(str(folder), exist_ok=True)
    # The farm reads /<task_id>/cfg/task.json.
    task_json = os.path.join(str(folder), "task.json")
    scene = {name: {"renderable": "1", "common": {"frames": frames}} for name in layers}
    with open(task_json, "w") as handle:
        json.dump({"task_info": {"input_cg_file": "D:/proj/shot.ma", "cg_id": "2000"},
                   "scene_info_render": scene}, handle)
    RayvisionUpload(api).upload_config(task_id, [task_json])
    api.submit(int(task_id))
    return int(task_id)


def local_files(root):
    found = []
    for folder, _, names in os.walk(str(root)):
        found.extend(os.path.relpath(os.path.join(folder, name), str(root)) for name in names)
    return sorted(found)


def test_auto_download_follows_frames_as_they_finish(slow_farm, sync_env):
    api = RayvisionAPI(**slow_farm.api_kwargs())
    events = []
    download = RayvisionDownload(api, progress_callback=events.append)
    task_id = submit_task(api, sync_env, frames="1-12[1]")
    ids = [task_id]
    assert download.auto_download(ids, sleep_time=0.1, local_path=str(sync_env / "out"))
    assert ids == [task_id]  # the caller's list is left alone
    assert slow_farm.wait_for_task(task_id, timeout=1) == 25
    top = sync_env / "out" / "{0}_shot".format(task_id)
    frames = local_files(top / "layer1")
    assert frames == ["shot.{0:04d}.png".format(number) for number in range(1, 13)]
    # Each frame's thumbnail is in the output storage too (<top>/thumbnail/<layer>/...,
    # storage-protocol.md), so a task download brings them along.
    everything = local_files(top)
    assert local_files(top / "thumbnail" / "layer1") == frames
    done = collections.Counter(event.path for event in events if event.kind == "file_done")
    assert len(done) == len(everything) and set(done.values()) == {1}, \
        "a file was downloaded twice"
    # Frames arrived over several passes while the task rendered, not all at the end.
    passes = [event.files_total for event in events if event.kind == "job_start"]
    assert len([total for total in passes if 0 < total < len(everything)]) >= 1
    # A re-run moves nothing.
    again = RayvisionDownload(api)
    again.auto_download([task_id], sleep_time=0, local_path=str(sync_env / "out"))
    assert again.last_result.bytes_transferred == 0
    assert again.last_result.files_skipped == len(everything)


def test_auto_download_after_task_completed(farm, api, sync_env):
    download = RayvisionDownload(api)
    download.settle_time = 0
    first = submit_task(api, sync_env / "a", frames="1-3[1]", layers=("l1", "l2"))
    second = submit_task(api, sync_env / "b", frames="5")
    ids = [first, second]
    download.auto_download_after_task_completed(ids, sleep_time=0.1,
                                                download_filename_format="false",
                                                local_path=str(sync_env / "done"))
    assert ids == [first, second]
    files = [name for name in local_files(sync_env / "done")
             if not name.startswith("thumbnail")]
    # "false": below the task folder only (layer folders kept, no <taskId>_<scene>).
    assert files == sorted(["l1/shot.0001.png", "l1/shot.0002.png", "l1/shot.0003.png",
                            "l2/shot.0001.png", "l2/shot.0002.png", "l2/shot.0003.png",
                            "layer1/shot.0005.png"]), files


def test_stopped_and_failed_tasks_end_the_loops(farm, api, sync_env):
    farm.faults.set(failing_frames=[2])
    failing = submit_task(api, sync_env / "f", frames="1-3[1]")
    stopped = submit_task(api, sync_env / "s", frames="1-200[1]")
    api.task.stop_task([stopped])
    download = RayvisionDownload(api)
    started = time.monotonic()
    download.auto_download([failing, stopped], sleep_time=0.1, local_path=str(sync_env / "x"))
    assert time.monotonic() - started < 30
    statuses = {item["id"]: item["taskStatus"] for item in
                api.query.task_info([failing, stopped])["items"]}
    assert statuses == {failing: 30, stopped: 10}


def test_empty_lists_return_at_once(api):
    download = RayvisionDownload(api)
    assert download.auto_download(None) is True
    assert download.auto_download_after_task_completed([]) is True


# The loops below poll a task whose statuses the farm answers from a script
# (docs/sandbox.md, "Fault injection"); every queryTaskInfo answer is counted, so each test
# states exactly how many requests a loop makes. auto_download asks twice a pass (the state,
# then the output names it downloads); auto_download_after_task_completed asks once a pass,
# then once more for the output names of the task that ended. A loop that spins fails on
# its count or on the timeout, never hangs.
LOOP_TIMEOUT = 60


def answers_of(farm, api, sync_env, loop, statuses, **limits):
    """queryTaskInfo answers one call of ``loop`` needs for a task answering ``statuses``."""
    task_id = int(api.get_task_id())
    farm.faults.set(task_statuses={task_id: statuses})
    download = RayvisionDownload(api)
    download.settle_time = 0
    for name, value in limits.items():
        setattr(download, name, value)
    assert getattr(download, loop)([task_id], sleep_time=0,
                                   local_path=str(sync_env / "loop")) is True
    return farm.faults.status_polls(task_id)


@pytest.mark.timeout(LOOP_TIMEOUT)
@pytest.mark.parametrize("code", [2, 60, 99])
def test_loops_end_on_codes_outside_the_table(farm, api, sync_env, code):
    # Codes neither table holds (rayvision_sync.constants): unknown_limit passes, then the
    # loop stops waiting.
    assert answers_of(farm, api, sync_env, "auto_download", [code], unknown_limit=3) == 2 * 3
    assert answers_of(farm, api, sync_env, "auto_download_after_task_completed", [code],
                      unknown_limit=3) == 3 + 1


@pytest.mark.timeout(LOOP_TIMEOUT)
def test_a_known_status_resets_the_unknown_count(farm, api, sync_env):
    # unknown, rendering, unknown, done: the second unknown starts counting again at one.
    assert answers_of(farm, api, sync_env, "auto_download_after_task_completed",
                      [99, 5, 99, 25], unknown_limit=2) == 4 + 1


@pytest.mark.timeout(LOOP_TIMEOUT)
def test_loops_poll_until_the_task_ends(farm, api, sync_env):
    # Waiting, rendering, rendering, done: the after-completion loop polls four times; 1
    # (waiting) and 50 (analysing) are running codes too.
    assert answers_of(farm, api, sync_env, "auto_download_after_task_completed",
                      [0, 1, 50, 5, 25]) == 5 + 1
    # auto_download: passes read (state, names) = (0, 5), (5, 5), (25, 25): three passes.
    assert answers_of(farm, api, sync_env, "auto_download", [0, 5, 5, 5, 25]) == 3 * 2
    # Failed (30), stopped (10) and over-time (23) tasks end the loop at the first poll.
    for code in (30, 10, 23):
        assert answers_of(farm, api, sync_env, "auto_download_after_task_completed",
                          [code]) == 1 + 1


@pytest.mark.timeout(LOOP_TIMEOUT)
def test_task_unknown_to_the_farm_is_given_up(farm, api, sync_env):
    limit = RayvisionDownload(api).missing_limit
    assert answers_of(farm, api, sync_env, "auto_download", [None]) == 2 * limit
    assert answers_of(farm, api, sync_env, "auto_download_after_task_completed",
                      [None]) == limit + 1
    # Missing for a while (under the limit), then known: followed to its end.
    assert answers_of(farm, api, sync_env, "auto_download_after_task_completed",
                      [None, None, 5, 25], missing_limit=3) == 4 + 1


def test_download_by_task_id(farm, api, sync_env):
    task_id = submit_task(api, sync_env / "t", frames="1-2[1]")
    farm.wait_for_task(task_id, timeout=20)
    download = RayvisionDownload(api)
    assert download.download([task_id], local_path=str(sync_env / "d"))
    assert local_files(sync_env / "d" / "{0}_shot".format(task_id) / "layer1") == [
        "shot.0001.png", "shot.0002.png"]


def test_documented_workflow(farm, api, sync_env):
    """The spec's demo: upload the four json files and the assets, submit, download."""
    from rvsync_helpers import make_file, read, write_upload_json

    work = sync_env / "work" / "1586932339"
    scene = make_file(work / "proj" / "shot.ma", 2000, seed=1)
    texture = make_file(work / "proj" / "tex.png", 3000, seed=2)
    upload_json = write_upload_json(work, [(scene, "/proj/shot.ma"),
                                           (texture, "/proj/tex.png")])
    (work / "task.json").write_text(json.dumps({
        "task_info": {"input_cg_file": scene, "cg_id": "2000"},
        "scene_info_render": {"layer1": {"renderable": "1", "common": {"frames": "1-3[1]"}}}}))
    (work / "tips.json").write_text("{}")
    (work / "asset.json").write_text("{}")
    task_id = api.get_task_id()
    upload_obj = RayvisionUpload(api)
    assert upload_obj.upload(str(task_id), str(work / "task.json"), str(work / "tips.json"),
                             str(work / "asset.json"), upload_json) is True
    for name in ("task.json", "tips.json", "asset.json", "upload.json"):
        assert read(farm.storage_path(farm.access_id, "config",
                                      "/{0}/cfg/{1}".format(task_id, name))) \
            == read(work / name)
    assert read(farm.storage_path(farm.access_id, "input", "/proj/tex.png")) == read(texture)
    assert api.submit(int(task_id))
    download = RayvisionDownload(api)
    download.settle_time = 0
    assert download.auto_download_after_task_completed([int(task_id)], sleep_time=0.1,
                                                       local_path=str(sync_env / "renders"))
    assert local_files(sync_env / "renders" / "{0}_shot".format(task_id) / "layer1") == [
        "shot.0001.png", "shot.0002.png", "shot.0003.png"]


@pytest.mark.parametrize("method,sleep_time", [
    ("auto_download", 30),                        # cancelled while it sleeps between polls
    ("auto_download", 0.05),                      # cancelled while it polls and downloads
    ("auto_download_after_task_completed", 30),
])
def test_cancel_ends_the_download_loops_within_a_second(farm, api, sync_env, method,
                                                        sleep_time):
    task_id = submit_task(api, sync_env / "c", frames="1-2000[1]")  # renders for minutes
    token = CancelToken()
    download = RayvisionDownload(api, show_progress=False)
    canceller = Canceller(token, delay=0.5)
    try:
        with pytest.raises(RayvisionCancelledError) as info:
            getattr(download, method)([task_id], sleep_time=sleep_time,
                                      local_path=str(sync_env / "out"), cancel_token=token)
        assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
        assert str(task_id) in str(info.value)
    finally:
        api.task.stop_task([task_id])


def test_constructor_token_ends_the_loop(farm, api, sync_env):
    task_id = submit_task(api, sync_env / "k", frames="1-2000[1]")
    token = CancelToken()
    download = RayvisionDownload(api, show_progress=False, cancel_token=token)
    canceller = Canceller(token, delay=0.3)
    try:
        with pytest.raises(RayvisionCancelledError):
            download.auto_download_after_task_completed([task_id], sleep_time=30)
        assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
    finally:
        api.task.stop_task([task_id])
