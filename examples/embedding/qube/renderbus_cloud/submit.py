"""Qube front end: submit scenes to the "renderbus_cloud" job type (one agenda item each).

::

    python submit.py --db-config //server/pipeline/renderbus_db_config.ini \\
        --download-path //server/renders maya 2019 //server/proj/scenes/shot.ma
"""

import argparse
import json
import os

import qb


def build_job(render_para, scenes, download_path, db_config_path=None, cpus=1,
              poll_seconds=10, sdk_paths=()):
    """The Qube job dict: farm settings in the package, one agenda item per scene."""
    job = qb.Job()
    job["name"] = "renderbus: " + ", ".join(os.path.basename(s["cg_file"]) for s in scenes)
    job["prototype"] = "renderbus_cloud"
    job["cpus"] = cpus
    job["package"] = {"render_para": render_para, "scenes": scenes,
                      "download_path": download_path, "db_config_path": db_config_path,
                      "poll_seconds": poll_seconds, "sdk_paths": list(sdk_paths)}
    job["agenda"] = qb.genframes("0-{0}".format(len(scenes) - 1))
    return job


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dcc")
    parser.add_argument("software_version")
    parser.add_argument("cg_file")
    parser.add_argument("--plugin-config", default="{}")
    parser.add_argument("--download-path", required=True)
    parser.add_argument("--db-config")
    args = parser.parse_args(argv)
    # No credentials in the job: the workers read RAYVISION_ACCESS_ID / _KEY themselves.
    render_para = {"domain": os.environ.get("RAYVISION_DOMAIN", "task.renderbus.com"),
                   "platform": os.environ.get("RAYVISION_PLATFORM", "2")}
    scene = {"dcc": args.dcc, "software_version": args.software_version,
             "cg_file": args.cg_file, "plugin_config": json.loads(args.plugin_config)}
    submitted = qb.submit([build_job(render_para, [scene], args.download_path,
                                     args.db_config)])
    for job in submitted:
        print("submitted Qube job", job["id"])


if __name__ == "__main__":
    main()
