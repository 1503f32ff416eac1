"""How the large steps run in this interpreter."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from nkelections.errors import BuildError


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


class Forked:
    """fn(*args) running in a forked copy of this process, on the other core, while this one
    goes on; `result()` waits and returns its (picklable) value or raises its exception.

    A fork shares the parent's memory copy-on-write, so a step that reads the whole built graph
    (the VoID counts, the JSON-LD writer) starts at once, with nothing to pickle but its small
    result. Where fork is missing, or threads run (a fork copies only the calling thread, and
    any lock another one held stays locked), fn runs here and now instead."""

    def __init__(self, fn: Callable, *args) -> None:
        self.pid = 0
        self.done: tuple[bool, Any] | None = None  # (True, value) or (False, exception)
        if not hasattr(os, "fork") or threading.active_count() > 1:
            self.done = _outcome(fn, args)
            return
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: report through the pipe, then leave without cleanups
            os.close(read)
            with os.fdopen(write, "wb") as out:
                out.write(_pickled(_outcome(fn, args)))
            os._exit(0)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")

    def result(self):
        if self.done is None:
            with self.pipe:
                data = self.pipe.read()  # before waiting: a full pipe would block the child
            os.waitpid(self.pid, 0)
            self.pid = 0
            self.done = pickle.loads(data) if data else (False, _died())
        ok, value = self.done
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """Kill the child if it still runs (the caller failed and will not ask for result)."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
            self.pipe.close()


def _died() -> BuildError:
    return BuildError(
        "a worker process died without an answer",
        hint="check free memory, then run the command again",
    )


def _outcome(fn: Callable, args: tuple) -> tuple[bool, object]:
    try:
        return True, fn(*args)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        return False, exc


def _pickled(outcome: tuple[bool, object]) -> bytes:
    try:
        return pickle.dumps(outcome)
    except Exception:  # noqa: BLE001 - a value or an exception pickle cannot carry: say what
        ok, value = outcome
        text = str(value) if not ok else f"cannot hand back a {type(value).__name__}"
        return pickle.dumps((False, BuildError(text)))
