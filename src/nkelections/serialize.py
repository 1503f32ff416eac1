"""Write the built dataset to dist/ in several RDF formats, deterministically and atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph

from nkelections.namespaces import PREFIXES, bind_prefixes


def union_graph(dataset: Dataset) -> Graph:
    """All named graphs merged into one plain graph, for single-graph formats and tools."""
    union = Graph(bind_namespaces="none")
    bind_prefixes(union)
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union


def jsonld_context() -> dict:
    return {"@context": {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}}


def _sorted_lines(text: str) -> str:
    return "".join(sorted({line for line in text.splitlines(keepends=True) if line.strip()}))


def _jsonld(dataset: Dataset) -> str:
    context = jsonld_context()["@context"]
    doc = json.loads(dataset.serialize(format="json-ld", context=context, auto_compact=True))
    return json.dumps(_sort_json(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _sort_json(value):
    """rdflib emits nodes in hash order; sort lists of nodes by @id so output is stable."""
    if isinstance(value, dict):
        return {k: _sort_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


# Exporters by file name: each turns the dataset into text. Adding a format is one entry.
EXPORTERS: dict[str, Callable[[Dataset], str]] = {
    "nkelections.trig": lambda ds: ds.serialize(format="trig"),
    "nkelections.nq": lambda ds: _sorted_lines(ds.serialize(format="nquads")),
    "nkelections.ttl": lambda ds: union_graph(ds).serialize(format="turtle"),
    "nkelections.nt": lambda ds: _sorted_lines(union_graph(ds).serialize(format="nt")),
    "nkelections.jsonld": _jsonld,
    "context.jsonld": lambda ds: json.dumps(jsonld_context(), indent=1, sort_keys=True) + "\n",
}


def write_outputs(dataset: Dataset, dist: Path, extra: dict[str, str] | None = None) -> list[Path]:
    """Render every export in memory, then move each file into dist/ in one rename apiece.

    Everything is rendered before anything is moved, so a failure leaves dist/ as it was.
    """
    rendered = {name: export(dataset) for name, export in EXPORTERS.items()}
    rendered.update(extra or {})
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist))
    try:
        for name, text in rendered.items():
            (staging / name).write_text(text, encoding="utf-8")
        written = []
        for name in rendered:
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
