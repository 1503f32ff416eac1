"""Worker processes that answer SPARQL queries, so that a query over its time limit can really
be stopped: pyoxigraph cannot cancel a running query, but a process can be killed.

Each worker opens the on-disk store (dist/store/, the one `nkelections query` reads) read-only:
the workers share it through the operating system's page cache instead of each holding a copy
of the dataset in memory (a full election's N-Quads took about 1.5 GiB per worker). Only where
dist/ cannot hold the store does a worker load the N-Quads into memory. Queries see the union
default graph. A worker checks and runs each query itself (guard.py, on a large stack): nothing
a client sends is parsed in the server, so no query can hold up the others beyond its worker.
Unless SERVICE is allowed, a worker also has no network (sandbox.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from nkelections.errors import StoreError
from nkelections.process.sandbox import cut_off_network, limit_memory, with_big_stack
from nkelections.query.guard import Refused, check

SLOW = 0.25  # seconds a query runs at the usual CPU priority
WARM_UP = "ASK {}"  # answered once before a worker says it is ready


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    retry_after: int | None = None  # seconds, for a 503 that a client may try again after


BUSY = Answer(503, "text/plain; charset=utf-8", b"the server is busy; try again\n", retry_after=1)


def store_location(dist: Path) -> Path:
    """dist/store/, indexed from the N-Quads first if the build left none; the N-Quads file
    itself where dist/ cannot be written (then each opener loads it into memory)."""
    from nkelections.layout import nquads, store_dir
    from nkelections.query.embedded import ensure_index

    return store_dir(dist) if ensure_index(dist) else nquads(dist)


def open_store(location: Path) -> ox.Store:
    """The on-disk store at location read-only, or an N-Quads file loaded into memory."""
    if location.is_dir():
        from nkelections.query.embedded import open_store as open_on_disk

        return open_on_disk(location)
    nquads = location
    if not nquads.is_file():
        raise StoreError(f"{nquads} does not exist", hint="run `nkelections build` first")
    store = ox.Store()
    try:
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError) as exc:
        raise StoreError(
            f"cannot read the N-Quads: {' '.join(str(exc).split())[:300]}",
            where=str(nquads),
            hint="run `nkelections build` again",
        ) from None
    return store


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())


def answer(
    store: ox.Store, text: str, accept: str | None, limit: int, allow_service: bool = False
) -> Answer:
    """The HTTP answer to one query: refused, failed, or its results in a negotiated type."""
    try:
        check(text, allow_service)
        return _run(store, text, accept, limit)
    except Refused as exc:
        return _text(exc.status, str(exc))
    except RecursionError:
        return _text(400, "the query nests too deeply for the engine")
    except RuntimeError as exc:  # Oxigraph's evaluation errors, e.g. an unbound SERVICE name
        return _text(400, f"the query cannot run: {exc}")
    except MemoryError:
        return _text(500, "the query needs more memory than the worker has")
    except Exception as exc:  # noqa: BLE001 - the client gets one line, the worker lives on
        return _text(500, f"the query failed: {type(exc).__name__}: {exc}"[:500])


def _run(store: ox.Store, text: str, accept: str | None, limit: int) -> Answer:
    from nkelections.publish.answers import negotiate, offered_for, write

    try:
        result = store.query(text, use_default_graph_as_union=True)
        offered = offered_for(result)
        media = negotiate(accept, offered)
        if media is None:
            return Answer(
                406,
                "text/plain; charset=utf-8",
                ("acceptable types: " + ", ".join(offered) + "\n").encode(),
            )
        body, cut = write(result, media, limit)
    except SyntaxError as exc:
        return Answer(400, "text/plain; charset=utf-8", f"syntax error: {exc}\n".encode())
    except OSError as exc:
        return Answer(500, "text/plain; charset=utf-8", f"query failed: {exc}\n".encode())
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
    return Answer(200, media + charset, body, cut)


def _orphan_watch(parent: int) -> None:
    """Exit when the server is gone, even if it was killed without closing our pipe."""
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def _work(nquads: str, conn, parent: int, allow_service: bool, share: float) -> None:
    isolated = allow_service or cut_off_network()  # first: it needs a single thread
    limit_memory(share)
    threading.Thread(target=_orphan_watch, args=(parent,), daemon=True).start()
    store: ox.Store | str  # the store, or why it cannot be opened
    try:
        store = open_store(Path(nquads))
    except StoreError as exc:
        store = str(exc)
    try:
        if isinstance(store, str):
            return conn.send(store)
        answer(store, WARM_UP, None, 1)  # the writers' imports, before the first client waits
        conn.send("ready" if isolated else "ready, with network")
        while True:
            text, accept, limit = conn.recv()
            conn.send(with_big_stack(_demoted_when_slow, store, text, accept, limit, allow_service))
    except (EOFError, OSError, KeyboardInterrupt):  # the server has gone or closed the pool
        return


def _demoted_when_slow(*args) -> Answer:
    """answer(*args), at the lowest CPU priority once it has run SLOW seconds: a hostile query
    then slows the server's other work (the HTTP threads, the other workers) hardly at all
    until its time limit kills it. Only this query's thread is demoted; the next query runs
    on a new thread at the usual priority."""
    timer = threading.Timer(SLOW, _lowest_priority, args=(threading.get_native_id(),))
    timer.daemon = True
    timer.start()
    try:
        return answer(*args)
    finally:
        timer.cancel()


def _lowest_priority(thread_id: int) -> None:
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread_id, 19)  # a thread's own nice value on Linux


class QueryPool:
    """`workers` processes; run() waits at most `queue_timeout` seconds for a free one and
    `timeout` for its answer, and kills and replaces a worker whose query runs over. The two
    differ: under a hundred clients a query can wait longer for its turn than any query may
    run, and answering it "busy" then would fail clients the server could still serve."""

    def __init__(
        self,
        nquads: Path,
        workers: int = 2,
        timeout: float = 10.0,
        allow_service: bool = False,
        queue_timeout: float = 60.0,
    ):
        """nquads: what each worker opens (store_location): the on-disk store, or an N-Quads
        file."""
        if not nquads.exists():
            raise StoreError(f"{nquads} does not exist", hint="run `nkelections build` first")
        self.nquads, self.timeout, self.allow_service = nquads, timeout, allow_service
        self.queue_timeout = queue_timeout
        self.networked = False  # whether a worker could not be cut off from the network
        self.memory_share = 1 / (workers + 2)  # of the machine's memory, per worker
        self._ctx = mp.get_context("spawn")  # fork is unsafe in a threaded server
        self._idle: queue.Queue = queue.Queue()
        self._all: list = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            for _ in range(workers):
                self._idle.put(self._start())
        except StoreError:
            self.close()
            raise

    def _start(self):
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_work,
            daemon=True,
            args=(str(self.nquads), child, os.getpid(), self.allow_service, self.memory_share),
        )
        process.start()
        child.close()
        try:
            status = parent.recv() if parent.poll(120) else "no answer in 120 s"
        except (EOFError, OSError):
            status = "it exited at once"
        if not status.startswith("ready"):
            process.kill()
            raise StoreError(f"a query worker did not start: {status}")
        self.networked |= status != "ready"
        with self._lock:
            if self._closed:  # a replacement that finished starting after close()
                process.kill()
                raise StoreError("the pool is closed")
            self._all.append(process)
        return process, parent

    def run(self, text: str, accept: str | None, limit: int) -> Answer:
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            return BUSY
        process, conn = worker
        try:
            conn.send((text, accept, limit))
            if conn.poll(self.timeout):
                result = conn.recv()
                self._idle.put(worker)
                return result
            failure = _text(503, f"the query ran over the time limit of {self.timeout:g} s")
        except (EOFError, OSError):  # the worker died: a crash, not a time-out
            process.join(2)
            failure = _text(
                500,
                f"the query crashed its worker ({_death(process.exitcode)}): "
                "it nests too deeply or needs too much memory; simplify it",
            )
        self._replace(process, conn)
        return failure

    def _replace(self, process, conn) -> None:
        process.kill()
        process.join(5)
        conn.close()
        with self._lock:
            self._all.remove(process)
        threading.Thread(target=self._restart, daemon=True).start()

    def _restart(self) -> None:
        try:
            self._idle.put(self._start())
        except StoreError as exc:  # one worker fewer; the others go on
            if not self._closed:
                print(f"nkelections serve: {exc}", file=sys.stderr, flush=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for process in self._all:
                process.kill()
            for process in self._all:
                process.join(5)
            self._all.clear()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"
