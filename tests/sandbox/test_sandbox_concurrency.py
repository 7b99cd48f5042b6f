"""The threaded server answers several clients at once without mixing their state."""

import json
import threading
import time

import pytest

from rayvision_api.exception import RayvisionAPIError


def test_parallel_clients(farm, new_api):
    clients = [new_api()] + [new_api(*farm.create_user("par{0}".format(i))) for i in range(3)]
    errors, created = [], {}

    def work(index, client):
        try:
            ids = []
            for _ in range(15):
                ids += client.task.create_task(count=1)["taskIdList"]
                client.query.platforms()
                client.tag.get_label_list()
            created[index] = ids
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    all_ids = [task_id for ids in created.values() for task_id in ids]
    assert len(all_ids) == len(set(all_ids)) == 60
    # Each user sees only its own new tasks.
    for index, client in enumerate(clients):
        mine = client.query.task_info(all_ids)["items"]
        assert sorted(item["id"] for item in mine) == sorted(created[index])


def test_restart_frame_arguments_are_checked(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-2[1]"))
    farm.wait_for_task(task_id)
    with pytest.raises(RayvisionAPIError) as failure:
        api.query.restart_frame(task_id, 0, [1])
    assert failure.value.error_code == 404 and "frame 1" in failure.value.error
    with pytest.raises(RayvisionAPIError) as failure:
        api.query.restart_frame(task_id, 0)
    assert failure.value.error_code == 600 and "ids" in failure.value.error
    with pytest.raises(RayvisionAPIError) as failure:
        api.query.restart_frame(task_id, 3)
    assert failure.value.error_code == 600 and "selectAll" in failure.value.error


def _at_once(calls):
    """Run the calls in threads released together; their results or error codes."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except RayvisionAPIError as exc:
            results[index] = exc.error_code
        except Exception as exc:  # collected and asserted by the caller
            results[index] = exc

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_one_task_submitted_by_several_workers_at_once_is_submitted_once(
        farm, api, storage, new_api, maya_json, monkeypatch):
    # Several Workers of a render manager submitting one task at the same moment all got
    # through the "already submitted" check: the task had its frames 2, 3 or 4 times over.
    task_id = int(api.get_task_id())
    storage.upload(api.user_info["config_bid"], "/{0}/cfg/task.json".format(task_id),
                   json.dumps(maya_json(frames="1-20[1]")).encode())
    read = farm.tasks.read_task_json

    def slow_read(user, task):  # a busy disk: every submit is inside the check at once
        time.sleep(0.3)
        return read(user, task)

    monkeypatch.setattr(farm.tasks, "read_task_json", slow_read)
    clients = [new_api() for _ in range(4)]
    results = _at_once([lambda c=client: c.submit(task_id) for client in clients])
    assert sorted(results, key=str) == [600, 600, 600, True]
    assert api.query.task_info([task_id])["items"][0]["totalFrames"] == 20



def test_one_label_added_by_several_clients_at_once_is_added_once(farm, api, new_api,
                                                                  monkeypatch):
    # The second of two clients adding one label name at once got HTTP 500 (a unique
    # constraint of the database) instead of the 600 "already exists" a later call gets.
    query_one = farm.store.query_one

    def slow_query_one(sql, params=()):
        row = query_one(sql, params)
        if sql.startswith("SELECT id FROM labels"):
            time.sleep(0.3)
        return row

    monkeypatch.setattr(farm.store, "query_one", slow_query_one)
    clients = [new_api() for _ in range(3)]
    results = _at_once([lambda c=client: c.tag.add_label("at-once") for client in clients])
    assert sorted(results, key=str) == [600, 600, None]
    names = [item["projectName"] for item in api.tag.get_label_list()["projectNameList"]]
    assert names.count("at-once") == 1
