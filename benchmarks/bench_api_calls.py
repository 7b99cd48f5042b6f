"""Signed API calls per second from one client against a local rayvision_sandbox farm.

Measures ``RayvisionAPI`` calls (signing, HTTP, the farm's signature check, sqlite, JSON) in
one thread with connection reuse (the client's ``requests.Session`` and the farm's HTTP/1.1
keep-alive), against a baseline run in the same process that opens a new connection per call.
Goal: >= 500 calls/s with connection reuse on the reference machine (2 cores).

Every call has a different body (the task ids asked for change), as a busy client's calls do:
the farm refuses a request identical to one it already accepted inside the timestamp window
(replay), and the service's six-digit nonces repeat often at hundreds of calls per second.

The farm runs in its own process (``rayvision-sandbox serve``), as a farm does; with
``--in-process`` it shares this interpreter (and its GIL) with the client.

Usage: python benchmarks/bench_api_calls.py [--calls N] [--rounds R] [--in-process]
(default 2000 calls per run, 3 interleaved rounds of each mode, best round printed; env
RAYVISION_BENCH_CALLS overrides the default calls; the full-size figure uses --calls 20000).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from rayvision_api import RayvisionAPI
from rayvision_sandbox import Sandbox


def run(api, task_id, calls, reuse):
    """Seconds taken by ``calls`` signed calls; ``reuse`` False closes the pool each time."""
    started = time.perf_counter()
    for index in range(calls):
        if index % 2:
            api.query.task_info([task_id, 1000000 + index])
        else:
            api.query.task_frames(task_id, 1 + index, 10)
        if not reuse:
            api.connect.session.close()
    return time.perf_counter() - started


def measure(api, calls, rounds):
    """Best ``(baseline seconds, reuse seconds)`` of ``rounds`` interleaved rounds.

    The best of several rounds keeps other work on a shared machine out of the figure.
    """
    task_id = int(api.get_task_id())
    run(api, task_id, 100, True)  # warm-up: imports, sqlite cache, first connection
    baseline, reused = [], []
    for _ in range(rounds):
        baseline.append(run(api, task_id, calls, reuse=False))
        reused.append(run(api, task_id, calls, reuse=True))
    return min(baseline), min(reused)


def farm_process(data_dir):
    """Start ``rayvision-sandbox serve`` in its own process; returns (process, api kwargs)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rayvision_sandbox.cli", "serve", "--data-dir", data_dir,
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    facts = {}
    for _ in range(5):
        key, _, value = process.stdout.readline().partition(":")
        facts[key.strip()] = value.strip()
    domain = facts["domain"].split()[0]
    return process, {"access_id": facts["access_id"], "access_key": facts["access_key"],
                     "domain": domain, "platform": "2", "protocol": "http"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_CALLS", "2000")))
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of each mode; the best is printed")
    parser.add_argument("--in-process", action="store_true",
                        help="run the farm in this process (client and farm share the GIL)")
    args = parser.parse_args(argv)
    if args.in_process:
        with Sandbox() as farm:
            baseline, reused = measure(RayvisionAPI(**farm.api_kwargs()), args.calls,
                                       args.rounds)
    else:
        data_dir = tempfile.mkdtemp(prefix="bench_api_calls_")
        process, kwargs = farm_process(data_dir)
        try:
            baseline, reused = measure(RayvisionAPI(**kwargs), args.calls, args.rounds)
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
            shutil.rmtree(data_dir, ignore_errors=True)
    baseline_rate = args.calls / baseline
    reused_rate = args.calls / reused
    print("signed API calls, one client, {0} calls per run, best of {1} rounds, farm {2}".format(
        args.calls, args.rounds, "in this process" if args.in_process else "in its own process"))
    print("  new connection per call (baseline): {0:8.1f} calls/s".format(baseline_rate))
    print("  connection reuse (keep-alive):       {0:8.1f} calls/s".format(reused_rate))
    print("  ratio reuse / baseline:              {0:8.2f}x".format(reused_rate / baseline_rate))
    print("  goal >= 500 calls/s with reuse:      {0}".format(
        "met" if reused_rate >= 500 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
