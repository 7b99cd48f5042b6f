"""One user can never read, change, download or delete another user's things."""

import pytest
import requests

from rayvision_api.exception import RayvisionAPIError


@pytest.fixture(scope="module")
def owned_task(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-2[1]", scene="D:/p/private_scene.ma"))
    farm.wait_for_task(task_id)
    return task_id


def _refused(call, *args):
    with pytest.raises(RayvisionAPIError) as failure:
        call(*args)
    assert failure.value.error_code == 404
    return failure.value


@pytest.mark.parametrize("method", ["stop_task", "start_task", "abort_task", "delete_task",
                                    "full_speed"])
def test_task_control_of_a_foreign_task_is_404(other_user, owned_task, method, api):
    _refused(getattr(other_user.task, method), [owned_task])
    assert api.query.task_info([owned_task])["items"][0]["taskStatus"] == 25


def test_foreign_task_is_invisible(other_user, owned_task, api):
    assert other_user.query.task_info([owned_task])["items"] == []
    assert owned_task not in [i["id"] for i in other_user.query.get_task_list(1, 1000)["items"]]
    _refused(other_user.query.task_frames, owned_task, 1, 10)
    _refused(other_user.query.get_task_processing_img, owned_task)
    _refused(other_user.query.restart_failed_frames, [owned_task])
    _refused(other_user.query.restart_frame, owned_task, 1)
    _refused(other_user.task.update_task_level, owned_task, 60)
    _refused(other_user.task.set_task_overtime_top, [owned_task], 10)
    _refused(other_user.task.submit_task, owned_task)
    frame_id = api.query.task_frames(owned_task, 1, 1)["items"][0]["id"]
    _refused(other_user.query.get_frame_thumbnall, frame_id)
    assert other_user.query.all_frame_status()["totalFrames"] == 0


def test_labels_and_envs_are_per_user(api, other_user):
    api.tag.add_label("mine_only")
    assert "mine_only" not in [p["projectName"] for p in other_user.tag.get_project_list()]
    _refused(other_user.tag.delete_label, "mine_only")
    other_user.tag.add_label("mine_only")  # same name, another user: allowed
    env = {"cgId": 2000, "cgName": "Maya", "cgVersion": "2018", "renderLayerType": 0,
           "editName": "private_env", "renderSystem": 1, "pluginIds": []}
    api.env.add_render_env(env)
    assert other_user.env.get_render_env("maya") == []
    _refused(other_user.env.update_render_env, env)
    _refused(other_user.env.delete_render_env, "private_env")
    _refused(other_user.env.set_default_render_env, "private_env")
    api.env.delete_render_env("private_env")


def test_storages_of_another_user_are_403(storage_for, other_user, api, owned_task):
    intruder = storage_for(other_user)
    for kind in ("config_bid", "input_bid", "output_bid"):
        bid = api.user_info[kind]
        assert intruder.request("GET", bid, "/", params={"list": 1}).status_code == 403
        assert intruder.put(bid, "/x.bin", b"x").status_code == 403
        assert intruder.request("DELETE", bid, "/").status_code == 403
    output = "/{0}_private_scene/defaultRenderLayer/private_scene.0001.png".format(owned_task)
    assert intruder.get(api.user_info["output_bid"], output).status_code == 403
    assert storage_for(api).get(api.user_info["output_bid"], output).status_code == 200


def test_thumbnail_urls_need_their_token(api, owned_task):
    frame_id = api.query.task_frames(owned_task, 1, 1)["items"][0]["id"]
    url = api.query.get_frame_thumbnall(frame_id)[0]
    assert requests.get(url, timeout=10).status_code == 200
    assert requests.get(url.split("?")[0] + "?token=" + "0" * 32, timeout=10).status_code == 403
    forged = url.replace("/thumbnail/", "/thumbnail/").replace("_output/", "_input/")
    assert requests.get(forged, timeout=10).status_code == 403


def test_a_taken_user_name_is_refused(farm, new_api):
    # farm.create_user made a second user of a taken name (the CLI refuses it): two users
    # one name, told apart only by their access ids.
    access_id, access_key = farm.create_user("taken-name")
    for name in ("taken-name", "  taken-name "):
        with pytest.raises(ValueError) as failure:
            farm.create_user(name)
        assert "'taken-name'" in str(failure.value) and "taken" in str(failure.value)
    assert [user["user_name"] for user in farm.store.users()].count("taken-name") == 1
    profile = new_api(access_id, access_key).user.query_user_profile()
    assert profile["userName"] == "taken-name"
