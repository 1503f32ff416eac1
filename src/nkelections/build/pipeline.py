"""Texts and curated files -> one RDF dataset (ontology and data in separate named graphs)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef

from nkelections.build.derived import add_derived, read_predicates
from nkelections.build.describe import add_description, release_date
from nkelections.build.disagreements import link_disagreements
from nkelections.build.entity_index import Row, built_rows
from nkelections.build.evidence import Credits, Span, TextTargets, locate_all, mention_iri
from nkelections.build.inference import materialise_types
from nkelections.build.redact import redact_unlicensed_texts
from nkelections.build.statements import (
    Curation,
    Entity,
    EvidenceSpec,
    StatementSpec,
    load_curation,
)
from nkelections.curation.links import add_wikidata_links
from nkelections.curation.ontology import Ontology
from nkelections.errors import CurationError
from nkelections.process.runtime import Forked, paused_gc
from nkelections.rdf.namespaces import (
    DATA_GRAPH,
    DCTERMS,
    NKE,
    NKR,
    NKV,
    OA,
    ONTOLOGY_GRAPH,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
)
from nkelections.rdf.quads import GraphTriples, Quads
from nkelections.sources.corpus import Corpus, Document, load_corpus
from nkelections.sources.mentions import Gazetteer, Mention

DOCUMENT_CLASSES = {
    "encyclopedia-article": SCHEMA.Article,
    "research-paper": SCHEMA.ScholarlyArticle,
    "news-article": SCHEMA.NewsArticle,
    "interview-report": SCHEMA.NewsArticle,
}
NOT_MENTIONED = (NKE.Fact, NKE.Disagreement, NKE.Derivation)


@dataclass(frozen=True)
class Paths:
    """Where the inputs live; one project root by default."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "nkelections.ttl"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def sources(self) -> Path:
        return self.root / "data" / "sources"


@dataclass
class Summary:
    documents: int = 0
    entities: int = 0
    statements: int = 0
    facts: int = 0
    evidence: int = 0
    mentions: int = 0
    triples: int = 0
    graphs: dict[str, int] = field(default_factory=dict)


@dataclass
class BuildResult:
    quads: Quads
    summary: Summary
    entity_rows: tuple[list[Row], Counter] | None = None  # the entity index's, when known

    @cached_property
    def dataset(self) -> Dataset:
        """The same dataset in rdflib, made on first use (small graphs, commands and tests)."""
        return self.quads.to_rdflib()


def build_graph(paths: Paths, redact: bool = False) -> BuildResult:
    """Read and check every input, then assemble the dataset, its graphs sorted for the
    writers. `redact` leaves out the words of the texts without a licence (a release: see
    redact.py). Raises NkeError on bad input."""
    with paused_gc():
        try:
            return _build(paths, lines=False, redact=redact)
        except CurationError:
            # The fast YAML reader keeps no line numbers: read again with them to name the line.
            return _build(paths, lines=True, redact=redact)


def _build(paths: Paths, lines: bool, redact: bool = False) -> BuildResult:
    quads, summary = _assemble(paths, lines, redact)
    # Only now, with the inputs and the IRI cache freed: their objects, spread through memory,
    # would keep the tuples' memory from going to the lines the graphs become (+300 MB at 1x).
    quads.terms.iris.clear()
    # VoID+DCAT, in its own graph, dated by the release the inputs belong to. This process
    # works out the entity index while the description is counted elsewhere: the description
    # graph names no resource the index lists, so the rows are those of the finished dataset.
    rows = add_description(
        quads, summary, release_date(paths.root / "CHANGELOG.md"), lambda: built_rows(quads)
    )
    return BuildResult(quads, summary, rows)


def _assemble(paths: Paths, lines: bool, redact: bool) -> tuple[Quads, Summary]:
    ontology = Ontology.load(paths.ontology)
    corpus = load_corpus(paths.sources, paths.root)
    curation = load_curation(paths.data, corpus, ontology, paths.root, lines)
    quads = Quads()
    onto_graph = quads.graph(ONTOLOGY_GRAPH)
    for triple in ontology.graph:
        onto_graph.add(triple)
    data = quads.graph(DATA_GRAPH)
    assembler = _Assembler(data, ontology, corpus, curation)
    summary = assembler.run()
    add_wikidata_links(data, paths.data, set(curation.entities) | set(corpus.documents), paths.root)
    # One pass over the data graph picks the triples both next steps read: a pass over its
    # tuples, scattered in memory, takes seconds at 3x whatever is done with them.
    read = read_predicates(data)
    picked = [t for t in data.triples if t[1] in read]
    rdf_type = data.terms.iri(RDF.type)
    # ?x a nke:Body finds every kind of body (inference.py)
    inferred = materialise_types(data, ontology, [t for t in picked if t[1] == rdf_type])
    add_derived(data, ontology, picked + inferred)  # most specific types, conflicting figures
    if redact:
        redact_unlicensed_texts(quads)
    summary.graphs = {str(ONTOLOGY_GRAPH): len(onto_graph), str(DATA_GRAPH): len(data)}
    summary.triples = len(onto_graph) + len(data)
    return quads, summary


class _Assembler:
    def __init__(self, graph: GraphTriples, ontology: Ontology, corpus: Corpus, curation: Curation):
        self.g = graph
        self.ontology = ontology
        self.corpus = corpus
        self.curation = curation
        self.summary = Summary()
        self.supported: set[URIRef] = set()  # facts with a quote, as they are added

    def run(self) -> Summary:
        # The mentions are found, and the quotes located in their texts (each a search of a
        # long text: 7 s at 3x), by forked copies while this process adds the entities.
        finding = Forked(self.find_mentions)
        locating = Forked(locate_all, self.curation.evidence, self.corpus)
        try:
            for doc in self.corpus:
                self.add_document(doc)
            for entity in self.curation.entities.values():
                self.add_entity(entity)
            mentions = finding.result()
            self.located = locating.result()
        finally:
            finding.stop()
            locating.stop()
        self.targets = TextTargets(self.g)
        self.credits = Credits(self.targets, self.corpus, mentions, self.footnotes())
        self.add_evidence()
        self.require_evidence_for_facts()
        link_disagreements(self.g, list(self.curation.entities.values()), self.quoted, self.corpus)
        self.add_mentions(mentions)
        self.summary.documents = len(self.corpus.documents)
        self.summary.entities = len(self.curation.entities)
        return self.summary

    def footnotes(self) -> dict[tuple[str, str], str]:
        """(citing text, cited document) -> footnote number, from the curated citations."""
        found = {}
        for entity in self.curation.entities.values():
            values = {a.prop.iri: a.value for a in entity.attributes}
            number = values.get(NKE.footnoteNumber)
            if NKE.Citation in entity.types and number is not None:
                key = (_slug(values.get(NKE.citingDocument)), _slug(values.get(NKE.citedDocument)))
                found[key] = str(number)
        return found

    def add_document(self, doc: Document) -> None:
        g, iri = self.g, NKR[doc.id]
        for cls in (NKE.SourceDocument, NKE.Document, DOCUMENT_CLASSES[doc.kind]):
            g.add((iri, RDF.type, cls))
        g.add((iri, RDFS.label, Literal(self.document_label(doc), lang="en")))
        g.add((iri, DCTERMS.title, Literal(doc.title, lang="en")))
        g.add((iri, NKE.documentKind, NKV[doc.kind]))
        g.add((iri, DCTERMS.language, Literal(doc.language, datatype=XSD.language)))
        g.add((iri, SCHEMA.text, Literal(doc.text)))
        g.add((iri, NKE.sourceFile, Literal(doc.file)))
        g.add((iri, NKE.sha256, Literal(doc.sha256)))
        if doc.publisher:
            g.add((iri, DCTERMS.publisher, NKR[doc.publisher]))
        for author in doc.authors:
            g.add((iri, DCTERMS.creator, NKR[author]))
        if doc.published:
            g.add((iri, DCTERMS.issued, Literal(doc.published, datatype=XSD.date)))
        elif doc.published_year:  # a copyright year only: dcterms:issued holds full dates
            g.add((iri, DCTERMS.dateCopyrighted, Literal(doc.published_year, datatype=XSD.gYear)))
        if doc.series_number:
            g.add((iri, NKE.seriesNumber, Literal(doc.series_number)))
        if doc.url:
            g.add((iri, SCHEMA.url, URIRef(doc.url)))
        if doc.licence:
            g.add((iri, DCTERMS.license, URIRef(doc.licence)))
        if doc.rights:
            g.add((iri, DCTERMS.rights, Literal(doc.rights, lang="en")))
        for note in (doc.published_basis, doc.publisher_basis, doc.licence_basis):
            if note:
                g.add((iri, NKE.curatorNote, Literal(" ".join(note.split()))))
        for n, excluded in enumerate(doc.excluded, 1):
            rng = URIRef(f"{iri}#excluded-{n}")
            g.add((iri, NKE.excludedRange, rng))
            g.add((rng, RDF.type, OA.TextPositionSelector))
            g.add((rng, OA.start, Literal(excluded.start, datatype=XSD.nonNegativeInteger)))
            g.add((rng, OA.end, Literal(excluded.end, datatype=XSD.nonNegativeInteger)))
            g.add((rng, RDFS.comment, Literal(" ".join(excluded.reason.split()), lang="en")))

    def document_label(self, doc: Document) -> str:
        """The title and who published it: an article may share its title with its subject (the
        encyclopedia's "2023 North Korean local elections"), and a label names one resource."""
        publisher = self.curation.entities.get(doc.publisher or "")
        return f"{doc.title} ({publisher.label})" if publisher else doc.title

    def add_entity(self, entity: Entity) -> None:
        g, iri = self.g, entity.iri
        for cls in entity.types:
            g.add((iri, RDF.type, cls))
        # pyoxigraph's literals: a tenth of the time of rdflib's, for every entity
        g.add((iri, RDFS.label, _english(entity.label)))
        for alias in entity.aliases:
            g.add((iri, SKOS.altLabel, _english(alias)))
        if entity.description:
            g.add((iri, SCHEMA.description, _english(" ".join(entity.description.split()))))
        if entity.note:
            g.add((iri, NKE.curatorNote, ox.Literal(" ".join(entity.note.split()))))
        for attribute in entity.attributes:
            g.add((iri, attribute.prop.iri, attribute.value))

    def add_evidence(self) -> None:
        spans: dict[Span, EvidenceSpec] = {}
        statements: dict[tuple, URIRef] = {}
        sources: dict[URIRef, set[str]] = {}  # fact -> the documents quoted for it
        self.quoted: dict[Span, set[URIRef]] = {}  # evidence -> the facts it supports
        self.statement_ids = _statement_ids(self.curation.evidence)
        located, error = self.located
        for n, spec in enumerate(self.curation.evidence):
            if n == len(located):  # the first quote not found, raised where it stands
                raise error
            span = Span(*located[n])
            earlier = spans.get(span)
            if earlier is not None and _attribution(earlier) != _attribution(spec):
                raise CurationError(
                    f"the same quote is attributed differently at {earlier.where}",
                    where=spec.where,
                    hint="merge the two entries",
                )
            spans.setdefault(span, spec)
            evidence = NKR["evidence/" + span.slug]
            if earlier is None:
                self.add_evidence_node(evidence, span, spec)
            for fact in spec.facts:
                node = (
                    self.statement(fact, statements)
                    if isinstance(fact, StatementSpec)
                    else NKR[fact]
                )
                self.supported.add(node)
                sources.setdefault(node, set()).add(span.document)
                self.quoted.setdefault(span, set()).add(node)
                self.g.add((node, RDF.type, NKE.Fact))
                self.g.add((node, PROV.wasDerivedFrom, evidence))
                self.g.add((evidence, NKE.supports, node))
                self.g.add((evidence, OA.hasBody, node))
        for node, documents in sources.items():
            status = "several-sources" if len(documents) > 1 else "single-source"
            self.g.add((node, NKE.corroboration, NKV["corroboration-" + status]))
        self.summary.evidence = len(spans)
        self.summary.statements = len(statements)

    def add_evidence_node(self, evidence: URIRef, span: Span, spec: EvidenceSpec) -> None:
        g = self.g
        g.add((evidence, RDF.type, NKE.Evidence))
        g.add((evidence, RDF.type, OA.Annotation))
        self.targets.add(str(evidence), self.corpus.documents[span.document], span.start, span.end)
        self.credits.add(evidence, span, spec)
        if spec.reported_in:
            g.add((evidence, NKE.reportedIn, NKR[spec.reported_in]))
        if spec.stated_on is not None:
            g.add((evidence, NKE.statedOn, spec.stated_on))
        if spec.note:
            g.add((evidence, NKE.curatorNote, Literal(" ".join(spec.note.split()))))
        if spec.year_inferred:
            g.add((evidence, NKE.yearInferred, Literal(True)))

    def statement(self, spec: StatementSpec, known: dict[tuple, URIRef]) -> URIRef:
        node = known.get(spec.key)
        if node is None:
            ident = self.statement_ids.get(spec.key)
            node = NKR[ident] if ident else NKR["statement/" + self.statement_slug(spec)]
            known[spec.key] = node
            subject = NKR[spec.subject]
            self.g.add((subject, spec.prop.iri, spec.value))
            for triple in (
                (node, RDF.type, NKE.Statement),
                (node, RDF.subject, subject),
                (node, RDF.predicate, spec.prop.iri),
                (node, RDF.object, spec.value),
            ):
                self.g.add(triple)
        if spec.year_inferred:
            self.g.add((node, NKE.yearInferred, Literal(True)))
        if spec.note:
            self.g.add((node, NKE.curatorNote, Literal(" ".join(spec.note.split()))))
        return node

    def statement_slug(self, spec: StatementSpec) -> str:
        prop = self.ontology.short(spec.prop.iri).replace(":", "-").replace("_", "-")
        value = spec.value
        if isinstance(value, URIRef):
            text = str(value).rsplit("/", 1)[-1]
        else:
            text = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
            if len(text) > 40:
                digest = hashlib.sha1(str(value).encode("utf-8")).hexdigest()[:8]
                text = text[:40].rstrip("-") + "-" + digest
        return f"{spec.subject}--{prop}--{text or 'empty'}"

    def require_evidence_for_facts(self) -> None:
        for entity in self.curation.entities.values():
            is_fact = self.ontology.any_subclass(tuple(entity.types), (NKE.Fact,))
            if is_fact and entity.iri not in self.supported:
                raise CurationError(
                    f"'{entity.id}' is a fact but no quote supports it",
                    where=entity.where,
                    hint="add it to the 'facts' of an evidence entry in data/statements/",
                )

    def find_mentions(self) -> dict[str, list[Mention]]:
        """Every mention, by document: credits are grounded in them before they are added."""
        names = {
            e.id: [e.label, *e.aliases]
            for e in self.curation.entities.values()
            if not self.ontology.any_subclass(tuple(e.types), NOT_MENTIONED)
        }
        gazetteer = Gazetteer(names)
        exclusions = self.mention_exclusions()
        return {doc.id: list(gazetteer.find(doc, exclusions)) for doc in self.corpus}

    def add_mentions(self, mentions: dict[str, list[Mention]]) -> None:
        count = 0
        for doc in self.corpus:
            for m in mentions[doc.id]:
                iri = mention_iri(m)
                node = ox.NamedNode(iri)
                self.g.add((node, RDF.type, NKE.Mention))
                self.g.add((node, RDF.type, OA.Annotation))
                self.g.add((node, OA.motivatedBy, OA.identifying))
                self.g.add((node, OA.hasBody, NKR[m.entity]))
                self.targets.add(iri, doc, m.start, m.end)
                count += 1
            self.add_mentioned(doc, mentions[doc.id])
        self.summary.mentions = count
        typed = {e.iri for e in self.curation.entities.values() if NKE.Fact in e.types}
        self.summary.facts = len(self.supported | typed)

    def add_mentioned(self, doc: Document, mentions: list[Mention]) -> None:
        """Derived data (ontology: nke:mentions): the document names each entity of its
        mentions, one triple per entity, so that co-mentions (cq-38) need not group them all."""
        for entity in sorted({m.entity for m in mentions}):
            self.g.add((NKR[doc.id], NKE.mentions, NKR[entity]))

    def mention_exclusions(self) -> dict[str, list[str]]:
        """Each entity's curated `not_a_mention` passages; one that no text holds is an error,
        so that an edited text cannot silently bring a wrong mention back."""
        texts = [doc.text.replace("\u2019", "'") for doc in self.corpus]
        exclusions = {}
        for entity in self.curation.entities.values():
            for passage in entity.not_a_mention:
                if not any(passage.replace("\u2019", "'") in text for text in texts):
                    raise CurationError(
                        f"'not_a_mention' passage {passage!r} of '{entity.id}' is in no text",
                        where=entity.where,
                        hint="quote the passage verbatim from data/sources/",
                    )
            if entity.not_a_mention:
                exclusions[entity.id] = entity.not_a_mention
        return exclusions


def _english(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _statement_ids(evidence: list[EvidenceSpec]) -> dict[tuple, str]:
    """The curated id of each statement, whichever of its quotes gives it."""
    ids: dict[tuple, str] = {}
    for spec in evidence:
        for fact in spec.facts:
            if isinstance(fact, StatementSpec) and fact.id:
                if ids.setdefault(fact.key, fact.id) != fact.id:
                    raise CurationError(
                        f"this statement already has the id '{ids[fact.key]}', not '{fact.id}'",
                        where=fact.where,
                        hint="use one id for one subject-property-value",
                    )
    return ids


def _slug(iri) -> str:
    return str(iri or "").rsplit("/", 1)[-1]


def _attribution(spec: EvidenceSpec) -> tuple:
    return (spec.credits, spec.reported_in, spec.stated_on)
