"""Import cost of the SDK packages next to ``import requests`` (goal: rayvision_api <= 1.5x).

What a Deadline / Qube plugin pays at every task start. Each figure is a fresh interpreter
that imports one module and reports the time the import took (interpreter start-up is not
counted; CPU time of that process, so a busy machine does not distort the figures);
baseline and candidates are interleaved round by round (the order reversed every other
round), and the median and spread over the rounds are printed with the load average. The
goal (issue #13) is checked for ``rayvision_api``; the other modules are printed for the
record, against the same baseline, with no goal of their own::

    python benchmarks/bench_import_time.py            # 11 rounds
    python benchmarks/bench_import_time.py --rounds 5
"""

import argparse
import statistics
import subprocess
import sys

from timing import load_average, record_goal, spread

BASELINE = "requests"
CANDIDATES = ["rayvision_api", "rayvision_sync.download", "rayvision_maya.analyze_maya",
              "rayvision_cli.main"]
GOAL = {"rayvision_api": 1.5}

# CPU time of the importing process: other processes on a busy machine do not inflate it
# (wall time is printed too, for the record).
PROBE = ("import time, sys; cpu = time.process_time(); wall = time.perf_counter(); "
         "import {0}; sys.stdout.write('%r %r' % (time.process_time() - cpu, "
         "time.perf_counter() - wall))")


def import_seconds(module):
    """``(cpu, wall)`` seconds one fresh interpreter spends importing ``module``."""
    out = subprocess.check_output([sys.executable, "-c", PROBE.format(module)])
    cpu, wall = out.split()
    return float(cpu), float(wall)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args(argv)
    rounds = max(5, args.rounds)
    modules = [BASELINE] + CANDIDATES
    samples = dict((module, []) for module in modules)
    walls = dict((module, []) for module in modules)
    for module in modules:  # warm the file cache once, uncounted
        import_seconds(module)
    for number in range(rounds):
        for module in (modules if number % 2 == 0 else modules[::-1]):
            cpu, wall = import_seconds(module)
            samples[module].append(cpu)
            walls[module].append(wall)
    base = statistics.median(samples[BASELINE])
    wall_base = statistics.median(walls[BASELINE])
    print("import CPU time, {0} interleaved rounds (median, min-max), load average {1}:".format(
        rounds, load_average()))
    for module in modules:
        values = samples[module]
        median = statistics.median(values)
        wall = statistics.median(walls[module])
        print("  {0:<30} {1:7.1f} ms  ({2:.1f}-{3:.1f})  {4:5.2f}x {5}   [wall {6:.1f} ms, "
              "{7:.2f}x]".format(module, median * 1000, min(values) * 1000,
                                 max(values) * 1000, median / base, BASELINE,
                                 wall * 1000, wall / wall_base))
    for module, goal in sorted(GOAL.items()):
        per_round = [cpu / base_cpu for cpu, base_cpu in zip(samples[module],
                                                             samples[BASELINE])]
        record_goal("import {0} / import {1} (CPU)".format(module, BASELINE),
                    statistics.median(samples[module]) / base, spread(per_round), goal,
                    source="issue #13")
    return 0


if __name__ == "__main__":
    sys.exit(main())
