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


def time_interleaved(functions, rounds):
    """Time ``[(name, function), ...]`` in interleaved rounds, the order reversed every round.

    Returns:
        dict: name -> list of seconds, one per round.
    """
    times = dict((name, []) for name, _ in functions)
    for number in range(rounds):
        order = functions if number % 2 == 0 else list(reversed(functions))
        for name, function in order:
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


def print_goal(times, baseline, candidate, goal):
    """Print median and spread of each timing, the candidate/baseline ratio and the goal."""
    for name, values in times.items():
        print("{0:<16} median {1:8.3f} s  spread {2:.3f}-{3:.3f} s  ({4} rounds)".format(
            name, median(values), min(values), max(values), len(values)))
    ratio = median(times[candidate]) / median(times[baseline])
    print("{0} / {1}: {2:.2f}x (goal <= {3:.1f}x: {4})".format(
        candidate, baseline, ratio, goal, "met" if ratio <= goal else "NOT met"))
    return ratio


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
