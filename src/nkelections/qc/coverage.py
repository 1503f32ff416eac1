"""Which candidate facts of the texts does the graph not cover?

A rule-based pass finds candidates in every source text (numbers, percentages, dates, years,
proper names, quoted speech, posts, footnote markers), outside the manifest's excluded ranges.
A candidate is covered when it lies within the quote of an nke:Evidence of its document (read
from the built graph's oa:TextPositionSelector), or, for names only, when the curated entities'
mentions (nke:Mention) span all its words: a name the graph knows as an entity is in the graph.
What remains is either waived in data/coverage-waivers.yaml, with a reason, or uncovered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, URIRef

from nkelections.curation.check import read_checked
from nkelections.curation.schema import WaiverFile
from nkelections.curation.yamlio import Node, Seq
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import DATA_GRAPH, NKE, NKR, OA, RDF
from nkelections.sources.candidates import RULES
from nkelections.sources.corpus import Corpus, Document

MAX_WAIVERS = 10
# Rules whose candidates an entity mention also covers (the graph knows the entity).
MENTION_RULES = {"name", "acronym"}
# Demonyms describe, they name no entity: "North Korean authorities" is not a proper name.
NOT_NAMES = {"North Korean", "North Koreans", "South Korean", "South Koreans"}
# What may stay uncovered between the mentions inside one name.
CONNECTORS = re.compile(r"(?:\s|['\u2019]s?|\b(?:of|for|and|on|de|the)\b)*")

COVERED, MENTIONED, WAIVED, UNCOVERED = "quote", "mention", "waived", "uncovered"


@dataclass
class Candidate:
    document: str
    rule: str
    start: int
    end: int
    text: str
    status: str = UNCOVERED
    waiver: str | None = None  # the reason, when waived

    @property
    def ok(self) -> bool:
        return self.status != UNCOVERED


@dataclass
class Waiver:
    document: str
    reason: str
    where: str
    text: str | None = None
    start: int | None = None
    end: int | None = None
    used: int = 0


@dataclass
class StaleWaiver:
    where: str
    document: str
    text: str
    why: str


@dataclass
class DocumentCoverage:
    document: str
    file: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(c.ok for c in self.candidates)

    @property
    def uncovered(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.ok]


@dataclass
class CoverageReport:
    documents: list[DocumentCoverage]
    stale: list[StaleWaiver]
    waivers: int

    @property
    def total(self) -> int:
        return sum(len(d.candidates) for d in self.documents)

    @property
    def ok(self) -> int:
        return sum(d.ok for d in self.documents)

    @property
    def percent(self) -> float:
        """Rounded down to one decimal, so that 100.0 means every candidate."""
        return 100.0 if not self.total else (1000 * self.ok // self.total) / 10

    @property
    def complete(self) -> bool:
        return self.ok == self.total and not self.stale


def find_candidates(doc: Document) -> list[Candidate]:
    """Every rule's matches in doc outside its excluded ranges, minus those inside another."""
    found: list[Candidate] = []
    for rule, pattern in RULES.items():
        for start, end in _matches(pattern, doc.text):
            text = doc.text[start:end]
            if doc.is_excluded(start, end) or (rule == "name" and text in NOT_NAMES):
                continue
            if not any(c.start <= start and end <= c.end for c in found):
                found.append(Candidate(doc.id, rule, start, end, text))
    return sorted(found, key=lambda c: (c.start, c.end))


def _matches(pattern: re.Pattern, text: str) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(text):
        group = "c" if "c" in pattern.groupindex else 0
        yield match.start(group), match.end(group)


def graph_spans(dataset: Dataset, kind: URIRef) -> dict[str, list[tuple[int, int]]]:
    """document id -> (start, end) of every annotation of kind (nke:Evidence, nke:Mention)."""
    graph = dataset.graph(DATA_GRAPH)
    spans: dict[str, list[tuple[int, int]]] = {}
    for annotation in graph.subjects(RDF.type, kind):
        for target in graph.objects(annotation, OA.hasTarget):
            source = str(graph.value(target, OA.hasSource))
            for selector in graph.objects(target, OA.hasSelector):
                if (selector, RDF.type, OA.TextPositionSelector) in graph:
                    start = int(str(graph.value(selector, OA.start)))  # the lexical form
                    end = int(str(graph.value(selector, OA.end)))
                    spans.setdefault(source.removeprefix(str(NKR)), []).append((start, end))
    return spans


def load_waivers(path: Path, corpus: Corpus, root: Path | None = None) -> list[Waiver]:
    """Read the waivers file; a missing file means no waivers."""
    if not path.exists():
        return []
    doc = read_checked(path, WaiverFile, root, context={"documents": set(corpus.documents)})
    items = doc.get("waivers") if isinstance(doc, Node) else None
    if items is None:
        return []
    if not isinstance(items, Seq):
        raise CurationError("the file must have a top-level 'waivers' list", where=str(path))
    if len(items) > MAX_WAIVERS:
        raise CurationError(
            f"{len(items)} waivers, more than the {MAX_WAIVERS} allowed",
            where=str(path),
            hint="cover the candidates with evidence instead",
        )
    return [_waiver(item, corpus) for item in items]


def _waiver(node, corpus: Corpus) -> Waiver:
    if not isinstance(node, Node):
        raise CurationError("each waiver must be a mapping", where=getattr(node, "where", ""))
    unknown = sorted(set(node) - {"document", "text", "start", "end", "reason"})
    if unknown:
        raise CurationError(
            f"unknown key '{unknown[0]}' in a waiver",
            where=node.where,
            hint="allowed keys: document, text, start, end, reason",
        )
    if node.get("document") not in corpus.documents:
        raise CurationError(
            f"waiver names no known document: {node.get('document')!r}",
            where=node.where,
            hint="one of " + ", ".join(sorted(corpus.documents)),
        )
    if not (node.get("reason") or "").strip():
        raise CurationError("a waiver needs a 'reason'", where=node.where)
    has_span = node.get("start") is not None or node.get("end") is not None
    if not node.get("text") and not has_span:
        raise CurationError(
            "a waiver needs the exact 'text', or 'start' and 'end'", where=node.where
        )
    start = end = None
    if has_span:
        try:
            start, end = int(node["start"]), int(node["end"])
        except (KeyError, TypeError, ValueError):
            raise CurationError(
                "a waiver's 'start' and 'end' must be whole numbers", where=node.where
            ) from None
    return Waiver(
        node["document"], " ".join(node["reason"].split()), node.where, node.get("text"), start, end
    )


def waiver_spans(waiver: Waiver, doc: Document) -> list[tuple[int, int]]:
    """Where a waiver applies: its span (if the text there still matches), or every
    occurrence of its text in the document proper."""
    if waiver.start is not None and waiver.end is not None:  # _waiver sets both or neither
        ok = 0 <= waiver.start < waiver.end <= len(doc.text) and (
            waiver.text is None or doc.text[waiver.start : waiver.end] == waiver.text
        )
        return [(waiver.start, waiver.end)] if ok else []
    if waiver.text is None:  # _waiver asks for the text where there is no span
        return []
    return [(at, at + len(waiver.text)) for at in doc.occurrences(waiver.text)]


def check_coverage(corpus: Corpus, dataset: Dataset, waivers: list[Waiver]) -> CoverageReport:
    """Classify every candidate of every document, and find the waivers that no longer apply."""
    quotes, mentions = graph_spans(dataset, NKE.Evidence), graph_spans(dataset, NKE.Mention)
    places = {id(w): waiver_spans(w, corpus.documents[w.document]) for w in waivers}
    report = CoverageReport([], [], len(waivers))
    for doc in corpus:
        result = DocumentCoverage(doc.id, doc.file)
        for candidate in find_candidates(doc):
            _classify(candidate, doc.text, quotes.get(doc.id, []), mentions.get(doc.id, []))
            if candidate.status == UNCOVERED:
                _waive(candidate, [w for w in waivers if w.document == doc.id], places)
            result.candidates.append(candidate)
        report.documents.append(result)
    report.stale = [_stale(w, bool(places[id(w)])) for w in waivers if not w.used]
    return report


def _classify(
    candidate: Candidate, text: str, quotes: list[tuple[int, int]], mentions: list[tuple[int, int]]
) -> None:
    if _within(candidate.start, candidate.end, quotes):
        candidate.status = COVERED
    elif candidate.rule in MENTION_RULES and _spanned(candidate, text, mentions):
        candidate.status = MENTIONED


def _waive(candidate: Candidate, waivers: list[Waiver], places: dict) -> None:
    for waiver in waivers:
        if _within(candidate.start, candidate.end, places[id(waiver)]):
            candidate.status, candidate.waiver = WAIVED, waiver.reason
            waiver.used += 1
            return


def _stale(waiver: Waiver, found: bool) -> StaleWaiver:
    shown = waiver.text or f"{waiver.start}-{waiver.end}"
    why = (
        "every candidate it waives is now covered, or it contains none"
        if found
        else "its text is no longer found there"
    )
    return StaleWaiver(waiver.where, waiver.document, shown, why)


def _within(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _spanned(candidate: Candidate, text: str, mentions: list[tuple[int, int]]) -> bool:
    """True when the mentions cover every word of the candidate but its connectors."""
    inside = [
        (max(s, candidate.start), min(e, candidate.end))
        for s, e in mentions
        if s < candidate.end and candidate.start < e
    ]
    if not inside:
        return False
    rest = list(text[candidate.start : candidate.end])
    for s, e in inside:
        for at in range(s, e):
            rest[at - candidate.start] = " "
    return CONNECTORS.fullmatch("".join(rest)) is not None
