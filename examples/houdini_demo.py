"""Houdini demo: analyse a scene, check it, upload it, submit it, download the frames.

The documented Houdini demo of the SDK, step by step. Without farm settings it runs against a
local sandbox farm it starts itself (see example_settings.py for --domain, --access-id...)::

    python examples/houdini_demo.py
    python examples/houdini_demo.py --upload-method 2 \
        --cg-file "D:/houdini/CG file/flip_test_slice4.hip"
"""

from example_settings import example_settings, list_files
from rayvision_api.core import RayvisionAPI
from rayvision_api.task.check import RayvisionCheck
from rayvision_api.utils import append_to_task, append_to_upload, update_task_info
from rayvision_houdini.analyze_houdini import AnalyzeHoudini
from rayvision_sync.download import RayvisionDownload
from rayvision_sync.upload import RayvisionUpload

settings = example_settings(__doc__, dcc="houdini")
print(settings.describe())

# API Parameter
render_para = settings.render_para

api = RayvisionAPI(access_id=render_para['access_id'],
                   access_key=render_para['access_key'],
                   domain=render_para['domain'],
                   platform=render_para['platform'],
                   protocol=render_para['protocol'])

# Step1:Analyze CG File
analyze_info = {
    "cg_file": settings.cg_file,
    "workspace": settings.workspace,
    "software_version": "17.5.293",
    "project_name": "Project1",
    "plugin_config": {
        'renderman': '22.6'
    }
}
analyze_obj = AnalyzeHoudini(**analyze_info)
analyze_obj.analyse()
print("analysed with the {0} backend: {1}".format(analyze_obj.backend_used,
                                                  analyze_obj.workspace))

# step2: Add some custom parameters, or update the original parameter value
update_task = {
    "pre_frames": "100",     # render the first frame of each ROP before the others
    # "1" would pause the task after those frames (status 40, "test done") until
    # api.task.full_speed([task_id]) is called; "2" goes on with the other frames.
    "stop_after_test": "2"
}
update_task_info(update_task, analyze_obj.task_json)

custom_info_to_task = {}
append_to_task(custom_info_to_task, analyze_obj.task_json)

custom_info_to_upload = []
append_to_upload(custom_info_to_upload, analyze_obj.upload_json)

# step3:Check json files
check_obj = RayvisionCheck(api, analyze_obj)
task_id = check_obj.execute(analyze_obj.task_json, analyze_obj.upload_json)
print("task id:", task_id)

# Step4: Transmission
"""
There are two ways to upload the transmission:
Upload_method: 1: upload four json files and upload the resource file according to upload.json;
               2: json files and resources are uploaded separately;
"""
CONFIG_PATH = {
    "tips_json_path": analyze_obj.tips_json,
    "task_json_path": analyze_obj.task_json,
    "asset_json_path": analyze_obj.asset_json,
    "upload_json_path": analyze_obj.upload_json,
}
upload_obj = RayvisionUpload(api)
"""
The default of the test demo is to upload json and resource files at the same time,
and users can choose their own upload method according to the actual situation.
"""
upload_method = settings.upload_method
if upload_method == 1:
    # step4.1:Json files are uploaded in conjunction with CG resources
    upload_obj.upload(str(task_id), **CONFIG_PATH)
elif upload_method == 2:
    # step4.2:CG resource files and json are uploaded separately
    upload_obj.upload_asset(upload_json_path=CONFIG_PATH["upload_json_path"])
    upload_obj.upload_config(str(task_id), list(CONFIG_PATH.values()))

# Step5:Submit Task
api.submit(int(task_id))

# Step6:Download
download = RayvisionDownload(api)
# All complete before the automatic start of uniform download.
# download.auto_download_after_task_completed([task_id])
# Poll download (automatic download for each completed frame)
download.auto_download([int(task_id)], sleep_time=settings.sleep_time,
                       local_path=settings.download_path)

print("frames of task {0} in {1}:".format(task_id, settings.download_path))
for name in list_files(settings.download_path):
    if name.startswith("{0}_".format(task_id)):
        print("   ", name)
