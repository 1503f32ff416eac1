"""Worker processes that answer SPARQL queries, so that a query over its time limit can really
be stopped: pyoxigraph cannot cancel a running query, but a process can be killed.

Each worker loads the dataset into its own in-memory pyoxigraph store (union default graph).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from nkelections.errors import StoreError


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False


def open_store(nquads: Path) -> ox.Store:
    if not nquads.is_file():
        raise StoreError(f"{nquads} does not exist", hint="run `nkelections build` first")
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


def answer(store: ox.Store, text: str, accept: str | None, limit: int) -> Answer:
    from nkelections.store.results import negotiate, offered_for, write

    try:
        result = store.query(text, use_default_graph_as_union=True)
        offered = offered_for(result)
        media = negotiate(accept, offered)
        if media is None:
            return Answer(406, "text/plain; charset=utf-8",
                          ("acceptable types: " + ", ".join(offered) + "\n").encode())
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


def _work(nquads: str, conn, parent: int) -> None:
    threading.Thread(target=_orphan_watch, args=(parent,), daemon=True).start()
    store = open_store(Path(nquads))
    conn.send("ready")
    while True:
        try:
            text, accept, limit = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        conn.send(answer(store, text, accept, limit))


class QueryPool:
    """`workers` processes; run() waits at most `timeout` seconds for a free one and for its
    answer, and kills and replaces a worker whose query runs over."""

    def __init__(self, nquads: Path, workers: int = 2, timeout: float = 10.0):
        if not nquads.is_file():
            raise StoreError(f"{nquads} does not exist", hint="run `nkelections build` first")
        self.nquads, self.timeout = nquads, timeout
        self._ctx = mp.get_context("spawn")  # fork is unsafe in a threaded server
        self._idle: queue.Queue = queue.Queue()
        self._all: list = []
        self._lock = threading.Lock()
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self):
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_work, daemon=True,
                                    args=(str(self.nquads), child, os.getpid()))
        process.start()
        child.close()
        if not parent.poll(60) or parent.recv() != "ready":
            process.kill()
            raise StoreError("a query worker did not start")
        with self._lock:
            self._all.append(process)
        return process, parent

    def run(self, text: str, accept: str | None, limit: int) -> Answer:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer(503, "text/plain; charset=utf-8", b"the server is busy; try again\n")
        process, conn = worker
        try:
            conn.send((text, accept, limit))
            if conn.poll(self.timeout):
                result = conn.recv()
                self._idle.put(worker)
                return result
        except (EOFError, OSError):
            pass
        self._replace(process, conn)
        return Answer(503, "text/plain; charset=utf-8",
                      f"the query ran over the time limit of {self.timeout:g} s\n".encode())

    def _replace(self, process, conn) -> None:
        process.kill()
        process.join(5)
        conn.close()
        with self._lock:
            self._all.remove(process)
        threading.Thread(target=lambda: self._idle.put(self._start()), daemon=True).start()

    def close(self) -> None:
        with self._lock:
            for process in self._all:
                process.kill()
            for process in self._all:
                process.join(5)
            self._all.clear()
