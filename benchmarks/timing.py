"""Timing helpers shared by the benchmarks (importable: scripts run from this folder).

Every figure is a median over interleaved rounds: baseline and candidates take turns in each
round (the order reversed every other round), so a change of the machine's load reaches all
of them alike. Best-of figures are not offered: they flatter.
"""

import statistics
import time


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


def print_interleaved(times, baseline):
    """Print median, spread (min-max) and median ratio to ``baseline`` of each candidate."""
    base = statistics.median(times[baseline])
    for name, values in times.items():
        median = statistics.median(values)
        print("{0:<34} median {1:8.3f} s  spread {2:.3f}-{3:.3f}  ratio to {4}: {5:5.2f}x".format(
            name, median, min(values), max(values), baseline, median / base))


def print_goal(times, baseline, candidate, goal):
    """Print :func:`print_interleaved`, then the candidate's median ratio against ``goal``.

    Returns:
        float: The ratio of the medians.
    """
    print_interleaved(times, baseline)
    ratio = statistics.median(times[candidate]) / statistics.median(times[baseline])
    print("goal: {0} <= {1:.1f}x {2}: {3:.2f}x, {4}".format(
        candidate, goal, baseline, ratio, "met" if ratio <= goal else "NOT met"))
    return ratio


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
