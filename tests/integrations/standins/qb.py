"""Stand-in for Qube's ``qb`` Python module: a supervisor kept in a json file.

The file is named by ``QB_STANDIN_SUPERVISOR``::

    {"job": {"id": 7, "package": {...}, "agenda": [{"name": "1-2", "status": "pending"}]},
     "script": ["waiting", "pending"],     # statuses requestwork answers first
     "reports": [["work", {...}], ["job", "complete"]], "submitted": [...]}

``requestwork`` answers the scripted statuses first (``waiting``, ``pending`` for a
pre-emption, ``blocked``), then the agenda's pending items one by one (status ``running``),
then ``complete``. A killed instance's item stays ``running`` until the test re-dispatches
it (``redispatch``), as the supervisor does after a kill or a pre-emption.
"""

import json
import os


class Job(dict):
    """``qb.Job``: a dict of the job's fields."""


class Work(dict):
    """``qb.Work``: a dict of an agenda item's fields."""


def _path():
    return os.environ["QB_STANDIN_SUPERVISOR"]


def _load():
    with open(_path()) as handle:
        return json.load(handle)


def _save(data):
    tmp = _path() + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(data, handle, indent=1)
    os.replace(tmp, _path())


def create(path, job, script=None):
    data = {"job": job, "script": list(script or []), "reports": [], "submitted": []}
    with open(path, "w") as handle:
        json.dump(data, handle)


def redispatch(path):
    """The supervisor puts the items of a killed instance back to pending."""
    os.environ["QB_STANDIN_SUPERVISOR"] = path
    data = _load()
    for item in data["job"]["agenda"]:
        if item["status"] == "running":
            item["status"] = "pending"
    _save(data)


def jobobj():
    return Job(_load()["job"])


def requestwork():
    data = _load()
    if data["script"]:
        status = data["script"].pop(0)
        _save(data)
        return Work(name="", status=status)
    for item in data["job"]["agenda"]:
        if item["status"] == "pending":
            item["status"] = "running"
            _save(data)
            return Work(item)
    return Work(name="", status="complete")


def reportwork(work):
    if work.get("status") not in ("complete", "failed", "pending", "blocked"):
        raise ValueError("reportwork: unknown work status {0!r}".format(work.get("status")))
    data = _load()
    for item in data["job"]["agenda"]:
        if item["name"] == work["name"]:
            item.update(status=work["status"], resultpackage=work.get("resultpackage"))
    data["reports"].append(["work", dict(work)])
    _save(data)


def reportjob(status):
    if status not in ("complete", "failed", "killed", "pending", "blocked"):
        raise ValueError("reportjob: unknown job status {0!r}".format(status))
    data = _load()
    data["reports"].append(["job", status])
    _save(data)


def submit(jobs):
    """Accept the jobs; returns them with ids, like the supervisor."""
    data = _load() if os.path.exists(_path()) else {"job": None, "script": [],
                                                     "reports": [], "submitted": []}
    accepted = []
    for job in jobs:
        job = Job(job, id=1000 + len(data["submitted"]))
        job["agenda"] = [dict(item, status=item.get("status", "pending"))
                         for item in job.get("agenda", [])]
        data["submitted"].append(job)
        accepted.append(job)
    _save(data)
    return accepted
