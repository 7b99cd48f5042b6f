"""The threaded server answers several clients at once without mixing their state."""

import threading

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
