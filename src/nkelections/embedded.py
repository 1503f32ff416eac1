"""The persistent embedded store: pyoxigraph's on-disk (RocksDB) store under dist/store/.

`nkelections build` writes it once; queries then open it read-only and need no reparse. The
named graphs are kept; queries see their union as the default graph, as in the rdflib engine.
"""

from __future__ import annotations

import gc
import itertools
import shutil
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from nkelections.errors import StoreError
from nkelections.query import Engine, Query, Result, from_oxigraph, oxigraph_syntax_error

STORE_DIR = "store"
NQUADS = "nkelections.nq"
LOAD_CHUNK_LINES = 250_000


def write_store(source, target: Path) -> Path:
    """Write a dataset to a fresh store at target, replacing any old one in one rename.

    source is an rdflib Dataset or the path of an N-Quads file (the build passes the file it
    has just written, so the graph is not serialized twice). The new store is filled in a
    sibling folder first, so a failure leaves the old one intact.
    """
    return replace_store(fill_new_store(source, target), target)


class StoreFiller:
    """A new store beside target, filled in a thread of its own from N-Quads text as the build
    assembles it (build.build_graph's sink), so that loading overlaps the assembling and the
    writing of the files. pyoxigraph's loader releases the GIL; at most QUEUED pieces of text
    wait for it, so memory stays bounded when the build is faster than the store. `finish`
    compacts the store once `close`d, and `finish` returns its folder for `replace_store`."""

    QUEUED = 4

    def __init__(self, target: Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        self.staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
        self.store: ox.Store | None = ox.Store(str(self.staging))
        self.pool = ThreadPoolExecutor(max_workers=1)  # one worker: pieces load in order
        self.slots = threading.BoundedSemaphore(self.QUEUED)
        self.jobs: list[Future] = []

    def load(self, nquads: str) -> None:
        self.slots.acquire()
        self.jobs.append(self.pool.submit(self._load, nquads.encode("utf-8")))

    def _load(self, data: bytes) -> None:
        try:
            self.store.bulk_load(data, ox.RdfFormat.N_QUADS)
        finally:
            self.slots.release()

    def close(self) -> None:
        """Every quad has been handed over: compact the store in the thread once it is
        loaded, while the caller goes on (writing the files)."""
        self.jobs.append(self.pool.submit(_compact, self.store))

    def finish(self) -> Path:
        """Wait for the loading (and the compaction, if closed) and return the folder."""
        try:
            for job in self.jobs:
                job.result()  # re-raises a piece's error
            self.store = None
            gc.collect()  # the RocksDB handle closes when the last reference goes
            return self.staging
        except (OSError, SyntaxError) as exc:
            self.abandon()
            raise StoreError(f"cannot write the store: {exc}", where=str(self.target)) from exc
        finally:
            self.pool.shutdown()

    def abandon(self) -> None:
        """Stop, and remove the half-filled store."""
        self.pool.shutdown(cancel_futures=True)
        self.store = None
        gc.collect()
        shutil.rmtree(self.staging, ignore_errors=True)


def _compact(store: ox.Store) -> None:
    # Each bulk load leaves its own files; compacting them halves the time of the joins
    # that read the store later (cq-27 at 1x: 35 s before, 17 s after, bench/inprocess.py).
    store.optimize()
    store.flush()


def fill_new_store(source, target: Path) -> Path:
    """A new store beside target, filled from source; `replace_store` then puts it in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        store = ox.Store(str(staging))
        if isinstance(source, Path):
            _bulk_load_in_chunks(store, source)
        else:
            store.bulk_load(source.serialize(format="nquads", encoding="utf-8"),
                            ox.RdfFormat.N_QUADS)
        _compact(store)
        del store
        gc.collect()  # the RocksDB handle closes when the object goes
        return staging
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"cannot write the store: {exc}", where=str(target)) from exc


def _bulk_load_in_chunks(store: ox.Store, nquads: Path) -> None:
    """Load an N-Quads file a quarter of a million lines at a time. In one call pyoxigraph's
    bulk loader held about 0.7 KB per quad (1.1 GB for a full election); in chunks its memory
    stays bounded whatever the size, at about the same speed (bench/RESULTS.md)."""
    with nquads.open("rb") as lines:
        while chunk := list(itertools.islice(lines, LOAD_CHUNK_LINES)):
            store.bulk_load(b"".join(chunk), ox.RdfFormat.N_QUADS)


def replace_store(staging: Path, target: Path) -> Path:
    """Put a store made by fill_new_store in place of target, in one rename."""
    try:
        _swap(staging, target)
    except OSError as exc:
        raise StoreError(f"cannot write the store: {exc}", where=str(target)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _swap(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def open_store(path: Path) -> ox.Store:
    """The store at path, read-only."""
    if not (path / "CURRENT").is_file():
        raise StoreError(f"no store at {path}", hint="run `nkelections build`")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store: {exc}", where=str(path),
                         hint="run `nkelections build` to rewrite it") from exc


def load_nquads(path: Path) -> ox.Store:
    """An in-memory store loaded from an N-Quads file."""
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"cannot load {path}: {exc}", hint="run `nkelections build`") from exc
    return store


class OxigraphEngine(Engine):
    """pyoxigraph: the on-disk store, or an in-memory one loaded from N-Quads."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, source: str = ""):
        self.store = store
        self.source = source

    @classmethod
    def from_dist(cls, dist: Path) -> OxigraphEngine:
        """dist/store/ when it is there, else dist/nkelections.nq loaded into memory."""
        if (dist / STORE_DIR / "CURRENT").is_file():
            return cls(open_store(dist / STORE_DIR), str(dist / STORE_DIR))
        if (dist / NQUADS).is_file():
            return cls(load_nquads(dist / NQUADS), str(dist / NQUADS))
        raise StoreError(f"neither {dist / STORE_DIR} nor {dist / NQUADS} exists",
                         hint="run `nkelections build` first")

    @classmethod
    def in_memory(cls, dist: Path) -> OxigraphEngine:
        """dist/nkelections.nq loaded into an in-memory store: for a long-lived process that
        asks many questions. Loading costs seconds at scale (about 9 s for two million quads);
        each join is then a hash-map lookup, not a RocksDB read, about ten times faster on the
        queries that list every row of a kind (bench/RESULTS.md)."""
        if not (dist / NQUADS).is_file():
            raise StoreError(f"no {dist / NQUADS}", hint="run `nkelections build` first")
        return cls(load_nquads(dist / NQUADS), str(dist / NQUADS))

    @classmethod
    def from_dataset(cls, dataset) -> OxigraphEngine:
        store = ox.Store()
        store.bulk_load(dataset.serialize(format="nquads", encoding="utf-8"),
                        ox.RdfFormat.N_QUADS)
        return cls(store, "memory")

    def run(self, query: Query) -> Result:
        try:
            answer = self.store.query(query.text, use_default_graph_as_union=True)
            return from_oxigraph(answer, query.form)
        except SyntaxError as exc:
            raise oxigraph_syntax_error(query, exc) from exc
        except OSError as exc:
            raise StoreError(f"the store failed: {exc}", where=self.source) from exc
