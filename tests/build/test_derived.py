"""The derived data for heavy questions (src/nkelections/build/derived.py) agrees with what it
is derived from: the links between figures that differ in value with the figures, the most
specific types with the types."""

from __future__ import annotations

from decimal import Decimal

from rdflib import URIRef

from nkelections.rdf.namespaces import NKE, OA, RDF, RDFS, SCHEMA

DATA = URIRef("https://w3id.org/nkelections/graph/data")
ONTOLOGY = URIRef("https://w3id.org/nkelections/graph/ontology")


def _key(graph, figure):
    def one(p):
        values = sorted(str(v) for v in graph.objects(figure, p))
        return values[0] if values else ""

    return tuple(one(p) for p in (NKE.figureOf, NKE.measure, NKE.scope, SCHEMA.location)) + (
        one(NKE.referenceDate),
    )


def test_value_links_are_exactly_the_pairs_of_differing_figures(built):
    graph = built.dataset.graph(DATA)
    figures = [f for f in graph.subjects(RDF.type, NKE.Figure) if (f, NKE.scope, None) in graph]
    expected = {
        (a, b)
        for a in figures
        for b in figures
        if a != b
        and _key(graph, a) == _key(graph, b)
        and Decimal(str(graph.value(a, NKE.value))) != Decimal(str(graph.value(b, NKE.value)))
    }
    assert set(graph.subject_objects(NKE.differsInValueFrom)) == expected
    assert expected, "the seed graph has a pair (the turnout, 99.63 and over 99)"


def test_most_specific_types_are_the_narrowest_types_of_mentioned_entities(built):
    graph = built.dataset.graph(DATA)
    ontology = built.dataset.graph(ONTOLOGY)
    mentioned = {
        e for m in graph.subjects(RDF.type, NKE.Mention) for e in graph.objects(m, OA.hasBody)
    }
    assert {s for s, _ in graph.subject_objects(NKE.mostSpecificType)} == mentioned
    for entity in mentioned:
        types = set(graph.objects(entity, RDF.type))
        narrowest = {
            c
            for c in types
            if not any(n != c and (n, RDFS.subClassOf, c) in ontology for n in types)
        }
        assert set(graph.objects(entity, NKE.mostSpecificType)) == narrowest, entity
