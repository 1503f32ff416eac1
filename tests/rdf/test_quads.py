"""The build's quad set: the block writer gives the same lines as the line generators."""

from __future__ import annotations

import io

import pytest
from rdflib import Literal, URIRef

from nkelections.rdf import quads as quads_module
from nkelections.rdf.quads import Quads

EX = "http://example.org/"


def interleaved() -> Quads:
    """A large graph and two small ones whose triples fall before, among and after its own,
    one of them also in the large graph, one in both small graphs."""
    quads = Quads()
    large = quads.graph(URIRef(EX + "graph/b"))
    for n in range(10, 40):
        large.add((URIRef(f"{EX}s{n}"), URIRef(EX + "p"), Literal(f"line\nbreak {n} .")))
    first, last = quads.graph(URIRef(EX + "graph/a")), quads.graph(URIRef(EX + "graph/c"))
    shared = (URIRef(EX + "s20"), URIRef(EX + "p"), Literal("line\nbreak 20 ."))
    for triple in [
        (URIRef(EX + "s0"), URIRef(EX + "p"), Literal("first")),
        (URIRef(EX + "s25"), URIRef(EX + "q"), Literal("among")),
        (URIRef(EX + "s9"), URIRef(EX + "p"), Literal("last")),
        shared,
    ]:
        first.add(triple)
        last.add(triple)
    return quads


@pytest.mark.parametrize("block", [1, 3, 20_000])
def test_written_lines_are_those_of_the_line_generators(monkeypatch, block):
    monkeypatch.setattr(quads_module, "WRITE_BLOCK", block)
    quads, nquads, ntriples = interleaved(), io.StringIO(), io.StringIO()
    quads.write_lines(nquads, ntriples)
    assert nquads.getvalue() == "".join(quads.nquads())
    assert ntriples.getvalue() == "".join(quads.ntriples())
    lines = ntriples.getvalue().splitlines()
    assert len(lines) == len(set(lines)) == 30 + 3


def test_no_graphs_write_nothing():
    nquads, ntriples = io.StringIO(), io.StringIO()
    Quads().write_lines(nquads, ntriples)
    assert nquads.getvalue() == ntriples.getvalue() == ""
