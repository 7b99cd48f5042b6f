"""The sandbox monitor's task list with 1,000 tasks, against the signed API listing the same page.

A user with 1,000 submitted tasks of 10 frames each (rows written straight into the farm's
database: submitting 1,000 tasks through the API would only slow the set-up down). Each round
times, over HTTP as a browser or the SDK sends them:

- baseline: ``RayvisionAPI.query.get_task_list(page_num=1, page_size=50)``, the SDK's way to
  read the same 50 newest tasks with their frame counts;
- the monitor's tasks page (``/monitor/tasks``), its live refresh (``?partial=1``, once a
  second while the page is open), its last page and a search.

Goal (the monitor's own; no issue states one): every monitor request no slower than the
baseline (ratio of medians <= 1.0x), and the live refresh well under its 1 s period (median
<= 0.25 s, a quarter of it). Rounds are interleaved (the order reversed every other round),
logging off; the median and the spread (min-max) of each are printed with the load average.

Usage: python benchmarks/bench_monitor_pages.py [--rounds R] [--tasks N] [--repeat K]
"""

import argparse
import statistics
import time

import requests
from timing import interleaved, load_average, quiet_logging, ratio_goal, value_goal

from rayvision_api import RayvisionAPI
from rayvision_sandbox import Sandbox
from rayvision_sandbox import constants as c

FRAMES_PER_TASK = 10


def fill(farm, tasks):
    """``tasks`` finished tasks of ``FRAMES_PER_TASK`` frames for the farm's first user."""
    user = farm.user(farm.access_id)
    now = time.time()
    with farm.store.transaction() as store:
        for number in range(tasks):
            task_id = store.execute(
                "INSERT INTO tasks (user_id, status, submitted, labels, task_user_level, "
                "created, submit_date, start_time, completed_date, scene_name, cg_id, "
                "project_name, frames_range, camera, width, height, ram) VALUES (?, ?, 1, "
                "'[]', 50, ?, ?, ?, ?, ?, 2000, 'P1', '1-10[1]', 'cam', 1920, 1080, 64)",
                (user["id"], c.FINISHED if number % 5 else c.FINISHED_HAS_FAILED, now, now,
                 now, now + 30, "shot_{0:04d}.ma".format(number)))
            for ordinal in range(FRAMES_PER_TASK):
                store.execute(
                    "INSERT INTO frames (task_id, user_id, ordinal, layer, numbers, "
                    "frame_index, frame_type, status, start_time, end_time) VALUES "
                    "(?, ?, ?, 'masterLayer', ?, ?, 5, ?, ?, ?)",
                    (task_id, user["id"], ordinal, "[{0}]".format(ordinal + 1),
                     str(ordinal + 1), c.FRAME_DONE if ordinal or number % 5 else
                     c.FRAME_FAILED, now, now + 3))


def repeated(function, repeat):
    """Call ``function`` ``repeat`` times (one timing covers them all)."""
    for _ in range(repeat):
        function()


def main(argv=None):
    """Print the median and spread of each request, and the ratio to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10, help="requests per timing")
    args = parser.parse_args(argv)
    with Sandbox(seconds_per_frame=0.01) as farm:
        fill(farm, args.tasks)
        api = RayvisionAPI(**farm.api_kwargs())
        browser = requests.Session()
        assert browser.get(farm.monitor_login_link(), timeout=30).ok
        base = farm.url + "/monitor/tasks"
        last_page = (args.tasks + 49) // 50

        def page(**query):
            answer = browser.get(base, params=query, timeout=30)
            answer.raise_for_status()

        cases = [
            ("API get_task_list 50 (baseline)",
             lambda: api.query.get_task_list(page_num=1, page_size=50)),
            ("monitor tasks page", lambda: page()),
            ("monitor live refresh", lambda: page(partial=1)),
            ("monitor last page", lambda: page(page=last_page)),
            ("monitor search", lambda: page(q="shot_05")),
        ]
        for _, function in cases:  # warm-up: imports, sqlite cache, connections
            function()
        with quiet_logging():
            times = interleaved(args.rounds, [
                (name, lambda function=function: repeated(function, args.repeat))
                for name, function in cases])
    baseline = statistics.median(times[cases[0][0]])
    print("{0} tasks x {1} frames, {2} rounds of {3} requests each (interleaved), load "
          "average {4}".format(args.tasks, FRAMES_PER_TASK, args.rounds, args.repeat,
                               load_average()))
    for name, _ in cases:
        values = [value / args.repeat for value in times[name]]
        median = statistics.median(values)
        print("{0:<34} median {1:7.2f} ms  spread {2:6.2f}-{3:6.2f} ms  "
              "ratio to baseline {4:5.2f}".format(name, median * 1000, min(values) * 1000,
                                                  max(values) * 1000,
                                                  median * args.repeat / baseline))
    source = "script's own goal"
    for name, _ in cases[1:]:
        ratio_goal(times, cases[0][0], name, 1.0, source=source,
                   measure="{0} / API get_task_list 50".format(name))
    value_goal("monitor live refresh, seconds per request",
               [value / args.repeat for value in times["monitor live refresh"]], 0.25, "s",
               higher=False, source=source)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
