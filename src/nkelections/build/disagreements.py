"""A disagreement's sides, quote by quote: nke:disagreeingEvidence from each disagreement to the
evidence that states each of its facts, so that who says what in which text is on the
disagreement itself (issue 21; docs/decisions/0004-credits-grounded-per-evidence.md)."""

from __future__ import annotations

from rdflib import URIRef

from nkelections.build.evidence import Span
from nkelections.build.statements import Entity
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import NKE, NKR
from nkelections.sources.corpus import Corpus


def link_disagreements(
    graph, entities: list[Entity], quoted: dict[Span, set[URIRef]], corpus: Corpus
) -> None:
    """Link every disagreement to the evidence its curated `quotes` point at; a passage in no
    quote of one of its facts, or a fact that no listed quote states, is an error."""
    for entity in entities:
        if NKE.Disagreement not in entity.types:
            continue
        facts = {
            a.value
            for a in entity.attributes
            if a.prop.iri == NKE.disagreeingFact and isinstance(a.value, URIRef)
        }
        if not entity.quotes:
            raise CurationError(
                f"disagreement '{entity.id}' lists no quotes",
                where=entity.where,
                hint="add 'quotes' with the words of each text on each side",
            )
        stated: set[URIRef] = set()
        for document, passage in entity.quotes:
            span = _evidence_holding(entity, document, passage, facts, quoted, corpus)
            graph.add((entity.iri, NKE.disagreeingEvidence, NKR["evidence/" + span.slug]))
            stated |= quoted[span] & facts
        missing = sorted(facts - stated)
        if missing:
            raise CurationError(
                f"no quote of disagreement '{entity.id}' states '{missing[0].rsplit('/', 1)[-1]}'",
                where=entity.where,
                hint="add the words of a text that gives it to 'quotes'",
            )


def _evidence_holding(
    entity: Entity,
    document: str,
    passage: str,
    facts: set[URIRef],
    quoted: dict[Span, set[URIRef]],
    corpus: Corpus,
) -> Span:
    """The shortest evidence span of the document that holds the passage and supports one of
    the facts: where a short quote sits inside a longer one, the passage means the short one."""
    doc = corpus.documents[document]
    starts = doc.occurrences(passage)
    holding = [
        span
        for span, supported in quoted.items()
        if span.document == document
        and supported & facts
        and any(span.start <= at and at + len(passage) <= span.end for at in starts)
    ]
    if not holding:
        short = passage if len(passage) <= 60 else passage[:57] + "..."
        raise CurationError(
            f"the passage {short!r} of disagreement '{entity.id}' is in no "
            f"quote of {doc.file} that supports one of its facts",
            where=entity.where,
            hint="quote words of an evidence entry whose 'facts' list one of "
            "the disagreement's facts",
        )
    return min(holding, key=lambda span: (span.end - span.start, span.start))
