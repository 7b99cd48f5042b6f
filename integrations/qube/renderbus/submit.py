# -*- coding: utf-8 -*-
"""Qube job type ``renderbus``, front end: submit a scene to be rendered on Renderbus.

::

    python submit.py SCENE --output-dir DIR [--software-version V] [--project NAME]
        [--layers a,b] [--frames 1-100 --chunk 10] [--profile NAME] [--cpus 4]

One agenda item renders the whole scene as one cloud task; with ``--frames`` and
``--chunk`` each item is a chunk of frames (``1-10``, ``11-20``...), each its own cloud
task, rendered by as many instances as ``--cpus``. The package holds no credential: the
Workers use their own rayvision profile (``--profile``) or environment.

Qube API used: ``qb.Job``, ``qb.Work``, ``qb.submit``.
"""

from __future__ import print_function

import argparse
import os
import sys

import qb

JOB_TYPE = "renderbus"


def chunks(frames, size):
    """Agenda item names: ``["1-10", "11-20", ...]`` for ``frames`` ``"1-25"`` and 10."""
    first, _, last = frames.partition("-")
    first, last = int(first), int(last or first)
    names = []
    for start in range(first, last + 1, max(1, size)):
        end = min(last, start + max(1, size) - 1)
        names.append(str(start) if start == end else "{0}-{1}".format(start, end))
    return names


def build_job(args):
    """The Qube job (a ``qb.Job``) of the command line's arguments."""
    package = {"scene": args.scene, "output_dir": args.output_dir,
               "software_version": args.software_version, "project": args.project,
               "layers": args.layers or "", "poll_seconds": args.poll_seconds,
               "stop_cloud_task_on_kill": not args.keep_cloud_task_on_kill}
    for key in ("profile", "rayvision_executable", "state_dir"):
        if getattr(args, key):
            package[key] = getattr(args, key)
    if args.frames and args.chunk:
        names = chunks(args.frames, args.chunk)
    else:
        names = ["scene"]
        if args.frames:
            package["frames"] = args.frames
    agenda = []
    for name in names:
        work = qb.Work()
        work["name"] = name
        agenda.append(work)
    job = qb.Job()
    job["name"] = args.name or "renderbus " + os.path.basename(args.scene)
    job["prototype"] = JOB_TYPE
    job["cpus"] = args.cpus
    job["package"] = package
    job["agenda"] = agenda
    return job


def parse_args(argv):
    """The front end's command line."""
    parser = argparse.ArgumentParser(description="Submit a scene to Renderbus through Qube.")
    parser.add_argument("scene")
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--software-version")
    parser.add_argument("--project")
    parser.add_argument("--layers")
    parser.add_argument("--frames", help="e.g. 1-100")
    parser.add_argument("--chunk", type=int, default=0, help="frames per agenda item")
    parser.add_argument("--profile", help="rayvision profile on the Workers")
    parser.add_argument("--rayvision-executable")
    parser.add_argument("--state-dir", help="shared folder of the items' cloud task ids")
    parser.add_argument("--poll-seconds", type=float, default=30.0)
    parser.add_argument("--keep-cloud-task-on-kill", action="store_true")
    parser.add_argument("--cpus", type=int, default=1)
    parser.add_argument("--name")
    return parser.parse_args(argv)


def main(argv=None):
    """Submit the job; prints its id."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    submitted = qb.submit([build_job(args)])
    for job in submitted:
        print("submitted Qube job {0}".format(job["id"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
