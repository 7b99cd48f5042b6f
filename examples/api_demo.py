"""API tour: every operator method of ``RayvisionAPI``, with a short look at each answer.

``api.user``, ``api.query``, ``api.tag``, ``api.env`` and ``api.task`` hold the 35 documented
calls. Calls that change the account (settings, labels, render environments, tasks) only run
on a sandbox, or with ``--write``; they touch only what this tour created and put the user's
task-overtime setting back::

    python examples/api_demo.py                     # a sandbox: every call
    python examples/api_demo.py --domain task.renderbus.com --access-id xxxx \\
        --access-key xxxx                           # the real farm: read-only calls
"""

import json

from example_settings import build_parser, example_settings
from example_tasks import analyse_sample
from rayvision_api.core import RayvisionAPI
from rayvision_api.exception import RayvisionAPIError
from rayvision_api.operations import OPERATIONS
from rayvision_sync.upload import RayvisionUpload

parser = build_parser(__doc__)
parser.add_argument("--write", action="store_true",
                    help="also run the calls that change the account (always on a sandbox); "
                         "on a real farm this submits the sample scene and aborts it")
settings = example_settings(__doc__, parser=parser)
write = settings.args.write or settings.sandbox is not None
print(settings.describe())
render_para = settings.render_para
api = RayvisionAPI(access_id=render_para['access_id'],
                   access_key=render_para['access_key'],
                   domain=render_para['domain'],
                   platform=render_para['platform'],
                   protocol=render_para['protocol'])
print("logged in: user_info has", ", ".join(sorted(api.user_info)))

CALLS = []


def call(label, method, *args, **kwargs):
    """Call one operator method and print the start of its answer."""
    name = "{0}.{1}".format(method.__self__.__class__.__name__, method.__name__)
    CALLS.append(name)
    try:
        answer = method(*args, **kwargs)
    except RayvisionAPIError as exc:
        print("{0:<40} -> error {1}: {2}".format(name, exc.error_code, exc.error))
        return None
    text = json.dumps(answer, ensure_ascii=False, sort_keys=True)
    print("{0:<40} -> {1}".format(name, text if len(text) <= 110 else text[:107] + "..."))
    if label:
        print("{0:<40}    ({1})".format("", label))
    return answer


print("\n== user")
call("", api.user.query_user_profile)
setting = call("", api.user.query_user_setting)
call("storage ids of the transfers", api.user.get_transfer_bid)
if write:
    hours = int(setting.get("taskOverTime") or 12)
    call("default task overtime, hours", api.user.update_user_settings, task_over_time=hours + 1)
    call("put back", api.user.update_user_settings, task_over_time=hours)

print("\n== query: the farm")
call("", api.query.platforms)
call("", api.query.supported_software)
call("", api.query.supported_plugin, "maya")
call("English description of tip 15013", api.query.error_detail, "15013", language="1")
call("", api.query.get_transfer_server_msg)
key = api.query.get_raysync_user_key()
CALLS.append("Query.get_raysync_user_key")  # called without printing: it holds secrets
print("{0:<40} -> {1} keys (a secret: values not shown)".format("Query.get_raysync_user_key",
                                                                len(key or {})))

print("\n== tag (labels = projects)")
call("", api.tag.get_label_list)
call("", api.tag.get_project_list)
if write:
    call("", api.tag.add_label, "api_demo_label", status=1)
    call("", api.tag.get_project_list)
    call("", api.tag.delete_label, "api_demo_label")

print("\n== env (saved render environments)")
call("", api.env.get_render_env, "maya")
if write:
    plugins = api.query.supported_plugin("maya")["cgPlugin"]
    plugin_ids = [version["pluginId"] for plugin in plugins if plugin["pluginName"] == "mtoa"
                  for version in plugin["pluginVersions"]
                  if version["pluginVersion"].endswith("3.2.1.1")][:1]
    env = {"cgId": 2000, "cgName": "Maya", "cgVersion": "2019", "renderLayerType": 0,
           "editName": "api_demo_env", "renderSystem": 1, "pluginIds": plugin_ids}
    call("", api.env.add_render_env, env)
    call("", api.env.update_render_env, dict(env, renderLayerType=1))
    call("", api.env.set_default_render_env, "api_demo_env")
    call("", api.env.get_render_env, "maya")
    call("", api.env.delete_render_env, "api_demo_env")

print("\n== task: the life of a task")
call("", api.query.get_task_list, page_num=1, page_size=5)
call("", api.query.all_frame_status)
if write:
    created = call("ids only; nothing to render yet", api.task.create_task, count=1)
    call("", api.task.delete_task, created["taskIdList"])
    # A task with frames: the sample Maya scene, analysed, checked and uploaded.
    analyze_obj, task_id = analyse_sample(api, settings.workspace)
    task_id = int(task_id)
    RayvisionUpload(api, show_progress=False).upload(
        str(task_id), task_json_path=analyze_obj.task_json,
        tips_json_path=analyze_obj.tips_json, asset_json_path=analyze_obj.asset_json,
        upload_json_path=analyze_obj.upload_json)
    # api.submit(task_id) is the short form of this call.
    call("the sample Maya scene", api.task.submit_task, task_id)
    call("", api.task.update_task_level, task_id, 60)
    call("stop frames rendering longer than 2 h", api.task.set_task_overtime_top,
         [task_id], 7200)
    call("", api.task.stop_task, [task_id])
    call("", api.task.start_task, [task_id])
    call("", api.task.full_speed, [task_id])
    if settings.sandbox is not None:
        settings.sandbox.wait_for_task(task_id)
    call("", api.query.task_info, [task_id])
    frames = call("", api.query.task_frames, task_id, 1, 20)
    frame_ids = [frame["id"] for frame in (frames or {}).get("items", [])]
    call("", api.query.get_task_processing_img, task_id)
    if frame_ids:
        call("thumbnail URLs of the first frame", api.query.get_frame_thumbnall, frame_ids[0])
        call("render one frame again", api.query.restart_frame, task_id, 0, frame_ids[:1])
    call("", api.query.restart_failed_frames, [task_id])
    call("", api.task.abort_task, [task_id])
    call("", api.task.delete_task, [task_id])

called = set(name.split(".", 1)[1] for name in CALLS)
missing = sorted(set(OPERATIONS) - called)
print("\n{0} of the {1} documented operations called{2}".format(
    len(called & set(OPERATIONS)), len(OPERATIONS),
    "; not called (read-only run): " + ", ".join(missing) if missing else ""))
