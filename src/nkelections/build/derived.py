"""Derived data for questions too heavy to answer from the curated triples at full scale
(queries/README.md, "Speed at scale"): computed by the build from triples it already wrote,
after the superclass types (inference.py), so every engine reads the same answer.

- `nke:mostSpecificType`: from each entity a mention names (oa:hasBody of an nke:Mention) to
  each of its most specific classes, its types (curated, plus the superclasses inference.py
  adds) but those that are a superclass of another of its types. cq-37 worked it out per
  mentioned entity with FILTER NOT EXISTS over the subclass tree: 28,000 entities at 1x,
  1.5-2.6 s.
- `nke:differsInValueFrom`: between two figures of the same election, measure, scope, place
  (schema:location, or none) and reference day (or none) whose values differ as decimals, in
  both directions. cq-35 grouped all 56,000 figures at 1x to find them: 3 s.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox

from nkelections.build.inference import superclass_closure
from nkelections.curation.ontology import Ontology
from nkelections.rdf.namespaces import NKE, OA, RDF, SCHEMA
from nkelections.rdf.quads import GraphTriples, Triple, is_iri


def read_predicates(graph: GraphTriples) -> set[str]:
    """The predicates whose triples add_derived reads."""
    return {graph.terms.iri(p) for p in (RDF.type, OA.hasBody, *FIGURE_PROPERTIES)}


def add_derived(graph: GraphTriples, ontology: Ontology, picked: list[Triple]) -> int:
    """Add both derived properties to the data graph; returns how many triples were new.
    `picked` holds every triple of the graph with one of read_predicates (the build picks them
    in its one pass over the graph for this and inference.py)."""
    before = len(graph)
    iri = graph.terms.iri
    rdf_type, body = iri(RDF.type), iri(OA.hasBody)
    properties = {iri(p): name for p, name in FIGURE_PROPERTIES.items()}
    # one pass over the whole graph (2.5 million triples at 1x), each triple to its predicate's
    buckets: dict[str, list[Triple]] = {p: [] for p in (rdf_type, body, *properties)}
    for triple in picked:
        bucket = buckets.get(triple[1])
        if bucket is not None:
            bucket.append(triple)
    types = buckets[rdf_type]
    mention, figure = iri(NKE.Mention), iri(NKE.Figure)
    mentions = {s for s, _, o in types if o == mention}
    named = {o for s, _, o in buckets[body] if s in mentions}
    types_of: dict[str, set[str]] = defaultdict(set)
    figures = set()
    for s, _, o in types:
        if s in named:
            types_of[s].add(o)
        if o == figure:
            figures.add(s)
    add_most_specific_types(graph, ontology, named, types_of)
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for predicate, name in properties.items():
        for s, _, o in buckets[predicate]:
            if s in figures:
                values[s][name].append(o)
    add_differing_figures(graph, values)
    return len(graph) - before


def add_most_specific_types(
    graph: GraphTriples, ontology: Ontology, named: set[str], types_of: dict[str, set[str]]
) -> None:
    """`nke:mostSpecificType` from each entity a mention names to each of its types that is
    no superclass of another."""
    iri = graph.terms.iri
    derived = iri(NKE.mostSpecificType)
    closure = {
        cls: {iri(p) for p in parents} for cls, parents in superclass_closure(ontology).items()
    }
    known: dict[frozenset[str], frozenset[str]] = {}  # a few dozen sets of classes recur
    for entity in named:
        classes = frozenset(c for c in types_of.get(entity, ()) if is_iri(c))
        specific = known.get(classes)
        if specific is None:
            above = set().union(*(closure.get(c, ()) for c in classes))
            specific = known[classes] = classes - above
        for cls in specific:
            graph.triples.add((entity, derived, cls))


FIGURE_PROPERTIES = {
    NKE.measure: "measure",
    NKE.figureOf: "figureOf",
    NKE.scope: "scope",
    NKE.value: "value",
    SCHEMA.location: "location",
    NKE.referenceDate: "referenceDate",
}


def add_differing_figures(graph: GraphTriples, values: dict[str, dict[str, list[str]]]) -> None:
    """`nke:differsInValueFrom` between the figures (each with its values by property name) of the
    same election, measure, scope, place and day whose values differ as decimals."""
    derived = graph.terms.iri(NKE.differsInValueFrom)
    groups: dict[tuple, list[tuple[str, Decimal]]] = defaultdict(list)
    for figure, known in values.items():
        if not all(known.get(k) for k in ("measure", "figureOf", "scope", "value")):
            continue  # the question pairs figures that have all four
        places = known.get("location") or [""]
        days = [_lexical(d) for d in known.get("referenceDate", ())] or [""]
        for m in known["measure"]:
            for e in known["figureOf"]:
                for sc in known["scope"]:
                    for place in places:
                        for day in days:
                            for v in known["value"]:
                                groups[(e, m, sc, place, day)].append((figure, _decimal(v)))
    for members in groups.values():
        if len({value for _, value in members}) < 2:
            continue  # one value: nothing differs (and no quadratic pass over a large group)
        for a, va in members:
            for b, vb in members:
                if a != b and va != vb:
                    graph.triples.add((a, derived, b))


def _lexical(literal: str) -> str:
    if literal.startswith('"') and "\\" not in literal:  # no escapes: the text between quotes
        return literal[1 : literal.rindex('"')]
    return next(ox.parse(f"<x:s> <x:p> {literal} .", format=ox.RdfFormat.N_TRIPLES)).object.value


def _decimal(literal: str) -> Decimal:
    return Decimal(_lexical(literal))
