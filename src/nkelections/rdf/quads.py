"""The dataset as the build assembles it: a set of triples per named graph, each term kept as
its N-Triples text.

rdflib's in-memory Dataset costs about 1.9 KB and several microseconds per triple, which for a
full election (1.6 million triples) meant minutes and gigabytes. Here a triple is a tuple of
three strings written by pyoxigraph (so the escaping is its own, not ours), IRIs are made once,
and the writers turn the sorted tuples straight into N-Quads. Code that wants rdflib (the
small commands and the tests) asks for `to_rdflib()`.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterator
from typing import TextIO

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef

from nkelections.rdf.namespaces import bind_prefixes
from nkelections.rdf.terms import to_oxigraph

Triple = tuple[str, str, str]
WRITE_BLOCK = 20_000  # lines per write: a few megabytes of text


class Terms:
    """rdflib terms to N-Triples text; IRIs are cached because the same few recur everywhere."""

    def __init__(self) -> None:
        self.iris: dict[str, str] = {}

    def iri(self, value: str) -> str:
        value = str(value)  # a plain str key: rdflib's URIRef hashes and compares in Python
        text = self.iris.get(value)
        if text is None:
            text = self.iris[value] = str(ox.NamedNode(value))
        return text

    def term(self, term) -> str:
        kind = type(term)  # one lookup by exact type first: this runs for every term added
        if kind is URIRef:
            return self.iri(term)
        if kind is ox.NamedNode or kind is ox.Literal:  # hot paths make pyoxigraph terms
            return str(term)
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, Literal):
            return str(to_oxigraph(term))
        if isinstance(term, BNode):
            raise ValueError(f"blank node {term!r}: the build gives every node an IRI")
        raise TypeError(f"not an RDF term: {term!r}")


class GraphTriples:
    """One named graph: `add` takes rdflib or pyoxigraph terms, as rdflib's Graph.add does."""

    def __init__(self, name: str, terms: Terms):
        self.name = name
        self.nt_name = terms.iri(name)
        self.terms = terms
        self.triples: set[Triple] = set()
        self._sorted: list[Triple] = []

    def sorted(self) -> list[Triple]:
        """The triples in sorted order (kept until the graph changes)."""
        if len(self._sorted) != len(self.triples):
            # By the tuples themselves: the order of the lines they are written as (no
            # N-Triples term is a proper prefix of another but for a literal's @lang or ^^type,
            # and those come last in a line). A key of the joined line compared faster, but its
            # list held a second copy of every triple's text while sorting (200 MB at 1x).
            self._sorted = sorted(self.triples)
        return self._sorted

    def add(self, triple) -> None:
        term = self.terms.term
        s, p, o = triple
        triple = (term(s), term(p), term(o))
        self.triples.add(triple)

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.triples)


class Quads:
    """The named graphs of one dataset, in the order their names sort."""

    def __init__(self) -> None:
        self.terms = Terms()
        self.graphs: dict[str, GraphTriples] = {}

    def graph(self, name) -> GraphTriples:
        key = str(name)
        if key not in self.graphs:
            self.graphs[key] = GraphTriples(key, self.terms)
        return self.graphs[key]

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs.values())

    def nquads(self) -> Iterator[str]:
        """N-Quads lines, sorted by graph, subject, predicate and object: the same every run."""
        for name in sorted(self.graphs):
            graph = self.graphs[name].nt_name
            for s, p, o in self.graphs[name].sorted():
                yield f"{s} {p} {o} {graph} .\n"

    def ntriples(self) -> Iterator[str]:
        """The union of the graphs as sorted N-Triples lines (a triple in two graphs once)."""
        for s, p, o in _unique(heapq.merge(*(g.sorted() for g in self.graphs.values()))):
            yield f"{s} {p} {o} .\n"

    def write_lines(self, nquads: TextIO, ntriples: TextIO) -> None:
        """The lines of nquads() and of ntriples(), written a block at a time. The largest
        graph's lines are joined once, as N-Triples, and given their graph for N-Quads by a
        replace per block: a line ends in " .\n" and nowhere else has a line break, which
        N-Triples escapes inside a term."""
        largest = self._largest()
        for name in sorted(self.graphs):
            graph = self.graphs[name]
            end = f" {graph.nt_name} .\n"
            if graph is not largest:
                _write_lines(nquads, graph.sorted(), end)
                continue
            for block, in_largest in self._union_blocks(largest):
                text = _lines_text(block, " .\n")
                ntriples.write(text)
                if in_largest:
                    nquads.write(text.replace(" .\n", end))

    def _largest(self) -> GraphTriples | None:
        return max(self.graphs.values(), key=len, default=None)

    def _union_blocks(self, largest: GraphTriples) -> Iterator[tuple[list[Triple], bool]]:
        """The triples of ntriples() in blocks: runs of the largest graph's triples (True),
        and between them each triple of the others that it lacks (False), slotted in by
        bisection rather than all merged one by one."""
        others = [g.sorted() for g in self.graphs.values() if g is not largest]
        triples = largest.sorted()
        done = 0  # triples[:done] is given
        for triple in _unique(heapq.merge(*others)):
            at = bisect_left(triples, triple, done)
            yield from _blocks(triples, done, at)
            done = at
            if at == len(triples) or triples[at] != triple:  # else given with the largest
                yield [triple], False
        yield from _blocks(triples, done, len(triples))

    def to_rdflib(self) -> Dataset:
        """The same dataset as an rdflib Dataset, for code that wants rdflib's API."""
        dataset = Dataset()
        bind_prefixes(dataset)
        dataset.parse(data="".join(self.nquads()), format="nquads")
        return dataset


def _write_lines(out: TextIO, triples: list[Triple], end: str) -> None:
    for block, _ in _blocks(triples, 0, len(triples)):
        out.write(_lines_text(block, end))


def _blocks(triples: list[Triple], start: int, stop: int) -> Iterator[tuple[list[Triple], bool]]:
    for at in range(start, stop, WRITE_BLOCK):
        yield triples[at : min(at + WRITE_BLOCK, stop)], True


def _lines_text(triples: list[Triple], end: str) -> str:
    """Each triple as a line ending in `end`, joined in C (a line at a time in Python was most
    of the writing)."""
    return end.join(map(" ".join, triples)) + end


def _unique(triples: Iterator[Triple]) -> Iterator[Triple]:
    last = None
    for triple in triples:
        if triple != last:
            yield triple
            last = triple


def iri_value(nt: str) -> str:
    """The IRI inside an N-Triples '<...>' term."""
    return nt[1:-1]


def is_iri(nt: str) -> bool:
    return nt.startswith("<")


def literal_of_type(nt: str, datatype: str) -> str | None:
    """The lexical form of an N-Triples literal of `datatype`, else None."""
    suffix = f'"^^<{datatype}>'
    if nt.startswith('"') and nt.endswith(suffix):
        return nt[1 : -len(suffix)]
    return None
