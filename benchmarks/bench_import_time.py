"""Import cost of the SDK packages next to ``import requests`` (goal: rayvision_api <= 1.5x).

What a Deadline / Qube plugin pays at every task start. Each figure is a fresh interpreter
that imports one module and reports the time the import took (interpreter start-up is not
counted); baseline and candidates are interleaved round by round, and the median and spread
over the rounds are printed::

    python benchmarks/bench_import_time.py            # 11 rounds
    python benchmarks/bench_import_time.py --rounds 5
"""

import argparse
import statistics
import subprocess
import sys

BASELINE = "requests"
CANDIDATES = ["rayvision_api", "rayvision_sync.download", "rayvision_maya.analyze_maya",
              "rayvision_cli.main"]
GOAL = {"rayvision_api": 1.5}

PROBE = ("import time, sys; start = time.perf_counter(); import {0}; "
         "sys.stdout.write(repr(time.perf_counter() - start))")


def import_seconds(module):
    """Seconds one fresh interpreter spends importing ``module``."""
    out = subprocess.check_output([sys.executable, "-c", PROBE.format(module)])
    return float(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args(argv)
    rounds = max(5, args.rounds)
    modules = [BASELINE] + CANDIDATES
    samples = dict((module, []) for module in modules)
    for module in modules:  # warm the file cache once, uncounted
        import_seconds(module)
    for _ in range(rounds):
        for module in modules:
            samples[module].append(import_seconds(module))
    base = statistics.median(samples[BASELINE])
    print("import time, {0} interleaved rounds (median, min-max):".format(rounds))
    for module in modules:
        values = samples[module]
        median = statistics.median(values)
        goal = GOAL.get(module)
        verdict = ""
        if goal is not None:
            verdict = "  goal <= {0}x: {1}".format(goal, "met" if median / base <= goal
                                                   else "NOT MET")
        print("  {0:<30} {1:7.1f} ms  ({2:.1f}-{3:.1f})  {4:5.2f}x {5}{6}".format(
            module, median * 1000, min(values) * 1000, max(values) * 1000, median / base,
            BASELINE, verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
