"""The curated facts: entities (data/entities/*.yaml) and evidence (data/statements/*.yaml).

An entity file lists entities with their labels, aliases and attributes. A statement file
lists, for one source document, quotes and the facts each quote supports: either the id of an
n-ary fact entity (a figure, a membership, a claim, an event) or a subject-property-value
triple. The same triple quoted in several files is one fact with several pieces of evidence.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Literal, URIRef

from nkelections.curation.check import curated_files
from nkelections.curation.ontology import Ontology, Property
from nkelections.curation.yamlio import Node, Seq
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import NKR, RDF, XSD
from nkelections.sources.corpus import SLUG, Corpus

ENTITY_KEYS = {
    "id",
    "type",
    "label",
    "aliases",
    "description",
    "note",
    "wikidata",
    "not_a_mention",
    "quotes",
}
# Who a quote is credited to: the key of each credit and its role (see docs/decisions/0004).
CREDIT_KEYS = {"stated_by": "speaker", "according_to": "authority", "reported_by": "outlet"}
EVIDENCE_KEYS = {
    "quote",
    "occurrence",
    "facts",
    "reported_in",
    "stated_on",
    "note",
    "year_inferred",
    *CREDIT_KEYS,
    *(key + "_span" for key in CREDIT_KEYS),
}
STATEMENT_KEYS = {"id", "subject", "property", "value", "year_inferred", "note"}
PATTERNS = {
    XSD.date: re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
    XSD.gYearMonth: re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    XSD.gYear: re.compile(r"^\d{4}$"),
    XSD.decimal: re.compile(r"^-?\d+(\.\d+)?$"),
    XSD.integer: re.compile(r"^-?\d+$"),
    XSD.positiveInteger: re.compile(r"^[1-9]\d*$"),
    XSD.duration: re.compile(r"^P(?=\d)(\d+Y)?(\d+M)?(\d+D)?$"),
    XSD.boolean: re.compile(r"^(true|false)$"),
}
WHAT = {
    XSD.date: "a date YYYY-MM-DD",
    XSD.decimal: "a decimal number such as 99.63",
    XSD.integer: "a whole number",
    XSD.positiveInteger: "a whole number from 1",
    XSD.duration: "a duration such as P4Y",
    XSD.boolean: "true or false",
    XSD.gYearMonth: "a year and month YYYY-MM",
    XSD.gYear: "a year YYYY",
}


@dataclass
class Attribute:
    prop: Property
    value: URIRef | Literal
    where: str


@dataclass
class Entity:
    id: str
    types: list[URIRef]
    label: str
    aliases: list[str]
    description: str | None
    attributes: list[Attribute]
    where: str
    note: str | None = None
    wikidata: str | None = None
    # verbatim passages where a name of this entity means something else (issue 21)
    not_a_mention: list[str] = field(default_factory=list)
    # a disagreement's sides: (document, passage of one of its facts' quotes), see disagreements.py
    quotes: list[tuple[str, str]] = field(default_factory=list)

    @cached_property
    def iri(self) -> URIRef:
        return NKR[self.id]


@dataclass
class StatementSpec:
    subject: str
    prop: Property
    value: URIRef | Literal
    where: str
    id: str | None = None
    year_inferred: bool = False
    note: str | None = None

    @property
    def key(self) -> tuple:
        return (self.subject, self.prop.iri, self.value)


@dataclass(frozen=True)
class Credit:
    """An agent the text credits with a quote, in a role; span is the coreference ("the
    ministry", "it") that stands for the agent where its paragraph does not name it."""

    role: str
    agent: str
    span: str | None = None


@dataclass
class EvidenceSpec:
    document: str
    quote: str
    occurrence: int
    facts: list[str | StatementSpec]
    where: str
    credits: tuple[Credit, ...] = ()
    reported_in: str | None = None
    stated_on: Literal | None = None
    note: str | None = None
    year_inferred: bool = False  # the quote's date has no year in the quote (issue 21)

    def credited(self, role: str) -> str | None:
        return next((c.agent for c in self.credits if c.role == role), None)


@dataclass
class Curation:
    entities: dict[str, Entity] = field(default_factory=dict)
    evidence: list[EvidenceSpec] = field(default_factory=list)


def load_curation(
    data_dir: Path, corpus: Corpus, ontology: Ontology, root: Path | None = None, lines: bool = True
) -> Curation:
    """Read every entity and statement file and check each reference against the others.

    lines=False reads faster but errors name only the file (see yamlio.load_yaml)."""
    curation = Curation()
    reader = _Reader(ontology, curation)
    # Each file is checked against the curation schema first (nkelections.curation.schema).
    for kind, path, doc in curated_files(data_dir, corpus, ontology, root, lines):
        if kind == "entities":
            for entry in _entries(doc, "entities", path):
                reader.entity(entry)
            continue
        document = doc.get("document") if isinstance(doc, Node) else None
        if document not in corpus.documents:
            raise CurationError(
                f"'document: {document}' names no document of the manifest",
                where=getattr(doc, "where", str(path)),
                hint="one of " + ", ".join(sorted(corpus.documents)),
            )
        for entry in _entries(doc, "evidence", path):
            curation.evidence.append(reader.evidence(entry, document))
    reader.check_references(corpus)
    return curation


def _entries(doc, key: str, path: Path) -> list[Node]:
    items = doc.get(key) if isinstance(doc, Node) else None
    if not isinstance(items, Seq):
        raise CurationError(f"the file must have a top-level '{key}' list", where=str(path))
    for item in items:
        if not isinstance(item, Node):
            raise CurationError(f"each item of '{key}' must be a mapping", where=f"{items.where}")
    return items


class _Reader:
    """Turns YAML nodes into records, remembering references to check once all is read."""

    def __init__(self, ontology: Ontology, curation: Curation):
        self.ontology = ontology
        self.curation = curation
        self.references: list[tuple[str, str]] = []  # (entity id, where)
        self.statement_ids: dict[str, tuple] = {}
        self.iris: dict[str, URIRef] = {}  # entity id -> IRI, made once however often it is used
        # (datatype, text) -> literal: rdflib parses each typed literal into a Python value,
        # and figures, dates and flags repeat
        self.literals: dict[tuple[URIRef, str], Literal] = {}

    def entity(self, node: Node) -> None:
        where = node.where  # made once: a full election has a hundred thousand entities
        ident = self._slug(node.get("id"), where)
        if ident in self.curation.entities:
            first = self.curation.entities[ident].where
            raise CurationError(
                f"duplicate id '{ident}' (first defined at {first})",
                where=where,
                hint="give each entity its own id",
            )
        types = [self.ontology.cls(t, where) for t in _as_list(node.get("type"))]
        if not types:
            raise CurationError(f"entity '{ident}' has no type", where=where)
        label = node.get("label")
        if not isinstance(label, str) or not label.strip():
            raise CurationError(f"entity '{ident}' has no label", where=where)
        attributes = []
        for key, raw in node.items():
            if key in ENTITY_KEYS:
                continue
            prop = self.ontology.property(key, where)
            for item in _as_list(raw):
                attributes.append(Attribute(prop, self.value(prop, item, where), where))
        self.curation.entities[ident] = Entity(
            id=ident,
            types=types,
            label=label.strip(),
            aliases=[a for a in _as_list(node.get("aliases")) if isinstance(a, str)],
            description=node.get("description"),
            attributes=attributes,
            where=where,
            note=node.get("note"),
            wikidata=node.get("wikidata"),
            not_a_mention=[p for p in _as_list(node.get("not_a_mention")) if isinstance(p, str)],
            # the schema has checked that both are strings
            quotes=[
                (str(q.get("document")), str(q.get("quote")))
                for q in _as_list(node.get("quotes"))
                if isinstance(q, Node)
            ],
        )

    def evidence(self, node: Node, document: str) -> EvidenceSpec:
        _check_keys(node, EVIDENCE_KEYS)
        quote = node.get("quote")
        if not isinstance(quote, str) or not quote:
            raise CurationError("evidence without a 'quote'", where=node.where)
        facts = [self.fact(item, node) for item in _as_list(node.get("facts"))]
        if not facts:
            raise CurationError(
                "evidence supports no facts",
                where=node.where,
                hint="list the facts the quote supports under 'facts'",
            )
        if node.get("reported_in"):
            self.references.append((node["reported_in"], node.where))
        stated_on = node.get("stated_on")
        return EvidenceSpec(
            document=document,
            quote=quote,
            occurrence=_whole(node.get("occurrence", "1"), node),
            facts=facts,
            where=node.where,
            credits=self.credits(node),
            reported_in=node.get("reported_in"),
            stated_on=self.literal(XSD.date, stated_on, node.where) if stated_on else None,
            note=node.get("note"),
            year_inferred=node.get("year_inferred") == "true",
        )

    def credits(self, node: Node) -> tuple[Credit, ...]:
        credits = []
        for key, role in CREDIT_KEYS.items():
            agent, span = node.get(key), node.get(key + "_span")
            if span is not None and not agent:
                raise CurationError(
                    f"'{key}_span' without '{key}'",
                    where=node.where,
                    hint=f"name the agent the span stands for under '{key}'",
                )
            if not agent:
                continue
            if not isinstance(agent, str) or (span is not None and not isinstance(span, str)):
                raise CurationError(
                    f"'{key}' and '{key}_span' take one value each",
                    where=node.where,
                    hint="credit one agent per role",
                )
            self.references.append((agent, node.where))
            credits.append(Credit(role, agent, span or None))
        return tuple(credits)

    def fact(self, item, parent: Node) -> str | StatementSpec:
        if isinstance(item, str):
            self.references.append((item, parent.where))
            return item
        if isinstance(item, Seq) and len(item) == 3:
            line = item.line
            item = Node(subject=item[0], property=item[1], value=item[2])
            item.file, item.line = parent.file, line
        if not isinstance(item, Node):
            raise CurationError(
                "a fact is an entity id, [subject, property, value] or a mapping "
                "with subject, property and value",
                where=parent.where,
            )
        _check_keys(item, STATEMENT_KEYS)
        where = item.where if item.line else parent.where
        prop = self.ontology.property(str(item.get("property")), where)
        spec = StatementSpec(
            subject=str(item.get("subject")),
            prop=prop,
            value=self.value(prop, item.get("value"), where),
            where=where,
            id=self._slug(item["id"], where) if item.get("id") else None,
            year_inferred=item.get("year_inferred") == "true",
            note=item.get("note"),
        )
        self.references.append((spec.subject, where))
        if spec.id:
            known = self.statement_ids.setdefault(spec.id, spec.key)
            if known != spec.key:
                raise CurationError(
                    f"statement id '{spec.id}' is used for two different facts",
                    where=where,
                    hint="give each statement its own id",
                )
        return spec

    def value(self, prop: Property, raw, where: str) -> URIRef | Literal:
        if raw is None or isinstance(raw, (Node, Seq)):
            raise CurationError(
                f"property '{self.ontology.short(prop.iri)}' needs a single value", where=where
            )
        if prop.is_object:
            concept = self.ontology.individual(raw)
            if concept is not None:
                return concept
            self.references.append((raw, where))
            iri = self.iris.get(raw)
            if iri is None:
                iri = self.iris[raw] = NKR[raw]
            return iri
        if prop.datatype == RDF.langString:
            return Literal(raw, lang="en")
        if prop.datatype is None:
            for datatype in (XSD.date, XSD.gYearMonth, XSD.gYear):
                if PATTERNS[datatype].match(raw):
                    return Literal(raw, datatype=datatype)
            return Literal(raw)
        return self.literal(prop.datatype, raw, where, self.ontology.short(prop.iri))

    def literal(self, datatype: URIRef, raw: str, where: str, name: str = "") -> Literal:
        pattern = PATTERNS.get(datatype)
        if pattern is not None and not pattern.match(raw):
            label = f"'{name}' " if name else ""
            raise CurationError(f"{label}value {raw!r} is not {WHAT[datatype]}", where=where)
        found = self.literals.get((datatype, raw))
        if found is None:
            found = self.literals[(datatype, raw)] = _typed_literal(datatype, raw)
        return found

    def check_references(self, corpus: Corpus) -> None:
        known = set(self.curation.entities) | set(corpus.documents) | set(self.statement_ids)
        for ident, where in self.references:
            if ident not in known:
                close = difflib.get_close_matches(str(ident), sorted(known), n=3, cutoff=0.6)
                raise CurationError(
                    f"unknown entity '{ident}'",
                    where=where,
                    hint=("did you mean " + ", ".join(close) + "?")
                    if close
                    else "define it in data/entities/",
                )

    def _slug(self, value, where: str) -> str:
        if not isinstance(value, str) or not SLUG.match(value):
            raise CurationError(
                f"id {value!r} is not a slug",
                where=where,
                hint="use lower-case letters, digits and single hyphens",
            )
        return value


def _typed_literal(datatype: URIRef, raw: str) -> Literal:
    if datatype == XSD.string:
        return Literal(raw)
    if datatype == XSD.decimal and "." not in raw:
        raw += ".0"  # canonical form, as Turtle writers abbreviate it: formats stay equal
    return Literal(raw, datatype=datatype)


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _check_keys(node: Node, allowed: set[str]) -> None:
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise CurationError(
            f"unknown key '{unknown[0]}'",
            where=node.where,
            hint="allowed keys: " + ", ".join(sorted(allowed)),
        )


def _whole(value, node: Node) -> int:
    if not isinstance(value, str) or not value.isdigit() or int(value) < 1:
        raise CurationError(
            f"'occurrence' must be a whole number from 1, not {value!r}", where=node.where
        )
    return int(value)
