"""Stand-in for Qube's ``qb`` module: the back-end and front-end calls of the examples.

The job comes from the json file named by ``QB_STANDIN_JOB``; reported work and job states
are appended to the json-lines file named by ``QB_STANDIN_REPORT``.
"""

import json
import os

_AGENDA = None


def _report(kind, value):
    with open(os.environ["QB_STANDIN_REPORT"], "a") as handle:
        handle.write(json.dumps([kind, value]) + "\n")


def jobobj():
    with open(os.environ["QB_STANDIN_JOB"]) as handle:
        return json.load(handle)


def requestwork():
    global _AGENDA
    if _AGENDA is None:
        _AGENDA = [dict(work) for work in jobobj()["agenda"]]
    for work in _AGENDA:
        if work["status"] == "pending":
            work["status"] = "running"
            return work
    return {"name": "", "status": "complete"}


def reportwork(work):
    _report("work", work)


def reportjob(status):
    _report("job", status)


class Job(dict):
    pass


def genframes(frame_range):
    first, last = (int(part) for part in frame_range.split("-"))
    return [{"name": str(number), "status": "pending"} for number in range(first, last + 1)]


def submit(jobs):
    submitted = []
    for number, job in enumerate(jobs):
        job = dict(job, id=1000 + number)
        _report("submit", job)
        submitted.append(job)
    return submitted
