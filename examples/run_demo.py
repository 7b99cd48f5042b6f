"""The whole job, end to end, against a local sandbox farm (what ``nox -s demo`` runs).

Starts a sandbox farm, runs the Maya demo (analyse -> check -> upload -> submit -> download
every frame as it is rendered), waits for the frames to land on disk and prints a one-screen
summary: task id, frames done, bytes moved, time per phase, where the frames are. Then it
stops the farm.

The farm, the upload-record database and the frames live in a state folder that is kept
between runs, so a second run uploads nothing: every asset is still unchanged and the
upload-record database says so::

    python examples/run_demo.py                 # first run: uploads the scene's files
    python examples/run_demo.py                 # second run: skips every unchanged file
    python examples/run_demo.py --fresh         # forget the state folder, start over
    python examples/run_demo.py --keep-farm     # then keep the farm and its monitor up

While it runs, the farm's web monitor shows the task and its frames as they render: the
address and a one-time sign-in link are printed when the farm starts.
"""

import argparse
import errno
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import time

from example_settings import SAMPLE_SCENES, list_files
from rayvision_api.core import RayvisionAPI
from rayvision_api.task.check import RayvisionCheck
from rayvision_api.utils import append_to_task, append_to_upload, update_task_info
from rayvision_log import get_default_log_config, set_up_logger
from rayvision_log.core import default_log_path
from rayvision_maya.analyze_maya import AnalyzeMaya
from rayvision_sandbox import Sandbox
from rayvision_sync.download import RayvisionDownload
from rayvision_sync.upload import RayvisionUpload

DEFAULT_STATE = os.path.join(tempfile.gettempdir(), "rayvision_demo")
DEFAULT_PORT = 8765
JSON_NAMES = ("task", "tips", "asset", "upload")
SDK_LOGGERS = ("rayvision_api", "rayvision_utils", "rayvision_maya", "rayvision_sync",
               "rayvision_sandbox")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", default=DEFAULT_STATE,
                        help="farm data, upload records and frames (default %(default)s)")
    parser.add_argument("--fresh", action="store_true",
                        help="delete the state folder first (the next upload sends every file)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="sandbox port (default %(default)s; another free port is used "
                             "when it is taken)")
    parser.add_argument("--seconds-per-frame", type=float, default=0.05,
                        help="simulated render time of one frame (default %(default)s)")
    parser.add_argument("--keep-farm", action="store_true",
                        help="keep the farm and its web monitor running after the summary, "
                             "until Ctrl-C")
    parser.add_argument("--progress", dest="progress", action="store_true", default=None,
                        help="progress bars even when stderr is not a terminal")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="no progress bars")
    return parser.parse_args(argv)


class Phases(object):
    """Wall-clock time of each phase, in order."""

    def __init__(self):
        self.times = []

    def run(self, name, action, *args, **kwargs):
        print("-> {0}".format(name), flush=True)
        start = time.time()
        try:
            return action(*args, **kwargs)
        finally:
            self.times.append((name, time.time() - start))


class Transfers(object):
    """A progress callback adding up what moved, per direction."""

    def __init__(self):
        self.bytes = {"upload": 0, "download": 0}
        self.files = {"upload": 0, "download": 0}
        self.skipped = {"upload": 0, "download": 0}

    def __call__(self, event):
        if event.kind == "bytes":
            self.bytes[event.direction] += event.nbytes or 0
        elif event.kind == "file_done":
            self.files[event.direction] += 1
        elif event.kind == "file_skipped":
            self.skipped[event.direction] += 1


def quiet_console():
    """SDK messages to the log files only (warnings still on the console).

    Each package logger keeps its rotating file; only the console handler's level changes,
    through the documented configuration (the root logger is never touched).
    """
    config = get_default_log_config()
    config["handlers"]["console"]["level"] = "WARNING"
    for name in SDK_LOGGERS:
        set_up_logger(name, config)


def port_is_free(port):
    """True when nothing listens on ``port`` of 127.0.0.1."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name == "posix":
            # Like the farm's server: a port left in TIME_WAIT by the last run is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def start_farm(state_dir, port, seconds_per_frame):
    """The sandbox farm of the state folder, on ``port`` or (when taken) any free port."""
    data_dir = os.path.join(state_dir, "farm")
    if port and port_is_free(port):
        try:
            return Sandbox(data_dir=data_dir, port=port,
                           seconds_per_frame=seconds_per_frame).start()
        except OSError as exc:  # taken between the probe and the start
            if exc.errno != errno.EADDRINUSE:
                raise
    return Sandbox(data_dir=data_dir, port=0, seconds_per_frame=seconds_per_frame).start()


def write_db_config(state_dir):
    """A db_config.ini keeping the upload records in the state folder."""
    db_dir = os.path.join(state_dir, "renderfarm_sdk")
    if not os.path.isdir(db_dir):
        os.makedirs(db_dir)
    path = os.path.join(state_dir, "db_config.ini")
    with open(path, "w") as handle:
        handle.write("[TRANSFER_LOG_PATH]\ntransfer_log_path = {0}\n\n"
                     "[DATABASE_CONFIG]\non = true\ntype = sqlite\ndb_path = {0}\n\n"
                     "[REDIS]\nhost = 127.0.0.1\nport = 6379\npassword =\ntable_index = 0\n"
                     "timeout = 5000\n\n[SQLITE]\ntemporary = false\n".format(db_dir))
    return path, db_dir


def frames_on_disk(folder, output_name):
    """Rendered frames (not thumbnails) of a task below ``folder``."""
    return [name for name in list_files(os.path.join(folder, output_name))
            if not name.startswith("thumbnail")]


def human(nbytes):
    """``812 B``, ``13.4 KiB``, ``2.0 MiB``..."""
    if nbytes < 1024:
        return "{0} B".format(nbytes)
    for unit in ("KiB", "MiB", "GiB"):
        nbytes /= 1024.0
        if nbytes < 1024 or unit == "GiB":
            break
    return "{0:.1f} {1}".format(nbytes, unit)


def keep_serving(farm):
    """Serve the farm and its monitor until Ctrl-C (``--keep-farm``)."""
    print("farm kept up     {0}".format(farm.url))
    print("monitor          {0}".format(farm.monitor_url))
    print("sign in          {0}  (one-time link; or the access id and key)".format(
        farm.monitor_login_link()))
    print("access id        {0}".format(farm.access_id))
    print("Ctrl-C stops the farm.", flush=True)
    try:
        farm.serve_forever()
    finally:
        farm.stop()


def main(argv=None):
    args = parse_args(argv)
    state_dir = os.path.abspath(args.state_dir)
    if args.fresh and os.path.isdir(state_dir):
        shutil.rmtree(state_dir)
    first_run = not os.path.isdir(os.path.join(state_dir, "farm"))
    for folder in ("farm", "workspace", "frames"):
        path = os.path.join(state_dir, folder)
        if not os.path.isdir(path):
            os.makedirs(path)
    quiet_console()
    phases = Phases()
    transfers = Transfers()
    started = time.time()

    farm = phases.run("start the sandbox farm", start_farm, state_dir, args.port,
                      args.seconds_per_frame)
    try:
        render_para = farm.api_kwargs()
        print("   farm {0} (data in {1})".format(farm.url, farm.data_dir))
        print("   monitor {0}  sign in: {1}".format(farm.monitor_url,
                                                    farm.monitor_login_link()))
        if args.port and farm.port != args.port:
            print("   port {0} is taken: the upload records of earlier runs name that farm, "
                  "so this run uploads every file".format(args.port))

        api = phases.run("log in", RayvisionAPI,
                         access_id=render_para['access_id'],
                         access_key=render_para['access_key'],
                         domain=render_para['domain'],
                         platform=render_para['platform'],
                         protocol=render_para['protocol'])

        # Step1: Analyze CG File
        analyze_obj = AnalyzeMaya(cg_file=SAMPLE_SCENES["maya"],
                                  workspace=os.path.join(state_dir, "workspace"),
                                  software_version="2019", project_name="Project1",
                                  plugin_config={"mtoa": "3.2.1.1"})
        phases.run("analyse {0}".format(os.path.basename(analyze_obj.cg_file)),
                   analyze_obj.analyse)
        print("   {0} backend, results in {1}".format(analyze_obj.backend_used,
                                                      analyze_obj.workspace))

        # step2: update the task settings
        update_task_info({"pre_frames": "100", "stop_after_test": "2"}, analyze_obj.task_json)
        append_to_task({}, analyze_obj.task_json)
        append_to_upload([], analyze_obj.upload_json)

        # step3: Check json files
        check_obj = RayvisionCheck(api, analyze_obj)
        task_id = phases.run("check", check_obj.execute, analyze_obj.task_json,
                             analyze_obj.upload_json)
        print("   task id {0}".format(task_id))

        # Step4: Transmission (method 1: json files and assets in one call)
        db_config, _ = write_db_config(state_dir)
        upload_obj = RayvisionUpload(api, db_config_path=db_config, progress_callback=transfers,
                                     show_progress=args.progress)
        phases.run("upload", upload_obj.upload, str(task_id),
                   **dict((name + "_json_path", getattr(analyze_obj, name + "_json"))
                          for name in JSON_NAMES))
        assets = upload_obj.last_result
        records_path = upload_obj.records_path()

        # Step5: Submit Task
        phases.run("submit", api.submit, int(task_id))

        # Step6: Download every frame as soon as it is rendered
        download = RayvisionDownload(api, progress_callback=transfers,
                                     show_progress=args.progress)
        frames_dir = os.path.join(state_dir, "frames")
        phases.run("render + download", download.auto_download, [int(task_id)],
                   sleep_time=0.5, local_path=frames_dir)

        info = api.query.task_info([int(task_id)])["items"][0]
        output_name = info["outputFileName"]
        on_disk = frames_on_disk(frames_dir, output_name)
    except BaseException:
        farm.stop()
        raise
    if not args.keep_farm:
        phases.run("stop the sandbox farm", farm.stop)

    total = time.time() - started
    rule = "=" * 72
    print(rule)
    print("rayvision demo: Maya scene {0} rendered on a sandbox farm".format(
        os.path.relpath(SAMPLE_SCENES["maya"], os.getcwd())))
    print(rule)
    print("task id         {0}   (status {1}, {2})".format(task_id, info["taskStatus"],
                                                          "first run" if first_run
                                                          else "state kept from earlier runs"))
    print("frames done     {0} of {1}, all {2} on disk".format(info["doneFrames"],
                                                              info["totalFrames"], len(on_disk)))
    print("uploaded        {0} in {1} files (4 json files + {2} assets)".format(
        human(transfers.bytes["upload"]), transfers.files["upload"],
        assets.files_transferred))
    print("skipped         {0} of {1} assets unchanged since the last upload "
          "(upload-record database)".format(assets.files_skipped, assets.files_total))
    print("downloaded      {0} in {1} files (frames and thumbnails)".format(
        human(transfers.bytes["download"]), transfers.files["download"]))
    print("time per phase")
    for name, seconds in phases.times:
        print("    {0:<28} {1:6.2f} s".format(name, seconds))
    print("    {0:<28} {1:6.2f} s".format("total", total))
    print("frames          {0}".format(os.path.join(frames_dir, output_name)))
    for name in on_disk[:4]:
        print("                  {0}".format(name))
    if len(on_disk) > 4:
        print("                  ... {0} more".format(len(on_disk) - 4))
    print("upload records  {0}".format(records_path))
    print("SDK log         {0}".format(default_log_path("rayvision_sync")))
    print("run it again:   the upload skips every unchanged file; --fresh starts over")
    print(rule)
    if args.keep_farm:
        keep_serving(farm)
    expected = int(info["totalFrames"])
    if info["doneFrames"] != expected or len(on_disk) != expected:
        print(json.dumps(info, indent=2), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
