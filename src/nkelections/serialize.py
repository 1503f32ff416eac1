"""Write the built dataset to dist/ in several RDF formats, deterministically and atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Dataset, Graph

from nkelections.jsonld import jsonld_context, write_jsonld
from nkelections.namespaces import PREFIXES, bind_prefixes
from nkelections.quads import Quads

NQUADS = "nkelections.nq"
NTRIPLES = "nkelections.nt"
CHUNK_LINES = 250_000


class ChunkSink(Protocol):
    """Takes the N-Quads a chunk file at a time (the build's store filler, embedded.py)."""

    def load(self, chunk: Path) -> None: ...

    def finish(self) -> object: ...


def union_graph(dataset: Dataset) -> Graph:
    """All named graphs merged into one plain graph, for single-graph formats and tools."""
    union = Graph(bind_namespaces="none")
    bind_prefixes(union)
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union


class Rendering:
    """One dataset on its way to files in a staging folder. N-Quads and N-Triples are written
    from the sorted quads; the other formats are converted from those files by streaming them
    through pyoxigraph, so no format holds the whole graph as objects in memory."""

    def __init__(self, quads: Quads, folder: Path,
                 nquads_chunks: Callable[[Path], None] | None = None):
        self.quads = quads
        self.folder = folder
        self.nquads_chunks = nquads_chunks
        self.written: dict[str, Path] = {}

    def file(self, name: str) -> Path:
        """The staged file `name`, written on first request (one format may need another)."""
        if name not in self.written:
            path = self.folder / name
            EXPORTERS[name](self, path)
            self.written[name] = path
        return self.written[name]


def _lines(source: Callable[[Quads], Iterable[str]]) -> Callable[[Rendering, Path], None]:
    def export(rendering: Rendering, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.writelines(source(rendering.quads))

    return export


def _nquads(rendering: Rendering, path: Path) -> None:
    """The N-Quads file; with a chunk consumer, each CHUNK_LINES lines are also written to a
    file of their own and handed over as soon as they are (the build's store loads them in a
    thread while the rest is written; the consumer deletes each chunk file)."""
    if rendering.nquads_chunks is None:
        return _lines(Quads.nquads)(rendering, path)
    lines = rendering.quads.nquads()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n, chunk in enumerate(iter(lambda: "".join(islice(lines, CHUNK_LINES)), "")):
            out.write(chunk)
            part = path.with_name(f".{path.name}.part-{n}")
            part.write_text(chunk, encoding="utf-8", newline="\n")
            rendering.nquads_chunks(part)


def _converted(source: str, fmt: ox.RdfFormat) -> Callable[[Rendering, Path], None]:
    """A format pyoxigraph writes from our sorted N-Quads or N-Triples file, in its order."""
    source_format = ox.RdfFormat.from_extension(source.rsplit(".", 1)[-1])
    prefixes = {k: str(v) for k, v in sorted(PREFIXES.items())}

    def export(rendering: Rendering, path: Path) -> None:
        parsed = ox.parse(path=str(rendering.file(source)), format=source_format)
        ox.serialize(parsed, output=str(path), format=fmt, prefixes=prefixes)

    return export


def _jsonld(rendering: Rendering, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write_jsonld(rendering.quads, out)


def _context(rendering: Rendering, path: Path) -> None:
    path.write_text(json.dumps(jsonld_context(), indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")


# Exporters by file name: each writes one file. Adding a format is one entry.
EXPORTERS: dict[str, Callable[[Rendering, Path], None]] = {
    NQUADS: _nquads,
    NTRIPLES: _lines(Quads.ntriples),
    "nkelections.trig": _converted(NQUADS, ox.RdfFormat.TRIG),
    "nkelections.ttl": _converted(NTRIPLES, ox.RdfFormat.TURTLE),
    "nkelections.jsonld": _jsonld,
    "context.jsonld": _context,
}


def write_outputs(quads: Quads, dist: Path, extra: dict[str, str] | None = None,
                  nquads_sink: ChunkSink | None = None) -> list[Path]:
    """Write every export into a staging folder, then move each into dist/ by one rename apiece.

    Everything is written before anything is moved, so a failure leaves dist/ as it was.
    nquads_sink, when given, is handed the N-Quads a chunk file at a time as they are
    written (the build fills the embedded store from them while the other formats are
    written), and is finished before anything moves: its error stops the move too.
    """
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist))
    try:
        rendering = Rendering(quads, staging, nquads_sink.load if nquads_sink else None)
        for name in EXPORTERS:
            rendering.file(name)
        for name, text in (extra or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        if nquads_sink is not None:
            nquads_sink.finish()
        written = []
        for name in [*EXPORTERS, *(extra or {})]:
            os.replace(staging / name, dist / name)
            written.append(dist / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_atomic(path: Path, text: str) -> None:
    """Write one file so that readers see the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
