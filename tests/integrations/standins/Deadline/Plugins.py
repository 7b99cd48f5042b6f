"""Stand-in for ``Deadline.Plugins``: ``DeadlinePlugin``, ``PluginType``, ``FailRenderException``.

Method names and arguments follow the Deadline 10 scripting reference. The Worker's side
(the job, the task, the plugin configuration, a cancel from Monitor) comes from
``run_deadline_task.py`` through :data:`WORKER`; every call that shows in Monitor (progress,
status, log, failure) is recorded in ``plugin.calls``.
"""

import os
import tempfile

#: Set by the Worker harness before the plugin is created.
WORKER = {}


class PluginType(object):
    Simple = 0
    Advanced = 1


class FailRenderException(Exception):
    """Thrown by ``FailRender``: the task fails with the message."""


class _Callback(object):
    """A .NET event slot as Python sees it: ``slot += function``; Deadline fires it."""

    def __init__(self):
        self.functions = []

    def __iadd__(self, function):
        self.functions.append(function)
        return self

    def __call__(self):
        for function in self.functions:
            function()


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def _boolean(key, value):
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("{0}={1!r} is not a boolean".format(key, value))


class DeadlinePlugin(object):
    def __init__(self):
        self.calls = []
        self.InitializeProcessCallback = _Callback()
        self.StartJobCallback = _Callback()
        self.RenderTasksCallback = _Callback()
        self.EndJobCallback = _Callback()
        self.PluginType = PluginType.Simple
        self.SingleFramesOnly = False

    # -- plugin info (the job's) and configuration (the repository's) ------------------------

    def GetPluginInfoEntry(self, key):
        info = WORKER["plugin_info"]
        if key not in info:
            raise KeyError("the job's plugin info has no {0}".format(key))
        return info[key]

    def GetPluginInfoEntryWithDefault(self, key, defaultValue):
        return WORKER["plugin_info"].get(key, defaultValue)

    def GetBooleanPluginInfoEntryWithDefault(self, key, defaultValue):
        info = WORKER["plugin_info"]
        return _boolean(key, info[key]) if key in info else defaultValue

    def GetConfigEntry(self, key):
        if key not in WORKER["config"]:
            raise KeyError("the plugin configuration has no {0}".format(key))
        return WORKER["config"][key]

    def GetConfigEntryWithDefault(self, key, defaultValue):
        return WORKER["config"].get(key, defaultValue)

    def GetBooleanConfigEntryWithDefault(self, key, defaultValue):
        config = WORKER["config"]
        return _boolean(key, config[key]) if key in config else defaultValue

    def GetFloatConfigEntryWithDefault(self, key, defaultValue):
        config = WORKER["config"]
        return float(config[key]) if config.get(key, "") != "" else defaultValue

    def GetIntegerConfigEntryWithDefault(self, key, defaultValue):
        config = WORKER["config"]
        return int(config[key]) if config.get(key, "") != "" else defaultValue

    # -- the job and the task ---------------------------------------------------------------

    def GetJob(self):
        from Deadline.Scripting import RepositoryUtils

        return RepositoryUtils.GetJob(WORKER["job_id"], False)

    def GetCurrentTaskId(self):
        return str(WORKER["task_id"])

    def GetStartFrame(self):
        return WORKER["frames"][0]

    def GetEndFrame(self):
        return WORKER["frames"][-1]

    def GetPluginDirectory(self):
        return WORKER["plugin_directory"]

    def CreateTempDirectory(self, prefix):
        return tempfile.mkdtemp(prefix=prefix)

    # -- what Monitor shows -----------------------------------------------------------------

    def SetProgress(self, progress):
        self.calls.append(["SetProgress", float(progress)])

    def SetStatusMessage(self, message):
        self.calls.append(["SetStatusMessage", message])

    def LogInfo(self, message):
        self.calls.append(["LogInfo", message])

    def LogWarning(self, message):
        self.calls.append(["LogWarning", message])

    def IsCanceled(self):
        """True once Monitor has cancelled or requeued the task (the harness's cancel file)."""
        flag = WORKER.get("cancel_file")
        return bool(flag and os.path.exists(flag))

    def FailRender(self, message):
        self.calls.append(["FailRender", message])
        raise FailRenderException(message)
