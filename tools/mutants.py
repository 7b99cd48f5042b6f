"""Mutation testing of the SDK's core rules over a curated list of hand-written mutants.

Each mutant in ``tests/mutants/mutants.json`` replaces one exact snippet of one source file.
The runner applies one mutant at a time in place (the packages are installed editable, so the
tests import the mutated source), runs the focused pytest selection of the mutant's area, and
restores the file in a ``finally``. A mutant is *killed* when that selection fails, *survives*
when it passes. At the end a table gives the survival rate per area; the run fails when any
area survives above the threshold (10 % by default).

A journal file (``.mutant-in-progress`` at the root) holds the original text of the file under
mutation while a mutant is applied; a run that finds one (a previous run was killed hard)
restores the file from it before anything else, so a mutant never outlives its run.

Usage::

    python tools/mutants.py                  # every mutant
    python tools/mutants.py --area signing   # one area
    python tools/mutants.py --id retry-after-uncapped --verbose
    python tools/mutants.py --list
"""

import argparse
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(ROOT, "tests", "mutants", "mutants.json")
JOURNAL = os.path.join(ROOT, ".mutant-in-progress")
#: Seconds one area's selection may take before the mutant counts as killed (a hang).
DEFAULT_TIMEOUT = 600


class MutantError(Exception):
    """The mutant list does not match the sources (a stale or ambiguous snippet)."""


def load(path):
    """Areas (name -> pytest selection) and mutants of the data file, checked for shape."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    areas = data["areas"]
    seen = set()
    for mutant in data["mutants"]:
        for key in ("id", "area", "file", "original", "replacement", "description"):
            if key not in mutant:
                raise MutantError("mutant {0!r} has no {1!r}".format(mutant.get("id"), key))
        if mutant["area"] not in areas:
            raise MutantError("mutant {0!r}: unknown area {1!r}".format(mutant["id"],
                                                                       mutant["area"]))
        if mutant["id"] in seen:
            raise MutantError("mutant id {0!r} appears twice".format(mutant["id"]))
        if mutant["original"] == mutant["replacement"]:
            raise MutantError("mutant {0!r} changes nothing".format(mutant["id"]))
        seen.add(mutant["id"])
    return areas, data["mutants"]


def _read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _write(path, text):
    """Replace ``path`` atomically (temp file in the same folder, then rename)."""
    folder = os.path.dirname(path)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".mutant-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def recover_leftover():
    """Restore the file a previous, interrupted run left mutated; True when there was one."""
    if not os.path.exists(JOURNAL):
        return False
    with open(JOURNAL, encoding="utf-8") as handle:
        entry = json.load(handle)
    _write(entry["path"], entry["text"])
    os.remove(JOURNAL)
    print("restored {0} from an interrupted run (mutant {1})".format(entry["path"],
                                                                     entry["mutant"]))
    return True


def check_sources(mutants):
    """Every original snippet occurs exactly once in its file (so nothing is left mutated)."""
    problems = []
    for mutant in mutants:
        path = os.path.join(ROOT, mutant["file"])
        if not os.path.isfile(path):
            problems.append("{0}: no file {1}".format(mutant["id"], mutant["file"]))
            continue
        count = _read(path).count(mutant["original"])
        if count != 1:
            problems.append("{0}: original snippet found {1} times in {2}".format(
                mutant["id"], count, mutant["file"]))
    if problems:
        raise MutantError("the mutant list does not match the sources:\n  "
                          + "\n  ".join(problems))


def run_selection(selection, timeout, verbose):
    """Run pytest over ``selection``; return ``(killed, detail)``."""
    env = dict(os.environ)
    # A fresh bytecode cache per run: a mutant of the same size written in the same second
    # as its original would otherwise be served from a stale .pyc (and the reverse).
    cache = tempfile.mkdtemp(prefix="mutant-pyc-")
    env["PYTHONPYCACHEPREFIX"] = cache
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "-p", "no:randomly"] + [os.path.join(ROOT, item) for item in selection]
    try:
        completed = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
    except subprocess.TimeoutExpired:
        return True, "timed out after {0} s".format(timeout)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    output = completed.stdout
    if verbose:
        print(output)
    if completed.returncode == 5:
        raise MutantError("no tests collected for {0}".format(selection))
    lines = [line for line in output.splitlines() if line.strip()]
    summary = lines[-1] if lines else ""
    return completed.returncode != 0, summary


def check_baseline(areas, names, timeout):
    """Each area's selection must pass on the unmutated sources, or no kill means anything."""
    for name in names:
        started = time.time()
        failed, detail = run_selection(areas[name], timeout, False)
        if failed:
            raise MutantError("the tests of area {0!r} fail without any mutant: {1}".format(
                name, detail))
        print("baseline {0}: {1} ({2:.0f} s)".format(name, detail, time.time() - started),
              flush=True)


def apply_and_test(mutant, selection, timeout, verbose):
    """Apply ``mutant``, run its area's tests, restore; return ``(killed, detail)``."""
    path = os.path.join(ROOT, mutant["file"])
    original_text = _read(path)
    with open(JOURNAL, "w", encoding="utf-8") as handle:
        json.dump({"path": path, "text": original_text, "mutant": mutant["id"]}, handle)
    try:
        _write(path, original_text.replace(mutant["original"], mutant["replacement"], 1))
        return run_selection(selection, timeout, verbose)
    finally:
        _write(path, original_text)
        os.remove(JOURNAL)


def report(results, threshold):
    """Print the per-area table; return the areas above ``threshold``."""
    per_area = collections.OrderedDict()
    for mutant, killed, _detail in results:
        counts = per_area.setdefault(mutant["area"], [0, 0])
        counts[0] += 1
        counts[1] += int(killed)
    print("\n{0:<12} {1:>8} {2:>7} {3:>9}".format("area", "mutants", "killed", "survival"))
    failing = []
    for area, (total, killed) in per_area.items():
        rate = (total - killed) / float(total)
        print("{0:<12} {1:>8} {2:>7} {3:>8.0%}".format(area, total, killed, rate))
        if rate > threshold:
            failing.append(area)
    survivors = [mutant for mutant, killed, _detail in results if not killed]
    if survivors:
        print("\nsurvivors:")
        for mutant in survivors:
            print("  {0} [{1}] {2}".format(mutant["id"], mutant["area"], mutant["description"]))
    return failing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="the mutant list (json)")
    parser.add_argument("--area", action="append", help="only this area (repeatable)")
    parser.add_argument("--id", action="append", help="only this mutant (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--threshold", type=float, default=0.10,
                        help="highest survival rate an area may have (default 0.10)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help="seconds per mutant before it counts as killed by a hang")
    parser.add_argument("--verbose", action="store_true", help="print pytest's output")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the unmutated run of each area's tests")
    args = parser.parse_args(argv)
    # A terminated run unwinds through the ``finally`` that restores the mutated file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    recover_leftover()
    areas, mutants = load(args.data)
    if args.area:
        mutants = [m for m in mutants if m["area"] in args.area]
    if args.id:
        mutants = [m for m in mutants if m["id"] in args.id]
    if args.list:
        for mutant in mutants:
            print("{0:<36} {1:<10} {2}".format(mutant["id"], mutant["area"],
                                              mutant["description"]))
        return 0
    if not mutants:
        print("no mutant selected")
        return 2
    check_sources(mutants)

    if not args.no_baseline:
        check_baseline(areas, sorted(set(m["area"] for m in mutants)), args.timeout)
    results = []
    for index, mutant in enumerate(mutants, 1):
        started = time.time()
        killed, detail = apply_and_test(mutant, areas[mutant["area"]], args.timeout,
                                        args.verbose)
        print("[{0}/{1}] {2:<8} {3} ({4:.0f} s) {5}".format(
            index, len(mutants), "killed" if killed else "SURVIVED", mutant["id"],
            time.time() - started, detail), flush=True)
        results.append((mutant, killed, detail))
    failing = report(results, args.threshold)
    if failing:
        print("\nsurvival above {0:.0%} in: {1}".format(args.threshold, ", ".join(failing)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
