"""The benchmarks' reporting helpers (benchmarks/timing.py; docs/dev/benchmarks.md)."""

import importlib.util
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMING_PATH = os.path.join(ROOT, "benchmarks", "timing.py")


@pytest.fixture
def timing(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("bench_timing", TIMING_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv(module.RESULTS_ENV, str(tmp_path / "results.jsonl"))
    return module


def test_interleaved_reverses_the_order_every_other_round(timing):
    order = []
    times = timing.interleaved(4, [("a", lambda: order.append("a")),
                                   ("b", lambda: order.append("b"))])
    assert order == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert [len(values) for values in times.values()] == [4, 4]


def test_a_time_ratio_goal_is_the_ratio_of_the_medians(timing, capsys):
    times = {"base": [1.0, 2.0, 1.0, 1.0, 1.0], "cand": [3.0, 2.0, 2.0, 2.5, 1.5]}
    ratio = timing.ratio_goal(times, "base", "cand", 2.0, source="issue #12",
                              benchmark="bench_x")
    assert ratio == 2.0
    rows = timing.read_results(os.environ[timing.RESULTS_ENV])
    assert len(rows) == 1
    row = rows[0]
    assert (row["benchmark"], row["measure"], row["median"], row["goal"], row["met"],
            row["source"]) == ("bench_x", "cand / base", "2.00x", "<= 2x", "met", "issue #12")
    # The spread is that of the per-round ratios: 3/1, 2/2, 2/1, 2.5/1, 1.5/1.
    assert row["spread"] == "1.00-3.00x"
    assert re.match(r"^(\d+\.\d\d \d+\.\d\d \d+\.\d\d|n/a)$", row["load"])
    assert "met" in capsys.readouterr().out


def test_a_speed_goal_not_met_says_so(timing):
    times = {"sha256": [1.0] * 5, "upload": [2.5] * 5}
    assert timing.ratio_goal(times, "sha256", "upload", 0.5, higher=True) == 0.4
    assert timing.value_goal("files/s", [900, 1100, 950], 1000, "files/s") is False
    rows = timing.read_results(os.environ[timing.RESULTS_ENV])
    assert [(row["median"], row["goal"], row["met"]) for row in rows] == [
        ("0.40x", ">= 0.5x", "NOT met"), ("950 files/s", ">= 1000 files/s", "NOT met")]
    assert rows[0]["measure"] == "upload speed / sha256 speed"


def test_the_table_lists_every_row_and_counts_the_misses(timing, tmp_path):
    timing.value_goal("refresh", [0.1, 0.2, 0.3], 0.25, "s", higher=False, benchmark="b1")
    timing.value_goal("rate", [5, 6, 7], 10, "MB/s", benchmark="b2")
    out = subprocess.check_output([sys.executable, TIMING_PATH, "--table",
                                   os.environ[timing.RESULTS_ENV]], universal_newlines=True)
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["benchmark", "measure", "median", "spread", "goal", "met"]
    assert lines[2].startswith("b1") and " met " in lines[2]
    assert lines[3].startswith("b2") and "NOT met" in lines[3]
    assert lines[-1] == "2 goals, 1 met, 1 not met"
