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
import re
import sys

import qb

JOB_TYPE = "renderbus"

#: ``--frames`` that can be chunked: ``12``, ``1-100``, ``1-100[2]`` (negative frames too).
_FRAMES = re.compile(r"^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*(?:\[\s*(\d+)\s*\])?)?\s*$")


def chunks(frames, size):
    """Agenda item names: ``["1-10", "11-20", ...]`` for ``frames`` ``"1-25"`` and 10.

    With a step, each item keeps it: ``"1-5[2]"`` by 2 gives ``["1-3[2]", "5"]``.

    Raises:
        ValueError: ``frames`` is not a range that can be split.
    """
    match = _FRAMES.match(frames)
    if not match or (match.group(3) is not None and int(match.group(3)) < 1):
        raise ValueError("--frames {0!r} cannot be split into chunks: give first-last or "
                         "first-last[step]".format(frames))
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) is not None else first
    step = int(match.group(3) or 1)
    numbers = list(range(first, last + 1, step))
    size = max(1, size)
    names = []
    for index in range(0, len(numbers), size):
        part = numbers[index:index + size]
        if len(part) == 1:
            names.append(str(part[0]))
        elif step == 1:
            names.append("{0}-{1}".format(part[0], part[-1]))
        else:
            names.append("{0}-{1}[{2}]".format(part[0], part[-1], step))
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
    parser.add_argument("--frames", help="e.g. 1-100 or 1-100[2]")
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
    try:
        job = build_job(args)
    except ValueError as error:
        print("error: {0}".format(error), file=sys.stderr)
        return 2
    submitted = qb.submit([job])
    for job in submitted:
        print("submitted Qube job {0}".format(job["id"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
