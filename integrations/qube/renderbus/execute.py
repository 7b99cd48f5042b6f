# -*- coding: utf-8 -*-
"""Qube job type ``renderbus``, back end: each agenda item is one cloud render on Renderbus.

Qube runs this file on a Worker (``job.conf``: ``execute_binding = Python``). It asks for
work until there is none, renders each item through the ``rayvision`` command (out of
process) and reports it. The cloud task of an item is remembered in a small state file in
the job's shared state folder, so a re-dispatched item (after a kill, a pre-emption or a
Worker crash) re-attaches to its cloud task instead of submitting the scene again.

Work statuses handled (``qb.requestwork``): ``complete`` (no more work: report the job),
``pending`` (pre-empted by the supervisor: report the job pending and leave), ``blocked``
(the job was blocked: leave), ``waiting`` (nothing to do yet: ask again later), anything
else is an item to render. A kill or an interrupt (SIGTERM / SIGINT / SIGBREAK) kills the
``rayvision`` process tree at once and, when the package says so, stops the cloud task.

Qube API used: ``qb.jobobj``, ``qb.requestwork``, ``qb.reportwork``, ``qb.reportjob``.
"""

from __future__ import print_function

import io
import json
import os
import re
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import qb  # noqa: E402
import rayvision_job  # noqa: E402

#: Set by the signal handler: the instance is being killed or interrupted.
_KILLED = []

_FRAME_RANGE = re.compile(r"^\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*(?:\[\s*(\d+)\s*\])?)?\s*$")


def _on_signal(signum, frame):
    _KILLED.append(signum)


def say(text):
    """A line of the instance's log (a subjob's stdout is its log in Qube's UI).

    Python 2 writes unicode to a pipe as ASCII: accented text is encoded here instead.
    """
    if isinstance(text, rayvision_job.TEXT) and not isinstance(text, str):  # Python 2
        text = text.encode(getattr(sys.stdout, "encoding", None) or "utf-8", "replace")
    print(text)
    sys.stdout.flush()


def install_signal_handlers():
    """A kill or an interrupt sets the cancel flag instead of ending the process."""
    for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, _on_signal)


def work_frames(name, package):
    """``--frames`` of an agenda item.

    Its name when it is a frame or range (``12``, ``1-10``, ``1-9[2]``), else the package's
    ``frames`` (None: the scene's own ranges).
    """
    match = _FRAME_RANGE.match(str(name or ""))
    if match:
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        return "{0}-{1}[{2}]".format(first, last, int(match.group(3) or 1))
    return package.get("frames") or None


def state_folder(package, output):
    """Shared folder of the items' cloud task ids, mapped for this Worker like the scene.

    Unmapped, a Windows name is a relative folder on a Linux Worker: a re-dispatched item
    would not find its cloud task there and submit the scene a second time.
    """
    state_dir = rayvision_job.map_path(package.get("state_dir") or "",
                                       package.get("path_map") or [])
    return state_dir or os.path.join(output, ".renderbus-qube")


class QubeHost(object):
    """What :class:`rayvision_job.CloudRender` needs, for one agenda item."""

    def __init__(self, state_path):
        self.state_path = state_path

    def progress(self, percent, message):
        """A progress line in the instance's log."""
        say(u"PROGRESS {0:.1f}% {1}".format(percent, message))

    def log(self, text):
        """A line of the instance's log."""
        say(text)

    def cancelled(self):
        """The instance is being killed or interrupted."""
        return bool(_KILLED)

    def load_task_id(self):
        """The item's cloud task from its state file, or None."""
        if not os.path.isfile(self.state_path):
            return None
        with io.open(self.state_path, encoding="utf-8") as handle:
            return json.load(handle).get("task_id")

    def save_task_id(self, task_id):
        """Write the item's state file atomically."""
        folder = os.path.dirname(self.state_path)
        if not os.path.isdir(folder):
            os.makedirs(folder)
        tmp = self.state_path + ".tmp"
        with io.open(tmp, "w", encoding="utf-8") as handle:
            handle.write(u"{0}".format(json.dumps({"task_id": task_id})))
        if os.path.exists(self.state_path):
            os.remove(self.state_path)
        os.rename(tmp, self.state_path)


def settings_for(package, work):
    """The render of one agenda item, paths mapped for this Worker."""
    rules = package.get("path_map") or []
    output = rayvision_job.map_path(package.get("output_dir") or "", rules)
    scene = rayvision_job.map_path(package.get("scene") or "", rules)
    if not scene or not output:
        raise rayvision_job.JobError("the job package needs 'scene' and 'output_dir'")
    layers = package.get("layers") or []
    if not isinstance(layers, list):
        layers = [name.strip() for name in str(layers).split(",") if name.strip()]
    return rayvision_job.RenderSettings(
        scene=scene, output=output, software_version=package.get("software_version"),
        project=package.get("project"), frames=work_frames(work.get("name"), package),
        layers=layers, poll_seconds=float(package.get("poll_seconds") or 30),
        stop_on_cancel=_flag(package.get("stop_cloud_task_on_kill", True)))


def _flag(value):
    return str(value).strip().lower() not in ("0", "false", "no", "off", "")


def process_for(package):
    """How this Worker runs ``rayvision``."""
    global_args = ["--profile", package["profile"]] if package.get("profile") else []
    return rayvision_job.RayvisionProcess(package.get("rayvision_executable") or None,
                                          global_args, env=dict(os.environ))


def render_work(job, work):
    """Render one agenda item; returns ``(status, resultpackage)``.

    Raises:
        rayvision_job.Cancelled: The instance is being killed (the cloud task is stopped
            first when ``stop_cloud_task_on_kill``).
    """
    package = job.get("package") or {}
    try:
        settings = settings_for(package, work)
        state = os.path.join(state_folder(package, settings.output),
                             "job{0}-{1}.json".format(job.get("id"), work.get("name")))
        render = rayvision_job.CloudRender(settings, QubeHost(state), process_for(package))
        message = render.run()
    except rayvision_job.JobError as error:
        return _failed(rayvision_job.message_of(error))
    except rayvision_job.Cancelled:
        raise
    except Exception as error:  # the supervisor must hear of every failed item
        return _failed(u"{0}: {1}".format(type(error).__name__,
                                          rayvision_job.message_of(error)))
    return "complete", {"message": message, "output": settings.output,
                        "task_id": render.task_id}


def _failed(line):
    """An item's failure: logged, and its result package (unicode on Python 2 keeps accents)."""
    say(u"ERROR {0}".format(line))
    return "failed", {"error": line}


def _wait_unless_killed(seconds):
    """Sleep ``seconds``, ending early when the instance is killed."""
    deadline = time.time() + seconds
    while not _KILLED and time.time() < deadline:
        time.sleep(min(0.1, max(0.0, deadline - time.time())))


def _killed():
    print("killed: local rendering work stopped")
    qb.reportjob("killed")
    return 1


def main():
    """Ask for work until there is none; render and report each item."""
    install_signal_handlers()
    job = qb.jobobj()
    waiting = float((job.get("package") or {}).get("waiting_seconds") or 10)
    failed = False
    while True:
        if _KILLED:  # killed while waiting or between items: take no other item
            return _killed()
        work = qb.requestwork()
        status = work.get("status")
        if status == "complete":
            break
        if status in ("pending", "blocked"):
            # Pre-empted or blocked between items: leave; a re-dispatch carries on.
            print("work status {0}: leaving".format(status))
            qb.reportjob(status)
            return 0
        if status == "waiting":
            _wait_unless_killed(waiting)
            continue
        try:
            work["status"], work["resultpackage"] = render_work(job, work)
        except rayvision_job.Cancelled:
            return _killed()
        failed = failed or work["status"] == "failed"
        qb.reportwork(work)
    qb.reportjob("failed" if failed else "complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
