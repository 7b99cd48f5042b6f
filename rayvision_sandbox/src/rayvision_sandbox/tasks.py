"""Task and frame state changes of the farm (create, submit, stop, start, abort, ...).

Every method takes the calling user's row and refuses ids of other users' tasks as not found,
so one user can never see or change another's tasks.
"""

import json
import math
import posixpath

from rayvision_sandbox import constants as c
from rayvision_sandbox import framespec
from rayvision_sandbox.errors import invalid, not_found
from rayvision_sandbox.storage import bid_for
from rayvision_sandbox.store import dumps

# Frame statuses that still need rendering / that are over.
_OPEN_FRAMES = (c.FRAME_WAITING, c.FRAME_EXECUTING)
_STOPPABLE_TASKS = (c.WAITING, c.RENDERING, c.PRE_RENDERING, c.FINISHED_TEST)
# Tasks that restarting frames does not set rendering: stopped until started. (An abandoned
# task refuses restarts: nothing would ever start it again.)
_HELD_TASKS = (c.STOP, c.TIME_OUT_STOP, c.ARREARAGE_STOP)
# Largest number task.json may give for a stored field (sqlite's integers are 64-bit).
_MAX_STORED = 2 ** 63 - 1


def ms(seconds):
    """Epoch milliseconds of a time in seconds (None stays None)."""
    return int(seconds * 1000) if seconds is not None else None


def scene_base(scene_name):
    """Scene file name without extension ('shot.ma' -> 'shot'), never empty."""
    base = posixpath.splitext(scene_name)[0] if scene_name else ""
    return base.replace("/", "_").replace("\\", "_") or "scene"


def output_file_name(task):
    """``<taskId>_<sceneName>``: the task's top folder in the output storage."""
    if not task["submitted"]:
        return None
    return "{0}_{1}".format(task["id"], scene_base(task["scene_name"]))


class TaskService(object):
    """Task operations over the store and the storages.

    Args:
        store (rayvision_sandbox.store.Store): State.
        storages (rayvision_sandbox.storage.Storages): Files (task.json is read from here).
        clock (callable): The farm's clock in seconds.
    """

    def __init__(self, store, storages, clock) -> None:
        self.store = store
        self.storages = storages
        self.clock = clock

    # -- lookups ----------------------------------------------------------------------------

    def owned(self, user, task_id):
        """The task row of ``task_id`` if ``user`` owns it and it is not deleted; else 404."""
        task = self.store.query_one("SELECT * FROM tasks WHERE id=? AND user_id=? AND deleted=0",
                                    (task_id, user["id"]))
        if task is None:
            raise not_found("task {0} does not exist".format(task_id))
        return task

    def owned_all(self, user, task_ids):
        """Task rows for every id (all must be the user's), in the given order.

        Operators read them inside their transaction: a status read before it could be
        stale by the time it is written (the renderer finishing the task in between).
        """
        return [self.owned(user, task_id) for task_id in task_ids]

    def frames(self, task_id):
        """Frame rows of a task in render order."""
        return self.store.query("SELECT * FROM frames WHERE task_id=? ORDER BY ordinal",
                                (task_id,))

    # -- creation and submission ------------------------------------------------------------

    def create(self, user, count, level, out_user_id, labels):
        """Create ``count`` unsubmitted tasks; returns their ids."""
        now = self.clock()
        ids = []
        with self.store.transaction() as store:
            for _ in range(count):
                ids.append(store.execute(
                    "INSERT INTO tasks (user_id, status, labels, task_user_level, out_user_id, "
                    "created) VALUES (?, ?, ?, ?, ?, ?)",
                    (user["id"], c.WAITING, dumps(labels), level,
                     None if out_user_id is None else str(out_user_id), now)))
        return ids

    def read_task_json(self, user, task_id):
        """The parsed ``/<task_id>/cfg/task.json`` of the user's config storage.

        Raises:
            SandboxRequestError: 404 when it was not uploaded, 600 when it is not JSON.
        """
        path = "/{0}/cfg/task.json".format(task_id)
        data = self.storages.read_bytes(bid_for(user["id"], "config"), path)
        if data is None:
            raise not_found("task {0} cannot be submitted: its config files were not uploaded "
                            "({1} is not in the config storage)".format(task_id, path))
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise invalid("taskId", "{0}: task.json in the config storage is not valid "
                                    "UTF-8 JSON ({1})".format(task_id, exc))

    def submit(self, user, task_id, isolation_model=None, out_user_id=None):
        """Submit a created task: derive its frames from task.json and queue them."""
        _check_submittable(self.owned(user, task_id))
        task_json = self.read_task_json(user, task_id)
        try:
            planned = framespec.plan_frames(task_json)
            layers = framespec.render_layers(task_json)
        except framespec.TaskJsonError as exc:
            raise invalid("taskId", "{0}: task.json: {1}".format(task_id, exc))
        info = task_json.get("task_info") or {}
        scene = posixpath.basename(str(info.get("input_cg_file") or "").replace("\\", "/"))
        try:
            cg_id = int(info.get("cg_id")) if info.get("cg_id") not in (None, "") else None
            if cg_id is not None and not 0 <= cg_id <= _MAX_STORED:
                raise ValueError(cg_id)
        except (TypeError, ValueError):
            raise invalid("taskId", "{0}: task.json task_info.cg_id must be a number, "
                                    "got {1!r}".format(task_id, info.get("cg_id")))
        pause = (str(info.get("stop_after_test", "2")) == c.STOP_AFTER_TEST_PAUSE
                 and any(frame["frame_type"] == c.FRAME_TYPE_PRIORITY for frame in planned))
        width, height = _size(layers)
        try:
            ram = int(info.get("ram") or 64)
        except (TypeError, ValueError):
            ram = 64
        if not 0 < ram <= _MAX_STORED:  # the database takes 64-bit integers only
            ram = 64
        now = self.clock()
        with self.store.transaction() as store:
            # Checked again under the lock: submits (or an abort) of one task at once all
            # passed the first.
            _check_submittable(self.owned(user, task_id))
            for ordinal, frame in enumerate(planned):
                store.execute(
                    "INSERT INTO frames (task_id, user_id, ordinal, layer, numbers, frame_index, "
                    "frame_type, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (task_id, user["id"], ordinal, frame["layer"], dumps(frame["numbers"]),
                     frame["frame_index"], frame["frame_type"], c.FRAME_WAITING))
            store.execute(
                "UPDATE tasks SET submitted=1, status=?, submit_date=?, scene_name=?, cg_id=?, "
                "project_name=?, frames_range=?, camera=?, pause_after_test=?, width=?, "
                "height=?, ram=?, isolation_model=?, out_user_id=COALESCE(?, out_user_id) "
                "WHERE id=?",
                (c.WAITING, now, scene, cg_id, str(info.get("project_name") or ""),
                 framespec.frames_range_text(layers), layers[0]["camera"], int(pause), width,
                 height, ram, isolation_model, out_user_id, task_id))

    # -- control ----------------------------------------------------------------------------

    def _set_frames(self, store, task_id, from_statuses, to_status, recommit: bool = False) -> None:
        marks = ",".join("?" * len(from_statuses))
        extra = ", recommit_flag=recommit_flag+1, start_time=NULL, end_time=NULL" if recommit \
            else ""
        store.execute("UPDATE frames SET status=?{0} WHERE task_id=? AND status IN ({1})".format(
            extra, marks), (to_status, task_id) + tuple(from_statuses))

    def stop(self, user, task_ids) -> None:
        """Stop rendering: status 10; open frames become stopped (3)."""
        with self.store.transaction() as store:
            for task in self.owned_all(user, task_ids):
                if task["submitted"] and task["status"] in _STOPPABLE_TASKS:
                    self._set_frames(store, task["id"], _OPEN_FRAMES, c.FRAME_STOPPED)
                    store.execute("UPDATE tasks SET status=? WHERE id=?", (c.STOP, task["id"]))

    def start(self, user, task_ids) -> None:
        """Start stopped or timed-out tasks again."""
        with self.store.transaction() as store:
            for task in self.owned_all(user, task_ids):
                if task["submitted"] and task["status"] in (c.STOP, c.TIME_OUT_STOP,
                                                            c.ARREARAGE_STOP):
                    self._set_frames(store, task["id"], (c.FRAME_STOPPED, c.FRAME_TIMEOUT),
                                     c.FRAME_WAITING)
                    self._reopen(store, task)

    def _reopen(self, store, task) -> None:
        status = c.RENDERING if task["start_time"] else c.WAITING
        # The time-out clock starts again, or a timed-out task would stop at once.
        store.execute("UPDATE tasks SET status=?, completed_date=NULL, start_time=? WHERE id=?",
                      (status, self.clock() if task["start_time"] else None, task["id"]))

    def abort(self, user, task_ids) -> None:
        """Give tasks up: status 35; open and stopped frames are abandoned."""
        with self.store.transaction() as store:
            for task in self.owned_all(user, task_ids):
                self._abort(store, task)

    def _abort(self, store, task) -> None:
        # Finished tasks keep their result; stopped and timed-out ones can be given up.
        if task["status"] in (c.ABANDON, c.FINISHED, c.FINISHED_HAS_FAILED, c.FAILED):
            return
        self._set_frames(store, task["id"], _OPEN_FRAMES + (c.FRAME_STOPPED, c.FRAME_TIMEOUT),
                         c.FRAME_STOPPED)
        store.execute("UPDATE tasks SET status=?, completed_date=? WHERE id=?",
                      (c.ABANDON, self.clock(), task["id"]))

    def delete(self, user, task_ids) -> None:
        """Delete tasks (running ones are abandoned first); they vanish from every query."""
        with self.store.transaction() as store:
            for task in self.owned_all(user, task_ids):
                if task["submitted"] and task["status"] not in c.END_STATUSES:
                    self._abort(store, task)
                store.execute("UPDATE tasks SET deleted=1 WHERE id=?", (task["id"],))

    def update_level(self, user, task_id, level) -> None:
        """Change the user-level priority of a task."""
        self.owned(user, task_id)
        self.store.execute("UPDATE tasks SET task_user_level=? WHERE id=?", (level, task_id))

    def set_over_time_stop(self, user, task_ids, seconds) -> None:
        """Stop tasks (status 23) that render longer than ``seconds``."""
        self.owned_all(user, task_ids)
        with self.store.transaction() as store:
            for task_id in task_ids:
                store.execute("UPDATE tasks SET over_time_stop=? WHERE id=?", (seconds, task_id))

    def full_speed(self, user, task_ids) -> None:
        """Render the remaining frames: a task paused after its test (40) goes on."""
        with self.store.transaction() as store:
            for task in self.owned_all(user, task_ids):
                store.execute("UPDATE tasks SET test_released=1 WHERE id=?", (task["id"],))
                if task["status"] == c.FINISHED_TEST:
                    store.execute("UPDATE tasks SET status=? WHERE id=?",
                                  (c.RENDERING, task["id"]))

    def restart_failed(self, user, task_ids) -> None:
        """Render failed frames again (all tasks or, when one is abandoned, none)."""
        with self.store.transaction() as store:
            for task in self.owned_all(user, task_ids):
                _check_restartable(task)
                failed = store.query_one(
                    "SELECT COUNT(*) AS n FROM frames WHERE task_id=? AND status=?",
                    (task["id"], c.FRAME_FAILED))["n"]
                if failed:
                    self._set_frames(store, task["id"], (c.FRAME_FAILED,), c.FRAME_WAITING,
                                     recommit=True)
                    if task["status"] in (c.FINISHED_HAS_FAILED, c.FAILED, c.FINISHED):
                        self._reopen(store, task)

    def restart_frames(self, user, task_id, select_all, frame_ids):
        """Render chosen frames (or all frames) of a task again."""
        with self.store.transaction() as store:
            task = self.owned(user, task_id)
            if not task["submitted"]:
                raise invalid("taskIds", "{0}: the task was not submitted".format(task_id))
            _check_restartable(task)
            known = dict((frame["id"], frame) for frame in self.frames(task_id))
            if select_all:
                chosen = list(known)
            else:
                if not frame_ids:
                    raise invalid("ids", "must name frames when selectAll is 0")
                for frame_id in frame_ids:
                    if frame_id not in known:
                        raise not_found("frame {0} of task {1} does not exist".format(
                            frame_id, task_id))
                chosen = frame_ids
            for frame_id in chosen:
                store.execute(
                    "UPDATE frames SET status=?, recommit_flag=recommit_flag+1, start_time=NULL, "
                    "end_time=NULL, outputs='[]' WHERE id=?", (c.FRAME_WAITING, frame_id))
            # A stopped task stays stopped: the chosen frames wait for start_task (renderer
            # would otherwise finish it "done" with its stopped frames never rendered).
            if task["status"] not in _HELD_TASKS and chosen:
                self._reopen(store, task)

    # -- answers ----------------------------------------------------------------------------

    def task_info(self, task, user, base_url=None):
        """The documented TaskInfo object of a task row."""
        counts = dict((row["status"], row["n"]) for row in self.store.query(
            "SELECT status, COUNT(*) AS n FROM frames WHERE task_id=? GROUP BY status",
            (task["id"],)))
        total = sum(counts.values())
        done = counts.get(c.FRAME_DONE, 0)
        durations = self.store.query_one(
            "SELECT SUM(end_time - start_time) AS s FROM frames WHERE task_id=? AND "
            "end_time IS NOT NULL", (task["id"],))["s"]
        labels = json.loads(task["labels"] or "[]")
        consume = round(done * 0.12, 2)
        return {
            "sceneName": task["scene_name"] or None, "id": task["id"],
            "taskAlias": "{0}W{1}".format(c.PLATFORM, task["id"]),
            "taskStatus": task["status"],
            "statusText": "render_task_status_{0}".format(task["status"]),
            "preTaskStatus": None, "preStatusText": None,
            "totalFrames": total,
            "abortFrames": counts.get(c.FRAME_STOPPED, 0) if task["status"] == c.ABANDON else 0,
            "executingFrames": counts.get(c.FRAME_EXECUTING, 0), "doneFrames": done,
            "failedFrames": counts.get(c.FRAME_FAILED, 0),
            "framesRange": task["frames_range"], "projectName": task["project_name"],
            "renderConsume": consume, "taskArrears": 0.0,
            "submitDate": ms(task["submit_date"]), "startTime": ms(task["start_time"]),
            "completedDate": ms(task["completed_date"]),
            "renderDuration": int(math.ceil(durations)) if durations else None,
            "userName": user["user_name"], "producer": None, "taskLevel": 79,
            "taskUserLevel": task["task_user_level"], "taskLimit": 200,
            "taskOverTime": user["task_over_time_sec"], "overTimeStop": task["over_time_stop"],
            "userId": task["user_id"], "outputFileName": output_file_name(task),
            "munuTaskId": "", "munuTaskIds": "", "layerParentId": 0, "cgId": task["cg_id"],
            "taskKeyValueVo": {"tiles": None, "allCamera": task["camera"] or None,
                               "renderableCamera": task["camera"] or None},
            "userAccountConsume": 0.0, "couponConsume": consume, "qyCouponConsume": None,
            "isOpen": 0, "taskType": "Render", "renderCamera": task["camera"],
            "cloneParentId": 0, "cloneOriginalId": 0, "shareMainCapital": 0,
            "taskRam": task["ram"], "respRenderingTaskList": None, "layerName": "",
            "taskTypeText": "render_major_picture_task", "locationOutput": "",
            "isDelete": 0 if task["deleted"] else 1, "channel": 4, "remark": "",
            "labels": dumps(labels), "isOverTime": int(task["status"] == c.TIME_OUT_STOP),
            "waitingCount": counts.get(c.FRAME_WAITING, 0), "stopType": 0,
        }

    def frame_info(self, frame, task, user):
        """The documented FrameInfo object of a frame row."""
        executed = None
        if frame["start_time"] is not None and frame["end_time"] is not None:
            executed = int(math.ceil(frame["end_time"] - frame["start_time"]))
        done = frame["status"] == c.FRAME_DONE
        return {
            "id": frame["id"], "userId": frame["user_id"], "framePrice": 0.12 if done else None,
            "feeType": 0, "platform": int(c.PLATFORM), "frameIndex": frame["frame_index"],
            "frameBlock": "1", "frameStatus": frame["status"],
            "feeAmount": 0.0, "couponFee": 0.12 if done else 0.0,
            "startTime": ms(frame["start_time"]), "endTime": ms(frame["end_time"]),
            "frameExecuteTime": executed,
            "frameStatusText": "task_frame_status_{0}".format(frame["status"]),
            "arrearsFee": None, "munuJobId": str(frame["ordinal"]), "taskId": frame["task_id"],
            "munuTaskId": "", "frameType": frame["frame_type"],
            "recommitFlag": frame["recommit_flag"], "isCopy": None,
            "taskOverTime": user["task_over_time_sec"],
            "gopName": frame["layer"] if frame["layer"].startswith("/") else None,
            "frameRam": task["ram"],
        }


def _check_submittable(task):
    """Refuse (600, as for any task in the wrong state) a task that cannot be submitted.

    A submitted task is submitted once; a task given up before its submit (abort_task of a
    created task) stays given up, or its frames would render and be billed after all.
    """
    if task["submitted"]:
        raise invalid("taskId", "{0}: the task was already submitted".format(task["id"]))
    if task["status"] == c.ABANDON:
        raise invalid("taskId", "{0}: the task was abandoned (status {1}) and cannot be "
                                "submitted".format(task["id"], c.ABANDON))


def _check_restartable(task):
    """Refuse (600) restarting frames of an abandoned task.

    Its restarted frames would wait for ever: an abandoned task is never rendered or
    started again.
    """
    if task["status"] == c.ABANDON:
        raise invalid("taskIds", "{0}: the task was abandoned (status {1}); its frames cannot "
                                 "be restarted".format(task["id"], c.ABANDON))


def _size(layers):
    for layer in layers:
        try:
            width, height = int(layer.get("width")), int(layer.get("height"))
        except (TypeError, ValueError):
            continue
        if 0 < width <= _MAX_STORED and 0 < height <= _MAX_STORED:
            return width, height
    return 1920, 1080

