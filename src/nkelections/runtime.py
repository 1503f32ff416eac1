"""How the large steps run in this interpreter."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run without Python's cycle collector. The build, the SHACL engine and the network index
    make millions of small containers (tuples, terms, rows, value sets) that live on and form
    no cycles; the collector walks all those still alive each time their number grows by a
    quarter, again and again: a fifth to a third of a full election's run (bench/generate.py,
    scale 1: the build 32 s of CPU with it, 26 s without). Reference counting still frees as
    usual, and the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
