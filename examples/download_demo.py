"""Download demo: the three documented ways to download a task's frames.

1. ``auto_download``: download every frame as soon as it is rendered;
2. ``auto_download_after_task_completed``: download once the whole task has ended;
3. ``download``: download once, now -- a whole task, or one folder of the output storage
   (``server_path``, e.g. one render layer).

``download_filename_format="true"`` keeps the ``<taskId>_<scene>/<layer>/`` folders below
``local_path``; ``"false"`` keeps only the part below the downloaded folder::

    python examples/download_demo.py                         # a sandbox and a fresh task
    python examples/download_demo.py --task-id 18164087 \\
        --domain task.renderbus.com --access-id xxxx --access-key xxxx
"""

import os

from example_settings import build_parser, example_settings, list_files
from example_tasks import submit_sample
from rayvision_api.core import RayvisionAPI
from rayvision_sync.download import RayvisionDownload

parser = build_parser(__doc__)
parser.add_argument("--task-id", type=int,
                    help="task to download (default: submit the sample Maya scene first, "
                         "on a sandbox only)")
settings = example_settings(__doc__, parser=parser)
print(settings.describe())
render_para = settings.render_para
api = RayvisionAPI(access_id=render_para['access_id'],
                   access_key=render_para['access_key'],
                   domain=render_para['domain'],
                   platform=render_para['platform'],
                   protocol=render_para['protocol'])

task_id = settings.args.task_id
if task_id is None:
    if settings.sandbox is None:
        parser.error("--task-id is needed on a real farm")
    task_id = submit_sample(api, settings.workspace)
    print("submitted the sample Maya scene as task {0}".format(task_id))


def show(title, folder):
    files = list_files(folder)
    print("{0}: {1} files in {2}".format(title, len(files), folder))
    for name in files[:6]:
        print("    {0}".format(name))
    if len(files) > 6:
        print("    ...")


download = RayvisionDownload(api)

# 1. Poll download (automatic download for each completed frame).
folder = os.path.join(settings.download_path, "auto_download")
download.auto_download([task_id], download_filename_format="false", local_path=folder,
                       sleep_time=settings.sleep_time)
show("1. auto_download", folder)

# 2. All complete before the automatic start of uniform download.
folder = os.path.join(settings.download_path, "after_task_completed")
download.auto_download_after_task_completed([task_id], download_filename_format="false",
                                            local_path=folder, sleep_time=settings.sleep_time)
show("2. auto_download_after_task_completed", folder)

# 3. Download now: the whole task, then one layer folder of the output storage.
folder = os.path.join(settings.download_path, "download")
download.download([task_id], local_path=folder)
show("3. download([task_id])", folder)
output_name = api.query.task_info([task_id])["items"][0]["outputFileName"]
layer = sorted(name for name in os.listdir(os.path.join(folder, output_name))
               if name != "thumbnail")[0]
folder = os.path.join(settings.download_path, "one_layer")
download.download(download_filename_format="true", server_path="{0}/{1}".format(
    output_name, layer), local_path=folder)
show("3. download(server_path={0!r})".format("{0}/{1}".format(output_name, layer)), folder)
print("last download moved {0}".format(download.last_result))
