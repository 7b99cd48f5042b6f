"""Signed API calls per second: the SDK next to plain ``requests`` on the same farm.

Both sides send the same requests to one local ``rayvision_sandbox`` farm running in its own
process (``rayvision-sandbox serve``), one thread, connection reuse on both sides:

* **plain**: a ``requests.Session`` posting bodies that were serialised and signed *before*
  the clock starts, then reading the JSON answer and checking its ``code``: the least work
  any client must do per call. Signing is left out of the baseline on purpose, so the ratio
  charges the SDK for everything it adds (signing, table lookup, argument conversion,
  retry bookkeeping, logging, decoding).
* **SDK**: ``RayvisionAPI`` operator calls producing those bodies, as a library user gets
  it: imported, constructed, nothing configured by this script (so whatever handlers the
  packages install on import are in the figure).

Calls alternate ``task_info([id, n])`` and ``task_frames(id, n, 10)`` with a different ``n``
each time, as a busy client's calls differ. Rounds are interleaved (plain, SDK, plain,
SDK, ...), at least 5, and inside a round the sides alternate every 20 calls (which side
goes first alternates too); the median
and the spread (min-max) of each side are printed, and the ratio of the medians, with the load
average. Goal (issue #10): the SDK keeps >= 0.85x of plain.

Logging is left as the packages leave it on import (no handler of ours, so nothing is
printed): switching it off here would hide the cost of a handler a package wrongly installed.

Usage: python benchmarks/bench_api_calls.py [--calls N] [--rounds R] [--in-process]
(default 1000 calls per round, 7 rounds; env RAYVISION_BENCH_CALLS overrides the calls).
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import requests
from timing import load_average, record_goal, spread

from rayvision_api import RayvisionAPI, signature
from rayvision_api.operations import OPERATIONS, build_body
from rayvision_sandbox import Sandbox

GOAL = 0.85
# Calls of one side before the other side takes its turn, inside a round.
BLOCK = 20


def workload(task_id, calls, offset):
    """``[(operation name, arguments)]``: the calls of one round."""
    plan = []
    for index in range(calls):
        n = offset + index
        if index % 2:
            plan.append(("task_info", {"task_ids_list": [task_id, 1000000 + n]}))
        else:
            plan.append(("task_frames", {"task_id": task_id, "page_num": 1 + n,
                                         "page_size": 10}))
    return plan


def sdk_round(api, plan):
    """``(wall seconds, client CPU seconds)`` for the SDK to make every call of ``plan``."""
    query = api.query
    cpu = time.process_time()
    started = time.perf_counter()
    for name, arguments in plan:
        getattr(query, name)(*arguments.values())
    return time.perf_counter() - started, time.process_time() - cpu


def presign(api, plan):
    """``[(url, body bytes, headers)]`` of ``plan``, signed now (outside any timing)."""
    connect = api.connect
    signed = []
    for name, arguments in plan:
        operation = OPERATIONS[name]
        body = build_body(operation, arguments, {"domain": connect.domain})
        headers = signature.sign_headers(
            dict(connect.headers, UTCTimestamp=signature.generate_timestamp(),
                 nonce=signature.generate_nonce()),
            connect._access_key, connect.domain, operation.path, body)
        signed.append((connect.assemble_api_url(connect.domain, operation.path,
                                                connect.protocol),
                       json.dumps(body).encode("utf-8"), headers))
    return signed


def plain_round(session, signed):
    """``(wall seconds, client CPU seconds)`` for plain ``requests`` to post every pre-signed
    request and read the answer."""
    cpu = time.process_time()
    started = time.perf_counter()
    for url, body, headers in signed:
        answer = session.post(url, data=body, headers=headers, timeout=30).json()
        if answer["code"] != 200:
            raise RuntimeError("plain request refused: {0}".format(answer))
    return time.perf_counter() - started, time.process_time() - cpu


def measure(api, calls, rounds, block=BLOCK):
    """Calls per second of each round and client CPU seconds per call of each side:
    ``(plain rates, sdk rates, {"plain": cpu, "sdk": cpu})``.

    Inside a round the two sides alternate in blocks of ``block`` calls, so that a burst of
    other work on a shared machine lands on both sides alike.
    """
    task_id = int(api.get_task_id())
    session = requests.Session()
    # Warm-up of both sides: imports, the farm's sqlite cache, the first connections.
    plain_round(session, presign(api, workload(task_id, 50, 0)))
    sdk_round(api, workload(task_id, 50, 50))
    plain, sdk = [], []
    cpu = {"plain": 0.0, "sdk": 0.0}
    offset = 100
    for _ in range(rounds):
        seconds = {"plain": 0.0, "sdk": 0.0}
        for number, start in enumerate(range(0, calls, block)):
            size = min(block, calls - start)
            plan = workload(task_id, size, offset)
            offset += size
            signed = presign(api, plan)
            sides = [("plain", plain_round, session, signed), ("sdk", sdk_round, api, plan)]
            # Alternate which side goes first, so that neither always follows the other.
            for side, run_side, client, work in (sides if number % 2 == 0 else sides[::-1]):
                wall, used = run_side(client, work)
                seconds[side] += wall
                cpu[side] += used
        plain.append(calls / seconds["plain"])
        sdk.append(calls / seconds["sdk"])
    total = float(calls * rounds)
    return plain, sdk, dict((side, used / total) for side, used in cpu.items())


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


def describe(name, rates):
    return "  {0:<34} median {1:8.1f} calls/s   spread {2:7.1f} .. {3:7.1f}".format(
        name, statistics.median(rates), min(rates), max(rates))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int,
                        default=int(os.environ.get("RAYVISION_BENCH_CALLS", "1000")))
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (>= 5)")
    parser.add_argument("--in-process", action="store_true",
                        help="run the farm in this process (client and farm share the GIL)")
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds must be at least 5")
    if args.in_process:
        with Sandbox() as farm:
            plain, sdk, cpu = measure(RayvisionAPI(**farm.api_kwargs()), args.calls,
                                      args.rounds)
    else:
        data_dir = tempfile.mkdtemp(prefix="bench_api_calls_")
        process, kwargs = farm_process(data_dir)
        try:
            plain, sdk, cpu = measure(RayvisionAPI(**kwargs), args.calls, args.rounds)
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
            shutil.rmtree(data_dir, ignore_errors=True)
    ratio = statistics.median(sdk) / statistics.median(plain)
    ratios = [s / p for s, p in zip(sdk, plain)]
    print("signed API calls, one client, {0} calls per round, {1} interleaved rounds, "
          "farm {2}".format(args.calls, args.rounds,
                            "in this process" if args.in_process else "in its own process"))
    print(describe("plain requests, pre-signed bodies", plain))
    print(describe("rayvision_api (as imported)", sdk))
    print("  ratio of medians SDK / plain:      {0:8.2f}x   (per round {1:.2f} .. {2:.2f})".format(
        ratio, min(ratios), max(ratios)))
    print("  client CPU per call: plain {0:.0f} us, SDK {1:.0f} us (+{2:.0f} us)".format(
        cpu["plain"] * 1e6, cpu["sdk"] * 1e6, (cpu["sdk"] - cpu["plain"]) * 1e6))
    print("  load average: {0}".format(load_average()))
    record_goal("SDK calls/s / plain requests calls/s", ratio, spread(ratios), GOAL,
                higher=True, source="issue #10")
    return 0


if __name__ == "__main__":
    sys.exit(main())
