"""run_demo.py, the script behind ``nox -s demo``: one screen, and a second run uploads nothing."""

import re
import socket


def free_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def summary(run):
    """``label -> rest of the line`` of the summary block."""
    found = {}
    for line in run.stdout.splitlines():
        match = re.match(r"^(task id|frames done|uploaded|skipped|downloaded|frames|"
                         r"upload records) {2,}(.*)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def frames_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.png")
                  if "thumbnail" not in p.parts)


def test_two_runs_second_skips_every_unchanged_file(run_example, tmp_path):
    state = tmp_path / "state"
    port = free_port()
    first = run_example("run_demo.py", "--state-dir", state, "--port", port).check()
    lines = summary(first)
    assert lines["skipped"].startswith("0 of 8 assets")
    assert "(4 json files + 8 assets)" in lines["uploaded"]
    assert lines["frames done"] == "8 of 8, all 8 on disk"
    task_one = int(lines["task id"].split()[0])
    frames_dir = state / "frames" / "{0}_muti_layer_test".format(task_one)
    assert lines["frames"] == str(frames_dir)
    assert frames_in(frames_dir) == sorted(
        ["background/muti_layer_test.{0:04d}.png".format(n) for n in range(1, 6)]
        + ["characters/muti_layer_test.{0:04d}.png".format(n) for n in range(1, 4)])
    for phase in ("analyse muti_layer_test.ma", "upload", "render + download", "total"):
        assert re.search(r"^    {0} +\d+\.\d\d s$".format(re.escape(phase)), first.stdout,
                         re.M), phase

    second = run_example("run_demo.py", "--state-dir", state, "--port", port).check()
    lines = summary(second)
    assert lines["skipped"].startswith("8 of 8 assets")
    assert "in 4 files (4 json files + 0 assets)" in lines["uploaded"]
    assert lines["frames done"] == "8 of 8, all 8 on disk"
    assert int(lines["task id"].split()[0]) == task_one + 1
    assert "state kept from earlier runs" in second.stdout

    fresh = run_example("run_demo.py", "--state-dir", state, "--port", port,
                        "--fresh").check()
    assert summary(fresh)["skipped"].startswith("0 of 8 assets")


def test_taken_port_falls_back_and_says_why(run_example, tmp_path):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        port = busy.getsockname()[1]
        run = run_example("run_demo.py", "--state-dir", tmp_path / "state", "--port",
                          port).check()
    finally:
        busy.close()
    assert "port {0} is taken".format(port) in run.stdout
    assert summary(run)["frames done"] == "8 of 8, all 8 on disk"


def test_progress_bars_on_request(run_example, tmp_path):
    run = run_example("run_demo.py", "--state-dir", tmp_path / "state", "--port", free_port(),
                      "--progress").check()
    assert "upload files: 100%" in run.stderr
    assert "download files: 100%" in run.stderr
