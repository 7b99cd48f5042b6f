"""Task life cycle: submission rules, frames from task.json, statuses, simulated rendering."""

import json
import time

import pytest

from rayvision_api.exception import RayvisionAPIError
from rayvision_sandbox import png


def frames_of(api, task_id):
    return api.query.task_frames(task_id, 1, 1000)["items"]


def status_of(api, task_id):
    return api.query.task_info([task_id])["items"][0]["taskStatus"]


def test_submit_without_config_files_is_refused(api):
    task_id = int(api.get_task_id())
    with pytest.raises(RayvisionAPIError) as failure:
        api.submit(task_id)
    assert failure.value.error_code == 404
    assert "/{0}/cfg/task.json".format(task_id) in failure.value.error
    assert api.query.get_task_list(1, 1000)["total"] == len(
        [i for i in api.query.get_task_list(1, 1000)["items"] if i["id"] != task_id])


def test_submit_with_broken_task_json_names_the_problem(api, storage):
    task_id = int(api.get_task_id())
    path = "/{0}/cfg/task.json".format(task_id)
    storage.upload(api.user_info["config_bid"], path, b"{broken")
    with pytest.raises(RayvisionAPIError) as failure:
        api.submit(task_id)
    assert failure.value.error_code == 600 and "task.json" in failure.value.error
    storage.upload(api.user_info["config_bid"], path,
                   json.dumps({"task_info": {}, "scene_info_render": {}}).encode())
    with pytest.raises(RayvisionAPIError) as failure:
        api.submit(task_id)
    assert failure.value.error_code == 600 and "renderable" in failure.value.error


def test_submit_twice_is_refused(api, submit, maya_json):
    task_id = submit(maya_json())
    with pytest.raises(RayvisionAPIError) as failure:
        api.submit(task_id)
    assert failure.value.error_code == 600 and "already submitted" in failure.value.error


def test_maya_layers_times_frame_ranges(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-10[3]", layers=("beauty", "shadow")))
    assert farm.wait_for_task(task_id) == 25
    frames = frames_of(api, task_id)
    assert [f["frameIndex"] for f in frames] == ["1", "4", "7", "10"] * 2
    assert all(f["frameType"] == 5 and f["frameStatus"] == 4 for f in frames)
    info = api.query.task_info([task_id])["items"][0]
    assert info["framesRange"] == "1-10[3]" and info["renderCamera"] == "camShape1"


def test_frames_per_task_groups_frames(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-7[1]", frames_per_task="3"))
    farm.wait_for_task(task_id)
    assert [f["frameIndex"] for f in frames_of(api, task_id)] == ["1-3", "4-6", "7"]
    top = "/{0}_shot_010/defaultRenderLayer".format(task_id)
    names = [i["path"].rsplit("/", 1)[1] for i in farm.storages.list(
        api.user_info["output_bid"], top)]
    assert names == ["shot_010.{0:04d}.png".format(n) for n in range(1, 8)]


def test_houdini_rop_frames(api, submit, farm):
    task_json = {"task_info": {"input_cg_file": "D:/h/sphere.hip", "cg_id": "2004",
                               "frames_per_task": "1", "pre_frames": "000"},
                 "scene_info_render": {
                     "rop_node": [{"node": "/out/mantra1", "frames": "1-3[1]", "option": "-1",
                                   "render": "1"},
                                  {"node": "/out/off", "frames": "1-9[1]", "option": "-1",
                                   "render": "0"}],
                     "geo_node": []}}
    task_id = submit(task_json)
    assert farm.wait_for_task(task_id) == 25
    frames = frames_of(api, task_id)
    assert [f["frameIndex"] for f in frames] == ["1", "2", "3"]
    assert frames[0]["gopName"] == "/out/mantra1"
    info = api.query.task_info([task_id])["items"][0]
    assert info["framesRange"] == "/out/mantra11-3[1]" and info["cgId"] == 2004
    assert farm.storages.stat(api.user_info["output_bid"],
                              "/{0}_sphere/out_mantra1/sphere.0002.png".format(task_id))


def test_clarisse_image_and_layer_frames(api, submit, farm):
    task_json = {"task_info": {"input_cg_file": "E:/c/city.project", "cg_id": "2013"},
                 "scene_info_render": {"image_node": [
                     {"name": "project://scene/cam02", "frames": "0-1[1]", "renderable": "0",
                      "layers": [{"name": "project://scene/cam02.layer02", "frames": "5-6[1]",
                                  "renderable": "1"}]},
                     {"name": "project://scene/cam03", "frames": "9", "renderable": "1",
                      "layers": []}]}}
    task_id = submit(task_json)
    assert farm.wait_for_task(task_id) == 25
    assert [f["frameIndex"] for f in frames_of(api, task_id)] == ["5", "6", "9"]
    items = farm.storages.list(api.user_info["output_bid"], "/{0}_city".format(task_id))
    assert "/{0}_city/cam02.layer02/city.0005.png".format(task_id) in [i["path"] for i in items]


def test_priority_frames_pause_at_test_done_then_full_speed(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-9[1]", pre_frames="111", stop_after_test="1"))
    assert farm.wait_for_task(task_id) == 40
    frames = frames_of(api, task_id)
    priority = [f for f in frames if f["frameType"] == 4]
    assert [f["frameIndex"] for f in priority] == ["1", "5", "9"]
    assert all(f["frameStatus"] == 4 for f in priority)
    assert all(f["frameStatus"] == 1 for f in frames if f["frameType"] == 5)
    api.task.full_speed([task_id])
    assert farm.wait_for_task(task_id) == 25
    assert all(f["frameStatus"] == 4 for f in frames_of(api, task_id))


def test_priority_frames_without_pause_and_custom_frames(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-5[1]", pre_frames="000:2,4", stop_after_test="2"))
    assert farm.wait_for_task(task_id) == 25
    assert [(f["frameIndex"], f["frameType"]) for f in frames_of(api, task_id)][:2] == [
        ("2", 4), ("4", 4)]


def test_stop_start_and_abort(api, submit, maya_json, farm):
    farm.faults.set()
    task_id = submit(maya_json(frames="1-4000[1]"))
    api.task.stop_task([task_id])
    assert status_of(api, task_id) == 10
    assert all(f["frameStatus"] in (3, 4) for f in frames_of(api, task_id))
    api.task.start_task([task_id])
    assert status_of(api, task_id) in (0, 5)
    api.task.abort_task([task_id])
    info = api.query.task_info([task_id])["items"][0]
    assert info["taskStatus"] == 35 and info["abortFrames"] > 0
    assert info["completedDate"] is not None


def test_abort_keeps_a_finished_task_finished(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1"))
    assert farm.wait_for_task(task_id) == 25
    api.task.abort_task([task_id])
    assert status_of(api, task_id) == 25


def test_failing_frames_give_done_with_failures_or_failed(api, submit, maya_json, farm):
    farm.faults.set(failing_frames=[1, 3])
    task_id = submit(maya_json(frames="1-3[1]"))
    assert farm.wait_for_task(task_id) == 30
    assert [f["frameStatus"] for f in frames_of(api, task_id)] == [5, 4, 5]
    assert api.query.task_info([task_id])["items"][0]["failedFrames"] == 2
    farm.faults.set(failing_frames="all")
    task_id = submit(maya_json(frames="1-2[1]"))
    assert farm.wait_for_task(task_id) == 45
    assert farm.faults.counters["failed_frames"] >= 4


def test_timeout_stop(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-2000[1]"))
    api.task.set_task_overtime_top([task_id], 1)
    assert farm.wait_for_task(task_id, timeout=20) == 23
    info = api.query.task_info([task_id])["items"][0]
    assert info["isOverTime"] == 1
    # The last frames never started: they were stopped by the time-out.
    assert all(f["frameStatus"] == 11 for f in api.query.task_frames(task_id, 2, 1000)["items"])
    api.task.abort_task([task_id])


def test_rendered_frames_are_real_pngs_with_thumbnails(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-2[1]"))
    farm.wait_for_task(task_id)
    bid = api.user_info["output_bid"]
    top = api.query.task_info([task_id])["items"][0]["outputFileName"]
    paths = [i["path"] for i in farm.storages.list(bid, "/" + top)]
    assert paths == ["/{0}/defaultRenderLayer/shot_010.0001.png".format(top),
                     "/{0}/defaultRenderLayer/shot_010.0002.png".format(top),
                     "/{0}/thumbnail/defaultRenderLayer/shot_010.0001.png".format(top),
                     "/{0}/thumbnail/defaultRenderLayer/shot_010.0002.png".format(top)]
    image = farm.storages.read_bytes(bid, paths[0])
    assert png.read_png_size(image) == (320, 180)
    assert png.read_png_size(farm.storages.read_bytes(bid, paths[2])) == (80, 45)
    assert image != farm.storages.read_bytes(bid, paths[1])  # every frame differs


def test_windows_and_unc_scene_paths_give_the_output_folder(api, submit, maya_json, farm):
    for scene, base in (("D:\\proj\\shots\\win_scene.mb", "win_scene"),
                        ("\\\\server\\share\\unc scene.ma", "unc scene"),
                        ("/mnt/proj/linux.ma", "linux")):
        task_id = submit(maya_json(frames="1", scene=scene))
        farm.wait_for_task(task_id)
        info = api.query.task_info([task_id])["items"][0]
        assert info["outputFileName"] == "{0}_{1}".format(task_id, base)
        assert info["sceneName"] == scene.replace("\\", "/").rsplit("/", 1)[1]


def test_restart_frame_of_a_stopped_task_keeps_it_stopped(api, submit, maya_json, farm):
    # Restarting one frame of a stopped task used to set the task rendering: that frame
    # rendered, and the task ended "done" (25) with its other frames never rendered.
    task_id = submit(maya_json(frames="1-400[1]"))
    api.task.stop_task([task_id])
    last = frames_of(api, task_id)[-1]
    api.query.restart_frame(task_id, 0, [last["id"]])
    farm.renderer.step()
    info = api.query.task_info([task_id])["items"][0]
    assert info["taskStatus"] == 10
    assert frames_of(api, task_id)[-1]["frameStatus"] == 1
    # Started again, it renders the restarted frame with the others and ends done.
    api.task.start_task([task_id])
    assert farm.wait_for_task(task_id, timeout=30) == 25
    info = api.query.task_info([task_id])["items"][0]
    assert info["doneFrames"] == info["totalFrames"] == 400


@pytest.mark.parametrize("operator, status", [("stop_task", 10), ("abort_task", 35)])
def test_stop_or_abort_as_the_task_finishes_leaves_it_finished(api, submit, maya_json, farm,
                                                               monkeypatch, operator, status):
    # stop/abort decided on the task's status read before its change was written: a task
    # whose last frame finished in between was reported stopped (10) or abandoned (35) with
    # every frame done.
    task_id = submit(maya_json(frames="1-20[1]", frames_per_task="20"))
    read = farm.tasks.owned_all

    def slow_owned_all(user, task_ids):
        rows = read(user, task_ids)
        time.sleep(0.6)  # the renderer finishes the 0.2 s frame meanwhile, if it can
        return rows

    monkeypatch.setattr(farm.tasks, "owned_all", slow_owned_all)
    getattr(api.task, operator)([task_id])
    monkeypatch.undo()
    info = api.query.task_info([task_id])["items"][0]
    if info["doneFrames"] == info["totalFrames"]:
        assert info["taskStatus"] == 25
    else:
        assert info["taskStatus"] == status


@pytest.mark.parametrize("operator, status", [("stop_task", 10), ("abort_task", 35)])
def test_a_stop_or_abort_is_not_overwritten_by_the_time_out(api, submit, maya_json, farm,
                                                            operator, status):
    # The renderer's time-out check worked on the task row it read at the start of its
    # step: a task stopped or abandoned by its user in the meantime became "timeout stop"
    # (23), and an abandoned task could be started again.
    farm.renderer.stop()
    try:
        task_id = submit(maya_json(frames="1-400[1]"))
        farm.renderer.step()
        api.task.set_task_overtime_top([task_id], 1)
        time.sleep(1.2)
        row = farm.store.query_one("SELECT * FROM tasks WHERE id=?", (task_id,))
        getattr(api.task, operator)([task_id])
        farm.renderer._advance(row)  # the step that read the row before the user's call
        assert api.query.task_info([task_id])["items"][0]["taskStatus"] == status
    finally:
        farm.renderer.start()


@pytest.mark.parametrize("kwargs, named", [({"nodes": 0}, "nodes"),
                                           ({"seconds_per_frame": float("nan")},
                                            "seconds_per_frame"),
                                           ({"seconds_per_frame": float("inf")},
                                            "seconds_per_frame")])
def test_farm_settings_with_which_nothing_renders_are_refused(kwargs, named):
    # Sandbox(nodes=0) or a NaN frame time started a farm whose tasks never rendered a
    # frame: wait_for_task timed out with no hint why.
    from rayvision_sandbox import Sandbox

    with pytest.raises(ValueError, match=named):
        Sandbox(**kwargs)


def test_an_abandoned_task_cannot_be_submitted(api, storage, maya_json):
    # Aborting a created task gave it status 35, yet a later submit queued its frames and
    # rendered it: a task the user gave up was billed anyway.
    task_id = int(api.get_task_id())
    api.task.abort_task([task_id])
    storage.upload(api.user_info["config_bid"], "/{0}/cfg/task.json".format(task_id),
                   json.dumps(maya_json(frames="1-2[1]")).encode())
    with pytest.raises(RayvisionAPIError) as failure:
        api.submit(task_id)
    assert failure.value.error_code == 600
    assert "abandoned" in failure.value.error and str(task_id) in failure.value.error
    info = api.query.task_info([task_id])["items"][0]
    assert info["taskStatus"] == 35 and info["totalFrames"] == 0
    assert info["submitDate"] is None


def test_frames_of_an_abandoned_task_cannot_be_restarted(api, submit, maya_json, farm):
    # Restarting frames of an abandoned task set them waiting while the task stayed
    # abandoned (35), which the renderer never picks up: the frames waited for ever.
    farm.faults.set(failing_frames=[1])
    task_id = submit(maya_json(frames="1-400[1]"))
    while not any(f["frameStatus"] == 5 for f in frames_of(api, task_id)):
        time.sleep(0.01)
    api.task.abort_task([task_id])
    before = frames_of(api, task_id)
    for restart in (lambda: api.query.restart_frame(task_id, 0, [before[-1]["id"]]),
                    lambda: api.query.restart_frame(task_id, 1),
                    lambda: api.query.restart_failed_frames([task_id])):
        with pytest.raises(RayvisionAPIError) as failure:
            restart()
        assert failure.value.error_code == 600
        assert "abandoned" in failure.value.error and str(task_id) in failure.value.error
    assert frames_of(api, task_id) == before
    assert status_of(api, task_id) == 35
