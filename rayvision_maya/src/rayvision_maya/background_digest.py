"""A hash computed in a background thread from blocks another loop is reading anyway.

``hashlib`` releases the GIL while it hashes a large block, so the scene's md5 runs on a
second core while the reader's regular expressions run on the first: one pass over the
file, and the hash costs (almost) no wall time on a machine with two cores.
"""

import hashlib
import threading

try:
    import queue
except ImportError:  # Python 2
    import Queue as queue

# Blocks waiting for the hash thread: bounds the memory held for it.
_MAX_PENDING = 4


class BackgroundDigest(object):
    """Feed blocks with :meth:`update`; :meth:`hexdigest` waits for the thread and answers.

    Use it as a context manager: leaving the block (also on an error) stops the thread.

    Args:
        hash_name (str): A :mod:`hashlib` name, e.g. ``"md5"``.
    """

    def __init__(self, hash_name):
        self._digest = hashlib.new(hash_name)
        self._queue = queue.Queue(maxsize=_MAX_PENDING)
        self._result = None
        self._thread = threading.Thread(target=self._work, name="scene-hash")
        self._thread.daemon = True
        self._thread.start()

    def _work(self):
        while True:
            block = self._queue.get()
            if block is None:
                return
            self._digest.update(block)

    def update(self, block):
        """Hash ``block`` (bytes) after the blocks given before it."""
        if self._result is not None:
            raise ValueError("hexdigest() was already called")
        self._queue.put(block)

    def hexdigest(self):
        """Hex digest of every block given; no more blocks may follow."""
        if self._result is None:
            self._finish()
            self._result = self._digest.hexdigest()
        return self._result

    def _finish(self):
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def close(self):
        """Stop the thread (what was hashed so far is dropped)."""
        self._finish()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
