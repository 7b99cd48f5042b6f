"""Qube job type "renderbus_cloud", back end: render each agenda item's scene on Renderbus.

Install: copy this folder to ``$QBDIR/types/renderbus_cloud`` on the workers, with the
rayvision packages and ``renderbus_job.py`` importable by the worker's Python (or listed in
the package's ``sdk_paths``).

The job package (set by the front end, see submit.py) holds the farm's domain and platform
and the shared ``db_config_path``; the credentials come from the workers' environment
(``RAYVISION_ACCESS_ID`` / ``RAYVISION_ACCESS_KEY``), so they are never stored in a job.
Each agenda item names a scene (``work["name"]`` = its index in ``package["scenes"]``).
Progress and SDK messages go to the subjob's stdout, which Qube keeps as the job log; each
work item is reported ``complete`` or ``failed``.
"""

import logging
import os
import sys
import tempfile

import qb


def log(level, text):
    sys.stdout.write("{0} {1}\n".format(logging.getLevelName(level), text))
    sys.stdout.flush()


def main():
    job = qb.jobobj()
    package = job["package"]
    for folder in package.get("sdk_paths", []):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    from renderbus_job import JobSettings, RenderbusJob, route_sdk_logging

    route_sdk_logging(log)
    while True:
        work = qb.requestwork()
        if work["status"] == "complete":
            break
        if work["status"] == "blocked":
            qb.reportjob("blocked")
            return 0
        scene = package["scenes"][int(work["name"])]
        job_dir = tempfile.mkdtemp(prefix="renderbus_{0}_".format(job["id"]))

        def report(percent, message, name=work["name"]):
            log(logging.INFO, "PROGRESS {0}: {1:5.1f}% {2}".format(name, percent, message))

        settings = JobSettings(render_para=package["render_para"], dcc=scene["dcc"],
                               cg_file=scene["cg_file"],
                               software_version=scene["software_version"],
                               plugin_config=scene.get("plugin_config"),
                               project_name=scene.get("project_name", "Project1"),
                               job_dir=job_dir, download_path=package["download_path"],
                               db_config_path=package.get("db_config_path"),
                               poll_seconds=package.get("poll_seconds", 10))
        try:
            result = RenderbusJob(settings, report=report).run()
            work["status"] = "complete"
            work["resultpackage"] = {"task_id": result.task_id,
                                     "output": os.path.normpath(result.output_folder)}
        except Exception as exc:  # a failed scene (JobFailed or SDK error) must not stop the others
            log(logging.ERROR, "{0}: {1}".format(type(exc).__name__, exc))
            work["status"] = "failed"
        qb.reportwork(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
