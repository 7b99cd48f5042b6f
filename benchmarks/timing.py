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


def interleaved(rounds, candidates):
    """Time each ``(name, function)`` once per round, in turn, for ``rounds`` rounds.

    Interleaving spreads the machine's load changes over every candidate alike.

    Returns:
        dict: name -> list of seconds, one per round.
    """
    times = {name: [] for name, _ in candidates}
    for _ in range(rounds):
        for name, function in candidates:
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def print_interleaved(times, baseline):
    """Print median, spread (min-max) and median ratio to ``baseline`` of each candidate."""
    import statistics

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
    import statistics

    print_interleaved(times, baseline)
    ratio = statistics.median(times[candidate]) / statistics.median(times[baseline])
    print("goal: {0} <= {1:.1f}x {2}: {3:.2f}x, {4}".format(
        candidate, goal, baseline, ratio, "met" if ratio <= goal else "NOT met"))
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
