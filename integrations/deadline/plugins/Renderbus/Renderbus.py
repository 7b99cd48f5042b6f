# -*- coding: utf-8 -*-
"""Deadline 10 plugin: render a job's scene on Renderbus instead of on the Worker.

The Worker only runs the ``rayvision`` command (out of process, with its own Python and the
SDK installed beside it) and turns its JSON events into the task's progress and status. One
Deadline task is one cloud task; its id is kept in the job's extra info, so that a requeue,
a Worker crash or a restart of the job re-attaches to the cloud task instead of rendering
(and paying for) the scene twice.

Deadline API used (Deadline 10 scripting reference): ``DeadlinePlugin`` (callbacks
``InitializeProcessCallback`` / ``RenderTasksCallback``, ``PluginType.Advanced``,
``GetPluginInfoEntryWithDefault``, ``GetBooleanPluginInfoEntryWithDefault``,
``GetConfigEntryWithDefault``, ``GetBooleanConfigEntryWithDefault``,
``GetFloatConfigEntryWithDefault``, ``GetIntegerConfigEntryWithDefault``, ``GetJob``,
``GetStartFrame``, ``GetEndFrame``, ``GetCurrentTaskId``, ``GetPluginDirectory``,
``SetProgress``, ``SetStatusMessage``, ``LogInfo``, ``LogWarning``, ``IsCanceled``,
``FailRender``), ``RepositoryUtils``
(``CheckPathMapping``, ``GetJob``, ``SaveJob``) and ``Job`` (``JobId``, ``JobFramesList``,
``GetJobExtraInfoKeyValueWithDefault``, ``SetJobExtraInfoKeyValue``,
``DeleteJobExtraInfoKey``, ``GetJobEnvironmentKeys``, ``GetJobPluginInfoKeys``).
"""

import hashlib
import json
import os
import sys
import types

from Deadline.Plugins import DeadlinePlugin, PluginType
from Deadline.Scripting import RepositoryUtils

#: The shared runner beside this file (integrations/common/rayvision_job.py).
JOB_MODULE = "rayvision_job"

#: Job extra info key holding the cloud tasks of one Deadline task: a json list of
#: ``{"frames": FRAMES, "task": ID}``, one per frame range the task was rendered for
#: (``frames`` is the ``--frames`` text, empty for the scene's own ranges), in the order
#: they were submitted; ``"restarts": N`` counts the restarts of its failed frames.
EXTRA_INFO_KEY = "RenderbusCloudTask{0}"

#: Names that must never come with a job: credentials live in a profile or the Worker's
#: environment (a job's properties are readable by every Monitor user).
CREDENTIAL_NAMES = ("ACCESSKEY", "ACCESS_KEY", "ACCESSID", "ACCESS_ID", "RAYVISION_ACCESS_KEY",
                    "RAYVISION_ACCESS_ID")


def GetDeadlinePlugin():
    """Deadline's entry point: the plugin object of one Worker thread."""
    return RenderbusPlugin()


def CleanupDeadlinePlugin(deadlinePlugin):
    """Deadline's exit point: drop the callbacks."""
    deadlinePlugin.Cleanup()


class RenderbusPlugin(DeadlinePlugin):
    """Advanced plugin: each task is one cloud render followed to its end."""

    def __init__(self):
        if sys.version_info[0] >= 3:
            super(RenderbusPlugin, self).__init__()
        self.InitializeProcessCallback += self.InitializeProcess
        self.RenderTasksCallback += self.RenderTasks

    def Cleanup(self):
        """Release the callbacks (Deadline keeps the plugin object otherwise)."""
        del self.InitializeProcessCallback
        del self.RenderTasksCallback

    def InitializeProcess(self):
        """An advanced plugin that renders any frame range in one go."""
        self.PluginType = PluginType.Advanced
        self.SingleFramesOnly = False

    # -- settings ---------------------------------------------------------------------------

    def _mapped(self, path):
        """A job path as this Worker sees it (Deadline's path mapping rules)."""
        path = (path or "").strip()
        return RepositoryUtils.CheckPathMapping(path) if path else path

    def _executable(self):
        """The first ``rayvision`` of the configured list that exists on this Worker."""
        candidates = [c.strip() for c in self.GetConfigEntryWithDefault(
            "RayvisionExecutable", "rayvision").split(";") if c.strip()]
        for candidate in candidates:
            if os.path.isfile(candidate):
                return candidate
            # Every OS's paths share the list: a Windows path is no bare name on Linux.
            if not any(mark in candidate for mark in ("/", "\\", ":")):
                return candidate  # a bare name: looked up on the Worker's PATH
        raise self._job_module.JobError(
            "none of the configured rayvision executables exists on this Worker: {0}"
            .format("; ".join(candidates)))

    def _refuse_credentials_in_job(self, job):
        keys = list(job.GetJobPluginInfoKeys()) + list(job.GetJobEnvironmentKeys())
        found = [key for key in keys if key.upper().replace("-", "_") in CREDENTIAL_NAMES]
        if found:
            raise self._job_module.JobError(
                "the job carries credentials ({0}); remove them: the Worker takes them from "
                "its rayvision profile or its environment".format(", ".join(sorted(found))))

    def _frames(self, job):
        if self.GetBooleanPluginInfoEntryWithDefault("UseJobFrames", False):
            first, last = self.GetStartFrame(), self.GetEndFrame()
            frames = [frame for frame in job.JobFramesList if first <= frame <= last]
            return self._job_module.frames_argument(frames or range(first, last + 1))
        first, last = self.GetStartFrame(), self.GetEndFrame()
        if any(frame < first or frame > last for frame in job.JobFramesList):
            # Each task would submit the whole scene: one paid cloud render per task.
            raise self._job_module.JobError(
                "UseJobFrames is off, so every task of this job would render the whole scene "
                "as a cloud task of its own, but the job's frames are split into several "
                "tasks: give the job one task (Frames=0) or turn UseJobFrames on")
        return self.GetPluginInfoEntryWithDefault("Frames", "").strip() or None

    def _settings(self, job):
        scene = self._mapped(self.GetPluginInfoEntryWithDefault("SceneFile", ""))
        output = self._mapped(self.GetPluginInfoEntryWithDefault("OutputDirectory", ""))
        if not scene:
            raise self._job_module.JobError("the job has no SceneFile")
        if not output:
            raise self._job_module.JobError("the job has no OutputDirectory")
        layers = [name.strip() for name in
                  self.GetPluginInfoEntryWithDefault("Layers", "").split(",") if name.strip()]
        return self._job_module.RenderSettings(
            scene=scene, output=output,
            software_version=self.GetPluginInfoEntryWithDefault("SoftwareVersion", "").strip()
            or None,
            project=self.GetPluginInfoEntryWithDefault("ProjectName", "").strip() or None,
            frames=self._frames(job), layers=layers,
            poll_seconds=self.GetFloatConfigEntryWithDefault("PollSeconds", 30.0),
            stop_on_cancel=self.GetBooleanConfigEntryWithDefault("StopCloudTaskOnCancel", True))

    def _process(self):
        global_args = []
        profile = self.GetConfigEntryWithDefault("Profile", "").strip()
        if profile:
            global_args += ["--profile", profile]
        return self._job_module.RayvisionProcess(self._executable(), global_args,
                                                 env=dict(os.environ))

    # -- the task ---------------------------------------------------------------------------

    def RenderTasks(self):
        """Render this task on Renderbus; every failure becomes ``FailRender``."""
        failure = None
        self._job_module = None
        try:
            rayvision_job = self._job_module = load_job_module(self.GetPluginDirectory(),
                                                               self.LogInfo)
            job = self.GetJob()
            self._refuse_credentials_in_job(job)
            settings = self._settings(job)
            render = rayvision_job.CloudRender(settings,
                                               _DeadlineHost(self, job, settings.frames),
                                               self._process())
            try:
                message = render.run()
            except rayvision_job.Cancelled:
                failure = "cancelled by Deadline" + (
                    "; Renderbus task {0} stopped".format(render.task_id)
                    if render.stopped else "")
            else:
                self.SetStatusMessage(message)
        except Exception as error:  # every error fails the task with its one line
            failure = _failure_line(error, self._job_module)
        if failure:
            self.FailRender(failure)


def load_job_module(plugin_dir, log):
    """``rayvision_job`` from ``plugin_dir``, loaded again whenever the file changed.

    The Worker's Python lives on from task to task: a plain import would keep the copy it
    first loaded (or one from another folder on ``sys.path``) after the plugin folder is
    updated. The module is kept in ``sys.modules`` with the digest of its file; a changed
    file is loaded as a new module object, so a task still running on the old one (another
    Worker thread) keeps its classes.

    Args:
        plugin_dir (str): The plugin's folder (``GetPluginDirectory``).
        log (callable): Takes the line saying a changed module was loaded.
    """
    path = os.path.join(plugin_dir, JOB_MODULE + ".py")
    with open(path, "rb") as handle:
        source = handle.read()
    digest = hashlib.sha1(source).hexdigest()
    cached = sys.modules.get(JOB_MODULE)
    if cached is not None and getattr(cached, "_renderbus_source", None) == (path, digest):
        return cached
    module = types.ModuleType(JOB_MODULE)
    module.__file__ = path
    exec(compile(source, path, "exec"), module.__dict__)
    module._renderbus_source = (path, digest)
    sys.modules[JOB_MODULE] = module
    if cached is not None:
        log("loaded {0} again: {1} changed since this Worker loaded it".format(JOB_MODULE,
                                                                               path))
    return module


def _failure_line(error, module):
    """The one line of ``error``; unicode on Python 2 (Deadline 10.0) when it names a path.

    ``module`` is the ``rayvision_job`` this task ran with (None when it could not load).
    """
    if module is None:
        return "{0}: {1}".format(type(error).__name__, error)
    if isinstance(error, module.JobError):
        return module.message_of(error)
    return u"{0}: {1}".format(type(error).__name__, module.message_of(error))


def read_records(value, key):
    """The cloud tasks recorded under ``key``: a list of ``{"frames", "task"}``.

    A bare id was written by an older plugin that did not record the frames: its
    ``frames`` is None (it stands for whatever frames the task has now).

    Raises:
        ValueError: The value is neither (edited by hand), naming the key.
    """
    value = (value or "").strip()
    if not value:
        return []
    if value.isdigit():
        return [{"frames": None, "task": value, "restarts": 0}]
    try:
        records = json.loads(value)
    except ValueError:
        records = None
    if not isinstance(records, list) or not all(
            isinstance(item, dict) and str(item.get("task", "")).isdigit()
            and isinstance(item.get("frames"), (type(u""), str))
            and isinstance(item.get("restarts", 0), int) for item in records):
        raise ValueError("the job's extra info {0}={1} is not a list of cloud tasks; delete "
                         "the key to submit anew".format(key, value))
    return [{"frames": item["frames"], "task": str(item["task"]),
             "restarts": item.get("restarts", 0)} for item in records]


def write_records(records):
    """The extra-info value of ``records`` (see :data:`EXTRA_INFO_KEY`)."""
    return json.dumps([dict({"frames": item["frames"], "task": item["task"]},
                            **({"restarts": item["restarts"]} if item.get("restarts") else {}))
                       for item in records], sort_keys=True)


def describe_frames(frames):
    """``frames 1-10[1]``, or the scene's own ranges for empty frames."""
    return "frames {0}".format(frames) if frames else "the scene's own frames"


class _DeadlineHost(object):
    """What :class:`rayvision_job.CloudRender` needs from Deadline.

    Args:
        plugin (RenderbusPlugin): The plugin of this task.
        job: The Deadline job.
        frames (str): The task's ``--frames`` text (None: the scene's own ranges); the cloud
            task is recorded for these frames, and only a cloud task recorded for them is
            re-attached to.
    """

    def __init__(self, plugin, job, frames):
        self.plugin = plugin
        self.job_id = job.JobId
        self.key = EXTRA_INFO_KEY.format(plugin.GetCurrentTaskId())
        self.frames = frames or ""

    def progress(self, percent, message):
        """Progress and status of the task in Monitor."""
        self.plugin.SetProgress(float(percent))
        self.plugin.SetStatusMessage(message)

    def log(self, text):
        """A line of the task's log."""
        self.plugin.LogInfo(text)

    def cancelled(self):
        """Monitor cancelled or requeued the task."""
        return bool(self.plugin.IsCanceled())

    def _records(self):
        # Read from the repository, not the Worker's cached copy: another Worker may have
        # submitted the cloud task before this task was requeued.
        job = RepositoryUtils.GetJob(self.job_id, True)
        try:
            return job, read_records(job.GetJobExtraInfoKeyValueWithDefault(self.key, ""),
                                     self.key)
        except ValueError as error:
            raise self.plugin._job_module.JobError(str(error))

    def load_task_id(self):
        """The cloud task of this Deadline task for its current frames, or None.

        A cloud task recorded for other frames (the job's frames or chunk size changed
        since) is not re-attached to: it renders frames this task no longer stands for.
        """
        _, records = self._records()
        for record in reversed(records):
            if record["frames"] == self.frames:
                return record["task"]
            if record["frames"] is None:
                # Nothing tells which frames it renders: taken for the current ones, as the
                # older plugin did, rather than paying for a second render.
                self.log(u"Renderbus task {0} was recorded without its frames (an older "
                         u"plugin): recorded for {1} now".format(record["task"],
                                                                 describe_frames(self.frames)))
                self.save_task_id(record["task"])
                return record["task"]
        if records:
            newest = records[-1]
            self.log(u"the job's frames changed since Renderbus task {0} was submitted for "
                     u"{1}: this task renders {2} now, as a new cloud task (task {0} is "
                     u"left as it is)".format(newest["task"], describe_frames(newest["frames"]),
                                              describe_frames(self.frames)))
        return None

    def save_task_id(self, task_id):
        """Remember (or forget, with None) the cloud task of the current frames.

        The cloud tasks of other frames stay recorded: going back to those frames
        re-attaches to them.
        """
        def change(records):
            current = [item for item in records if item["frames"] == self.frames]
            kept = [item for item in records
                    if item["frames"] is not None and item["frames"] != self.frames]
            if task_id:
                restarts = sum(item["restarts"] for item in current
                               if item["task"] == str(task_id))
                kept.append({"frames": self.frames, "task": str(task_id),
                             "restarts": restarts})
            return kept

        if not self._change(change):
            self.plugin.LogWarning("could not save the cloud task {0} of {1} in the job's "
                                   "extra info ({2})".format(task_id,
                                                             describe_frames(self.frames),
                                                             self.key))

    def claim_failed_frames_restart(self, task_id):
        """Count one more restart of the failed frames of ``task_id``, if allowed.

        ``RestartFailedFrames`` (plugin configuration) restarts are allowed per cloud task.
        The count is saved before the restart is sent: Deadline retries a failed task by
        itself, and a lost answer or a Worker that died must not lead to more restarts
        (each one renders and bills the frames again).

        Returns:
            bool: True when the restart may be sent (and is counted).

        Raises:
            JobError: The count could not be saved (nothing is sent).
        """
        allowed = self.plugin.GetIntegerConfigEntryWithDefault("RestartFailedFrames", 1)
        granted = []

        def change(records):
            del granted[:]
            for item in records:
                if item["task"] == str(task_id) and item["frames"] == self.frames and \
                        item["restarts"] < allowed:
                    item["restarts"] += 1
                    granted.append(item["restarts"])
            return records

        if not self._change(change):
            raise self.plugin._job_module.JobError(
                "could not count the restart of the failed frames of Renderbus task {0} in "
                "the job's extra info ({1}): not restarted".format(task_id, self.key))
        return bool(granted)

    def _change(self, change, attempts=5):
        """Apply ``change(records)`` to this task's key and save it; True once saved.

        Concurrent tasks of the job save the same job document: the value is read back and
        the change made again until it is there.
        """
        for _ in range(attempts):
            job, records = self._records()
            records = change(records)
            wanted = write_records(records) if records else ""
            if records:
                job.SetJobExtraInfoKeyValue(self.key, wanted)
            else:
                job.DeleteJobExtraInfoKey(self.key)
            RepositoryUtils.SaveJob(job)
            saved = RepositoryUtils.GetJob(self.job_id, True)
            if saved.GetJobExtraInfoKeyValueWithDefault(self.key, "") == wanted:
                return True
        return False
