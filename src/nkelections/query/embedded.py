"""The persistent embedded store: pyoxigraph's on-disk (RocksDB) store under dist/store/.

It is an index of dist/nkelections.nq, made once per build: by `nkelections index`, or by the
first query that finds it missing (the build removes the old one). Queries then open it
read-only and need no reparse. The named graphs are kept; queries see their union as the
default graph, as in the rdflib engine. The build does not fill it itself: RocksDB's loading
and compaction cost about as much CPU as the rest of a full election's build (bench/).
"""

from __future__ import annotations

import gc
import itertools
import re
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from nkelections.errors import QueryError, StoreError
from nkelections.layout import NQUADS
from nkelections.layout import STORE as STORE_DIR
from nkelections.query.guard import has_service
from nkelections.query.sparql import Engine, Query, Result, from_oxigraph, oxigraph_syntax_error

LOAD_CHUNK_LINES = 250_000


def write_store(source, target: Path) -> Path:
    """Write a dataset to a fresh store at target, replacing any old one in one rename.

    source is an rdflib Dataset or the path of an N-Quads file (`index_dist` passes the
    built one, so the graph is not serialized again). The new store is filled in a
    sibling folder first, so a failure leaves the old one intact.
    """
    return _replace_store(_fill_new_store(source, target), target)


def _compact(store: ox.Store) -> None:
    # Each bulk load leaves its own files; compacting them about halves the time of the joins
    # that read the store later (measured with bench/inprocess.py).
    store.optimize()
    store.flush()


def _fill_new_store(source, target: Path) -> Path:
    """A new store beside target, filled from source; `_replace_store` then puts it in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        store = ox.Store(str(staging))
        if isinstance(source, Path):
            _bulk_load_in_chunks(store, source)
        else:
            store.bulk_load(
                source.serialize(format="nquads", encoding="utf-8"), ox.RdfFormat.N_QUADS
            )
        _compact(store)
        del store
        gc.collect()  # the RocksDB handle closes when the object goes
        return staging
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)  # nothing half-written stays behind
        if isinstance(exc, OSError):
            raise StoreError(f"cannot write the store: {exc}", where=str(target)) from exc
        raise


def _bulk_load_in_chunks(store: ox.Store, nquads: Path) -> None:
    """Load an N-Quads file a quarter of a million lines at a time. In one call pyoxigraph's
    bulk loader held about 0.7 KB per quad (1.1 GB for a full election); in chunks its memory
    stays bounded whatever the size, at about the same speed (bench/RESULTS.md)."""
    with nquads.open("rb") as lines:
        for first in itertools.count(1, LOAD_CHUNK_LINES):
            chunk = list(itertools.islice(lines, LOAD_CHUNK_LINES))
            if not chunk:
                return
            try:
                store.bulk_load(b"".join(chunk), ox.RdfFormat.N_QUADS)
            except SyntaxError as exc:
                raise _syntax_error(exc, nquads, first) from None


def _syntax_error(exc: SyntaxError, nquads: Path, first: int) -> StoreError:
    """The parser's error in a chunk, its line numbers counted from the file's start."""

    def in_file(line: int) -> int:
        return line + first - 1

    message = re.sub(r"line (\d+)", lambda m: f"line {in_file(int(m[1]))}", exc.msg)
    return StoreError(
        f"cannot index the N-Quads: {message}",
        where=f"{nquads}:{in_file(exc.lineno or 1)}",
        hint="run `nkelections build` to write them again",
    )


def _replace_store(staging: Path, target: Path) -> Path:
    """Put a store made by _fill_new_store in place of target, in one rename."""
    try:
        _swap(staging, target)
    except OSError as exc:
        raise StoreError(f"cannot write the store: {exc}", where=str(target)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _swap(staging: Path, target: Path) -> None:
    old = _move_aside(target)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _move_aside(target: Path) -> Path | None:
    """Rename target, if it exists, to a fresh hidden sibling, and return where it went."""
    if not target.exists():
        return None
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    old.rmdir()
    target.rename(old)
    return old


def index_dist(dist: Path) -> Path:
    """Write dist/store/ from dist/nkelections.nq, replacing any old one."""
    if not (dist / NQUADS).is_file():
        raise StoreError(f"no {dist / NQUADS}", hint="run `nkelections build` first")
    return write_store(dist / NQUADS, dist / STORE_DIR)


def remove_store(path: Path) -> None:
    """Remove a store, first moving it aside in one rename so no reader finds half of one."""
    try:
        old = _move_aside(path)
    except OSError as exc:
        raise StoreError(f"cannot remove the old store: {exc}", where=str(path)) from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def open_store(path: Path) -> ox.Store:
    """The store at path, read-only."""
    if not (path / "CURRENT").is_file():
        raise StoreError(f"no store at {path}", hint="run `nkelections build`")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(
            f"cannot open the store: {exc}",
            where=str(path),
            hint="run `nkelections build` to rewrite it",
        ) from exc


def ensure_index(dist: Path) -> bool:
    """Make dist/store/ from dist/nkelections.nq if the build left none (once per build).
    False where dist/ cannot be written: the caller loads the N-Quads into memory instead."""
    store = dist / STORE_DIR
    if (store / "CURRENT").is_file():
        return True
    if not (dist / NQUADS).is_file():
        raise StoreError(
            f"neither {store} nor {dist / NQUADS} exists", hint="run `nkelections build` first"
        )
    try:
        index_dist(dist)
    except StoreError as exc:
        if not isinstance(exc.__cause__, OSError):  # bad N-Quads: memory would not help
            raise
        return False
    return True


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
        """dist/store/, made from dist/nkelections.nq first if the build left none (once per
        build); where dist/ cannot be written, the N-Quads loaded into memory instead."""
        store = dist / STORE_DIR
        if not ensure_index(dist):
            return cls(load_nquads(dist / NQUADS), str(dist / NQUADS))
        return cls(open_store(store), str(store))

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
        store.bulk_load(dataset.serialize(format="nquads", encoding="utf-8"), ox.RdfFormat.N_QUADS)
        return cls(store, "memory")

    def run(self, query: Query) -> Result:
        try:
            answer = self.store.query(query.text, use_default_graph_as_union=True)
            return from_oxigraph(answer, query.form)
        except SyntaxError as exc:
            raise oxigraph_syntax_error(query, exc) from exc
        except RuntimeError as exc:  # an evaluation error, e.g. an unbound SERVICE name
            raise QueryError(f"the query cannot run: {exc}", where=query.name) from None
        except OSError as exc:
            if has_service(query.text):  # Oxigraph reports a SERVICE call's failure as OSError
                raise QueryError(
                    f"a SERVICE endpoint of the query failed: {exc}",
                    where=query.name,
                    hint="is the endpoint's URL right, and is it up? The local store is fine",
                ) from None
            raise StoreError(f"the store failed: {exc}", where=self.source) from exc
