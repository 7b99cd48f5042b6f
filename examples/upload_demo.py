"""Upload demo: the two documented ways to upload, the upload-record database, progress.

Analyses the sample Maya scene, then uploads it

1. json files and assets in one call: ``upload(task_id, task_json, tips_json, asset_json,
   upload_json)``;
2. separately: ``upload_asset(upload_json, is_db=False)`` then ``upload_config(task_id,
   [json files])``;
3. with a db_config.ini of its own, twice: the second ``upload_asset`` skips every file the
   upload-record database knows to be unchanged.

::

    python examples/upload_demo.py
"""

import os

from example_settings import example_settings
from example_tasks import analyse_sample
from rayvision_api.core import RayvisionAPI
from rayvision_sync.upload import RayvisionUpload

settings = example_settings(__doc__, dcc="maya")
print(settings.describe())
render_para = settings.render_para
api = RayvisionAPI(access_id=render_para['access_id'],
                   access_key=render_para['access_key'],
                   domain=render_para['domain'],
                   platform=render_para['platform'],
                   protocol=render_para['protocol'])

analyze_obj, task_id = analyse_sample(api, settings.workspace, settings.cg_file)
print("analysed into {0}, task id {1}".format(analyze_obj.workspace, task_id))


def report(event):
    """A progress callback: what a job plugin would forward to its host."""
    if event.kind in ("file_done", "file_skipped", "file_failed"):
        print("    {0:<12} {1} ({2}/{3} files)".format(event.kind, event.path,
                                                        event.files_done, event.files_total))


# 1: upload four json files and upload the resource files according to upload.json.
upload_obj = RayvisionUpload(api, progress_callback=report)
upload_obj.upload(str(task_id),
                  task_json_path=analyze_obj.task_json,
                  tips_json_path=analyze_obj.tips_json,
                  asset_json_path=analyze_obj.asset_json,
                  upload_json_path=analyze_obj.upload_json)
print("1. upload(): {0}".format(upload_obj.last_result))

# 2: json files and resources are uploaded separately; is_db=False uploads every asset
# again, whatever the upload-record database says.
CONFIG_PATH = [
    analyze_obj.tips_json,
    analyze_obj.task_json,
    analyze_obj.asset_json,
]
UPLOAD = RayvisionUpload(api)
UPLOAD.upload_asset(analyze_obj.upload_json, is_db=False)
print("2. upload_asset(is_db=False): {0}".format(UPLOAD.last_result))
UPLOAD.upload_config(str(task_id), CONFIG_PATH)
print("2. upload_config(): {0} json files in /{1}/cfg/".format(len(CONFIG_PATH), task_id))

# 3: a db_config.ini of our own keeps the records next to the analysis results.
db_dir = os.path.join(settings.workspace, "upload_records")
if not os.path.isdir(db_dir):
    os.makedirs(db_dir)
db_config = os.path.join(settings.workspace, "db_config.ini")
with open(db_config, "w") as handle:
    handle.write("[TRANSFER_LOG_PATH]\ntransfer_log_path =\n\n"
                 "[DATABASE_CONFIG]\non = true\ntype = sqlite\ndb_path = {0}\n\n"
                 "[REDIS]\nhost = 127.0.0.1\nport = 6379\npassword =\ntable_index = 0\n"
                 "timeout = 5000\n\n[SQLITE]\ntemporary = false\n".format(db_dir))
UPLOAD = RayvisionUpload(api, db_config_path=db_config)
UPLOAD.upload_asset(analyze_obj.upload_json)
print("3. first upload_asset(): {0}".format(UPLOAD.last_result))
UPLOAD.upload_asset(analyze_obj.upload_json)
print("3. again, nothing changed: {0}".format(UPLOAD.last_result))
print("   records: {0}".format(UPLOAD.records_path()))
