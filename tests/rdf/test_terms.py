"""The one converter between pyoxigraph and rdflib terms (nkelections.rdf.terms)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from nkelections.rdf.terms import TermError, sparql_text, to_oxigraph, to_rdflib

TURTLE = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:s ex:p ex:o , "plain" , "ko"@ko , "2023-11-26"^^xsd:date , "5"^^xsd:nonNegativeInteger ,
    "Kim"@en-GB , _:b .
"""


def test_terms_convert_as_each_library_parses_the_same_text():
    """pyoxigraph's terms, converted, are rdflib's terms of the same file, and back."""
    theirs = {o for o in Graph().parse(data=TURTLE, format="turtle").objects()}
    ours = {
        to_rdflib(q.object) for q in ox.parse(TURTLE.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    }
    named = lambda terms: {t for t in terms if not isinstance(t, BNode)}  # noqa: E731
    assert named(ours) == named(theirs)
    assert sum(isinstance(t, BNode) for t in ours) == 1
    back = {to_oxigraph(t) for t in named(ours)}
    assert back == {
        q.object
        for q in ox.parse(TURTLE.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        if not isinstance(q.object, ox.BlankNode)
    }


def test_a_plain_string_has_no_datatype_in_rdflib_and_xsd_string_in_pyoxigraph():
    """RDF 1.1 makes "x" and "x"^^xsd:string one term; pyoxigraph keeps one form, rdflib two
    (it parses the second with the datatype): ours is the form rdflib gives a plain string."""
    assert to_rdflib(ox.Literal("x", datatype=ox.NamedNode(str(XSD.string)))) == Literal("x")
    assert to_rdflib(ox.Literal("plain")) == Literal("plain")
    assert to_rdflib(ox.Literal("plain")).datatype is None
    assert to_oxigraph(Literal("plain")).datatype == ox.NamedNode(str(XSD.string))
    assert to_oxigraph(Literal("5", datatype=XSD.integer)) == ox.Literal(
        "5", datatype=ox.NamedNode(str(XSD.integer))
    )


def test_a_quoted_triple_is_one_clear_error():
    triple = ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"))
    with pytest.raises(TermError) as raised:
        to_rdflib(triple)
    assert "RDF-star" in raised.value.line() and "hint:" in raised.value.line()


def test_sparql_text_never_matches_a_blank_node_by_label():
    assert sparql_text(URIRef("http://e/x")) == "<http://e/x>"
    assert sparql_text(Literal("a", lang="ko")) == '"a"@ko'
    assert sparql_text(BNode("b1")).startswith("<urn:nkelections:bnode:")
