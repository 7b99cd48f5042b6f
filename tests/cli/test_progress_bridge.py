"""``ProgressBridge``: the ``progress`` events of several transfer jobs in one command."""

import io
import json
import time

from rayvision_cli.events import Output, Rate
from rayvision_cli.progress import ProgressBridge
from rayvision_sync.progress import ProgressEvent


def _event(kind, bytes_done, bytes_total=1000000):
    return ProgressEvent(kind=kind, direction="download", files_done=0, files_total=2,
                         bytes_done=bytes_done, bytes_total=bytes_total)


def test_a_new_job_does_not_make_the_rate_negative():
    # ``download 1 2``: one job per output folder, each counting its bytes from 0.
    stream = io.StringIO()
    bridge = ProgressBridge(Output(json_mode=True, stdout=stream), "download")
    bridge.rate = Rate(window=0.05)  # the 5 s window, shortened
    for done in (0, 400000, 800000):
        bridge(_event("job_start" if done == 0 else "bytes", done))
        time.sleep(0.06)
    bridge(_event("job_done", 1000000))
    bridge(_event("job_start", 0, 500000))
    time.sleep(0.3)
    bridge(_event("bytes", 100000, 500000))
    bridge(_event("job_done", 500000, 500000))
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    rates = [event["rate"] for event in events if event["event"] == "progress"]
    assert len(rates) >= 4 and all(rate >= 0 for rate in rates), rates
