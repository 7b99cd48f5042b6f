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


def interleaved(rounds, candidates, quiet=True):
    """Time each of ``candidates`` once per round, alternating them, for ``rounds`` rounds.

    Interleaving spreads machine noise (other processes, page cache, CPU frequency) over
    every candidate alike; the first candidate is usually the baseline.

    Args:
        rounds (int): Rounds (at least 5 for a figure worth reporting).
        candidates (list): ``(name, callable)`` pairs, called without arguments.
        quiet (bool): Disable logging while timing (log output is not what we measure).

    Returns:
        dict: name -> list of seconds, one per round.
    """
    import logging

    times = {name: [] for name, _ in candidates}
    previous = logging.root.manager.disable
    if quiet:
        logging.disable(logging.CRITICAL)
    try:
        for _ in range(rounds):
            for name, function in candidates:
                start = time.perf_counter()
                function()
                times[name].append(time.perf_counter() - start)
    finally:
        logging.disable(previous)
    return times


def median(values):
    """Median of a non-empty list of numbers."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def describe(name, seconds, baseline=None):
    """One line: median, min-max spread, and the ratio of medians to ``baseline``."""
    text = "{0:<24} median {1:8.3f} s  (min {2:.3f}, max {3:.3f}, spread {4:4.1f}%)".format(
        name, median(seconds), min(seconds), max(seconds),
        100.0 * (max(seconds) - min(seconds)) / median(seconds))
    if baseline:
        text += "  = {0:.2f}x baseline".format(median(seconds) / median(baseline))
    return text


def report_goal(description, ratio, goal):
    """Print the goal and whether the measured ratio meets it; returns True when met."""
    met = ratio <= goal
    print("goal: {0} <= {1:.1f}x: measured {2:.2f}x -> {3}".format(
        description, goal, ratio, "MET" if met else "NOT MET"))
    return met
