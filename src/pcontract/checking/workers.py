"""Worker processes: one way to start them, for every command that has them.

A worker ends itself when the process that started it is gone (killed, say), so
that no worker is left behind holding the command's output open.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

# How often a worker looks for the process that started it, in seconds.
WATCH_EVERY = 0.5


def pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end with the one starting them."""
    return ProcessPoolExecutor(max_workers=jobs, initializer=_watch, initargs=(os.getpid(),))


def _watch(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="pcontract-parent-watch", daemon=True).start()
