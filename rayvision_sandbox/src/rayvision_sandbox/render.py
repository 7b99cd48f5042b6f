"""The simulated render nodes: a background thread that moves frames through their statuses.

Each task renders up to ``nodes`` frames at a time; a frame takes ``seconds_per_frame`` per
frame number it holds. A finished frame writes one PNG per frame number and a thumbnail into
the user's output storage under ``<taskId>_<sceneName>/``.
"""

import json
import logging
import threading

from rayvision_sandbox import constants as c
from rayvision_sandbox import framespec, png
from rayvision_sandbox.storage import bid_for
from rayvision_sandbox.store import dumps
from rayvision_sandbox.tasks import output_file_name, scene_base

LOGGER = logging.getLogger(__name__)

THUMBNAIL_FOLDER = "thumbnail"
MAX_IMAGE_SIDE = 320
MAX_THUMBNAIL_SIDE = 80


def scaled(width, height, longest):
    """``(w, h)`` with the same aspect and the longer side at most ``longest``."""
    width, height = max(1, int(width or 1920)), max(1, int(height or 1080))
    factor = min(1.0, float(longest) / max(width, height))
    return max(1, int(width * factor)), max(1, int(height * factor))


def frame_outputs(task, frame_layer, number):
    """``(image path, thumbnail path)`` of one frame number in the output storage."""
    top = output_file_name(task)
    base = scene_base(task["scene_name"])
    folder = framespec.layer_folder(frame_layer)
    name = "{0}.{1:04d}.png".format(base, number)
    return ("/{0}/{1}/{2}".format(top, folder, name),
            "/{0}/{1}/{2}/{3}".format(top, THUMBNAIL_FOLDER, folder, name))


def slate_lines(task, layer, number):
    """The slate of one frame: task id and scene, layer, camera, frame and resolution."""
    return ("TASK {0}  {1}".format(task["id"], task["scene_name"] or "-"),
            "LAYER {0}".format(layer or "-"),
            "CAMERA {0}".format(task["camera"] or "-"),
            "FRAME {0}  {1}x{2}".format(number, task["width"] or "?", task["height"] or "?"))


def slate_seed(layer):
    """A small number that differs between layers, so their frames differ in tint too."""
    return sum(bytearray(str(layer).encode("utf-8"))) % 23


def _over_time(task, now):
    """True when a task has rendered longer than its ``overTime`` allows."""
    return bool(task["over_time_stop"] and task["start_time"]
                and now - task["start_time"] > task["over_time_stop"])


class Renderer(object):
    """Background renderer of a farm.

    Args:
        store, storages, faults: The farm's parts.
        clock (callable): The farm's clock.
        seconds_per_frame (float): Simulated render time of one frame number.
        nodes (int): Frames of one task rendered at the same time.
        frame_logs (rayvision_sandbox.framelog.FrameLogs): Where node logs go (None: none).
    """

    def __init__(self, store, storages, faults, clock, seconds_per_frame, nodes=4,
                 frame_logs=None):
        self.store = store
        self.frame_logs = frame_logs
        self.storages = storages
        self.faults = faults
        self.clock = clock
        self.seconds_per_frame = float(seconds_per_frame)
        self.nodes = int(nodes)
        self._stop = threading.Event()
        self._thread = None
        self.tick = min(0.05, max(0.005, self.seconds_per_frame / 5.0))

    def start(self):
        """Start the background thread (frames left executing by a stop are re-queued)."""
        self.store.execute("UPDATE frames SET status=?, start_time=NULL WHERE status=?",
                           (c.FRAME_WAITING, c.FRAME_EXECUTING))
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rayvision-sandbox-renderer")
        self._thread.daemon = True
        self._thread.start()

    def stop(self):
        """Stop the background thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def _run(self):
        while not self._stop.wait(self.tick):
            try:
                self.step()
            except Exception:  # keep rendering whatever one bad row does
                LOGGER.exception("renderer step failed")

    def step(self):
        """Advance every active task once (also callable directly from tests)."""
        tasks = self.store.query(
            "SELECT * FROM tasks WHERE submitted=1 AND deleted=0 AND status IN (?, ?)",
            c.ACTIVE_STATUSES)
        for task in tasks:
            self._advance(task)

    def _advance(self, task):
        now = self.clock()
        if _over_time(task, now):
            with self.store.transaction() as store:
                # Read again: the user may have stopped or given the task up since the step
                # read it, and that wins over the time-out.
                current = store.query_one("SELECT * FROM tasks WHERE id=?", (task["id"],))
                if (current["status"] not in c.ACTIVE_STATUSES or current["deleted"]
                        or not _over_time(current, now)):
                    return
                store.execute("UPDATE frames SET status=? WHERE task_id=? AND status IN (?, ?)",
                              (c.FRAME_TIMEOUT, task["id"], c.FRAME_WAITING, c.FRAME_EXECUTING))
                store.execute("UPDATE tasks SET status=?, completed_date=? WHERE id=?",
                              (c.TIME_OUT_STOP, now, task["id"]))
            return
        frames = self.store.query("SELECT * FROM frames WHERE task_id=? ORDER BY ordinal",
                                  (task["id"],))
        for frame in frames:
            if frame["status"] != c.FRAME_EXECUTING:
                continue
            numbers = json.loads(frame["numbers"])
            if now - frame["start_time"] >= self.seconds_per_frame * len(numbers):
                self._finish(task, frame, numbers, now)
        self._schedule(task, now)

    def _finish(self, task, frame, numbers, now):
        failed = self.faults.frame_fails(numbers)
        outputs = []
        if not failed:
            bid = bid_for(task["user_id"], "output")
            width, height = scaled(task["width"], task["height"], MAX_IMAGE_SIDE)
            thumb_w, thumb_h = scaled(task["width"], task["height"], MAX_THUMBNAIL_SIDE)
            seed = slate_seed(frame["layer"])
            for number in numbers:
                image, thumbnail = frame_outputs(task, frame["layer"], number)
                lines = slate_lines(task, frame["layer"], number)
                self.storages.write_bytes(bid, image,
                                          png.slate_image(width, height, number, lines, seed))
                self.storages.write_bytes(bid, thumbnail,
                                          png.slate_image(thumb_w, thumb_h, number, lines, seed))
                outputs.append([image, thumbnail])
                self._log(task, frame, "wrote {0} ({1}x{2})".format(image, width, height), now)
        self._log(task, frame, "failed: the frame is set to fail (fault injection)" if failed
                  else "done in {0:.2f} s".format(now - frame["start_time"]), now)
        with self.store.transaction() as store:
            # A stop/abort while the images were written wins over the finished state.
            store.execute(
                "UPDATE frames SET status=?, end_time=?, outputs=? WHERE id=? AND status=?",
                (c.FRAME_FAILED if failed else c.FRAME_DONE, now, dumps(outputs), frame["id"],
                 c.FRAME_EXECUTING))

    def _log(self, task, frame, message, now):
        if self.frame_logs is not None:
            self.frame_logs.append(task["id"], frame["id"], message, now)

    def _schedule(self, task, now):
        with self.store.transaction() as store:
            current = store.query_one("SELECT * FROM tasks WHERE id=?", (task["id"],))
            if current["status"] not in c.ACTIVE_STATUSES or current["deleted"]:
                return
            frames = store.query("SELECT id, status, frame_type, layer, frame_index FROM frames "
                                 "WHERE task_id=? "
                                 "ORDER BY ordinal", (task["id"],))
            executing = sum(1 for frame in frames if frame["status"] == c.FRAME_EXECUTING)
            paused = current["pause_after_test"] and not current["test_released"]
            waiting = [frame for frame in frames if frame["status"] == c.FRAME_WAITING
                       and (not paused or frame["frame_type"] == c.FRAME_TYPE_PRIORITY)]
            for frame in waiting[:max(0, self.nodes - executing)]:
                store.execute("UPDATE frames SET status=?, start_time=?, end_time=NULL "
                              "WHERE id=?", (c.FRAME_EXECUTING, now, frame["id"]))
                self._log(current, frame, "node {0}: render layer {1}, camera {2}, frame {3}"
                          .format(executing + 1, frame["layer"], current["camera"] or "-",
                                  frame["frame_index"]), now)
                executing += 1
            if executing:
                if current["status"] != c.RENDERING or not current["start_time"]:
                    store.execute("UPDATE tasks SET status=?, start_time=COALESCE(start_time, ?)"
                                  " WHERE id=?", (c.RENDERING, now, task["id"]))
                return
            left = [frame for frame in frames if frame["status"] == c.FRAME_WAITING]
            if left and paused:
                store.execute("UPDATE tasks SET status=? WHERE id=?",
                              (c.FINISHED_TEST, task["id"]))
                return
            if left:
                return
            statuses = [frame["status"] for frame in frames]
            failed = statuses.count(c.FRAME_FAILED)
            if not statuses or failed == len(statuses):
                status = c.FAILED
            elif failed:
                status = c.FINISHED_HAS_FAILED
            else:
                status = c.FINISHED
            store.execute("UPDATE tasks SET status=?, completed_date=? WHERE id=?",
                          (status, now, task["id"]))
