"""Stand-in for ``Deadline.Plugins``: the DeadlinePlugin calls the example plugin makes.

Plugin info and configuration come from the json file named by ``DEADLINE_STANDIN_JOB``;
every progress, status and log call is recorded in ``calls``.
"""

import json
import os
import tempfile


class PluginType(object):
    Simple = 1
    Advanced = 2


class FailRenderException(Exception):
    pass


class _Callback(object):
    """Deadline's callback slots: ``slot += function``; calling the slot calls them."""

    def __init__(self):
        self.functions = []

    def __iadd__(self, function):
        self.functions.append(function)
        return self

    def __call__(self):
        for function in self.functions:
            function()


class DeadlinePlugin(object):
    def __init__(self):
        with open(os.environ["DEADLINE_STANDIN_JOB"]) as handle:
            job = json.load(handle)
        self._plugin_info = job["plugin_info"]
        self._config = job["config"]
        self._cancel_after = job.get("cancel_after_status")
        self.calls = []
        self.InitializeProcessCallback = _Callback()
        self.RenderTasksCallback = _Callback()
        self.PluginType = PluginType.Simple
        self.SingleFramesOnly = False

    def GetPluginInfoEntry(self, key):
        if key not in self._plugin_info:
            raise KeyError("plugin info has no {0}".format(key))
        return self._plugin_info[key]

    def GetPluginInfoEntryWithDefault(self, key, default):
        return self._plugin_info.get(key, default)

    def GetConfigEntry(self, key):
        if key not in self._config:
            raise KeyError("plugin configuration has no {0}".format(key))
        return self._config[key]

    def GetConfigEntryWithDefault(self, key, default):
        return self._config.get(key, default)

    def CreateTempDirectory(self, prefix):
        return tempfile.mkdtemp(prefix=prefix)

    def SetProgress(self, percent):
        self.calls.append(["SetProgress", percent])

    def SetStatusMessage(self, message):
        self.calls.append(["SetStatusMessage", message])

    def LogInfo(self, message):
        self.calls.append(["LogInfo", message])

    def LogWarning(self, message):
        self.calls.append(["LogWarning", message])

    def IsCanceled(self):
        if self._cancel_after is None:
            return False
        return any(call[0] == "SetStatusMessage" and self._cancel_after in call[1]
                   for call in self.calls)

    def FailRender(self, message):
        self.calls.append(["FailRender", message])
        raise FailRenderException(message)
