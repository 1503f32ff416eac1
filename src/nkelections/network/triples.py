"""The built dataset read for the networks: pyoxigraph parses, the data graph is indexed in
plain dicts, and each distinct term becomes an rdflib term once.

rdflib's Dataset parses a full election (1.6 million triples) in about 45 s and several GB;
the views only need lookups by subject and by a few predicates, which dicts of lists give at a
fraction of that. `TripleIndex` answers the few rdflib Graph calls the views make (`value`,
`objects`, `subjects`, `subject_objects`, `predicate_objects`, `in`, `len`, iteration).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal
from rdflib.plugins.serializers.nt import _quoteLiteral

from nkelections.errors import NetworkError
from nkelections.process.runtime import paused_gc
from nkelections.rdf.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from nkelections.rdf.terms import to_rdflib

BATCH = 200_000  # N-Quads lines handed to the parser at once when reading the build's quads
DIGEST_BATCH = 10_000  # sorted lines hashed at once


class Terms:
    """pyoxigraph terms to rdflib terms and to rdflib's N-Triples text (which names the build
    in the digest: rdflib normalises some literals), each distinct term converted once."""

    def __init__(self) -> None:
        self.cache: dict = {}

    def __call__(self, term) -> tuple:
        return self.cache.get(term) or self.add(term)

    def add(self, term) -> tuple:
        rdf = to_rdflib(term)
        text = _quoteLiteral(rdf) if isinstance(rdf, Literal) else rdf.n3()
        found = self.cache[term] = (rdf, text)
        return found


class TripleIndex:
    """One graph's triples by subject and by predicate, read-only once built.

    Each predicate is held as one object, and a predicate asked about is swapped for that
    object first, so that scans compare by identity: rdflib compares terms in Python, and the
    scans compare millions of predicates."""

    def __init__(self) -> None:
        self.by_subject: dict = defaultdict(list)
        self.predicates: dict = {}  # each predicate: itself, the object the index holds
        self._by_predicate: dict = {}  # filled per predicate on first use: few are asked for
        self._by_object: dict = {}  # likewise, each predicate's subjects by object
        self.count = 0

    def add(self, s, p, o) -> None:
        p = self.predicates.setdefault(p, p)
        self.by_subject[s].append((p, o))
        self.count += 1

    def pairs(self, p) -> list[tuple]:
        """(subject, object) pairs of one predicate."""
        found = self._by_predicate.get(p)
        if found is None:
            held = self.predicates.get(p)
            found = self._by_predicate[p] = [
                (s, o) for s, po in self.by_subject.items() for q, o in po if q is held
            ]
        return found

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple]:
        for s, pairs in self.by_subject.items():
            for p, o in pairs:
                yield s, p, o

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        if p is not None:
            p = self.predicates.get(p)
            if p is None:
                return False
        return any(
            (p is None or q is p) and (o is None or v == o) for q, v in self.by_subject.get(s, ())
        )

    def predicate_objects(self, s) -> list[tuple]:
        return self.by_subject.get(s, [])

    def objects(self, s, p) -> Iterator:
        if s is None:
            return (o for _, o in self.pairs(p))
        p = self.predicates.get(p)
        return (o for q, o in self.by_subject.get(s, ()) if q is p) if p is not None else iter(())

    def value(self, s, p):
        return next(self.objects(s, p), None)

    def subjects(self, p, o) -> Iterator:
        if o is None:
            return (s for s, _ in self.pairs(p))
        return iter(self._subjects_by_object(p).get(o, ()))

    def _subjects_by_object(self, p) -> dict:
        """A predicate's subjects by object, in the index's order: asked for instances of a
        class, a scan would compare each of a few hundred thousand types in Python."""
        found = self._by_object.get(p)
        if found is None:
            found = self._by_object[p] = defaultdict(list)
            for s, o in self.pairs(p):
                found[o].append(s)
        return found

    def subject_objects(self, p) -> list[tuple]:
        return self.pairs(p)


@dataclass
class Loaded:
    """What the networks need from a dataset: the data graph indexed, the ontology graph in
    rdflib, the number of triples in all graphs, and the data graph's digest."""

    data: TripleIndex
    ontology: Graph
    triple_count: int
    digest: str


def load(source) -> Loaded:
    """Read a built dataset: a path to N-Quads or TriG, the build's result or its Quads, or an
    rdflib Dataset."""
    if isinstance(source, Path):
        return _index(_file_quads(source))
    if isinstance(source, Dataset):
        return _index(ox.parse(source.serialize(format="nquads"), format=ox.RdfFormat.N_QUADS))
    return _index(_build_quads(getattr(source, "quads", source)))


def _file_quads(path: Path) -> Iterator[ox.Quad]:
    if not path.exists():
        raise NetworkError(f"{path} does not exist", hint="run 'nkelections build' first")
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.N_QUADS
    try:
        yield from ox.parse(path=path, format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        name = "trig" if fmt == ox.RdfFormat.TRIG else "nquads"
        raise NetworkError(f"{path} could not be read as {name}: {exc}".splitlines()[0]) from exc


def _build_quads(quads) -> Iterator[ox.Quad]:
    """The build's quads (N-Triples text) through pyoxigraph's parser, a batch at a time."""
    lines: list[str] = []
    for line in quads.nquads():
        lines.append(line)
        if len(lines) >= BATCH:
            yield from ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS)
            lines.clear()
    yield from ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS)


def _index(quads: Iterable[ox.Quad]) -> Loaded:
    with paused_gc():
        terms, data, ontology = Terms(), TripleIndex(), Graph()
        data_name, ontology_name = ox.NamedNode(str(DATA_GRAPH)), ox.NamedNode(str(ONTOLOGY_GRAPH))
        # The cache and the index looked up in the loop itself: a call per term and per triple
        # was a third of the time. Terms are converted once, so each predicate is one object.
        lookup, convert, by_subject = terms.cache.get, terms.add, data.by_subject
        # each data triple as its terms' N-Triples texts, shared with the cache: a line of text
        # per triple (2.5 million at 1x) held until the digest was three times the memory
        rows: list[tuple[str, str, str]] = []
        count = 0
        for quad in quads:
            count += 1
            s, p, o = quad.subject, quad.predicate, quad.object
            (s, ns), (p, np), (o, no) = (
                lookup(s) or convert(s),
                lookup(p) or convert(p),
                lookup(o) or convert(o),
            )
            graph_name = quad.graph_name
            if graph_name == data_name:
                rows.append((ns, np, no))
                by_subject[s].append((p, o))
            elif graph_name == ontology_name:
                ontology.add((s, p, o))
        del terms, lookup, convert  # the N-Triples text of every term, no longer needed
        data.count = len(rows)
        data.predicates = {p: p for pairs in by_subject.values() for p, _ in pairs}
        return Loaded(data, ontology, count, _digest(rows))


def _digest(rows: list[tuple[str, str, str]]) -> str:
    """SHA-256 of the sorted N-Triples lines joined by newlines, hashed a batch at a time.

    The rows sort as their lines do: where one term's text is the start of another's ("a"
    and "a"@en), the line of the shorter has a space there, below any character a term goes
    on with."""
    rows.sort()
    digest = hashlib.sha256()
    for start in range(0, len(rows), DIGEST_BATCH):
        text = "\n".join([f"{s} {p} {o} ." for s, p, o in rows[start : start + DIGEST_BATCH]])
        digest.update(("\n" + text if start else text).encode("utf-8"))
    return digest.hexdigest()
