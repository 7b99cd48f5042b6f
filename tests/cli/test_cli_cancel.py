"""Ctrl-C and SIGTERM cancel a running ``rayvision`` command through its cancel token: it
ends within a second with exit code 130 and one ``interrupted`` error, never a traceback
(docs/cli.md, "Exit codes")."""

import json
import os
import signal
import time

import pytest
from cli_helpers import MAYA_SCENE

from rayvision_cli import exit_codes
from rayvision_cli.interrupts import Interrupts
from rayvision_sandbox import Sandbox

# The documented contract: a cancelled operation stops within this many seconds.
CANCEL_BOUND = 1.0


@pytest.fixture(scope="module")
def slow_farm(tmp_path_factory):
    """Frames take 5 s: a task keeps rendering for the whole test."""
    with Sandbox(data_dir=str(tmp_path_factory.mktemp("slow-farm")),
                 seconds_per_frame=5.0) as running:
        yield running


@pytest.fixture
def slow_task(cli, slow_farm):
    created = cli("--domain", slow_farm.domain, "--platform", slow_farm.platform,
                  "--protocol", "http", "--access-id", slow_farm.access_id, "config", "create",
                  "slow", "--access-key-stdin", input=slow_farm.access_key + "\n")
    assert created.code == 0, created
    submitted = cli("--profile", "slow", "-q", "submit", MAYA_SCENE, "--frames", "1-50",
                    "--layers", "background")
    assert submitted.code == 0, submitted
    task_id = submitted.out.strip().splitlines()[-1]
    yield task_id
    cli("--profile", "slow", "stop", task_id)


def _run_until(process, wanted):
    """Read JSON events until ``wanted(event)``; return the events read."""
    events = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        events.append(json.loads(line))
        if wanted(events[-1]):
            return events
    process.kill()
    raise AssertionError("the command never got there: {0}".format(events))


def _interrupt(process, signum):
    """Send ``signum``; return (seconds to the ``error`` event, events after it, stderr).

    The bound is on the command reporting that it stopped; the interpreter's own exit
    after that is the operating system's business (checked with a generous timeout).
    """
    process.send_signal(signum)
    sent = time.monotonic()
    events = []
    reported = None
    for line in process.stdout:
        events.append(json.loads(line))
        if reported is None and events[-1]["event"] == "error":
            reported = time.monotonic() - sent
    err = process.stderr.read()
    process.wait(timeout=30)
    assert reported is not None, (events, err)
    return reported, events, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_wait_is_cancelled_by_a_signal(cli, slow_task, signum):
    process = cli.popen("--json", "--profile", "slow", "wait", slow_task, "--interval", "30")
    _run_until(process, lambda event: event["event"] == "task")
    seconds, events, err = _interrupt(process, signum)
    assert process.returncode == exit_codes.INTERRUPTED, (events, err)
    assert seconds < CANCEL_BOUND
    assert "Traceback" not in err
    error = [event for event in events if event["event"] == "error"]
    assert [event["kind"] for event in error] == ["interrupted"]
    assert "wait for task {0} was cancelled".format(slow_task) in error[0]["message"]
    assert events[-1] == dict(events[-1], event="end", exit_code=exit_codes.INTERRUPTED)


def test_sync_output_is_cancelled_between_passes(cli, slow_task, tmp_path):
    status = tmp_path / "status.json"
    process = cli.popen("--json", "--profile", "slow", "sync-output", slow_task, "--dest",
                        str(tmp_path / "frames"), "--interval", "30", "--status-file",
                        str(status))
    _run_until(process, lambda event: event["event"] == "lock" and
               event.get("state") == "released")
    seconds, events, err = _interrupt(process, signal.SIGINT)
    assert process.returncode == exit_codes.INTERRUPTED, (events, err)
    assert seconds < CANCEL_BOUND
    assert "Traceback" not in err
    assert json.loads(status.read_text())["state"] == "interrupted"


def test_interrupts_cancel_first_then_interrupt_the_main_thread_and_restore_handlers():
    previous = signal.getsignal(signal.SIGINT)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with Interrupts(force_after=0.3) as interrupts:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs in the main thread
            assert interrupts.token.cancelled
            assert interrupts.token.reason == "interrupted by SIGINT"
            # Work the token does not reach is interrupted once the grace period is over.
            time.sleep(20)
    assert time.monotonic() - started < 10
    assert signal.getsignal(signal.SIGINT) is previous


def test_interrupts_leave_an_ignored_signal_ignored():
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with Interrupts() as interrupts:
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGINT) == interrupts._handle
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)
