"""Worker processes: one way to start them, for every command that has them.

Where the platform can fork, workers are forked from a process that has already
imported and compiled what they need (``warm``): each would otherwise import the
loader, the model and the rules and compile the schemas on its own, which costs
more than a hundred files' checking. A worker ends itself when the process that
started it is gone (killed, say), so that no worker is left behind holding the
command's output open.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

# How often a worker looks for the process that started it, in seconds.
WATCH_EVERY = 0.5


def pool(jobs: int, warm: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end with the one starting them;
    ``warm`` is run here first, so that forked workers start with its work done."""
    context = None
    # Forking a process that runs other threads can copy a held lock: then the
    # platform's default start method is used, and each worker warms itself.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        if warm is not None:
            warm()
        context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_watch, initargs=(os.getpid(),)
    )


def _watch(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="pcontract-parent-watch", daemon=True).start()
