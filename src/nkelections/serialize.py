"""Write the built dataset to dist/ in several RDF formats, deterministically and atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef

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


class Rendering:
    """One dataset on its way to files: the pyoxigraph quads are made once for all exporters."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    @cached_property
    def quads(self) -> list[ox.Quad]:
        """Every quad of the named graphs, sorted so that output is the same on every run."""
        cache: dict = {}
        quads = [ox.Quad(_ox_term(s, cache), _ox_term(p, cache), _ox_term(o, cache),
                         _ox_term(graph.identifier, cache))
                 for graph in self.dataset.graphs() if isinstance(graph.identifier, URIRef)
                 for s, p, o in graph]
        quads.sort(key=lambda q: (q.graph_name.value, str(q.subject), q.predicate.value,
                                  str(q.object)))
        return quads

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The union of the named graphs, sorted."""
        unique = {ox.Triple(q.subject, q.predicate, q.object) for q in self.quads}
        return sorted(unique, key=lambda t: (str(t.subject), t.predicate.value, str(t.object)))


def _ox_term(term, cache: dict):
    """The pyoxigraph term for an rdflib one (IRIs cached: the same few recur everywhere)."""
    found = cache.get(term)
    if found is not None:
        return found
    if isinstance(term, URIRef):
        found = cache[term] = ox.NamedNode(str(term))
    elif isinstance(term, BNode):
        found = ox.BlankNode(str(term))
    elif term.language:
        found = ox.Literal(str(term), language=term.language)
    elif term.datatype:
        found = ox.Literal(str(term), datatype=_ox_term(term.datatype, cache))
    else:
        found = ox.Literal(str(term))
    return found


def _oxigraph(fmt: ox.RdfFormat, merged: bool = False) -> Callable[[Rendering], str]:
    """An exporter written by pyoxigraph: about 50 times faster than rdflib's Turtle writer."""
    prefixes = {k: str(v) for k, v in sorted(PREFIXES.items())}
    with_prefixes = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)

    def export(rendering: Rendering) -> str:
        items = rendering.triples if merged else rendering.quads
        data = (ox.serialize(items, format=fmt, prefixes=prefixes) if with_prefixes
                else ox.serialize(items, format=fmt))
        return data.decode("utf-8")

    return export


def _jsonld(rendering: Rendering) -> str:
    context = jsonld_context()["@context"]
    doc = json.loads(rendering.dataset.serialize(format="json-ld", context=context,
                                                 auto_compact=True))
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
EXPORTERS: dict[str, Callable[[Rendering], str]] = {
    "nkelections.trig": _oxigraph(ox.RdfFormat.TRIG),
    "nkelections.nq": _oxigraph(ox.RdfFormat.N_QUADS),
    "nkelections.ttl": _oxigraph(ox.RdfFormat.TURTLE, merged=True),
    "nkelections.nt": _oxigraph(ox.RdfFormat.N_TRIPLES, merged=True),
    "nkelections.jsonld": _jsonld,
    "context.jsonld": lambda _: json.dumps(jsonld_context(), indent=1, sort_keys=True) + "\n",
}


def write_outputs(dataset: Dataset, dist: Path, extra: dict[str, str] | None = None) -> list[Path]:
    """Render every export in memory, then move each file into dist/ in one rename apiece.

    Everything is rendered before anything is moved, so a failure leaves dist/ as it was.
    """
    rendering = Rendering(dataset)
    rendered = {name: export(rendering) for name, export in EXPORTERS.items()}
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
