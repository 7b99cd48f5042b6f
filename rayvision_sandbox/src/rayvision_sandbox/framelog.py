"""Per-frame render logs of the simulated nodes, under ``<data_dir>/logs/<taskId>/``.

The renderer appends a line when a frame starts, for each image it writes and when it ends;
a frame rendered again appends to the same log, as a farm's node log does.
"""

import os
import time


class FrameLogs(object):
    """Render logs of every frame of a farm.

    Args:
        root (str): ``<data_dir>/logs``.
    """

    def __init__(self, root) -> None:
        self.root = root

    def path(self, task_id, frame_id):
        """Local file of one frame's log."""
        return os.path.join(self.root, str(int(task_id)), "{0}.log".format(int(frame_id)))

    def append(self, task_id, frame_id, message, when=None) -> None:
        """Add one time-stamped line to a frame's log."""
        path = self.path(task_id, frame_id)
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            os.makedirs(folder, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(
            time.time() if when is None else when))
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(u"[{0}] {1}\n".format(stamp, message))

    def read(self, task_id, frame_id):
        """The whole log of a frame ('' before it first started)."""
        try:
            with open(self.path(task_id, frame_id), encoding="utf-8") as handle:
                return handle.read()
        except OSError:
            return ""
