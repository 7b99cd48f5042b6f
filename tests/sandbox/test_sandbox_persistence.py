"""Restarting the farm on the same data dir keeps users, tasks, frames and files."""

import json
import os

from rayvision_api import RayvisionAPI
from rayvision_sandbox import Sandbox


def test_restart_keeps_everything_and_rendering_resumes(tmp_path, storage_for):
    data_dir = str(tmp_path / "farm")
    with Sandbox(data_dir=data_dir, seconds_per_frame=0.01) as farm:
        ready = (farm.access_id, farm.access_key)
        second = farm.create_user("second")
        api = RayvisionAPI(**farm.api_kwargs())
        api.tag.add_label("kept_label")
        storage = storage_for(api, farm)
        task_json = {"task_info": {"input_cg_file": "D:/a/keep.ma"},
                     "scene_info_render": {"L": {"renderable": "1",
                                                 "common": {"frames": "1-3[1]"}}}}
        done_id = int(api.get_task_id())
        storage.upload(api.user_info["config_bid"], "/{0}/cfg/task.json".format(done_id),
                       json.dumps(task_json).encode())
        api.submit(done_id)
        assert farm.wait_for_task(done_id) == 25
        # A long task, stopped by the restart in the middle of its frames.
        task_json["scene_info_render"]["L"]["common"]["frames"] = "1-60[1]"
        running_id = int(api.get_task_id())
        storage.upload(api.user_info["config_bid"], "/{0}/cfg/task.json".format(running_id),
                       json.dumps(task_json).encode())
        api.submit(running_id)
        farm.wait_for_task(running_id, statuses=(5,))
        output = api.query.task_info([done_id])["items"][0]["outputFileName"]
    with Sandbox(data_dir=data_dir, seconds_per_frame=0.01) as farm:
        assert (farm.access_id, farm.access_key) == ready
        api = RayvisionAPI(**farm.api_kwargs())
        RayvisionAPI(**farm.api_kwargs(*second)).user.query_user_profile()
        assert "kept_label" in [p["projectName"] for p in api.tag.get_project_list()]
        info = api.query.task_info([done_id])["items"][0]
        assert info["taskStatus"] == 25 and info["doneFrames"] == 3
        files = storage_for(api, farm).listing(api.user_info["output_bid"], "/" + output)
        assert len(files) == 6  # 3 images + 3 thumbnails
        assert storage_for(api, farm).get(api.user_info["config_bid"],
                                          "/{0}/cfg/task.json".format(done_id)).status_code == 200
        assert farm.wait_for_task(running_id) == 25
        assert api.query.task_info([running_id])["items"][0]["doneFrames"] == 60


def test_temporary_data_dir_is_removed_on_exit():
    farm = Sandbox()
    with farm:
        data_dir = farm.data_dir
        assert farm.url == "http://" + farm.domain
    assert not os.path.exists(data_dir)


def test_database_is_private_to_its_owner(tmp_path):
    import stat

    with Sandbox(data_dir=str(tmp_path)):
        pass
    mode = stat.S_IMODE((tmp_path / "sandbox.sqlite3").stat().st_mode)
    # POSIX permission bits; Windows only knows read-only.
    assert mode & 0o077 == 0 or os.name == "nt"


def test_a_busy_port_raises_oserror(farm):
    import pytest

    busy = Sandbox(port=farm.port)
    with pytest.raises(OSError) as failure:
        with busy:
            pass
    assert str(farm.port) in str(failure.value)
    # Everything opened was closed again and the temporary data dir removed.
    assert busy.store is None and not os.path.exists(busy.data_dir)
