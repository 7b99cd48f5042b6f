"""Stand-in for ``Deadline.Scripting``: ``RepositoryUtils``, ``ClientUtils`` and ``Job``.

Signatures follow the Deadline 10 scripting reference; the state lives in the stand-in
repository (``deadline_repository``). Path-mapping checks are recorded in ``PATH_CHECKS``.
"""

import os
import tempfile

import deadline_repository as repository

PATH_CHECKS = []


class Job(object):
    """``Deadline.Jobs.Job``: the properties and key/value accessors plugins use."""

    def __init__(self, job_id, record):
        self.JobId = job_id
        self._record = record
        info = record["job_info"]
        self.JobName = info.get("Name", "")
        self.JobPlugin = info.get("Plugin", "")
        self.JobFrames = info.get("Frames", "0")
        self.JobFramesList = repository.job_frames(info)
        self.JobConcurrentTasks = int(info.get("ConcurrentTasks", "1"))

    def GetJobPluginInfoKeys(self):
        return list(self._record["plugin_info"])

    def GetJobPluginInfoKeyValue(self, key):
        return self._record["plugin_info"].get(key, "")

    def GetJobEnvironmentKeys(self):
        return list(self._record["environment"])

    def GetJobEnvironmentKeyValue(self, key):
        return self._record["environment"].get(key, "")

    def GetJobExtraInfoKeys(self):
        return list(self._record["extra_info"])

    def GetJobExtraInfoKeyValue(self, key):
        return self._record["extra_info"].get(key, "")

    def GetJobExtraInfoKeyValueWithDefault(self, key, defaultValue):
        return self._record["extra_info"].get(key, defaultValue)

    def SetJobExtraInfoKeyValue(self, key, value):
        if not isinstance(value, str):
            raise TypeError("extra info values are strings, got {0!r}".format(value))
        self._record["extra_info"][key] = value

    def DeleteJobExtraInfoKey(self, key):
        self._record["extra_info"].pop(key, None)


class RepositoryUtils(object):
    @staticmethod
    def CheckPathMapping(path, forceSeparator=None):
        """Apply the repository's mapping rules (first match; case-insensitive prefix), then
        use this OS's separators, as Deadline does for a Linux Worker."""
        mapped = path
        for source, target in repository.load()["path_mapping"]:
            normal_source = source.replace("\\", "/").lower()
            if path.replace("\\", "/").lower().startswith(normal_source):
                mapped = target + path[len(source):]
                break
        mapped = mapped.replace("\\", forceSeparator or os.sep)
        PATH_CHECKS.append([path, mapped])
        return mapped

    @staticmethod
    def GetJob(jobId, invalidateCache):
        record = repository.load()["jobs"].get(str(jobId))
        return Job(str(jobId), record) if record is not None else None

    @staticmethod
    def SaveJob(job):
        with repository.change() as data:
            data["jobs"][job.JobId]["extra_info"] = dict(job._record["extra_info"])


class ClientUtils(object):
    @staticmethod
    def GetDeadlineTempPath():
        folder = os.path.join(tempfile.gettempdir(), "deadline_temp")
        if not os.path.isdir(folder):
            os.makedirs(folder)
        return folder

    @staticmethod
    def ExecuteCommandAndGetOutput(arguments):
        """``deadlinecommand JOBINFO PLUGININFO``: submits the job, answers like Deadline."""
        if len(arguments) < 2:
            return "Error: a job info and a plugin info file are required"
        job_info = repository.read_key_values(arguments[0])
        plugin_info = repository.read_key_values(arguments[1])
        if "Plugin" not in job_info:
            return "Error: Plugin is missing from the job info file"
        job_id = repository.add_job(job_info, plugin_info)
        return "Result=Success\nJobID={0}\n".format(job_id)
