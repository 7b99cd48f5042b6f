"""Upload and download of one large file through the public calls vs one SHA-256 pass.

A transfer that verifies its bytes hashes each of them once; one ``hashlib.sha256`` pass over
the same (page-cached) file is its ceiling. Each round runs, in turn and in one process:

* ``sha256``: one pass over the file (1 MiB reads);
* ``copy``: ``shutil.copyfile`` of the file (for reference);
* ``upload``: ``RayvisionUpload.upload_asset`` of an upload.json naming the file (a new
  server path each round, so the bytes really travel; the records are off);
* ``download``: ``RayvisionDownload.download(server_path=...)`` of the same file from the
  output storage into a new folder (listing, signed GET, hashing, rename, mtime).

The farm (``rayvision-sandbox serve``) runs in its own process on loopback. Rounds are
interleaved; the median and the spread (min-max) of each rate are printed, and the ratios
of the medians, with the load average; logging is off while timing. Goal (issue #11): upload
and download each >= 0.5x the sha256 rate.

Usage: python benchmarks/bench_sync_large_file.py [--mib N] [--rounds R]
(default 256 MiB, 5 rounds; env RAYVISION_BENCH_MIB overrides the size).
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

from sync_bench_support import FarmProcess, isolate_sdk_dirs
from timing import interleaved, load_average, median, quiet_logging, ratio_goal, spread

from rayvision_api import RayvisionAPI
from rayvision_sync.download import RayvisionDownload
from rayvision_sync.upload import RayvisionUpload


def make_file(path, mib):
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as handle:
        for index in range(mib):
            # Different blocks, so nothing upstream can shortcut identical content.
            handle.write(index.to_bytes(8, "little") + block[8:])


def sha256_pass(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


class Rounds(object):
    """The four cases, each round on fresh targets."""

    def __init__(self, folder, source, farm, mib):
        self.folder = folder
        self.source = source
        self.mib = mib
        self.round = 0
        api = RayvisionAPI(**farm.api_kwargs)
        self.upload = RayvisionUpload(api, show_progress=False)
        self.download = RayvisionDownload(api, show_progress=False)
        assert self.upload.engine and self.download.engine  # discovery is not timed
        output = os.path.join(farm.data_dir, "storage", api.user_info["output_bid"], "files",
                              "bench_out")
        os.makedirs(output)
        shutil.copyfile(source, os.path.join(output, "big.bin"))
        self.download_once(os.path.join(folder, "warm"))  # the farm hashes its file once

    def sha256(self):
        sha256_pass(self.source)

    def copy(self):
        target = os.path.join(self.folder, "copy.bin")
        shutil.copyfile(self.source, target)
        os.remove(target)

    def upload_once(self):
        self.round += 1
        work = os.path.join(self.folder, "json{0}".format(self.round))
        os.makedirs(work)
        upload_json = os.path.join(work, "upload.json")
        server = "/bench/round{0}/big.bin".format(self.round)
        with open(upload_json, "w") as handle:
            json.dump({"asset": [{"local": self.source, "server": server}]}, handle)
        self.upload.upload_asset(upload_json, max_speed="0", is_db=False)
        assert self.upload.last_result.bytes_transferred == self.mib * 1024 * 1024
        self.upload.engine.delete("input_bid", server)

    def download_once(self, target=None):
        target = target or os.path.join(self.folder, "dl{0}".format(self.round))
        self.download.download(server_path="bench_out", local_path=target, max_speed="0")
        assert self.download.last_result.bytes_transferred == self.mib * 1024 * 1024
        assert self.download.last_result.unverified == []
        shutil.rmtree(target)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_MIB", "256")))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench_sync_large_")
    sdk = isolate_sdk_dirs()
    try:
        source = os.path.join(folder, "big.bin")
        make_file(source, args.mib)
        with FarmProcess() as farm:
            rounds = Rounds(folder, source, farm, args.mib)
            with quiet_logging():
                times = interleaved(max(5, args.rounds), [
                    ("sha256", rounds.sha256), ("copy", rounds.copy),
                    ("upload", rounds.upload_once), ("download", rounds.download_once)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(sdk, ignore_errors=True)
    report(args.mib, times)
    return 0


def report(mib, times):
    rates = dict((name, [mib / seconds for seconds in values]) for name, values in times.items())
    print("one {0} MiB file, {1} interleaved rounds, rates in MiB/s: median (min-max)".format(
        mib, len(times["sha256"])))
    for name in ("sha256", "copy", "upload", "download"):
        low, high = spread(rates[name])
        print("  {0:<9} {1:8.1f}  ({2:.1f}-{3:.1f})".format(name, median(rates[name]), low,
                                                           high))
    print("  load average: {0}".format(load_average()))
    for name in ("upload", "download"):
        ratio_goal(times, "sha256", name, 0.5, higher=True, source="issue #11",
                   measure="{0} rate / sha256 rate, {1} MiB".format(name, mib))

if __name__ == "__main__":
    sys.exit(main())
