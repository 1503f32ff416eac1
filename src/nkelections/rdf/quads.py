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
from collections.abc import Iterable, Iterator
from operator import methodcaller
from typing import TextIO

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef

from nkelections.rdf.namespaces import bind_prefixes
from nkelections.rdf.terms import to_oxigraph

Triple = tuple[str, str, str]
WRITE_BLOCK = 20_000  # lines per write: a few megabytes of text
JOIN_BLOCK = 50_000  # tuples joined into lines before they are freed


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
    """One named graph: `add` takes rdflib or pyoxigraph terms, as rdflib's Graph.add does.

    While the build assembles it, a set of (s, p, o) tuples; once complete, `lines()` turns it
    into its sorted N-Triples lines, the form every writer reads."""

    def __init__(self, name: str, terms: Terms):
        self.name = name
        self.nt_name = terms.iri(name)
        self.terms = terms
        self.triples: set[Triple] = set()
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        """The triples as sorted N-Triples lines "s p o", without the final " .\n".

        Made once, when the graph is complete: the tuples are let go (see _to_lines) and the
        graph takes no more triples. The lines sort as the tuples would: no N-Triples term is
        a proper prefix of another but for a literal's @lang or ^^type, which end a line, and
        a space sorts before either. Sorting them is several times faster: a comparison reads
        two strings rather than two tuples and their terms, scattered in memory (at 3x, 7.5
        million tuples took half a minute)."""
        if self._lines is None:
            triples, self.triples = list(self.triples), set()
            self._lines = _to_lines(triples)
        return self._lines

    def add(self, triple) -> None:
        if self._lines is not None:
            raise ValueError(f"graph {self.name} is complete: its lines are made")
        term = self.terms.term
        s, p, o = triple
        triple = (term(s), term(p), term(o))
        self.triples.add(triple)

    def __len__(self) -> int:
        return len(self._lines) if self._lines is not None else len(self.triples)

    def __iter__(self) -> Iterator[Triple]:
        if self._lines is not None:
            return map(_split, self._lines)
        return iter(self.triples)


def _to_lines(triples: list[Triple]) -> list[str]:
    """The sorted lines of `triples`, which it empties. The tuples are joined in the order
    they were allocated, a block at a time, each block freed as soon as it is joined: so the
    allocator's blocks empty one after another and the lines reuse them. Joined in the set's
    order, the tuples and the lines were in memory together (+550 MB at 1x)."""
    triples.sort(key=id)
    lines: list[str] = []
    while triples:  # from the end: deleting there moves nothing
        lines.extend(map(" ".join, triples[-JOIN_BLOCK:]))
        del triples[-JOIN_BLOCK:]
    lines.sort()
    return lines


def split_lines(lines: Iterable[str]) -> Iterator[list[str]]:
    """Each line's three terms, [s, p, o], split in C (see _split)."""
    return map(methodcaller("split", " ", 2), lines)


def _split(line: str) -> Triple:
    """A line's three terms: IRIs hold no space, so the object is all after the second."""
    s, p, o = line.split(" ", 2)
    return s, p, o


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
            for line in self.graphs[name].lines():
                yield f"{line} {graph} .\n"

    def ntriples(self) -> Iterator[str]:
        """The union of the graphs as sorted N-Triples lines (a triple in two graphs once)."""
        for line in _unique(heapq.merge(*(g.lines() for g in self.graphs.values()))):
            yield f"{line} .\n"

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
                _write_lines(nquads, graph.lines(), end)
                continue
            for block, in_largest in self._union_blocks(largest):
                text = _lines_text(block, " .\n")
                ntriples.write(text)
                if in_largest:
                    nquads.write(text.replace(" .\n", end))

    def _largest(self) -> GraphTriples | None:
        return max(self.graphs.values(), key=len, default=None)

    def _union_blocks(self, largest: GraphTriples) -> Iterator[tuple[list[str], bool]]:
        """The lines of ntriples() in blocks: runs of the largest graph's lines (True), and
        between them each line of the others that it lacks (False), slotted in by bisection
        rather than all merged one by one."""
        others = [g.lines() for g in self.graphs.values() if g is not largest]
        lines = largest.lines()
        done = 0  # lines[:done] is given
        for line in _unique(heapq.merge(*others)):
            at = bisect_left(lines, line, done)
            yield from _blocks(lines, done, at)
            done = at
            if at == len(lines) or lines[at] != line:  # else given with the largest
                yield [line], False
        yield from _blocks(lines, done, len(lines))

    def to_rdflib(self) -> Dataset:
        """The same dataset as an rdflib Dataset, for code that wants rdflib's API."""
        dataset = Dataset()
        bind_prefixes(dataset)
        dataset.parse(data="".join(self.nquads()), format="nquads")
        return dataset


def _write_lines(out: TextIO, lines: list[str], end: str) -> None:
    for block, _ in _blocks(lines, 0, len(lines)):
        out.write(_lines_text(block, end))


def _blocks(lines: list[str], start: int, stop: int) -> Iterator[tuple[list[str], bool]]:
    for at in range(start, stop, WRITE_BLOCK):
        yield lines[at : min(at + WRITE_BLOCK, stop)], True


def _lines_text(lines: list[str], end: str) -> str:
    """Each line ending in `end`, joined in C (a line at a time in Python was most of the
    writing)."""
    return end.join(lines) + end


def _unique(lines: Iterator[str]) -> Iterator[str]:
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


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
