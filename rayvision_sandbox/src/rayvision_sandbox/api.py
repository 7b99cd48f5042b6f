"""Handlers of the API endpoints, one per documented operator method.

Each handler takes the authenticated user row, the JSON body and the request context and
returns the envelope's ``data``. Routing is by ``rayvision_api.operations.OPERATIONS``: the
farm answers at exactly the paths the SDK calls.
"""

import hashlib
import hmac
import json
import math
import time

from rayvision_api.operations import OPERATIONS
from rayvision_sandbox import catalog, params
from rayvision_sandbox import constants as c
from rayvision_sandbox.errors import SandboxRequestError, invalid, not_found
from rayvision_sandbox.storage import bid_for
from rayvision_sandbox.store import dumps, keyword_in

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_ISOLATION_MODELS = ("TASK_ID_MODEL", "OUT_USER_MODEL")


def _parse_time(body, name):
    value = params.string(body, name, required=False)
    if value is None:
        return None
    try:
        return time.mktime(time.strptime(value, _TIME_FORMAT))
    except ValueError:
        raise invalid(name, "must be formatted yyyy-MM-dd HH:mm:ss, got {0!r}".format(value))


def _page(items, page_num, page_size):
    total = len(items)
    start = (page_num - 1) * page_size
    return {"pageCount": int(math.ceil(total / float(page_size))) if total else 0,
            "pageNum": page_num, "total": total, "size": page_size,
            "items": items[start:start + page_size]}


class ApiHandlers(object):
    """The endpoint handlers of one farm.

    Args:
        farm (rayvision_sandbox.farm.Sandbox): The farm (store, storages, tasks, ...).
    """

    def __init__(self, farm) -> None:
        self.farm = farm
        self.store = farm.store
        self.tasks = farm.tasks

    def routes(self):
        """URL path -> handler, for every operation of ``OPERATIONS``."""
        routes = {}
        for name, operation in OPERATIONS.items():
            handler = getattr(self, name, None)
            if handler is not None and operation.path not in routes:
                routes[operation.path] = handler
        return routes

    # -- user -------------------------------------------------------------------------------

    def query_user_profile(self, user, body, ctx):
        """Profile of the caller (spec example field names)."""
        return {
            "userId": user["id"], "userName": user["user_name"], "platform": int(c.PLATFORM),
            "phone": "", "email": "", "company": "", "name": user["user_name"], "job": "",
            "communicationNumber": "", "softType": 2000, "softStatus": 1, "businessType": 1,
            "status": 1, "infoStatus": 0, "accountType": 1, "userType": 1, "mainUserId": 0,
            "level": 49, "pictureLever": None, "zone": c.ZONE_CHINA, "rmbbalance": 0,
            "usdbalance": 0, "rmbCumulative": 0, "usdCumulative": 0, "credit": 0,
            "coupon": 100.0, "description": "rayvision_sandbox user", "country": "",
            "city": "", "address": "", "cpuPrice": 0.67, "gpuPrice": 20, "shareMainCapital": 0,
            "subDeleteTask": 0, "useMainBalance": 0, "hideBalance": 0, "hideJobCharge": 0,
            "useLevelDirectory": 1, "downloadDisable": 0, "displaySubaccount": 1,
            "subaccountLimits": 5, "houdiniFlag": 0, "c4dFlag": 0, "blenderFlag": 0,
            "keyshotFlag": 0, "studentEndTime": None,
        }

    def query_user_setting(self, user, body, ctx):
        """Settings of the caller; ``taskOverTime`` is hours, ``taskOverTimeSec`` seconds."""
        seconds = user["task_over_time_sec"]
        return {
            "infoStatus": None, "accountType": None, "shareMainCapital": 0, "subDeleteTask": 0,
            "useMainBalance": 0, "singleNodeRenderFrames": "1", "maxIgnoreMapFlag": "1",
            "autoCommit": "2", "separateAccountFlag": 0, "mifileSwitchFlag": 0,
            "assfileSwitchFlag": 0, "manuallyStartAnalysisFlag": 0, "downloadDisable": 0,
            "taskOverTime": seconds // 3600, "taskOverTimeSec": seconds, "ignoreMapFlag": 0,
            "isVrayLicense": 0, "justUploadConfigFlag": 0, "justUploadCgFlag": 0,
            "mandatoryAnalyseAllAgent": 0,
        }

    def update_user_settings(self, user, body, ctx):
        """Set the task time-out reminder (seconds)."""
        seconds = params.integer(body, "taskOverTimeSec", minimum=1, maximum=10 * 365 * 86400)
        self.store.execute("UPDATE users SET task_over_time_sec=? WHERE id=?",
                           (seconds, user["id"]))
        self.farm.auth.forget_users()
        return None

    def get_transfer_bid(self, user, body, ctx):
        """The caller's storage ids."""
        return {"config_bid": bid_for(user["id"], "config"),
                "output_bid": bid_for(user["id"], "output"),
                "input_bid": bid_for(user["id"], "input"),
                "parent_input_bid": bid_for(user["id"], "input")}

    def get_raysync_user_key(self, user, body, ctx):
        """The caller's transfer key record."""
        return {"channel": 4, "platform": int(c.PLATFORM), "signature": "rayvision2017",
                "version": c.API_VERSION, "userKey": hashlib.md5(
                    user["access_id"].encode("ascii")).hexdigest(),
                "id": user["id"], "userName": user["user_name"], "zone": c.ZONE_CHINA,
                "phone": "", "email": "", "loginTime": int(ctx["now"] * 1000),
                "infoStatus": 0, "accountType": 1, "shareMainCapital": 0, "subDeleteTask": 0,
                "subDeleteCapital": 1, "useMainBalance": 0, "downloadDisable": 0,
                "raySyncUserKey": user["raysync_key"]}

    def get_transfer_server_msg(self, user, body, ctx):
        """Where the transfer servers are: this farm's HTTP storage."""
        params.integer(body, "zone", required=False)
        port = ctx["port"]
        return {"clientVersion": "3.2.8.2", "protocolVersion": "3.2.8.2",
                "raysyncTransfer": {"serverIp": ctx["host"], "serverPort": port,
                                    "proxyIp": ctx["host"], "proxyPort": port,
                                    "sslPort": port, "port": port},
                "httpTransfer": {"url": ctx["base_url"] + c.STORAGE_PREFIX,
                                 "chunkSize": c.STORAGE_CHUNK_SIZE}}

    # -- task -------------------------------------------------------------------------------

    def create_task(self, user, body, ctx):
        """Create task ids."""
        count = params.integer(body, "count", required=False, default=1, minimum=1,
                               maximum=100)
        level = params.integer(body, "taskUserLevel", required=False, default=50, minimum=0,
                               maximum=100)
        out_user = body.get("outUserId")
        if out_user is not None and (isinstance(out_user, bool)
                                     or not isinstance(out_user, (int, str))):
            raise invalid("outUserId", "must be a number, got {0!r}".format(out_user))
        labels = params.string_list(body, "labels")
        ids = self.tasks.create(user, count, level, out_user, labels)
        return {"aliasTaskIdList": ["{0}W{1}".format(c.PLATFORM, task_id) for task_id in ids],
                "taskIdList": ids, "userId": user["id"]}

    def submit_task(self, user, body, ctx):
        """Submit a task whose config files are in the config storage."""
        task_id = params.integer(body, "taskId", minimum=1)
        model = params.string(body, "assetIsolationModel", required=False)
        if model is not None and model.upper() not in _ISOLATION_MODELS:
            raise invalid("assetIsolationModel", "must be TASK_ID_MODEL or OUT_USER_MODEL, "
                                                 "got {0!r}".format(model))
        out_user = params.string(body, "outUserId", required=False)
        if model and model.upper() == "OUT_USER_MODEL" and not out_user:
            raise SandboxRequestError(c.PARAMETER_CANT_BE_EMPTY,
                                      "PARAMETER_CANT_BE_EMPTY: outUserId is required with "
                                      "assetIsolationModel OUT_USER_MODEL")
        self.tasks.submit(user, task_id, model.upper() if model else None, out_user)
        return None

    def stop_task(self, user, body, ctx) -> None:
        """Stop tasks."""
        self.tasks.stop(user, params.id_list(body, "taskIds"))

    def start_task(self, user, body, ctx) -> None:
        """Start stopped tasks."""
        self.tasks.start(user, params.id_list(body, "taskIds"))

    def abort_task(self, user, body, ctx) -> None:
        """Abandon tasks."""
        self.tasks.abort(user, params.id_list(body, "taskIds"))

    def delete_task(self, user, body, ctx) -> None:
        """Delete tasks."""
        self.tasks.delete(user, params.id_list(body, "taskIds"))

    def update_task_level(self, user, body, ctx) -> None:
        """Change a task's user level."""
        task_id = params.integer(body, "taskId", minimum=1)
        level = params.integer(body, "taskUserLevel", minimum=0, maximum=100)
        self.tasks.update_level(user, task_id, level)

    def set_task_overtime_top(self, user, body, ctx) -> str:
        """Stop tasks that render longer than ``overTime`` seconds."""
        ids = params.id_list(body, "taskIds")
        seconds = params.integer(body, "overTime", minimum=1)
        self.tasks.set_over_time_stop(user, ids, seconds)
        return "SUCCESS"

    def full_speed(self, user, body, ctx) -> str:
        """Render the rest of tasks paused after their priority frames."""
        self.tasks.full_speed(user, params.id_list(body, "taskIds"))
        return u"成功"

    # -- query ------------------------------------------------------------------------------

    def platforms(self, user, body, ctx):
        """Platforms of a zone."""
        zone = params.integer(body, "zone", required=False, default=c.ZONE_CHINA)
        if zone not in catalog.PLATFORMS:
            raise invalid("zone", "must be 1 or 2, got {0}".format(zone))
        return [dict(item) for item in catalog.PLATFORMS[zone]]

    def error_detail(self, user, body, ctx):
        """Description of an analysis error code."""
        code = params.string(body, "code")
        language = params.string(body, "language", required=False, default="0")
        if language not in ("0", "1"):
            raise invalid("language", "must be '0' (Chinese) or '1' (English), got {0!r}".format(
                language))
        return catalog.error_details(code, language)

    def _user_tasks(self, user):
        return self.store.query("SELECT * FROM tasks WHERE user_id=? AND deleted=0 AND "
                                "submitted=1 ORDER BY id DESC", (user["id"],))

    def get_task_list(self, user, body, ctx):
        """A page of the caller's submitted tasks, newest first."""
        page_num = params.integer(body, "pageNum", minimum=1)
        page_size = params.integer(body, "pageSize", minimum=1, maximum=1000)
        statuses = params.integer_list(body, "statusList")
        keyword = params.string(body, "searchKeyword", required=False)
        start = _parse_time(body, "startTime")
        end = _parse_time(body, "endTime")
        chosen = []
        for task in self._user_tasks(user):
            if statuses and task["status"] not in statuses:
                continue
            if keyword and not (keyword_in(keyword, task["scene_name"])
                                or keyword_in(keyword, task["id"])):
                continue
            if start is not None and task["submit_date"] < start:
                continue
            if end is not None and task["submit_date"] > end:
                continue
            chosen.append(task)
        page = _page(chosen, page_num, page_size)
        page["items"] = [self.tasks.task_info(task, user) for task in page["items"]]
        return page

    def task_info(self, user, body, ctx):
        """TaskInfo of the caller's tasks among ``taskIds`` (others are left out)."""
        items = []
        for task_id in params.id_list(body, "taskIds"):
            task = self.store.query_one("SELECT * FROM tasks WHERE id=? AND user_id=? AND "
                                        "deleted=0", (task_id, user["id"]))
            # Only the owner's answers take a scripted status (and count as its polls).
            scripted, code = self.farm.faults.take_status(task_id) if task else (False, None)
            if scripted and code is None:
                continue
            if task is not None:
                item = self.tasks.task_info(task, user)
                if scripted:
                    item.update(taskStatus=code,
                                statusText="render_task_status_{0}".format(code))
                items.append(item)
        return {"pageCount": 1, "pageNum": 1, "total": len(items), "size": 100,
                "items": items}

    def task_frames(self, user, body, ctx):
        """A page of the frames of one task."""
        task_id = params.integer(body, "taskId", minimum=1)
        page_num = params.integer(body, "pageNum", minimum=1)
        page_size = params.integer(body, "pageSize", minimum=1, maximum=1000)
        keyword = params.string(body, "searchKeyword", required=False)
        task = self.tasks.owned(user, task_id)
        frames = [frame for frame in self.tasks.frames(task_id)
                  if not keyword or keyword in frame["frame_index"]]
        page = _page(frames, page_num, page_size)
        page["items"] = [self.tasks.frame_info(frame, task, user) for frame in page["items"]]
        return page

    def all_frame_status(self, user, body, ctx):
        """Frame totals over the caller's tasks."""
        rows = self.store.query(
            "SELECT f.status AS status, t.status AS task_status, COUNT(*) AS n FROM frames f "
            "JOIN tasks t ON t.id = f.task_id WHERE f.user_id=? AND t.deleted=0 "
            "GROUP BY f.status, t.status", (user["id"],))
        totals = {"executingFramesTotal": 0, "doneFramesTotal": 0, "failedFramesTotal": 0,
                  "waitingFramesTotal": 0, "abandonFramesTotal": 0, "totalFrames": 0}
        for row in rows:
            totals["totalFrames"] += row["n"]
            if row["status"] == c.FRAME_EXECUTING:
                totals["executingFramesTotal"] += row["n"]
            elif row["status"] == c.FRAME_DONE:
                totals["doneFramesTotal"] += row["n"]
            elif row["status"] == c.FRAME_FAILED:
                totals["failedFramesTotal"] += row["n"]
            elif row["task_status"] == c.ABANDON:
                totals["abandonFramesTotal"] += row["n"]
            else:
                totals["waitingFramesTotal"] += row["n"]
        return totals

    def restart_failed_frames(self, user, body, ctx) -> None:
        """Render failed frames again."""
        self.tasks.restart_failed(user, params.id_list(body, "taskIds"))

    def restart_frame(self, user, body, ctx):
        """Render chosen frames of one task again (``taskIds`` holds one id)."""
        ids = params.id_list(body, "taskIds", allow_scalar=True)
        if len(ids) != 1:
            raise invalid("taskIds", "must be one task id, got {0!r}".format(body["taskIds"]))
        select_all = params.integer(body, "selectAll", minimum=0, maximum=1)
        frame_ids = params.integer_list(body, "ids")
        self.tasks.restart_frames(user, ids[0], select_all, frame_ids)

    def supported_software(self, user, body, ctx):
        """Software the farm renders."""
        return {"isAutoCommit": 2, "renderInfoList": [dict(item) for item in catalog.SOFTWARE],
                "defaultCgId": 2001}

    def supported_plugin(self, user, body, ctx):
        """Versions and plugins of one software."""
        cg_id = params.integer(body, "cgId")
        os_name = params.string(body, "osName", required=False)
        if os_name is not None and os_name.lower() not in ("windows", "linux"):
            raise invalid("osName", "must be 'windows' or 'linux', got {0!r}".format(os_name))
        if catalog.software_name(cg_id) is None:
            raise invalid("cgId", "{0} is not a supported software".format(cg_id))
        return catalog.supported_plugins(cg_id)

    def get_frame_thumbnall(self, user, body, ctx):
        """URLs of the thumbnails of a finished frame (empty unless it is finished)."""
        frame_id = params.integer(body, "id", minimum=1)
        params.integer(body, "frameStatus", required=False, default=4)
        frame = self.store.query_one(
            "SELECT f.* FROM frames f JOIN tasks t ON t.id = f.task_id "
            "WHERE f.id=? AND f.user_id=? AND t.deleted=0", (frame_id, user["id"]))
        if frame is None:
            raise not_found("frame {0} does not exist".format(frame_id))
        if frame["status"] != c.FRAME_DONE:
            return []
        bid = bid_for(user["id"], "output")
        return [self.farm.thumbnail_url(ctx["base_url"], bid, pair[1])
                for pair in json.loads(frame["outputs"])]

    def get_task_processing_img(self, user, body, ctx):
        """Render progress of a task, one block per frame."""
        task_id = params.integer(body, "taskId", minimum=1)
        frame_type = params.integer(body, "frameType", required=False)
        task = self.tasks.owned(user, task_id)
        bid = bid_for(user["id"], "output")
        grabs = []
        for frame in self.tasks.frames(task_id):
            # frameType 2 asks for photon frames (never rendered here), 5 for main frames.
            if frame_type is not None and frame["frame_type"] != frame_type:
                continue
            outputs = json.loads(frame["outputs"])
            done = frame["status"] == c.FRAME_DONE
            used = 0
            if frame["start_time"] is not None:
                used = int((frame["end_time"] or ctx["now"]) - frame["start_time"])
            grabs.append({
                "couponFee": "0.12" if done else "0.00", "frameIndex": frame["frame_index"],
                "renderInfo": "", "frameBlock": "1", "frameEst": "0",
                "grabUrl": self.farm.thumbnail_url(ctx["base_url"], bid, outputs[0][1])
                if done and outputs else "",
                "feeAmount": "0.00", "frameUsed": str(used), "frameStatus": str(frame["status"]),
                "framePercent": "100" if done else "0", "isMaxPrice": "0",
                "startTime": _text_time(frame["start_time"]),
                "endTime": _text_time(frame["end_time"])})
        return {"isRenderPhoton": False, "currentTaskType": "Render",
                "completedTime": _text_time(task["completed_date"]),
                "sceneName": task["scene_name"], "grabInfo": [grabs],
                "width": task["width"] or 0, "height": task["height"] or 0, "block": 1,
                "startTime": _text_time(task["start_time"]),
                "endTime": _text_time(task["completed_date"])}

    # -- tag --------------------------------------------------------------------------------

    def add_label(self, user, body, ctx):
        """Add a label (project name); names are unique per user."""
        name = params.string(body, "newName")
        status = params.integer(body, "status", required=False, default=1, minimum=0,
                                maximum=1)
        # One transaction: two clients adding one name at once both passed a separate check.
        with self.store.transaction() as store:
            if store.query_one("SELECT id FROM labels WHERE user_id=? AND name=?",
                               (user["id"], name)):
                raise invalid("newName", "{0!r} already exists".format(name))
            store.execute("INSERT INTO labels (user_id, name, status) VALUES (?, ?, ?)",
                          (user["id"], name, status))

    def delete_label(self, user, body, ctx):
        """Delete a label."""
        name = params.string(body, "delName")
        with self.store.transaction() as store:
            if not store.query_one("SELECT id FROM labels WHERE user_id=? AND name=?",
                                   (user["id"], name)):
                raise not_found("label {0!r} does not exist".format(name))
            store.execute("DELETE FROM labels WHERE user_id=? AND name=?", (user["id"], name))

    def get_label_list(self, user, body, ctx):
        """The caller's labels."""
        rows = self.store.query("SELECT id, name FROM labels WHERE user_id=? ORDER BY id",
                                (user["id"],))
        return {"projectNameList": [{"projectId": row["id"], "projectName": row["name"]}
                                    for row in rows]}

    # -- render env -------------------------------------------------------------------------

    def _env_fields(self, body):
        cg_id = params.integer(body, "cgId")
        if catalog.software_name(cg_id) is None:
            raise invalid("cgId", "{0} is not a supported software".format(cg_id))
        return {"cg_id": cg_id, "cg_name": params.string(body, "cgName"),
                "cg_version": params.string(body, "cgVersion"),
                "render_layer_type": params.integer(body, "renderLayerType", required=False,
                                                    default=0),
                "edit_name": params.string(body, "editName"),
                "render_system": params.integer(body, "renderSystem", required=False,
                                                default=1, minimum=0, maximum=1),
                "plugin_ids": params.integer_list(body, "pluginIds")}

    def _env(self, user, name):
        return self.store.query_one("SELECT * FROM envs WHERE user_id=? AND edit_name=?",
                                    (user["id"], name))

    def add_render_env(self, user, body, ctx):
        """Add a render environment."""
        env = self._env_fields(body)
        with self.store.transaction() as store:
            if self._env(user, env["edit_name"]):
                raise invalid("editName", "{0!r} already exists".format(env["edit_name"]))
            store.execute(
                "INSERT INTO envs (user_id, edit_name, cg_id, cg_name, cg_version, "
                "render_layer_type, render_system, plugin_ids, created) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (user["id"], env["edit_name"], env["cg_id"], env["cg_name"], env["cg_version"],
                 env["render_layer_type"], env["render_system"], dumps(env["plugin_ids"]),
                 ctx["now"]))
        return {"editName": env["edit_name"]}

    def update_render_env(self, user, body, ctx):
        """Change an existing render environment (found by ``editName``)."""
        env = self._env_fields(body)
        with self.store.transaction() as store:
            if not self._env(user, env["edit_name"]):
                raise not_found("render env {0!r} does not exist".format(env["edit_name"]))
            store.execute(
                "UPDATE envs SET cg_id=?, cg_name=?, cg_version=?, render_layer_type=?, "
                "render_system=?, plugin_ids=? WHERE user_id=? AND edit_name=?",
                (env["cg_id"], env["cg_name"], env["cg_version"], env["render_layer_type"],
                 env["render_system"], dumps(env["plugin_ids"]), user["id"], env["edit_name"]))

    def delete_render_env(self, user, body, ctx):
        """Delete a render environment."""
        name = params.string(body, "editName")
        with self.store.transaction() as store:
            if not self._env(user, name):
                raise not_found("render env {0!r} does not exist".format(name))
            store.execute("DELETE FROM envs WHERE user_id=? AND edit_name=?", (user["id"], name))

    def set_default_render_env(self, user, body, ctx):
        """Make one environment the default of its software."""
        name = params.string(body, "editName")
        with self.store.transaction() as store:
            env = self._env(user, name)
            if not env:
                raise not_found("render env {0!r} does not exist".format(name))
            store.execute("UPDATE envs SET is_default=(edit_name=?) WHERE user_id=? AND cg_id=?",
                          (name, user["id"], env["cg_id"]))

    def get_render_env(self, user, body, ctx):
        """The caller's environments of one software."""
        cg_id = params.integer(body, "cgId")
        rows = self.store.query("SELECT * FROM envs WHERE user_id=? AND cg_id=? ORDER BY created",
                                (user["id"], cg_id))
        return [{"cgId": row["cg_id"], "editName": row["edit_name"], "cgName": row["cg_name"],
                 "cgVersion": row["cg_version"], "osName": row["render_system"],
                 "renderLayerType": row["render_layer_type"], "isDefault": row["is_default"],
                 "projectPath": "", "isMainUserId": 1,
                 "respUserPluginInfoVos": [catalog.plugin_by_id(plugin_id) for plugin_id
                                           in json.loads(row["plugin_ids"])]}
                for row in rows]


def _text_time(seconds):
    if seconds is None:
        return None
    return time.strftime(_TIME_FORMAT, time.localtime(seconds))


def thumbnail_token(secret, bid, path):
    """Capability token of a thumbnail URL (unguessable without the farm's secret)."""
    message = u"{0}\n{1}".format(bid, path).encode("utf-8")
    return hmac.new(secret.encode("ascii"), message, hashlib.sha256).hexdigest()[:32]

