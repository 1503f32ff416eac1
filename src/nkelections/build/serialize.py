"""Write the built dataset to dist/ in several RDF formats, deterministically and atomically."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox
from rdflib import Dataset, Graph

from nkelections.build import entity_index
from nkelections.build.jsonld import jsonld_context, write_jsonld
from nkelections.errors import BuildError
from nkelections.layout import (
    CONTEXT,
    ENTITY_INDEX_CSV,
    ENTITY_INDEX_HTML,
    JSONLD,
    NQUADS,
    NTRIPLES,
    TRIG,
    TURTLE,
)
from nkelections.process.runtime import Forked
from nkelections.rdf import convert
from nkelections.rdf.namespaces import PREFIXES, bind_prefixes
from nkelections.rdf.quads import Quads

# From this size of source file on, a format pyoxigraph converts is written by a process of its
# own while this one writes the rest: pyoxigraph holds the GIL while it serializes, and a full
# election's Turtle and TriG take seconds each (smaller builds are not worth a process;
# bench/RESULTS.md has the build's current times).
CONVERT_ELSEWHERE_BYTES = 32 * 2**20
# From this many quads on, the JSON-LD (seconds of Python at 1x) is written by a forked copy
# of this process, which shares the sorted quads rather than reading them again.
FORK_FROM_QUADS = 200_000


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
    through pyoxigraph, so no format holds the whole graph as objects in memory.

    elsewhere=True lets large conversions and the JSON-LD run in processes of their own (see
    CONVERT_ELSEWHERE_BYTES, FORK_FROM_QUADS); `wait` waits for them."""

    def __init__(
        self,
        quads: Quads,
        folder: Path,
        elsewhere: bool = False,
        entity_rows: tuple[list, Counter] | None = None,
    ):
        self.quads = quads
        self.folder = folder
        self.elsewhere = elsewhere
        self.written: dict[str, Path] = {}
        self.pending: list[_Conversion | Forked] = []
        self._entity_rows = entity_rows

    def entity_rows(self) -> tuple[list, Counter]:
        """The entity index's rows, worked out once for its HTML and its CSV."""
        if self._entity_rows is None:
            self._entity_rows = entity_index.built_rows(self.quads)
        return self._entity_rows

    def file(self, name: str) -> Path:
        """The staged file `name`, written on first request (one format may need another)."""
        if name not in self.written:
            path = self.folder / name
            EXPORTERS[name](self, path)
            self.written[name] = path
        return self.written[name]

    def wait(self) -> None:
        try:
            for work in self.pending:
                work.result()
        finally:
            for work in self.pending:
                work.stop()


def _lines(rendering: Rendering, path: Path) -> None:
    """N-Quads and N-Triples, written together (Quads.write_lines): either asks for both."""
    nquads, ntriples = rendering.folder / NQUADS, rendering.folder / NTRIPLES
    with _text_file(nquads) as nq_out, _text_file(ntriples) as nt_out:
        rendering.quads.write_lines(nq_out, nt_out)
    rendering.written.update({NQUADS: nquads, NTRIPLES: ntriples})


def _text_file(path: Path) -> TextIO:
    return path.open("w", encoding="utf-8", newline="\n")


def _converted(source: str, fmt: ox.RdfFormat) -> Callable[[Rendering, Path], None]:
    """A format pyoxigraph writes from our sorted N-Quads or N-Triples file, in its order."""

    def export(rendering: Rendering, path: Path) -> None:
        source_path = rendering.file(source)
        if rendering.elsewhere and source_path.stat().st_size >= CONVERT_ELSEWHERE_BYTES:
            rendering.pending.append(_Conversion(source_path, path, fmt.file_extension))
        else:
            convert_file(source_path, path, fmt.file_extension)

    return export


def convert_file(source: Path, target: Path, extension: str) -> None:
    """Convert one RDF file the build wrote to the format of `extension`, with the project's
    prefixes."""
    convert.convert_file(source, target, extension, _prefixes(), lenient=True)


def _prefixes() -> dict[str, str]:
    return {k: str(v) for k, v in sorted(PREFIXES.items())}


class _Conversion:
    """convert_file in a Python process of its own (`python -m nkelections.rdf.convert`): a
    plain child process, not multiprocessing's, which would import the caller's main module
    again in the child."""

    def __init__(self, source: Path, target: Path, extension: str):
        self.target = target
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nkelections.rdf.convert",
                str(source),
                str(target),
                extension,
                json.dumps(_prefixes()),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def result(self) -> None:
        _, err = self.process.communicate()
        if self.process.returncode != 0:
            last = (err.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
            raise BuildError(
                f"could not write {self.target.name}: {last}",
                hint="check free disk space, then run `nkelections build` again",
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _jsonld(rendering: Rendering, path: Path) -> None:
    if rendering.elsewhere and len(rendering.quads) >= FORK_FROM_QUADS:
        rendering.pending.append(Forked(_write_jsonld_file, rendering.quads, path))
    else:
        _write_jsonld_file(rendering.quads, path)


def _write_jsonld_file(quads: Quads, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write_jsonld(quads, out)


def _context(rendering: Rendering, path: Path) -> None:
    path.write_text(json.dumps(jsonld_context(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _entity_index(write: Callable[[list, Counter], str]) -> Callable[[Rendering, Path], None]:
    """The generated entity index (entity_index.py), from the triples just written."""

    def export(rendering: Rendering, path: Path) -> None:
        rows, unlisted = rendering.entity_rows()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(write(rows, unlisted), encoding="utf-8")

    return export


# Exporters by file name: each writes one file (but _lines, which writes two). Adding a format
# is one entry. The order lets the two cores share a large build: what runs elsewhere starts as
# early as it can, the JSON-LD, the longest, first.
EXPORTERS: dict[str, Callable[[Rendering, Path], None]] = {
    JSONLD: _jsonld,
    NQUADS: _lines,
    TRIG: _converted(NQUADS, ox.RdfFormat.TRIG),
    NTRIPLES: _lines,
    TURTLE: _converted(NTRIPLES, ox.RdfFormat.TURTLE),
    CONTEXT: _context,
    ENTITY_INDEX_HTML: _entity_index(entity_index.to_html),
    ENTITY_INDEX_CSV: _entity_index(lambda rows, _: entity_index.to_csv(rows)),
}


def write_outputs(
    quads: Quads,
    dist: Path,
    extra: dict[str, str] | None = None,
    before_move: Callable[[], object] | None = None,
    entity_rows: tuple[list, Counter] | None = None,
) -> list[Path]:
    """Write every export into a staging folder, then move each into dist/ by one rename apiece.

    Everything is written before anything is moved, so a failure leaves dist/ as it was.
    before_move, when given, is called once everything is written (the build finishes its
    store there); its error stops the move too. entity_rows, when given, are the entity
    index's rows (the build works them out while it waits for its description).
    """
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist))
    rendering = Rendering(quads, staging, elsewhere=True, entity_rows=entity_rows)
    try:
        for name in EXPORTERS:
            rendering.file(name)
        for name, text in (extra or {}).items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
        rendering.wait()
        if before_move is not None:
            before_move()
        written = []
        for name in [*EXPORTERS, *(extra or {})]:
            (dist / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, dist / name)
            written.append(dist / name)
        return written
    finally:
        for conversion in rendering.pending:
            conversion.stop()
        shutil.rmtree(staging, ignore_errors=True)
