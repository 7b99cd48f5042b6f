"""The stand-in Deadline repository: jobs, plugin configuration and path mapping in a json file.

The file is named by ``DEADLINE_STANDIN_REPOSITORY``; every change happens under an OS lock
and is written atomically, so concurrent tasks (several Worker threads, several processes)
see each other's job extra info like they would in Deadline's database::

    {"config": {"Renderbus": {"Profile": ""}},
     "path_mapping": [["P:\\\\", "/mnt/projects/"]],
     "jobs": {"1": {"job_info": {...}, "plugin_info": {...}, "extra_info": {},
                    "environment": {}}},
     "next_job": 2}
"""

import contextlib
import fcntl
import json
import os

# Deadline's ini-style info and config files: one ``key=value`` per line.


def read_key_values(path):
    entries = {}
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                entries[key.strip()] = value.strip()
    return entries


def read_sections(path):
    """``{section: {key: value}}`` of a ``.param`` / ``.options`` file."""
    sections, current = {}, None
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1], {})
            elif current is not None and "=" in line:
                key, value = line.split("=", 1)
                current[key.strip()] = value.strip()
    return sections


def _path():
    return os.environ["DEADLINE_STANDIN_REPOSITORY"]


def load():
    with open(_path()) as handle:
        return json.load(handle)


@contextlib.contextmanager
def change():
    """The repository for a read-modify-write, saved on exit."""
    with open(_path() + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = load()
        yield data
        tmp = _path() + ".tmp"
        with open(tmp, "w") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
        os.replace(tmp, _path())


def create(path, config=None, path_mapping=None):
    data = {"config": config or {}, "path_mapping": path_mapping or [], "jobs": {},
            "next_job": 1}
    with open(path, "w") as handle:
        json.dump(data, handle)
    return path


def add_job(job_info, plugin_info, environment=None):
    """Submit a job; returns its id."""
    with change() as data:
        job_id = str(data["next_job"])
        data["next_job"] += 1
        data["jobs"][job_id] = {"job_info": dict(job_info), "plugin_info": dict(plugin_info),
                                "extra_info": {}, "environment": dict(environment or {})}
    return job_id


def job_frames(job_info):
    """The job's frame list from ``Frames`` (``0``, ``1-10``, ``1-10x2``, ``1,3,5-6``)."""
    frames = []
    for part in job_info.get("Frames", "0").replace(" ", "").split(","):
        if not part:
            continue
        step = 1
        if "x" in part:
            part, step = part.split("x")
            step = int(step)
        first, _, last = part.partition("-")
        frames.extend(range(int(first), int(last or first) + 1, step))
    return frames


def job_tasks(job_info):
    """The frames of each task: chunks of ``ChunkSize`` frames of the frame list."""
    frames = job_frames(job_info)
    size = max(1, int(job_info.get("ChunkSize", "1")))
    return [frames[i:i + size] for i in range(0, len(frames), size)]
