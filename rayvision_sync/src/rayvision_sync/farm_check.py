"""The sampled farm check of a run a summary may vouch for, started before the lookup.

The HEAD requests wait on the farm while this process computes the list's digest and looks
the summary up; when the summary does not hold, their answers are not used.
"""

from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, Callable, List, Optional


class FarmChecks(object):
    """HEAD requests for some storage paths, running in the background.

    Args:
        stored_size (callable): ``stored_size(server)``: the size the farm holds (None:
            absent, -1: unknown).
        servers (list[str]): The storage paths to ask about.
        workers (int): Requests at once.
    """

    def __init__(self, stored_size: Callable[[str], Optional[int]], servers: List[str],
                 workers: int) -> None:
        self._futures: List[Any] = []
        if servers:
            pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(servers))))
            self._futures = [pool.submit(stored_size, server) for server in servers]
            pool.shutdown(wait=False)

    def sizes(self) -> List[Optional[int]]:
        """The answers, in order (waits for the requests still running)."""
        return [future.result() for future in self._futures]

    def settle(self) -> None:
        """Wait for requests whose answers are not used (none may outlive the job).

        The job closes every connection of its threads when it ends.
        """
        wait(self._futures)
