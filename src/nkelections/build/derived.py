"""Derived data for questions too heavy to answer from the curated triples at full scale
(queries/README.md, "Speed at scale"): computed by the build from triples it already wrote,
after the superclass types (inference.py), so every engine reads the same answer.

- `nke:mostSpecificType`: from each entity a mention names (oa:hasBody of an nke:Mention) to
  each of its most specific classes, its types (curated, plus the superclasses inference.py
  adds) but those that are a superclass of another of its types. cq-37 worked it out per
  mentioned entity with FILTER NOT EXISTS over the subclass tree: 28,000 entities at 1x,
  1.5-2.6 s.
- `nke:conflictsWith`: between two figures of the same election, measure, scope, place
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
from nkelections.rdf.quads import GraphTriples, is_iri


def add_derived(graph: GraphTriples, ontology: Ontology) -> int:
    """Add both derived properties to the data graph; returns how many triples were new."""
    before = len(graph)
    add_most_specific_types(graph, ontology)
    add_conflicting_figures(graph)
    return len(graph) - before


def add_most_specific_types(graph: GraphTriples, ontology: Ontology) -> None:
    iri = graph.terms.iri
    rdf_type, derived = iri(RDF.type), iri(NKE.mostSpecificType)
    mention, body = iri(NKE.Mention), iri(OA.hasBody)
    closure = {
        cls: {iri(p) for p in parents} for cls, parents in superclass_closure(ontology).items()
    }
    types: dict[str, set[str]] = defaultdict(set)
    mentions, bodies = set(), []
    for s, p, o in graph.triples:
        if p == rdf_type and is_iri(o):
            types[s].add(o)
            if o == mention:
                mentions.add(s)
        elif p == body:
            bodies.append((s, o))
    named = {entity for annotation, entity in bodies if annotation in mentions}
    known: dict[frozenset[str], frozenset[str]] = {}  # a few dozen sets of classes recur
    for entity in named:
        classes = frozenset(types.get(entity, ()))
        specific = known.get(classes)
        if specific is None:
            above = set().union(*(closure.get(c, ()) for c in classes))
            specific = known[classes] = classes - above
        for cls in specific:
            graph.triples.add((entity, derived, cls))


def add_conflicting_figures(graph: GraphTriples) -> None:
    iri = graph.terms.iri
    figure_type = iri(NKE.Figure)
    predicates = {
        iri(NKE.measure): "measure",
        iri(NKE.figureOf): "figureOf",
        iri(NKE.scope): "scope",
        iri(NKE.value): "value",
        iri(SCHEMA.location): "location",
        iri(NKE.referenceDate): "referenceDate",
    }
    rdf_type, derived = iri(RDF.type), iri(NKE.conflictsWith)
    figures = set()
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph.triples:
        key = predicates.get(p)
        if key is not None:
            props[s][key].append(o)
        elif p == rdf_type and o == figure_type:
            figures.add(s)
    groups: dict[tuple, list[tuple[str, Decimal]]] = defaultdict(list)
    for figure in figures:
        known = props.get(figure, {})
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
            continue  # one value: no conflict (and no quadratic pass over a large group)
        for a, va in members:
            for b, vb in members:
                if a != b and va != vb:
                    graph.triples.add((a, derived, b))


def _lexical(literal: str) -> str:
    return next(ox.parse(f"<x:s> <x:p> {literal} .", format=ox.RdfFormat.N_TRIPLES)).object.value


def _decimal(literal: str) -> Decimal:
    return Decimal(_lexical(literal))
