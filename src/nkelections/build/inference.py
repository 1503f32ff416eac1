"""The one inference step the build runs: the rdfs:subClassOf closure of rdf:type.

Curated files give each entity its most specific class (`PeoplesAssembly`, `NewsAgency`); an
analyst asks for the general one (`?x a nke:Body`). RDFS entailment rule rdfs9 says that a
member of a class is a member of every superclass, and the ontology's class hierarchy is small
and fixed, so the build writes those types into the data graph rather than asking every query
engine to reason: the answers are then the same in every store, with or without a reasoner.
"""

from __future__ import annotations

from rdflib import URIRef

from nkelections.curation.ontology import Ontology
from nkelections.rdf.namespaces import RDF
from nkelections.rdf.quads import GraphTriples, Triple, is_iri


def superclass_closure(ontology: Ontology) -> dict[str, list[str]]:
    """Each class of the ontology (as N-Triples text) -> its superclasses, sorted."""
    closure = {}
    for cls, parents in ontology.superclasses.items():
        named = sorted(str(p) for p in parents if isinstance(p, URIRef) and p != cls)
        if named:
            closure[f"<{cls}>"] = named
    return closure


def materialise_types(
    graph: GraphTriples, ontology: Ontology, typing: list[Triple]
) -> list[Triple]:
    """Add `x a C` for every superclass C of every class x is typed with; returns the typing
    triples added (some may have been there). `typing` is the graph's rdf:type triples, picked
    by the caller's pass over the graph (a pass is seconds at 3x)."""
    closure = superclass_closure(ontology)
    rdf_type = graph.terms.iri(RDF.type)
    iri = graph.terms.iri
    inferred = [
        (s, rdf_type, iri(parent))
        for s, _, o in typing
        if is_iri(o)
        for parent in closure.get(o, ())
    ]
    graph.triples.update(inferred)
    return inferred
