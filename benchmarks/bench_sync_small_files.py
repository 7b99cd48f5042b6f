"""Small-file upload rate of the HTTP engine: many 4 KiB files to a local sandbox.

``RayvisionUpload.upload_asset`` uploads N files of 4 KiB (read and hash each, batch PUTs of
up to 256 files, the farm's SHA-256 checks and one atomic rename per file) to a
``rayvision-sandbox`` in its own process on loopback, with the default 4 workers and with 8.
The baseline, run in the same process, is ``shutil.copyfile`` of the same files into another
folder; the farm's ceiling for one signed PUT per file is shown too: bare signed 4 KiB PUTs
from 4 threads, without files, hashing or bookkeeping (what the engine did before batches).
Goal: >= 1000 files/s.

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_SMALL_FILES", "2000")))
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench_sync_small_")
    sdk = isolate_sdk_dirs()
    rates = {}
    try:
        work = os.path.join(folder, "1586932339")
        files = os.path.join(work, "files")
        os.makedirs(files)
        assets = []
        for index in range(args.files):
            path = os.path.join(files, "tex{0:05d}.png".format(index))
            with open(path, "wb") as handle:
                handle.write(index.to_bytes(4, "little") * 1024)
            assets.append(path)
        copies = os.path.join(folder, "copies")
        os.makedirs(copies)
        started = time.perf_counter()
        for path in assets:
            shutil.copyfile(path, os.path.join(copies, os.path.basename(path)))
        rates["shutil.copyfile (baseline)"] = args.files / (time.perf_counter() - started)
        with FarmProcess() as farm:
            api = RayvisionAPI(**farm.api_kwargs)
            rates["farm ceiling (raw PUTs)"] = raw_put_rate(api, min(args.files, 2000))
            for workers in (4, 8):
                upload_json = os.path.join(work, "upload.json")
                with open(upload_json, "w") as handle:
                    json.dump({"asset": [{"local": path, "server": "/w{0}/{1}".format(
                        workers, os.path.basename(path))} for path in assets]}, handle)
                upload = RayvisionUpload(api, workers=workers, show_progress=False)
                assert upload.engine is not None  # discovery is not part of the transfer
                started = time.perf_counter()
                upload.upload_asset(upload_json, is_db=False)
                elapsed = time.perf_counter() - started
                assert upload.last_result.files_transferred == args.files
                rates["HTTP engine, {0} workers".format(workers)] = args.files / elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(sdk, ignore_errors=True)
    print("upload of {0} files of 4 KiB to a sandbox on loopback".format(args.files))
    for name, rate in rates.items():
        print("  {0:28s} {1:9.1f} files/s".format(name + ":", rate))
    best = max(rate for name, rate in rates.items() if name.startswith("HTTP"))
    print("  goal >= 1000 files/s:        {0}".format("met" if best >= 1000 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
