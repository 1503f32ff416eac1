"""Quotes located in their texts, and the Web Annotation targets that point at them."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import URIRef

from nkelections.build.statements import CREDIT_KEYS, Credit, EvidenceSpec
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import DCTERMS, NKE, NKR, NKV, OA, PROV, RDF, SCHEMA, XSD
from nkelections.sources.corpus import Corpus, Document
from nkelections.sources.mentions import Mention

# A paragraph is a block of the text between blank lines, as the five texts are laid out.
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# Where the text names no speaker, the quote is in the document's own voice: its authors', or
# its publisher's where it names no author (KINU's paper: "the views ... are entirely those of
# the author").
OWN_VOICE = ("author", "publisher")
SHORTCUT = {"speaker": NKE.statedBy, "authority": NKE.accordingTo, "outlet": NKE.reportedBy}

# A paragraph longer than two windows is read through windows (nke:Passage) of at most two
# windows that start every window: a selection of at most one window lies whole in one of them.
# 800: the longest paragraph of the real texts (1,785 code points) is read through windows too.
# At 1x there are 3,610 windows; at 500, 5,848, and checking them costs cq-45 a tenth more.
WINDOW = 800  # code points

NON_NEGATIVE = ox.NamedNode(str(XSD.nonNegativeInteger))
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


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
        raise CurationError(
            f"the quote {short!r} occurs {len(found)} time(s) in {doc.file}, not {spec.occurrence}",
            where=spec.where,
            hint="lower 'occurrence'",
        )
    if spec.quote in doc.text:
        raise CurationError(
            f"the quote {short!r} is found only in an excluded range of {doc.file}",
            where=spec.where,
            hint="nothing may be quoted from excluded ranges (see the manifest)",
        )
    raise CurationError(
        f"the quote {short!r} is not in {doc.file}",
        where=spec.where,
        hint=f"closest passage: {doc.closest_passage(spec.quote)!r}",
    )


def locate_all(
    specs: list[EvidenceSpec], corpus: Corpus
) -> tuple[list[tuple[str, int, int]], CurationError | None]:
    """locate() of each spec in order, as (document, start, end), until the first that fails,
    and its error (or None): the build locates them in a forked copy, which hands back plain
    tuples (cheaper to pickle than spans) and lets the caller raise the error in its turn."""
    found = []
    try:
        for spec in specs:
            span = locate(spec, corpus)
            found.append((span.document, span.start, span.end))
    except CurationError as exc:
        return found, exc
    return found, None


def mention_iri(m: Mention) -> str:
    return f"{NKR}mention/{m.document}/{m.start}-{m.end}/{m.entity}"


def paragraph(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The offsets of the paragraph(s) that hold text[start:end]."""
    starts, ends = _paragraph_breaks(doc.text)
    before = bisect_right(ends, start)  # the breaks that end at or before start
    after = bisect_left(starts, end)  # the first break that starts at or after end
    begin = ends[before - 1] if before else 0
    finish = starts[after] if after < len(starts) else len(doc.text)
    return begin, finish


@lru_cache(maxsize=32)
def _paragraph_breaks(text: str) -> tuple[list[int], list[int]]:
    """Where each paragraph break starts and ends, both ascending (breaks do not overlap):
    found once per text, not once per quote (thousands of quotes in a long text)."""
    breaks = list(PARAGRAPH_BREAK.finditer(text))
    return [m.start() for m in breaks], [m.end() for m in breaks]


class Credits:
    """Each credit of a quote as a prov:Attribution grounded in the quote's own text.

    A credited agent must be named in the quote's paragraph (a mention whose body is the agent)
    or stand there as a curated coreference span ("the ministry", "it"); a quote whose text
    credits no speaker is credited to its document's publisher, grounded by the document.
    See docs/decisions/0004-credits-grounded-per-evidence.md."""

    def __init__(
        self,
        targets: TextTargets,
        corpus: Corpus,
        mentions: dict[str, list[Mention]],
        footnotes: dict[tuple[str, str], str] | None = None,
    ):
        self.targets = targets
        self.g = targets.g
        self.corpus = corpus
        self.mentions = {
            doc: sorted(found, key=lambda m: m.start) for doc, found in mentions.items()
        }
        # (citing text, cited document) -> the number of the footnote that cites it
        self.footnotes = footnotes or {}
        self.count = 0

    def add(self, evidence: URIRef, span: Span, spec: EvidenceSpec) -> None:
        """Credit the evidence, whose target (and nke:inParagraph) `targets` has added."""
        doc = self.corpus.documents[span.document]
        para = paragraph(doc, span.start, span.end)
        note = self.footnote(evidence, doc, spec)
        credits = list(spec.credits)
        if not spec.credited("speaker"):
            credits[:0] = _own_voice(doc, spec)
        for credit in credits:
            self.attribute(evidence, credit, self.ground(credit, doc, span, para, spec, note))

    def footnote(
        self, evidence: URIRef, doc: Document, spec: EvidenceSpec
    ) -> tuple[int, int] | None:
        """The footnote of the text that cites the quote's `reported_in` document, as
        nke:inFootnote: the text names there the outlet that carried what the quote reports."""
        number = self.footnotes.get((doc.id, spec.reported_in or ""))
        found = footnote_paragraph(doc, number) if number else None
        if found is not None:
            self.g.add((evidence, NKE.inFootnote, self.targets.paragraph(doc, *found)))
        return found

    def ground(
        self,
        credit: Credit,
        doc: Document,
        span: Span,
        para: tuple[int, int],
        spec: EvidenceSpec,
        note: tuple[int, int] | None = None,
    ) -> str:
        """The IRI of what grounds the credit in the text: a mention (in the quote's paragraph,
        or for an outlet in the footnote that cites the `reported_in` document), a coreference,
        or the document itself for its publisher's own voice."""
        if credit.role in OWN_VOICE:
            return str(NKR[doc.id])
        key = next(k for k, role in CREDIT_KEYS.items() if role == credit.role)
        if credit.span:
            found = _words(doc, credit.span)
            here = [at for at in found if para[0] <= at and at + len(credit.span) <= para[1]]
            # An interview's answers name no one: the words that introduce the interviewee,
            # earlier in the text, stand for the speaker of every answer.
            here = here or [at for at in found if at < span.start]
            if not here:
                raise CurationError(
                    f"'{key}_span: {credit.span}' is neither in the quote's "
                    f"paragraph nor before it in {doc.file}",
                    where=spec.where,
                    hint=f"give the words of the text that refer to '{credit.agent}'",
                )
            start = _nearest(here, span)
            return self.coreference(doc, start, start + len(credit.span), credit.agent)
        named = self.named(doc, credit.agent, para)
        if not named and credit.role == "outlet" and note is not None:
            named = self.named(doc, credit.agent, note)  # the footnote is the text naming it
        if not named:
            raise CurationError(
                f"'{key}: {credit.agent}' is not named in the quote's paragraph in {doc.file}",
                where=spec.where,
                hint=f"add '{key}_span' with the words there that refer to "
                "it, or credit whom the text names",
            )
        start = _nearest(named, span)
        mention = next(
            m for m in self.mentions[doc.id] if m.start == start and m.entity == credit.agent
        )
        return mention_iri(mention)

    def named(self, doc: Document, agent: str, within: tuple[int, int]) -> list[int]:
        return [
            m.start
            for m in self.mentions.get(doc.id, ())
            if m.entity == agent and within[0] <= m.start and m.end <= within[1]
        ]

    def coreference(self, doc: Document, start: int, end: int, agent: str) -> str:
        iri = f"{NKR}coreference/{doc.id}/{start}-{end}/{agent}"
        node = ox.NamedNode(iri)
        self.g.add((node, RDF.type, NKE.Coreference))
        self.g.add((node, RDF.type, OA.Annotation))
        self.g.add((node, OA.motivatedBy, OA.identifying))
        self.g.add((node, OA.hasBody, NKR[agent]))
        self.targets.add(iri, doc, start, end)
        return iri

    def attribute(self, evidence: URIRef, credit: Credit, ground: str) -> None:
        node = ox.NamedNode(f"{evidence}#credit-{credit.role}-{credit.agent}")
        agent = NKR[credit.agent]
        g = self.g
        g.add((evidence, PROV.qualifiedAttribution, node))
        g.add((node, RDF.type, PROV.Attribution))
        g.add((node, PROV.agent, agent))
        g.add((node, PROV.hadRole, NKV["credit-" + credit.role]))
        g.add((node, NKE.groundedBy, ox.NamedNode(ground)))
        g.add((evidence, PROV.wasAttributedTo, agent))  # the shortcut PROV-O defines
        if credit.role in SHORTCUT:
            g.add((evidence, SHORTCUT[credit.role], agent))
        self.count += 1


def footnote_paragraph(doc: Document, number: str) -> tuple[int, int] | None:
    """The offsets of the paragraph that opens with footnote `number`'s marker ("³⁾")."""
    marker = number.translate(SUPERSCRIPT) + "\u207e"
    for match in re.finditer(r"(?:^|\n[ \t]*\n)[ \t]*" + re.escape(marker), doc.text):
        start = match.end() - len(marker)
        return paragraph(doc, start, start + len(marker))
    return None


def _own_voice(doc: Document, spec: EvidenceSpec) -> list[Credit]:
    if doc.authors:
        return [Credit("author", author) for author in doc.authors]
    if doc.publisher:
        return [Credit("publisher", doc.publisher)]
    raise CurationError(
        f"the quote credits no speaker and {doc.file} names no author or publisher",
        where=spec.where,
        hint="add 'stated_by'",
    )


def _words(doc: Document, words: str) -> list[int]:
    """Where words occur as whole words ("I" is not the I of "It") outside excluded ranges."""
    pattern = re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)")
    return [
        m.start() for m in pattern.finditer(doc.text) if not doc.is_excluded(m.start(), m.end())
    ]


def _nearest(starts: list[int], span: Span) -> int:
    """Inside the quote first, else the last before it, else the first after it."""
    inside = [s for s in starts if span.start <= s < span.end]
    before = [s for s in starts if s < span.start]
    return (inside or before[-1:] or starts)[0]


class TextTargets:
    """The targets of the annotations (quotes, mentions, coreferences), each annotation in the
    paragraph that holds its words (nke:inParagraph), one nke:Paragraph node per paragraph, and
    each target in the passage that holds its words (nke:inPassage).

    Derived data (ontology: nke:Paragraph, nke:Passage): a paragraph or passage node carries its
    offsets in the document and its text, the slice of the document's schema:text between them,
    and is prov:wasDerivedFrom the document. A paragraph of at most two windows (WINDOW) is its
    own passage; a longer one, such as a bulletin's list of 700 deputies, gets a passage of at
    most two windows (dcterms:isPartOf the paragraph) for each selection of at most a window.
    They let a quote be checked against at most 1,600 code points instead of a 20,000-character
    list (cq-45): the paragraph against the document once, each window against its paragraph,
    then each quote against its passage. Shared by every annotation in them, made once each."""

    def __init__(self, graph):
        self.g = graph
        self.slices: dict[tuple[str, str, int, int], ox.NamedNode] = {}  # kind, doc, offsets

    def add(self, annotation: str, doc: Document, start: int, end: int) -> None:
        """Point the annotation (its IRI) at text[start:end] and at the paragraph(s) holding it,
        and its target at the passage holding it."""
        target = add_text_target(self.g, annotation, doc, start, end)
        first, last = paragraph(doc, start, end)
        node = self.paragraph(doc, first, last)
        self.g.add((ox.NamedNode(annotation), NKE.inParagraph, node))
        window = passage_window(first, last, start, end)
        held_by = node if window is None else self.window(doc, node, *window)
        self.g.add((target, NKE.inPassage, held_by))

    def paragraph(self, doc: Document, start: int, end: int) -> ox.NamedNode:
        """The node of the paragraph text[start:end] (paragraph() gives its offsets)."""
        return self._slice("paragraph", NKE.Paragraph, doc, start, end)

    def window(self, doc: Document, paragraph: ox.NamedNode, start: int, end: int) -> ox.NamedNode:
        """The node of the passage text[start:end], a window of `paragraph`."""
        return self._slice("passage", NKE.Passage, doc, start, end, part_of=paragraph)

    def _slice(self, kind: str, cls, doc: Document, start: int, end: int, part_of=None):
        """The node of text[start:end] as a `cls`, made the first time it is asked for."""
        key = (kind, doc.id, start, end)
        node = self.slices.get(key)
        if node is None:
            node = self.slices[key] = ox.NamedNode(f"{NKR}{kind}/{doc.id}/{start}-{end}")
            g = self.g
            g.add((node, RDF.type, cls))
            g.add((node, OA.start, ox.Literal(str(start), datatype=NON_NEGATIVE)))
            g.add((node, OA.end, ox.Literal(str(end), datatype=NON_NEGATIVE)))
            g.add((node, SCHEMA.text, ox.Literal(doc.text[start:end])))
            g.add((node, PROV.wasDerivedFrom, NKR[doc.id]))
            if part_of is not None:
                g.add((node, DCTERMS.isPartOf, part_of))
        return node


def passage_window(first: int, last: int, start: int, end: int) -> tuple[int, int] | None:
    """The window of the paragraph text[first:last] that holds text[start:end], or None where
    the paragraph is its own passage: it is at most two windows long, or the selection is longer
    than a window. Window k covers k to k + 2 windows from the paragraph's start (the last one
    runs to its end), so a selection that starts in window k's first half ends inside it."""
    length = last - first
    if length <= 2 * WINDOW or end - start > WINDOW:
        return None
    k = min((start - first) // WINDOW, -(-length // WINDOW) - 2)
    return first + k * WINDOW, min(first + (k + 2) * WINDOW, last)


def add_text_target(graph, annotation: str, doc: Document, start: int, end: int) -> ox.NamedNode:
    """Point an annotation (its IRI) at text[start:end] with a quote and a position selector;
    returns the target.

    Terms are made with pyoxigraph: this runs for every quote and mention, and rdflib's term
    constructors were most of the build's time at full scale."""
    node, target, quote, position = (
        ox.NamedNode(annotation + part) for part in ("", "#target", "#quote", "#position")
    )
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
    return target
