"""Timing helpers shared by the analysis benchmarks (importable: scripts run from this folder)."""

import time


def best_of(runs, function, *args):
    """Run ``function(*args)`` ``runs`` times; return (fastest seconds, last result)."""
    best = None
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def print_ratios(size, baseline, figures):
    """Print the plain-read baseline, then each ``(name, seconds)`` as a ratio to it."""
    print("baseline plain read: {0:.4f} s ({1:.0f} MB/s)".format(baseline, size / 1e6 / baseline))
    for name, seconds in figures:
        print("{0:<10} {1:8.3f} s  ratio to plain read: {2:8.1f}x  ({3:.1f} MB/s)".format(
            name, seconds, seconds / baseline, size / 1e6 / seconds))


def interleaved(rounds, cases):
    """Run every ``(name, function)`` of ``cases`` once per round, in turn, ``rounds`` times.

    Baseline and candidate share the machine's state (page cache, other load) round by
    round. Returns ``{name: [seconds, ...]}``.
    """
    times = dict((name, []) for name, _ in cases)
    for _ in range(rounds):
        for name, function in cases:
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def median(values):
    """Median of a non-empty list of numbers."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def spread(values):
    """``(min, max)`` of the values, printed next to every median."""
    return min(values), max(values)
