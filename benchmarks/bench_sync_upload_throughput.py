"""Upload throughput of the HTTP engine to a local sandbox vs ``shutil.copyfile`` of the file.

One large file is uploaded with ``RayvisionUpload.upload_asset`` (SHA-256 of the file, signed
PUTs of the farm's chunk size, the farm's own SHA-256 check and atomic rename) to a
``rayvision-sandbox`` running in its own process on loopback. The baseline, run in the same
process on the same (page-cached) file, is ``shutil.copyfile`` to another file on the same
disk. Goal: upload throughput / copyfile throughput >= 0.5.

Usage: python benchmarks/bench_sync_upload_throughput.py [--mib N]   (default 256 MiB;
env RAYVISION_BENCH_MIB overrides it; the full-size figure uses --mib 1024).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

from sync_bench_support import FarmProcess, isolate_sdk_dirs

from rayvision_api import RayvisionAPI
from rayvision_sync.upload import RayvisionUpload


def make_file(path, mib):
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as handle:
        for index in range(mib):
            # Different blocks, so nothing upstream can shortcut identical content.
            handle.write(index.to_bytes(8, "little") + block[8:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_MIB", "256")))
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench_sync_upload_")
    sdk = isolate_sdk_dirs()
    try:
        work = os.path.join(folder, "1586932339")
        os.makedirs(work)
        source = os.path.join(work, "big.bin")
        make_file(source, args.mib)
        shutil.copyfile(source, os.path.join(folder, "warm.bin"))  # page cache, both runs
        started = time.perf_counter()
        shutil.copyfile(source, os.path.join(folder, "copy.bin"))
        copy_seconds = time.perf_counter() - started
        os.remove(os.path.join(folder, "copy.bin"))
        os.remove(os.path.join(folder, "warm.bin"))
        upload_json = os.path.join(work, "upload.json")
        with open(upload_json, "w") as handle:
            json.dump({"asset": [{"local": source, "server": "/bench/big.bin"}]}, handle)
        with FarmProcess() as farm:
            upload = RayvisionUpload(RayvisionAPI(**farm.api_kwargs), show_progress=False)
            assert upload.engine is not None  # discovery is not part of the transfer
            started = time.perf_counter()
            upload.upload_asset(upload_json, max_speed="0", is_db=False)
            upload_seconds = time.perf_counter() - started
            assert upload.last_result.bytes_transferred == args.mib * 1024 * 1024
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(sdk, ignore_errors=True)
    size = args.mib / 1024.0 if args.mib >= 1024 else None
    copy_rate = args.mib / copy_seconds
    upload_rate = args.mib / upload_seconds
    ratio = upload_rate / copy_rate
    print("upload of one {0} MiB file to a sandbox on loopback{1}".format(
        args.mib, " ({0:.0f} GiB)".format(size) if size else ""))
    print("  shutil.copyfile (baseline): {0:8.1f} MiB/s".format(copy_rate))
    print("  RayvisionUpload HTTP engine: {0:8.1f} MiB/s".format(upload_rate))
    print("  ratio upload / copyfile:     {0:8.2f} (goal >= 0.5: {1})".format(
        ratio, "met" if ratio >= 0.5 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
