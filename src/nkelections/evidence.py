"""Quotes located in their texts, and the Web Annotation targets that point at them."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from nkelections.errors import CurationError
from nkelections.namespaces import NKR, OA, RDF, XSD
from nkelections.sources import Corpus, Document
from nkelections.statements import EvidenceSpec

NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))


@dataclass(frozen=True)
class Span:
    document: str
    start: int
    end: int

    @property
    def slug(self) -> str:
        return f"{self.document}/{self.start}-{self.end}"


def locate(spec: EvidenceSpec, corpus: Corpus) -> Span:
    """The span of spec's quote in its document; a quote that is not there is an error."""
    doc = corpus.documents[spec.document]
    found = doc.occurrences(spec.quote, spec.occurrence)
    if len(found) == spec.occurrence:
        start = found[-1]
        return Span(doc.id, start, start + len(spec.quote))
    found = doc.occurrences(spec.quote)
    short = spec.quote if len(spec.quote) <= 80 else spec.quote[:77] + "..."
    if found:
        raise CurationError(f"the quote {short!r} occurs {len(found)} time(s) in {doc.file}, "
                            f"not {spec.occurrence}", where=spec.where,
                            hint="lower 'occurrence'")
    if spec.quote in doc.text:
        raise CurationError(f"the quote {short!r} is found only in an excluded range of "
                            f"{doc.file}", where=spec.where,
                            hint="nothing may be quoted from excluded ranges (see the manifest)")
    raise CurationError(f"the quote {short!r} is not in {doc.file}", where=spec.where,
                        hint=f"closest passage: {doc.closest_passage(spec.quote)!r}")


def add_text_target(graph, annotation: str, doc: Document, start: int, end: int) -> None:
    """Point an annotation (its IRI) at text[start:end] with a quote and a position selector.

    Terms are made with pyoxigraph: this runs for every quote and mention, and rdflib's term
    constructors were most of the build's time at full scale."""
    node, target, quote, position = (ox.NamedNode(annotation + part) for part in
                                     ("", "#target", "#quote", "#position"))
    prefix, suffix = doc.context(start, end)
    graph.add((node, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, NKR[doc.id]))
    graph.add((target, OA.hasSelector, quote))
    graph.add((target, OA.hasSelector, position))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, ox.Literal(doc.text[start:end])))
    graph.add((quote, OA.prefix, ox.Literal(prefix)))
    graph.add((quote, OA.suffix, ox.Literal(suffix)))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, ox.Literal(str(start), datatype=NON_NEGATIVE)))
    graph.add((position, OA.end, ox.Literal(str(end), datatype=NON_NEGATIVE)))
