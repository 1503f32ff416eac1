"""The built RDF dataset as an index of entities and facts, and as a networkx entity graph.

Entities (people, bodies, elections, documents, n-ary facts such as figures and memberships)
become nodes; object properties between entities become edges; literals and SKOS concepts
become node attributes. Evidence (with its credits, prov:Attribution), mentions, selectors
and reified statements are provenance: they are summarised as counts (`sources`,
`mentioned_in`), never drawn as nodes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
from rdflib import Literal, URIRef

from nkelections.curation.ontology import Ontology
from nkelections.errors import NetworkError
from nkelections.network.triples import TripleIndex, load
from nkelections.rdf.namespaces import (
    DATA_GRAPH,
    NKE,
    NKR,
    NKV,
    OA,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    WD,
)

# Provenance plumbing: summarised as attributes, never nodes of the entity graph.
PLUMBING_CLASSES = frozenset(
    {
        NKE.Evidence,
        NKE.Mention,
        NKE.Statement,
        NKE.Derivation,
        NKE.IdentityLink,
        OA.SpecificResource,
        OA.TextQuoteSelector,
        OA.TextPositionSelector,
        # a quote's credits (evidence.py): whom the evidence names, and in what role
        PROV.Attribution,
    }
)
# Literals too large or too internal to carry on every node.
SKIPPED_LITERALS = frozenset({SCHEMA.text})
# Types every fact or document also has; the node's `type` is its most specific class, one of
# these only when it has no other.
GENERIC_TYPES = frozenset({NKE.Fact, NKE.Document, PROV.Entity})
NO_TYPES: frozenset[URIRef] = frozenset()
NKR_TEXT, WD_TEXT = str(NKR), str(WD)


VOICES = {NKV["credit-speaker"], NKV["credit-author"], NKV["credit-publisher"]}


@dataclass(frozen=True)
class Quote:
    """One piece of evidence: the verbatim text, where it stands, and whom it credits."""

    exact: str
    document: URIRef
    start: int
    end: int
    stated_by: tuple[URIRef, ...] = ()
    # who speaks in the quote: the speaker the text names, else its own author or publisher
    voice: tuple[URIRef, ...] = ()


@dataclass
class Fact:
    """A fact node (a reified statement or an n-ary fact) with its evidence."""

    node: URIRef
    triple: tuple | None  # (s, p, o) for an nke:Statement
    quotes: list[Quote] = field(default_factory=list)

    @cached_property  # asked once per edge and node the fact gives a source count to
    def documents(self) -> set[URIRef]:
        return {q.document for q in self.quotes}


def load_dataset(path: Path) -> Path:
    """Check that a built dataset (N-Quads or TriG) is there; GraphIndex reads it."""
    if not path.exists():
        raise NetworkError(f"{path} does not exist", hint="run 'nkelections build' first")
    return path


class GraphIndex:
    """Lookups over one built dataset that the networks, the explorer and stats share.

    `source` is a path to a built N-Quads or TriG file, the build's Quads, or an rdflib Dataset.
    """

    def __init__(self, source):
        loaded = load(source)
        self.data: TripleIndex = loaded.data
        self.ontology = Ontology(loaded.ontology)
        self.triple_count = loaded.triple_count
        self.digest = loaded.digest  # SHA-256 of the data graph's sorted N-Triples
        if len(self.data) == 0:
            raise NetworkError(
                f"the dataset has no triples in {DATA_GRAPH}",
                hint="build the graph with 'nkelections build'",
            )
        # Answers that depend on a few dozen properties or combinations of types, asked once
        # per node or edge of a full election: each is worked out once.
        self._labels: dict = {}
        self._main_types: dict = {}
        self._is_a: dict = {}
        self._shorts: dict = {}
        self._type_lists: dict = {}
        self._columns: dict = {}
        self._property_labels: dict = {}

    @cached_property
    def types(self) -> dict[URIRef, frozenset[URIRef]]:
        """The classes of each typed IRI; frozen, so that a combination of types is a key."""
        types: dict[URIRef, set[URIRef]] = defaultdict(set)
        for s, o in self.data.subject_objects(RDF.type):
            if isinstance(s, URIRef):
                types[s].add(o)
        return {s: frozenset(ts) for s, ts in types.items()}

    @cached_property
    def entities(self) -> list[URIRef]:
        """Typed nodes that are not provenance plumbing, sorted by IRI."""
        return sorted((s for s, ts in self.types.items() if not ts & PLUMBING_CLASSES), key=str)

    @cached_property
    def entity_set(self) -> set[URIRef]:
        return set(self.entities)

    def node_id(self, iri: URIRef) -> str:
        text = str(iri)
        return text[len(NKR_TEXT) :] if text.startswith(NKR_TEXT) else text

    def type_names(self) -> list[str]:
        """Every class of the ontology as `type_name` writes it, sorted: the one order that
        gives each class the same colour in every view (pictures.type_styles)."""
        return sorted({self.short(c) for c in self.ontology.classes} | {"unknown"})

    def short(self, iri: URIRef) -> str:
        """Ontology.short, remembered."""
        found = self._shorts.get(iri)
        if found is None:
            found = self._shorts[iri] = self.ontology.short(iri)
        return found

    def is_a(self, iri: URIRef, classes: tuple[URIRef, ...]) -> bool:
        """Whether a node has one of the classes or a subclass of one."""
        key = (self.types.get(iri, NO_TYPES), classes)
        found = self._is_a.get(key)
        if found is None:
            found = self._is_a[key] = any(
                self.ontology.is_subclass(t, c) for t in key[0] for c in classes
            )
        return found

    def label(self, node) -> str:
        if isinstance(node, Literal):
            return str(node)
        found = self._labels.get(node)
        if found is None:
            found = self._labels[node] = self._find_label(node)
        return found

    def _find_label(self, node) -> str:
        for graph in (self.data, self.ontology.graph):
            for prop in (RDFS.label, SKOS.prefLabel):
                value = graph.value(node, prop)
                if value is not None:
                    return str(value)
        return self.short(node)

    def main_type(self, iri: URIRef) -> URIRef | None:
        """The most specific class of a node (ties broken by name), ignoring generic types."""
        key = self.types.get(iri, NO_TYPES)
        if key not in self._main_types:
            self._main_types[key] = self._most_specific(iri)
        return self._main_types[key]

    def _most_specific(self, iri: URIRef) -> URIRef | None:
        # The build writes every superclass of a node's classes into the data (inference.py),
        # so a node of nke:Document is also schema:CreativeWork and prov:Entity: the classes
        # with no subclass among the node's types come first, then the generic ones go.
        types = sorted(self.types.get(iri, set()))
        specific = [
            t for t in types if not any(o != t and self.ontology.is_subclass(o, t) for o in types)
        ]
        specific = [t for t in specific if t not in GENERIC_TYPES] or specific
        nke = [t for t in specific if str(t).startswith(str(NKE))]
        found = nke or specific
        return found[0] if found else None

    def type_name(self, iri: URIRef) -> str:
        cls = self.main_type(iri)
        return self.short(cls) if cls is not None else "unknown"

    def is_concept(self, node) -> bool:
        return node in self.ontology.individuals

    def property_label(self, prop: URIRef) -> str:
        # remembered by the index, not by functools.cache, which would keep every index
        # alive to the end of the process (and its hundreds of MB to be freed at exit)
        found = self._property_labels.get(prop)
        if found is None:
            value = self.ontology.graph.value(prop, RDFS.label)
            found = self._property_labels[prop] = (
                str(value) if value is not None else self.short(prop)
            )
        return found

    @staticmethod
    def attribute_name(prop: URIRef) -> str:
        return Ontology.short(prop).replace(":", "_")

    def wikidata(self, iri: URIRef) -> str | None:
        ids = sorted(
            str(o)[len(WD_TEXT) :]
            for o in self.data.objects(iri, SCHEMA.sameAs)
            if str(o).startswith(WD_TEXT)
        )
        return " ".join(ids) or None

    @cached_property
    def quotes(self) -> dict[URIRef, Quote]:
        """Every piece of evidence, keyed by its node."""
        found = {}
        for ev in self.data.subjects(RDF.type, NKE.Evidence):
            target = self.data.value(ev, OA.hasTarget)
            doc = self.data.value(target, OA.hasSource)
            exact = start = end = None
            for selector in self.data.objects(target, OA.hasSelector):
                exact = self.data.value(selector, OA.exact) or exact
                start = self.data.value(selector, OA.start) or start
                end = self.data.value(selector, OA.end) or end
            stated = tuple(sorted(self.data.objects(ev, NKE.statedBy)))
            found[ev] = Quote(
                str(exact), doc, int(start or 0), int(end or 0), stated, self._voice(ev)
            )
        return found

    def _voice(self, evidence: URIRef) -> tuple[URIRef, ...]:
        credits = self.data.objects(evidence, PROV.qualifiedAttribution)
        return tuple(
            sorted(
                self.data.value(c, PROV.agent)
                for c in credits
                if self.data.value(c, PROV.hadRole) in VOICES
            )
        )

    @cached_property
    def facts(self) -> dict[URIRef, Fact]:
        """Every nke:Fact with its quotes, keyed by its node."""
        facts = {}
        for node in sorted_terms(self.data.subjects(RDF.type, NKE.Fact)):
            triple = None
            if (node, RDF.type, NKE.Statement) in self.data:
                triple = (
                    self.data.value(node, RDF.subject),
                    self.data.value(node, RDF.predicate),
                    self.data.value(node, RDF.object),
                )
            quotes = [
                self.quotes[e]
                for e in sorted(self.data.objects(node, PROV.wasDerivedFrom))
                if e in self.quotes
            ]
            quotes.sort(key=lambda q: (str(q.document), q.start))
            facts[node] = Fact(node, triple, quotes)
        return facts

    @cached_property
    def statements(self) -> dict[tuple, Fact]:
        return {f.triple: f for f in self.facts.values() if f.triple is not None}

    def sources(self, s: URIRef, p: URIRef, o) -> int:
        """Distinct documents supporting a triple: its statement's evidence, else its subject's
        evidence when the subject is an n-ary fact; 0 when nothing quoted supports it."""
        fact = self.statements.get((s, p, o)) or self.facts.get(s)
        return len(fact.documents) if fact else 0

    @cached_property
    def mentioned_in(self) -> dict[URIRef, set[URIRef]]:
        docs: dict[URIRef, set[URIRef]] = defaultdict(set)
        for mention in self.data.subjects(RDF.type, NKE.Mention):
            body = self.data.value(mention, OA.hasBody)
            target = self.data.value(mention, OA.hasTarget)
            docs[body].add(self.data.value(target, OA.hasSource))
        return docs

    def node_attributes(self, iri: URIRef) -> dict:
        """Type, label, Wikidata id, literal and concept values, and provenance counts."""
        attrs: dict[str, object] = {
            "iri": str(iri),
            "label": self.label(iri),
            "type": self.type_name(iri),
        }
        values: dict[str, set[str]] = defaultdict(set)
        for p, o in self.data.predicate_objects(iri):
            column = self._columns.get(p)
            if column is None:
                column = self._columns[p] = self._column(p)
            if not column:
                continue
            if isinstance(o, Literal):
                values[column[0]].add(str(o))
            elif column[1] is not None and self.is_concept(o):
                values[column[1]].add(self.label(o))
        attrs.update({k: " | ".join(sorted(v)) for k, v in sorted(values.items())})
        attrs["types"] = self._type_list(self.types.get(iri, NO_TYPES))
        wikidata = self.wikidata(iri)
        if wikidata:
            attrs["wikidata"] = wikidata
        fact = self.facts.get(iri)
        attrs["sources"] = len(fact.documents) if fact else 0
        attrs["mentioned_in"] = len(self.mentioned_in.get(iri, ()))
        return attrs

    def _column(self, p: URIRef) -> tuple:
        """Where node_attributes puts a property's values: nowhere (the text, too large, and
        the label, already `label`), else under a name for literals and one for concepts
        (none for rdf:type, whose classes are `types`)."""
        if p in SKIPPED_LITERALS or p == RDFS.label:
            return ()
        name = self.attribute_name(p)
        return ("aliases" if p == SKOS.altLabel else name, None if p == RDF.type else name)

    def _type_list(self, types: frozenset[URIRef]) -> str:
        found = self._type_lists.get(types)
        if found is None:
            found = self._type_lists[types] = " ".join(sorted(self.short(t) for t in types))
        return found

    def relations(self) -> list[tuple]:
        """(s, p, o) between entities, sorted; rdf:type excluded."""
        return self._relations

    @cached_property
    def _relations(self) -> list[tuple]:
        entity_set, rdf_type = self.entity_set, self.data.predicates.get(RDF.type)
        rows = [
            (s, p, o)
            for s in self.entities
            for p, o in self.data.predicate_objects(s)
            if o in entity_set and p is not rdf_type and isinstance(o, URIRef)
        ]
        # all IRIs: their text orders them as rdflib does, without a Python call per comparison
        return sorted(rows, key=lambda row: (str(row[0]), str(row[1]), str(row[2])))


def sorted_terms(terms) -> list:
    """sorted(terms), by text when all are IRIs (the order rdflib gives them), so that a few
    hundred thousand are not compared one rdflib call at a time."""
    terms = list(terms)
    if all(type(t) is URIRef for t in terms):
        return sorted(terms, key=str)
    return sorted(terms)


def edge_attributes(index: GraphIndex, s: URIRef, p: URIRef, o) -> dict:
    return {
        "property": index.short(p),
        "label": index.property_label(p),
        "sources": index.sources(s, p, o),
    }


def add_entity(graph: nx.MultiDiGraph, index: GraphIndex, iri: URIRef, **extra) -> str:
    node = index.node_id(iri)
    if node not in graph:
        graph.add_node(node, **index.node_attributes(iri), **extra)
    return node


def add_relation(graph: nx.MultiDiGraph, index: GraphIndex, s: URIRef, p: URIRef, o) -> None:
    u, v = add_entity(graph, index, s), add_entity(graph, index, o)
    graph.add_edge(u, v, key=index.short(p), **edge_attributes(index, s, p, o))


def entity_network(index: GraphIndex) -> nx.MultiDiGraph:
    """The whole entity graph: every entity, every relation between two entities."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="entities")
    for iri in index.entities:
        add_entity(graph, index, iri)
    for s, p, o in index.relations():
        add_relation(graph, index, s, p, o)
    return graph


def release(graph: nx.Graph) -> None:
    """Free a graph now. networkx caches its edge and degree views on the graph, and they point
    back at it: a reference cycle, which only the cycle collector frees, and the objects of a
    view are frozen from it while the files are written (write.kept_from_gc). A full
    election's entity graph is 450 MB: emptied here, it goes by reference counting."""
    graph.__dict__.clear()
