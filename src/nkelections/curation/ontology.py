"""The ontology as the curation format sees it: which names are classes, properties, concepts.

The curated YAML names properties and classes by local name (nke terms) or CURIE; the
ontology's declarations decide whether a value is an entity or a literal and of which datatype.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from nkelections.errors import CurationError
from nkelections.rdf.namespaces import (
    NKE,
    OWL,
    RDF,
    RDFS,
    SKOS,
    XSD,
    expand_curie,
    shorten,
)

# Datatypes of reused datatype properties whose vocabularies declare no simple range.
REUSED_DATATYPES = {
    "http://purl.org/dc/terms/issued": XSD.date,
    "http://purl.org/dc/terms/date": XSD.date,
    "http://purl.org/dc/terms/dateCopyrighted": XSD.gYear,
    # ELI leaves eli:number open; our decision numbers are whole numbers, typed so they sort
    "http://data.europa.eu/eli/ontology#number": XSD.positiveInteger,
}


@dataclass(frozen=True)
class Property:
    iri: URIRef
    is_object: bool
    datatype: URIRef | None  # None: inferred from the value's form


class Ontology:
    def __init__(self, graph: Graph):
        self.graph = graph

    @classmethod
    def load(cls, path: Path) -> Ontology:
        graph = Graph(bind_namespaces="none")
        try:
            graph.parse(path, format="turtle")
        except OSError as exc:
            raise CurationError(
                f"cannot read the ontology: {exc.strerror or exc}", where=str(path)
            ) from None
        except Exception as exc:  # rdflib's parser errors have no common base class
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CurationError(
                f"the ontology does not parse: {first[:300]}",
                where=str(path),
                hint="fix the Turtle (riot --validate names the line)",
            ) from None
        return cls(graph)

    def _named(self, kind: URIRef) -> list[URIRef]:
        """The IRIs typed `kind` (a blank node is no term a curated file can name)."""
        return [s for s in self.graph.subjects(RDF.type, kind) if isinstance(s, URIRef)]

    @cached_property
    def classes(self) -> set[URIRef]:
        return set(self._named(OWL.Class))

    @cached_property
    def properties(self) -> dict[URIRef, Property]:
        props = {}
        for kind, is_object in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
            for iri in self._named(kind):
                rng = self.graph.value(iri, RDFS.range)
                rng = rng if isinstance(rng, URIRef) else None  # not a union of datatypes
                datatype = None if is_object else (rng or REUSED_DATATYPES.get(str(iri)))
                props[iri] = Property(iri, is_object, datatype)
        return props

    @cached_property
    def individuals(self) -> set[URIRef]:
        """Concepts and schemes the data may point at (roles, levels, measures, ...)."""
        return set(self._named(SKOS.Concept))

    @cached_property
    def superclasses(self) -> dict[URIRef, set[Node]]:
        """Each class -> its superclasses, blank nodes (restrictions, unions) included."""
        closure: dict[URIRef, set[Node]] = {}
        for cls in self.classes:
            seen: set[Node] = set()
            todo: list[Node] = [cls]
            while todo:
                for parent in self.graph.objects(todo.pop(), RDFS.subClassOf):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            closure[cls] = seen
        return closure

    def and_superclasses(self, cls: Node) -> set[Node]:
        """`cls` and its superclasses (`cls` alone when the ontology has no such class)."""
        return {cls} | (self.superclasses.get(cls, set()) if isinstance(cls, URIRef) else set())

    def is_subclass(self, cls: URIRef, parent: URIRef) -> bool:
        return cls == parent or parent in self.superclasses.get(cls, set())

    def any_subclass(self, types: tuple[URIRef, ...], parents: tuple[URIRef, ...]) -> bool:
        """Whether any of types is (a subclass of) any of parents; cached, since a large
        dataset asks it once per entity about the same few combinations of types."""
        key = (types, parents)
        found = self._subclass_answers.get(key)
        if found is None:
            found = self._subclass_answers[key] = any(
                self.is_subclass(t, p) for t in types for p in parents
            )
        return found

    @cached_property
    def _subclass_answers(self) -> dict[tuple, bool]:
        return {}

    @cached_property
    def _resolved(self) -> dict[str, URIRef]:
        return {}  # name -> IRI: the same few names recur on every entity of a large dataset

    def resolve_term(self, name: str) -> URIRef:
        """A bare local name is an nke term; 'prefix:local' uses the project's prefixes."""
        found = self._resolved.get(name)
        if found is None:
            iri = expand_curie(name) if ":" in name else str(NKE) + name
            found = self._resolved[name] = URIRef(iri) if iri else URIRef(name)
        return found

    # Known names are looked up by the name itself: rdflib hashes and compares URIRefs in
    # Python, and a full election asks about the same few names a million times.
    @cached_property
    def _properties_by_name(self) -> dict[str, Property]:
        return {}

    @cached_property
    def _classes_by_name(self) -> dict[str, URIRef]:
        return {}

    def property(self, name: str, where: str) -> Property:
        found = self._properties_by_name.get(name)
        if found is None:
            iri = self.resolve_term(name)
            if iri not in self.properties:
                raise CurationError(
                    f"unknown property '{name}'",
                    where=where,
                    hint=self.closest(name, self.properties),
                )
            found = self._properties_by_name[name] = self.properties[iri]
        return found

    def cls(self, name: str, where: str) -> URIRef:
        found = self._classes_by_name.get(name)
        if found is None:
            iri = self.resolve_term(name)
            if iri not in self.classes:
                raise CurationError(
                    f"unknown class '{name}'", where=where, hint=self.closest(name, self.classes)
                )
            found = self._classes_by_name[name] = iri
        return found

    def individual(self, name: str) -> URIRef | None:
        if ":" not in name:
            return None
        iri = self.resolve_term(name)
        return iri if iri in self.individuals else None

    def closest(self, name: str, iris) -> str:
        names = [self.short(i) for i in iris]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        if not close:
            return "see ontology/nkelections.ttl"
        return "did you mean " + ", ".join(close) + "?"

    @staticmethod
    def short(iri: URIRef) -> str:
        """The ontology's own terms by their bare local name, others as CURIEs."""
        found = shorten(iri)
        return found[len("nke:") :] if found.startswith("nke:") else found
