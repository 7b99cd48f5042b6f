"""Render a scene on Renderbus from inside your own Python 3 process (a pipeline tool).

Render managers and DCCs should use the ready-made integrations in ``integrations/``, which
run the ``rayvision`` command out of process (docs/embedding.md). A tool that embeds the SDK
in its own process gives this job three things:

* ``report(percent, message)``: progress of the whole job, 0 to 100, for the tool's UI;
* ``host_log(level, message)``: where SDK messages go (the tool's log), without touching
  the tool's root logger;
* a ``db_config.ini``: with ``type = redis`` every machine shares one upload-record
  database, so a file uploaded by one is skipped by every other.

Example::

    from in_process_job import JobSettings, RenderbusJob, route_sdk_logging

    route_sdk_logging(lambda level, text: print(text))
    settings = JobSettings(render_para={"domain": "task.renderbus.com", "platform": "2",
                                        "access_id": "...", "access_key": "..."},
                           dcc="maya", cg_file="//server/proj/scenes/shot.ma",
                           software_version="2019", plugin_config={"mtoa": "3.2.1.1"},
                           job_dir="/tmp/renderbus_job_1234", download_path="//server/renders",
                           db_config_path="//server/pipeline/renderbus_db_config.ini")
    result = RenderbusJob(settings, report=lambda pct, msg: print(pct, msg)).run()
"""

import importlib
import json
import logging
import os
import shutil
import time

from rayvision_api.core import RayvisionAPI
from rayvision_api.task.check import RayvisionCheck
from rayvision_api.utils import update_task_info
from rayvision_log import get_default_log_config, set_up_logger
from rayvision_sync.download import RayvisionDownload
from rayvision_sync.manage import RayvisionManageTask
from rayvision_sync.upload import RayvisionUpload

#: The loggers the SDK packages write to (each configured on import, never the root logger).
SDK_LOGGERS = ("rayvision_api", "rayvision_utils", "rayvision_sync", "rayvision_maya",
               "rayvision_houdini", "rayvision_clarisse")

#: Share of the progress bar each phase takes; rendering and downloading get the rest.
PHASE_END = {"analyse": 10.0, "check": 15.0, "upload": 45.0, "submit": 50.0}

_ANALYSERS = {
    "maya": ("rayvision_maya.analyze_maya", "AnalyzeMaya"),
    "houdini": ("rayvision_houdini.analyze_houdini", "AnalyzeHoudini"),
    "clarisse": ("rayvision_clarisse.analyse_clarisse", "AnalyzeClarisse"),
}


class HostLogHandler(logging.Handler):
    """A logging handler that hands each formatted record to the host's own log call."""

    def __init__(self, host_log, level=logging.INFO):
        super(HostLogHandler, self).__init__(level)
        self.host_log = host_log
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record):
        try:
            self.host_log(record.levelno, self.format(record))
        except Exception:  # a host log call must never break the job
            self.handleError(record)


def route_sdk_logging(host_log, level=logging.INFO, keep_files=True):
    """Send the SDK's messages to the host's log instead of the console.

    Only the SDK's own loggers change: their console handler is dropped (the host prints
    already), their rotating log file stays (``keep_files``), and a handler forwarding to
    ``host_log(levelno, text)`` is added. The root logger, and every other logger of the
    host, are left exactly as they were, and the SDK loggers keep ``propagate = False`` so a
    message is never printed twice.

    Returns:
        HostLogHandler: The handler added to every SDK logger.
    """
    handler = HostLogHandler(host_log, level)
    config = get_default_log_config()
    config["root"]["handlers"] = ["file"] if keep_files else []
    for name in SDK_LOGGERS:
        # Each package configures its logger when it is first imported, which would put the
        # console handler back: import it first (the DCC packages may be absent).
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        logger = set_up_logger(name, config)
        for old in [h for h in logger.handlers if isinstance(h, HostLogHandler)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
    return handler


def write_db_config(path, redis_host=None, redis_port=6379, redis_password="",
                    table_index=0, db_path=""):
    """Write a ``db_config.ini`` for the upload-record database (atomically).

    With ``redis_host`` every worker pointing at the same redis shares the records: a file
    uploaded from one machine (same server path, size and mtime, e.g. on a file server) is
    skipped on all the others. Without it, sqlite files under ``db_path`` are used, one per
    folder holding upload.json.
    """
    kind = "redis" if redis_host else "sqlite"
    text = ("[TRANSFER_LOG_PATH]\ntransfer_log_path = {db_path}\n\n"
            "[DATABASE_CONFIG]\non = true\ntype = {kind}\ndb_path = {db_path}\n\n"
            "[REDIS]\nhost = {host}\nport = {port}\npassword = {password}\n"
            "table_index = {index}\ntimeout = 5000\n\n"
            "[SQLITE]\ntemporary = false\n").format(
                db_path=db_path, kind=kind, host=redis_host or "127.0.0.1", port=int(redis_port),
                password=redis_password, index=int(table_index))
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder)
    with open(path + ".tmp", "w") as handle:
        handle.write(text)
    os.replace(path + ".tmp", path)
    return path


class JobSettings(object):
    """What one cloud-render job needs.

    Args:
        render_para (dict): ``domain``, ``platform``, optionally ``protocol``,
            ``access_id`` and ``access_key`` (default: ``RAYVISION_ACCESS_ID`` /
            ``RAYVISION_ACCESS_KEY`` of the environment): the ``RayvisionAPI`` arguments.
        dcc (str): ``"maya"``, ``"houdini"`` or ``"clarisse"``.
        cg_file (str): The scene.
        software_version (str): DCC version on the farm.
        job_dir (str): A folder of this job on the worker (analysis results).
        download_path (str): Where the frames go.
        plugin_config (dict): Plugin name -> version.
        project_name (str): Farm project (label).
        db_config_path (str): ``db_config.ini`` of the upload-record database.
        task_settings (dict): ``task_info`` values to change (``update_task_info``).
        poll_seconds (float): Seconds between two looks at the task while it renders.
        timeout (float): Give up after this many seconds of rendering (None: never).
    """

    def __init__(self, render_para, dcc, cg_file, software_version, job_dir, download_path,
                 plugin_config=None, project_name="Project1", db_config_path=None,
                 task_settings=None, poll_seconds=10.0, timeout=None):
        if dcc not in _ANALYSERS:
            raise ValueError("dcc must be one of {0}, not {1!r}".format(sorted(_ANALYSERS),
                                                                        dcc))
        self.render_para = dict(render_para)
        self.dcc = dcc
        self.cg_file = cg_file
        self.software_version = software_version
        self.job_dir = job_dir
        self.download_path = download_path
        self.plugin_config = dict(plugin_config or {})
        self.project_name = project_name
        self.db_config_path = db_config_path
        self.task_settings = dict(task_settings or {"stop_after_test": "2"})
        self.poll_seconds = float(poll_seconds)
        self.timeout = timeout

    def __repr__(self):
        return "JobSettings(dcc={0!r}, cg_file={1!r}, domain={2!r})".format(
            self.dcc, self.cg_file, self.render_para.get("domain"))


class JobResult(object):
    """What a finished job reports back to the host."""

    def __init__(self, task_id, status, frames_done, frames_total, output_folder, uploaded,
                 skipped):
        self.task_id = task_id
        self.status = status
        self.frames_done = frames_done
        self.frames_total = frames_total
        self.output_folder = output_folder
        self.uploaded = uploaded
        self.skipped = skipped

    @property
    def ok(self):
        """Every frame rendered (status 25 "done")."""
        return self.status == 25 and self.frames_done == self.frames_total

    def as_dict(self):
        return dict(self.__dict__, ok=self.ok)


class JobFailed(Exception):
    """The task ended without all its frames (failed frames, abandoned, timed out)."""


class RenderbusJob(object):
    """Analyse, check, upload, submit, wait and download, reporting progress to the host.

    Args:
        settings (JobSettings): The job.
        report (callable): ``report(percent, message)``, called often; must be cheap.
        should_stop (callable): Returns True when the host cancels the job; the farm task
            is then stopped and :class:`JobFailed` raised.
    """

    def __init__(self, settings, report=None, should_stop=None):
        self.settings = settings
        self.report = report or (lambda percent, message: None)
        self.should_stop = should_stop or (lambda: False)
        self.percent = 0.0
        self.api = None

    def _progress(self, percent, message):
        # Never move the bar backwards: hosts show it as a job's completion.
        self.percent = max(self.percent, min(100.0, percent))
        self.report(round(self.percent, 1), message)

    def _upload_progress(self, event):
        if event.kind in ("bytes", "file_done", "file_skipped") and event.bytes_total:
            share = float(event.bytes_done) / event.bytes_total
            if event.kind == "file_skipped" or event.files_total:
                share = max(share, float(event.files_done) / max(1, event.files_total))
            span = PHASE_END["upload"] - PHASE_END["check"]
            self._progress(PHASE_END["check"] + span * share,
                           "upload {0}/{1} files".format(event.files_done, event.files_total))

    def connect(self):
        para = self.settings.render_para
        # Missing credentials fall back to RAYVISION_ACCESS_ID / RAYVISION_ACCESS_KEY of the
        # worker's environment, so a job description never has to carry the key.
        self.api = RayvisionAPI(access_id=para.get("access_id"),
                                access_key=para.get("access_key"),
                                domain=para["domain"], platform=str(para.get("platform", "2")),
                                protocol=para.get("protocol", "https"))
        return self.api

    def analyse(self):
        module_name, class_name = _ANALYSERS[self.settings.dcc]
        analyser_class = getattr(__import__(module_name, fromlist=[class_name]), class_name)
        workspace = os.path.join(self.settings.job_dir, "analysis")
        if not os.path.isdir(workspace):
            os.makedirs(workspace)
        analyze_obj = analyser_class(cg_file=self.settings.cg_file,
                                     software_version=self.settings.software_version,
                                     project_name=self.settings.project_name,
                                     plugin_config=self.settings.plugin_config,
                                     workspace=workspace)
        analyze_obj.analyse()
        update_task_info(self.settings.task_settings, analyze_obj.task_json)
        return analyze_obj

    def stage(self, analyze_obj):
        """Copy the json files to ``<job_dir>/upload/<scene name>/`` and return their paths.

        The folder name is the scene's: with a sqlite record database the records of every
        job of that scene on this worker end up in one file (``<scene name>.db``).
        """
        scene = os.path.splitext(os.path.basename(self.settings.cg_file))[0]
        folder = os.path.join(self.settings.job_dir, "upload", scene)
        if not os.path.isdir(folder):
            os.makedirs(folder)
        paths = {}
        for name in ("task", "tips", "asset", "upload"):
            target = os.path.join(folder, name + ".json")
            shutil.copyfile(getattr(analyze_obj, name + "_json"), target + ".tmp")
            os.replace(target + ".tmp", target)
            paths[name + "_json_path"] = target
        return paths

    def run(self):
        """Run the whole job.

        Returns:
            JobResult: The task and its frames.

        Raises:
            JobFailed: The task ended without every frame, or the host cancelled it.
            rayvision_api.exception.RayvisionError: Any SDK error (bad scene, refused
                credentials, transfer failure...), unchanged.
        """
        self._progress(0, "connecting to {0}".format(self.settings.render_para["domain"]))
        api = self.connect()
        self._progress(2, "analysing {0}".format(self.settings.cg_file))
        analyze_obj = self.analyse()
        self._progress(PHASE_END["analyse"], "analysed ({0} backend)".format(
            analyze_obj.backend_used))
        task_id = RayvisionCheck(api, analyze_obj).execute(analyze_obj.task_json,
                                                           analyze_obj.upload_json)
        self._progress(PHASE_END["check"], "task {0} created".format(task_id))
        upload = RayvisionUpload(api, db_config_path=self.settings.db_config_path,
                                 progress_callback=self._upload_progress, show_progress=False)
        upload.upload(str(task_id), **self.stage(analyze_obj))
        assets = upload.last_result
        self._progress(PHASE_END["upload"], "uploaded {0} files, {1} unchanged".format(
            assets.files_transferred, assets.files_skipped))
        api.submit(int(task_id))
        self._progress(PHASE_END["submit"], "task {0} submitted".format(task_id))
        info = self.wait_and_download(int(task_id))
        result = JobResult(int(task_id), info["taskStatus"], info["doneFrames"],
                           info["totalFrames"],
                           os.path.join(self.settings.download_path, info["outputFileName"]),
                           assets.files_transferred, assets.files_skipped)
        if not result.ok:
            raise JobFailed("task {0} ended with status {1}: {2} of {3} frames done".format(
                task_id, result.status, result.frames_done, result.frames_total))
        self._progress(100, "task {0} done: {1} frames in {2}".format(
            task_id, result.frames_done, result.output_folder))
        return result

    def wait_and_download(self, task_id):
        """Download what is rendered until the task ends; progress = frames done."""
        manage = RayvisionManageTask(self.api.query)
        download = RayvisionDownload(self.api, show_progress=False)
        started = time.time()
        while True:
            ended = manage.is_task_end(task_id)
            info = self.api.query.task_info([task_id])["items"][0]
            total = max(1, int(info["totalFrames"] or 0))
            span = 100.0 - PHASE_END["submit"]
            self._progress(PHASE_END["submit"] + span * 0.95 * info["doneFrames"] / total,
                           "rendering: {0}/{1} frames done".format(info["doneFrames"], total))
            download.download([task_id], local_path=self.settings.download_path,
                              print_log=False)
            if ended:
                return info
            if self.should_stop():
                self.api.task.stop_task([task_id])
                raise JobFailed("cancelled by the render manager; task {0} stopped".format(
                    task_id))
            if self.settings.timeout and time.time() - started > self.settings.timeout:
                raise JobFailed("task {0} still rendering after {1} s".format(
                    task_id, self.settings.timeout))
            time.sleep(self.settings.poll_seconds)


def main(argv=None):
    """Run one job from a json file of :class:`JobSettings` arguments (for any host)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("settings_json")
    args = parser.parse_args(argv)
    with open(args.settings_json, encoding="utf-8") as handle:
        settings = JobSettings(**json.load(handle))
    route_sdk_logging(lambda level, text: print(logging.getLevelName(level), text,
                                                flush=True))
    result = RenderbusJob(settings, report=lambda pct, msg: print(
        "PROGRESS {0:5.1f}% {1}".format(pct, msg), flush=True)).run()
    print(json.dumps(result.as_dict()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
