"""Python's cycle collector, paused while a command holds many documents."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the block without the cycle collector.

    A command that keeps every document it reads (diff both versions of each
    contract, cascade each unit's draft) makes every full collection walk all of
    them, again and again: a third of its CPU for 1,000 files. validate and rank
    keep a summary of every file, and their forked workers start paused too: about
    a twelfth of validate's CPU for 20,000 files. Documents are trees of dicts and
    lists, freed by reference counting; what little forms cycles is collected once
    the collector runs again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
