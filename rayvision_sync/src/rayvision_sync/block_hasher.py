"""A running digest fed from a helper thread, so hashing overlaps reading and sending.

``hashlib`` releases the GIL while it hashes a large buffer, so one thread can hash block
``n`` while the sending thread reads block ``n + 1`` and hands block ``n`` to the socket.
Blocks are hashed in the order they were given; a buffer comes back for reuse only once it
is hashed, so a few buffers bound the memory held.
"""

import queue
import threading
from typing import Any, Optional


class BackgroundHasher(object):
    """Hashes blocks of reused buffers in a helper thread, in order.

    Args:
        digest: A ``hashlib`` object, updated with every block given.
        buffer_size (int): Size of each buffer.
        buffers (int): How many buffers circulate (at least 2).
    """

    def __init__(self, digest: Any, buffer_size: int, buffers: int = 3) -> None:
        self.digest = digest
        self._free: queue.Queue = queue.Queue()
        for _ in range(max(2, buffers)):
            self._free.put(memoryview(bytearray(buffer_size)))
        self._todo: queue.Queue = queue.Queue()
        self._thread: Optional[threading.Thread] = threading.Thread(
            target=self._run, name="rayvision-upload-hasher")
        self._thread.daemon = True
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._todo.get()
            if item is None:
                return
            buffer, count = item
            self.digest.update(buffer[:count])
            self._free.put(buffer)

    def buffer(self) -> memoryview:
        """An empty buffer (waits until one was hashed)."""
        return self._free.get()

    def update(self, buffer: memoryview, count: int) -> memoryview:
        """Hash the first ``count`` bytes of ``buffer`` (later, in order); returns them."""
        self._todo.put((buffer, count))
        return buffer[:count]

    def give_back(self, buffer: memoryview) -> None:
        """Return a buffer that was not filled."""
        self._free.put(buffer)

    def close(self) -> None:
        """Wait until every block given is in the digest, and stop the helper thread."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._todo.put(None)
            thread.join()
