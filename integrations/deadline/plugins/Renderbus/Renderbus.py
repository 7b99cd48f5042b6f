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
``GetFloatConfigEntryWithDefault``, ``GetJob``, ``GetStartFrame``, ``GetEndFrame``,
``GetCurrentTaskId``, ``GetPluginDirectory``, ``SetProgress``, ``SetStatusMessage``,
``LogInfo``, ``LogWarning``, ``IsCanceled``, ``FailRender``), ``RepositoryUtils``
(``CheckPathMapping``, ``GetJob``, ``SaveJob``) and ``Job`` (``JobId``, ``JobFramesList``,
``GetJobExtraInfoKeyValueWithDefault``, ``SetJobExtraInfoKeyValue``,
``DeleteJobExtraInfoKey``, ``GetJobEnvironmentKeys``, ``GetJobPluginInfoKeys``).
"""

import hashlib
import os
import sys
import types

from Deadline.Plugins import DeadlinePlugin, PluginType
from Deadline.Scripting import RepositoryUtils

#: The shared runner beside this file (integrations/common/rayvision_job.py).
JOB_MODULE = "rayvision_job"

#: Job extra info key holding the cloud task of one Deadline task.
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
            render = rayvision_job.CloudRender(self._settings(job), _DeadlineHost(self, job),
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


class _DeadlineHost(object):
    """What :class:`rayvision_job.CloudRender` needs from Deadline."""

    def __init__(self, plugin, job):
        self.plugin = plugin
        self.job_id = job.JobId
        self.key = EXTRA_INFO_KEY.format(plugin.GetCurrentTaskId())

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

    def load_task_id(self):
        """The cloud task of this Deadline task, from the job's extra info."""
        # Read from the repository, not the Worker's cached copy: another Worker may have
        # submitted the cloud task before this task was requeued.
        job = RepositoryUtils.GetJob(self.job_id, True)
        return job.GetJobExtraInfoKeyValueWithDefault(self.key, "").strip() or None

    def save_task_id(self, task_id, attempts=5):
        """Remember (or forget, with None) the cloud task in the job's extra info.

        Concurrent tasks of the job save the same job document: the value is read back and
        saved again until it is there.
        """
        wanted = str(task_id) if task_id else ""
        for _ in range(attempts):
            job = RepositoryUtils.GetJob(self.job_id, True)
            if task_id:
                job.SetJobExtraInfoKeyValue(self.key, wanted)
            else:
                job.DeleteJobExtraInfoKey(self.key)
            RepositoryUtils.SaveJob(job)
            saved = RepositoryUtils.GetJob(self.job_id, True)
            if saved.GetJobExtraInfoKeyValueWithDefault(self.key, "") == wanted:
                return
        self.plugin.LogWarning("could not save {0}={1} in the job's extra info".format(
            self.key, wanted))
