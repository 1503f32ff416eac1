"""The one converter between pyoxigraph's and rdflib's RDF terms, both ways, and a term as
SPARQL text. Every stage that crosses between the two libraries goes through here."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from nkelections.errors import NkeError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# The rdflib terms a parser makes (rdflib's own `Node` also covers variables and graphs).
RdflibTerm = URIRef | BNode | Literal
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


class TermError(NkeError):
    """A term one of the two libraries has and the other cannot take (an RDF-star triple)."""


def to_rdflib(term) -> RdflibTerm:
    """A pyoxigraph term as rdflib makes it when it parses the same text; an xsd:string, which
    RDF 1.1 makes one term with the plain string, as the plain string. `type(...) is` rather
    than isinstance, and datatype IRIs made once: the network export converts millions."""
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else _iri(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise TermError(
        f"an RDF-star term rdflib cannot hold: {term}", hint="write the data without quoted triples"
    )


@cache
def _iri(text: str) -> URIRef:
    """A datatype's IRI, made once: a few datatypes type hundreds of thousands of literals."""
    return URIRef(text)


def to_oxigraph(term: Node) -> OxTerm:
    """An rdflib term as pyoxigraph's (a literal without datatype or language is an
    xsd:string, as RDF 1.1 says)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    raise TermError(f"not an RDF term: {term!r}")


def sparql_text(node: Node) -> str:
    """An rdflib term as SPARQL text; a blank node as an IRI that never matches (a blank node
    in a query is a variable, and the data's blank nodes are local to it)."""
    if isinstance(node, BNode):
        return f"<urn:nkelections:bnode:{node}>"
    return node.n3()
