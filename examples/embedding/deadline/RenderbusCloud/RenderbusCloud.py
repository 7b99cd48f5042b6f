"""Deadline plugin "RenderbusCloud": render a job's scene on Renderbus instead of locally.

Install: copy this folder to ``<DeadlineRepository>/custom/plugins/RenderbusCloud`` and
``pip install`` the rayvision packages into the Python that Deadline's Worker runs plugins
with (or set ``SdkPaths`` in the plugin configuration to folders holding them, and
``renderbus_job.py``).

Job plugin info keys: ``SceneFile``, ``Dcc`` (maya / houdini / clarisse), ``SoftwareVersion``,
``PluginConfig`` (json, e.g. ``{"mtoa": "3.2.1.1"}``), ``ProjectName``, ``OutputDirectory``.
Plugin configuration (RenderbusCloud.param): ``Domain``, ``Platform``, ``Protocol``,
``AccessId``, ``AccessKey``, ``DbConfigPath`` (a shared db_config.ini, e.g. redis),
``PollSeconds``, ``SdkPaths``.

Progress goes to ``SetProgress``/``SetStatusMessage``, SDK messages to the task log
(``LogInfo``/``LogWarning``); Deadline's own logging is not touched. One Deadline task is
one Renderbus task, so submit the job with a single task (frame list "0").
"""

import json
import logging
import os
import sys

from Deadline.Plugins import DeadlinePlugin, PluginType


# Deadline finds the plugin through these two functions and the CamelCase callbacks below.
def GetDeadlinePlugin():
    return RenderbusCloudPlugin()


def CleanupDeadlinePlugin(deadlinePlugin):
    deadlinePlugin.Cleanup()


class RenderbusCloudPlugin(DeadlinePlugin):
    """An advanced plugin: RenderTasks runs the whole cloud job in the Worker's process."""

    def __init__(self):
        super(RenderbusCloudPlugin, self).__init__()
        self.InitializeProcessCallback += self.InitializeProcess
        self.RenderTasksCallback += self.RenderTasks

    def Cleanup(self):
        del self.InitializeProcessCallback
        del self.RenderTasksCallback

    def InitializeProcess(self):
        self.PluginType = PluginType.Advanced
        self.SingleFramesOnly = True

    def _log(self, level, text):
        if level >= logging.WARNING:
            self.LogWarning(text)
        else:
            self.LogInfo(text)

    def _report(self, percent, message):
        self.SetProgress(percent)
        self.SetStatusMessage(message)

    def RenderTasks(self):
        for folder in self.GetConfigEntryWithDefault("SdkPaths", "").split(";"):
            if folder and folder not in sys.path:
                sys.path.insert(0, folder)
        from renderbus_job import JobFailed, JobSettings, RenderbusJob, route_sdk_logging

        route_sdk_logging(self._log)
        job_dir = self.CreateTempDirectory("renderbus")
        settings = JobSettings(
            render_para={"domain": self.GetConfigEntry("Domain"),
                         "platform": self.GetConfigEntryWithDefault("Platform", "2"),
                         "protocol": self.GetConfigEntryWithDefault("Protocol", "https"),
                         "access_id": self.GetConfigEntry("AccessId"),
                         "access_key": self.GetConfigEntry("AccessKey")},
            dcc=self.GetPluginInfoEntry("Dcc").lower(),
            cg_file=self.GetPluginInfoEntry("SceneFile"),
            software_version=self.GetPluginInfoEntry("SoftwareVersion"),
            plugin_config=json.loads(self.GetPluginInfoEntryWithDefault("PluginConfig", "{}")),
            project_name=self.GetPluginInfoEntryWithDefault("ProjectName", "Project1"),
            job_dir=job_dir,
            download_path=self.GetPluginInfoEntry("OutputDirectory"),
            db_config_path=self.GetConfigEntryWithDefault("DbConfigPath", "") or None,
            poll_seconds=float(self.GetConfigEntryWithDefault("PollSeconds", "10")))
        try:
            result = RenderbusJob(settings, report=self._report,
                                  should_stop=self.IsCanceled).run()
        except JobFailed as exc:
            self.FailRender(str(exc))
            return
        self.LogInfo("Renderbus task {0}: {1}/{2} frames in {3}".format(
            result.task_id, result.frames_done, result.frames_total,
            os.path.normpath(result.output_folder)))
