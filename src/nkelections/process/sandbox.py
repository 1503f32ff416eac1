"""Run untrusted work (a user's SPARQL) where it can neither reach the network nor take the
caller down: a forked child with a time limit, a large stack, and no network.

A query can segfault an engine (Oxigraph's parser recurses once per nesting level or operator:
5,000 nested groups overflow an 8 MB stack), recurse past Python's limit (rdflib), or run for
ever (a cartesian product). In a child each of these is one line for the user, and the
caller goes on.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable

from nkelections.errors import NkeError, QueryError

STACK_BYTES = 512 << 20  # reserved address space; pages are only used as deep parses need
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


def cut_off_network() -> bool:
    """Move this process into a fresh network namespace, which has no interface but a down
    loopback: every connect fails, whatever the code asks. Needs a single-threaded process.
    False where the system refuses (no user namespaces), and nothing changed."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    for flags in (_CLONE_NEWUSER | _CLONE_NEWNET, _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False


def limit_memory(share: float) -> None:
    """Cap this process's address space at share of the machine's memory (at least 2 GiB), so
    that a query that grows without end fails in its own process, not the machine."""
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        cap = max(int(physical * share), 2 << 30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):
        pass  # no limit where the system has none to give


def with_big_stack(fn: Callable, *args):
    """fn(*args) on a thread with a STACK_BYTES stack; its value, or its exception raised."""
    outcome: list = []

    def target():
        try:
            outcome.append((True, fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller
            outcome.append((False, exc))

    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def run_isolated(
    fn: Callable, args: tuple, *, timeout: float, network: bool = False, what: str = "the query"
):
    """fn(*args) in a forked child without network (unless network), on a big stack, for at
    most timeout seconds. Its value (picklable) or its NkeError comes back; a crash, a
    time-out or any other exception becomes one QueryError."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(fn, args, write, network)
    os.close(write)
    try:
        data = _read_within(read, timeout, pid, what)
    finally:
        os.close(read)
    _, status = os.waitpid(pid, 0)
    if not data:
        raise QueryError(
            f"{what} crashed the engine ({_how(status)})",
            hint="simplify it: less nesting, shorter expressions or paths",
        )
    ok, value = pickle.loads(data)
    if not ok:
        raise value
    return value


def _child(fn: Callable, args: tuple, write: int, network: bool) -> None:
    faulthandler.disable()  # a crash is reported by the parent, in one line
    try:
        if not network:
            cut_off_network()
        limit_memory(0.5)
        outcome = (True, with_big_stack(fn, *args))
    except NkeError as exc:
        outcome = (False, exc)
    except RecursionError:
        outcome = (
            False,
            QueryError(
                "the query nests too deeply for the engine",
                hint="simplify it: less nesting, shorter expressions",
            ),
        )
    except MemoryError:
        outcome = (
            False,
            QueryError(
                "the query needs more memory than there is",
                hint="add a LIMIT or narrow the patterns",
            ),
        )
    except BaseException as exc:  # noqa: BLE001 - one line for the user, never a traceback
        outcome = (
            False,
            QueryError(
                f"the engine failed: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            ),
        )
    try:
        data = pickle.dumps(outcome)
    except Exception:  # noqa: BLE001 - a value pickle cannot carry
        data = pickle.dumps((False, QueryError("the engine's answer cannot be handed back")))
    with contextlib.suppress(OSError), os.fdopen(write, "wb") as out:
        out.write(data)
    os._exit(0)


def _read_within(read: int, timeout: float, pid: int, what: str) -> bytes:
    """All the child writes, or kill it when the time is up."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([read], [], [], max(left, 0))
        if not ready:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise QueryError(
                f"{what} ran over the time limit of {timeout:g} s",
                hint="raise --timeout"
                + (", or add a LIMIT or narrower patterns" if what == "the query" else ""),
            )
        chunk = os.read(read, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(number).name}"
        return f"killed by signal {number}"
    return f"exit status {os.WEXITSTATUS(status)}"
