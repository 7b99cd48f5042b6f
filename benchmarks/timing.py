"""Timing and reporting helpers shared by the benchmarks (importable: scripts run from here).

Every figure is a median over interleaved rounds: baseline and candidates take turns in each
round (the order reversed every other round), so a change of the machine's load reaches all
of them alike. Best-of figures are not offered: they flatter. The load average is printed
with every result.

Each goal a benchmark checks goes through :func:`record_goal` (or its shorthands
:func:`ratio_goal`, :func:`print_goal` and :func:`value_goal`): it prints the figure, the
goal, whether it is met and the load average, and appends one row to the results file named
by ``RAYVISION_BENCH_RESULTS`` (``nox -s bench`` sets it, then prints every row as one table
with ``python benchmarks/timing.py --table FILE``).
"""

import argparse
import json
import os
import statistics
import sys
import time

RESULTS_ENV = "RAYVISION_BENCH_RESULTS"
TABLE_COLUMNS = ("benchmark", "measure", "median", "spread", "goal", "met", "source", "load")


def interleaved(rounds, candidates):
    """Time each ``(name, function)`` once per round, in turn, for ``rounds`` rounds.

    Args:
        rounds (int): Number of rounds (at least 5 for a published figure).
        candidates (list): ``[(name, function), ...]``; the first is usually the baseline.

    Returns:
        dict: name -> list of seconds, one per round.
    """
    times = {name: [] for name, _ in candidates}
    for number in range(rounds):
        order = candidates if number % 2 == 0 else list(reversed(candidates))
        for name, function in order:
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def load_average():
    """The 1, 5 and 15 minute load averages as text, or ``"n/a"`` where the OS has none."""
    try:
        return "{0:.2f} {1:.2f} {2:.2f}".format(*os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def print_interleaved(times, baseline):
    """Print median, spread (min-max) and median ratio to ``baseline`` of each candidate,
    then the load average."""
    base = statistics.median(times[baseline])
    for name, values in times.items():
        median = statistics.median(values)
        print("{0:<34} median {1:8.3f} s  spread {2:.3f}-{3:.3f}  ratio to {4}: {5:5.2f}x".format(
            name, median, min(values), max(values), baseline, median / base))
    print("load average: {0}".format(load_average()))


def record_goal(measure, figure, low_high, goal, higher=False, unit="x", source="",
                benchmark=None):
    """Print one goal with its figure and verdict, and append it to the results file.

    Args:
        measure (str): What the figure is, e.g. ``"analyse() / plain line loop"``.
        figure (float): The median figure compared with the goal.
        low_high (tuple): ``(min, max)`` of the figure over the rounds.
        goal (float): The bound the figure must keep.
        higher (bool): True when the figure must be at least ``goal`` (a speed), False
            when at most (a time).
        unit (str): Unit of the figure and the goal (``"x"`` for a ratio).
        source (str): Where the goal is stated (``"issue #12"``), or why it is ours.
        benchmark (str): Name of the benchmark; the running script's name by default.

    Returns:
        bool: Whether the goal is met.
    """
    met = figure >= goal if higher else figure <= goal
    suffix = unit if unit == "x" else " " + unit
    goal_text = "{0} {1:g}{2}".format(">=" if higher else "<=", goal, suffix)
    row = {"benchmark": benchmark or _script_name(), "measure": measure,
           "median": _number(figure) + suffix, "spread": "{0}-{1}{2}".format(
               _number(low_high[0]), _number(low_high[1]), suffix),
           "goal": goal_text, "met": "met" if met else "NOT met", "source": source,
           "load": load_average()}
    print("goal ({0}): {1} {2}: median {3} (spread {4}): {5}   [load average {6}]".format(
        source, measure, goal_text, row["median"], row["spread"], row["met"], row["load"]))
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a") as handle:
            handle.write(json.dumps(row) + "\n")
    return met


def ratio_goal(times, baseline, candidate, goal, higher=False, source="", measure=None,
               benchmark=None):
    """:func:`record_goal` of the ratio of two interleaved timings.

    ``higher=False``: candidate time / baseline time must be at most ``goal``.
    ``higher=True``: candidate speed / baseline speed (baseline time / candidate time) must
    be at least ``goal``. The figure is the ratio of the medians; the spread is that of the
    per-round ratios (baseline and candidate of the same round).

    Returns:
        float: The ratio of the medians.
    """
    base, cand = times[baseline], times[candidate]
    if higher:
        figure = statistics.median(base) / statistics.median(cand)
        per_round = [b / c for b, c in zip(base, cand)]
        measure = measure or "{0} speed / {1} speed".format(candidate, baseline)
    else:
        figure = statistics.median(cand) / statistics.median(base)
        per_round = [c / b for b, c in zip(base, cand)]
        measure = measure or "{0} / {1}".format(candidate, baseline)
    record_goal(measure, figure, spread(per_round), goal, higher, "x", source, benchmark)
    return figure


def print_goal(times, baseline, candidate, goal, source="", benchmark=None):
    """Print :func:`print_interleaved`, then the candidate's :func:`ratio_goal` (time).

    Returns:
        float: The ratio of the medians.
    """
    print_interleaved(times, baseline)
    return ratio_goal(times, baseline, candidate, goal, source=source, benchmark=benchmark)


def value_goal(measure, values, goal, unit, higher=True, source="", benchmark=None):
    """:func:`record_goal` of the median of per-round ``values`` (e.g. files/s)."""
    return record_goal(measure, statistics.median(values), spread(values), goal, higher,
                       unit, source, benchmark)


def median(values):
    """Median of a non-empty list of numbers."""
    return statistics.median(values)


def spread(values):
    """``(min, max)`` of the values, printed next to every median."""
    return min(values), max(values)


class quiet_logging(object):
    """Context manager: logging off while timing (a log handler is not what is measured)."""

    def __enter__(self):
        import logging
        self._previous = logging.root.manager.disable
        logging.disable(logging.CRITICAL)
        return self

    def __exit__(self, *exc_info):
        import logging
        logging.disable(self._previous)


def _script_name():
    return os.path.splitext(os.path.basename(sys.argv[0] or "benchmark"))[0]


def _number(value):
    """Whole numbers for large figures, two decimals for ratios, 3 digits for small ones."""
    if abs(value) >= 100:
        return "{0:.0f}".format(value)
    if abs(value) >= 0.1:
        return "{0:.2f}".format(value)
    return "{0:.3g}".format(value)


def read_results(path):
    """The rows of a results file, in the order they were written."""
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def format_table(rows):
    """The rows as one plain-text table, with a heading line, a rule and a summary line."""
    cells = [list(TABLE_COLUMNS)] + [[str(row.get(key, "")) for key in TABLE_COLUMNS]
                                     for row in rows]
    widths = [max(len(line[index]) for line in cells) for index in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
             for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    missed = sum(1 for row in rows if row.get("met") != "met")
    lines.append("{0} goals, {1} met, {2} not met".format(len(rows), len(rows) - missed,
                                                         missed))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print the results file of the benchmarks "
                                                 "as one table.")
    parser.add_argument("--table", required=True, help="results file (JSON lines)")
    args = parser.parse_args(argv)
    print(format_table(read_results(args.table)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
