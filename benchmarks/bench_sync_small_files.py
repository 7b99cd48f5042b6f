"""Small-file upload rate of the HTTP engine: many 4 KiB files to a local sandbox.

``RayvisionUpload.upload_asset`` uploads N files of 4 KiB (read and hash each, batch PUTs of
up to 256 files, the farm's SHA-256 checks and one atomic rename per file) to a
``rayvision-sandbox`` in its own process on loopback, with the default 4 workers and with 8.
The baseline, run in the same process, is ``shutil.copyfile`` of the same files into another
folder; the farm's ceiling for one signed PUT per file is shown too: bare signed 4 KiB PUTs
from 4 threads, without files, hashing or bookkeeping (what the engine did before batches).
The cases run in turn for at least 5 rounds (fresh targets each round); the median and the
spread (min-max) are printed with the load average; logging is off while timing. Goal (issue
#2, stated for 10k files): >= 1000 files/s, checked for the default 4 workers and for 8 each
(not the better of the two).

Usage: python benchmarks/bench_sync_small_files.py [--files N]   (default 2000;
env RAYVISION_BENCH_SMALL_FILES overrides it; the full-size figure uses --files 10000).
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time

from sync_bench_support import FarmProcess, isolate_sdk_dirs
from timing import interleaved, load_average, median, quiet_logging, spread, value_goal

from rayvision_api import RayvisionAPI
from rayvision_sync.upload import RayvisionUpload


def raw_put_rate(api, count, threads=4):
    """Signed 4 KiB PUTs per second with no file, hashing or bookkeeping: the farm's ceiling."""
    engine = RayvisionUpload(api, show_progress=False).engine
    bid = engine.bid("input_bid")
    body = b"r" * 4096
    sha = hashlib.sha256(body).hexdigest()

    def send(first):
        for index in range(first, count, threads):
            response = engine.request("PUT", bid, "/raw/{0}.bin".format(index),
                                      {"offset": 0, "size": 4096, "sha256": sha}, data=body)
            assert response.status_code == 200, response.text

    workers = [threading.Thread(target=send, args=(first,)) for first in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return count / (time.perf_counter() - started)


class Cases(object):
    """The four cases of one round, each on fresh targets."""

    def __init__(self, folder, assets, api):
        self.folder = folder
        self.assets = assets
        self.api = api
        self.round = 0
        self.uploads = dict((workers, RayvisionUpload(api, workers=workers, show_progress=False))
                            for workers in (4, 8))
        for upload in self.uploads.values():
            assert upload.engine is not None  # discovery is not part of the transfer

    def copy(self):
        self.round += 1
        copies = os.path.join(self.folder, "copies{0}".format(self.round))
        os.makedirs(copies)
        for path in self.assets:
            shutil.copyfile(path, os.path.join(copies, os.path.basename(path)))

    def raw(self):
        raw_put_rate(self.api, min(len(self.assets), 2000))

    def engine(self, workers):
        upload_json = os.path.join(self.folder, "upload_r{0}_w{1}.json".format(self.round,
                                                                            workers))
        with open(upload_json, "w") as handle:
            json.dump({"asset": [{"local": path, "server": "/r{0}w{1}/{2}".format(
                self.round, workers, os.path.basename(path))} for path in self.assets]},
                handle)
        upload = self.uploads[workers]
        upload.upload_asset(upload_json, is_db=False)
        assert upload.last_result.files_transferred == len(self.assets)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_SMALL_FILES", "2000")))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench_sync_small_")
    sdk = isolate_sdk_dirs()
    try:
        files = os.path.join(folder, "files")
        os.makedirs(files)
        assets = []
        for index in range(args.files):
            path = os.path.join(files, "tex{0:05d}.png".format(index))
            with open(path, "wb") as handle:
                handle.write(index.to_bytes(4, "little") * 1024)
            assets.append(path)
        with FarmProcess() as farm:
            cases = Cases(folder, assets, RayvisionAPI(**farm.api_kwargs))
            with quiet_logging():
                times = interleaved(max(5, args.rounds), [
                    ("shutil.copyfile (baseline)", cases.copy),
                    ("farm ceiling (raw PUTs)", cases.raw),
                    ("HTTP engine, 4 workers", lambda: cases.engine(4)),
                    ("HTTP engine, 8 workers", lambda: cases.engine(8))])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(sdk, ignore_errors=True)
    print("upload of {0} files of 4 KiB to a sandbox on loopback, {1} interleaved rounds, "
          "files/s: median (min-max)".format(args.files, len(times["HTTP engine, 4 workers"])))
    engine_rates = {}
    for name, seconds in times.items():
        count = min(args.files, 2000) if name.startswith("farm") else args.files
        rates = [count / value for value in seconds]
        low, high = spread(rates)
        print("  {0:28s} {1:9.1f}  ({2:.1f}-{3:.1f})".format(name + ":", median(rates), low,
                                                            high))
        if name.startswith("HTTP"):
            engine_rates[name] = rates
    print("  load average: {0}".format(load_average()))
    for name, rates in sorted(engine_rates.items()):
        value_goal("{0}, {1} files of 4 KiB".format(name, args.files), rates, 1000,
                   "files/s", source="issue #2 (stated for 10k files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
