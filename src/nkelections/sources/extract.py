"""Proposals for a new text: candidate evidence in the curation format, for a curator to review.

The text is cut into sentences; a sentence becomes a proposed quote when it holds something
worth a fact: a figure, a date, a post ("X as chairman") or a known entity. Known entities are
found by their labels and aliases as the build finds mentions; a figure's measure is guessed
from the words around it. Nothing here is trusted: the output is YAML whose every guess is
marked for review, and whose quotes are verbatim so that the build can check them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from nkelections.errors import SourceError
from nkelections.sources.candidates import MONTH_NAMES, RULES
from nkelections.sources.corpus import SLUG, Document
from nkelections.sources.mentions import find_mentions

MONTHS = {name: n for n, name in enumerate(MONTH_NAMES, 1)}
# Measure guesses: the first whose cue is near a figure wins (cues are searched in the clause).
MEASURES: dict[str, re.Pattern] = {
    "nkv:measure-turnout-change": re.compile(r"percentage point|\d%p\b", re.I),
    "nkv:measure-turnout": re.compile(r"turnout|participat|took part", re.I),
    "nkv:measure-abroad-not-voting": re.compile(r"abroad|overseas|foreign", re.I),
    "nkv:measure-abstention": re.compile(r"abstain", re.I),
    "nkv:measure-share-against": re.compile(r"\bagainst\b|reject|disapprov|oppos", re.I),
    "nkv:measure-share-for": re.compile(r"\bfor\b|support|approv|in favou?r", re.I),
    "nkv:measure-deputies-elected": re.compile(r"deput|elected", re.I),
    "nkv:measure-eligible-voters": re.compile(r"eligible", re.I),
}
UNITS = {
    "%p": "nkv:unit-percentage-point",
    "point": "nkv:unit-percentage-point",
    "%": "nkv:unit-percent",
    "percent": "nkv:unit-percent",
}
# A full stop ends a sentence only before a space or the end ("99.63" does not); a comma ends
# a clause only before a space ("27,858" does not).
SENTENCE = re.compile(r"(?:[^\n.!?]|[.!?](?![\s\"\u201d\u2019]|$))+(?:[.!?]+[\"\u201d\u2019]?)?")
CLAUSE = re.compile(r"(?:[^,;:]|[,;:](?!\s))+")


@dataclass
class Figure:
    text: str
    value: str
    unit: str
    measure: str | None


@dataclass
class Proposal:
    quote: str
    occurrence: int
    entities: list[tuple[str, str]] = field(default_factory=list)  # (id, surface)
    figures: list[Figure] = field(default_factory=list)
    dates: list[tuple[str, str | None]] = field(default_factory=list)  # (text, ISO or None)
    posts: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    document: str
    file: str
    sha256: str
    proposals: list[Proposal]


def read_text(path: Path) -> tuple[str, str]:
    """The text of a new source and its SHA-256; missing or non-UTF-8 files are input errors."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the text: {exc.strerror}", where=str(path)) from None
    try:
        return raw.decode("utf-8"), hashlib.sha256(raw).hexdigest()
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"the text is not UTF-8 (byte {exc.start})",
            where=str(path),
            hint="convert it to UTF-8 first",
        ) from None


def document_id(path: Path, given: str | None = None) -> str:
    ident = given or re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not SLUG.match(ident):
        raise SourceError(
            f"document id {ident!r} is not a slug",
            where=str(path),
            hint="pass --document-id with lower-case letters, digits and hyphens",
        )
    return ident


def extract(path: Path, names: dict[str, list[str]], ident: str | None = None) -> Extraction:
    """Propose evidence for the text at path; names maps known entity ids to their spellings."""
    text, digest = read_text(path)
    doc = Document(
        id=document_id(path, ident),
        file=path.name,
        text=text,
        sha256=digest,
        title="",
        kind="news-article",
        language="en",
    )
    mentions = sorted(find_mentions(doc, names), key=lambda m: (m.start, m.entity))
    proposals: list[Proposal] = []
    seen: dict[str, int] = {}  # quote -> occurrences so far
    for match in SENTENCE.finditer(text):
        start, end = _trim(text, match.start(), match.end())
        if end <= start:
            continue
        quote = text[start:end]
        seen[quote] = seen.get(quote, 0) + 1
        proposal = _propose(quote, seen[quote])
        proposal.entities = _unique(
            (m.entity, m.surface) for m in mentions if start <= m.start and m.end <= end
        )
        if proposal.entities or proposal.figures or proposal.dates or proposal.posts:
            proposals.append(proposal)
    return Extraction(doc.id, path.name, digest, proposals)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\u00a0":
        start += 1
    while end > start and text[end - 1] in " \t\r\u00a0":
        end -= 1
    return start, end


def _propose(quote: str, occurrence: int) -> Proposal:
    proposal = Proposal(quote, occurrence)
    for clause in CLAUSE.finditer(quote):
        taken: list[tuple[int, int]] = []
        for kind in ("percentage", "number"):
            for match in RULES[kind].finditer(clause.group()):
                at = clause.start() + match.start()
                if _inside_date(quote, at) or any(s <= at < e for s, e in taken):
                    continue
                taken.append((at, clause.start() + match.end()))
                proposal.figures.append(_figure(match.group(), clause.group()))
    proposal.dates = [(m.group(), iso_date(m.group())) for m in RULES["date"].finditer(quote)]
    proposal.posts = [m.group("c") for m in RULES["post"].finditer(quote)]
    return proposal


def _inside_date(quote: str, at: int) -> bool:
    return any(m.start() <= at < m.end() for m in RULES["date"].finditer(quote)) or any(
        m.start() <= at < m.end() for m in RULES["year"].finditer(quote)
    )


def _figure(text: str, clause: str) -> Figure:
    value = re.sub(r"[^\d.\-]", "", text.replace("\u2212", "-").split(" ")[0].rstrip("%p"))
    unit = next((u for cue, u in UNITS.items() if cue in text), "nkv:unit-count")
    if text.endswith(("million", "billion")):
        factor = 1_000_000 if text.endswith("million") else 1_000_000_000
        value = f"{round(float(value) * factor)}"
    measure = next((m for m, cue in MEASURES.items() if cue.search(clause)), None)
    return Figure(text, value, unit, measure)


def iso_date(text: str) -> str | None:
    """'26 November 2023', 'November 27, 2023' or '2023-11-26' as YYYY-MM-DD; None without a
    year or a day (the curator decides, and says year_inferred)."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return text
    day, year = re.search(r"\b\d{1,2}\b", text), re.search(r"\b\d{4}\b", text)
    month = next((n for name, n in MONTHS.items() if name in text), None)
    if not (day and year and month):
        return None
    return f"{year.group()}-{month:02d}-{int(day.group()):02d}"


def _unique(pairs) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if pair[0] not in [p[0] for p in out]:
            out.append(pair)
    return out


ATTRIBUTION = re.compile(r"according to|reported|said|stated|announced|quoted", re.I)
ELECTION_CUE = re.compile(r"\belections?\b|\bheld\b|\bvot", re.I)


def render(extraction: Extraction, kinds: dict[str, str]) -> str:
    """The proposals as a statements file (YAML), every guess marked '# TODO' for the curator.
    kinds maps known entity ids to their class's local name (Election, Person, ...)."""
    ex = extraction
    lines = [
        "# PROPOSALS by `nkelections extract` for a curator to review: nothing here is checked.",
        f"# Text: {ex.file} (sha256 {ex.sha256}).",
        "# 1. Copy the text to data/sources/ and add it to data/sources/manifest.yaml with that",
        "#    sha256 and `id: " + ex.document + "`.",
        "# 2. Keep the quotes that state facts (trim them, keep them verbatim); delete the rest.",
        "# 3. Resolve every TODO; move the figures under `entities:` to data/entities/.",
        "# 4. Save as data/statements/" + ex.document + ".yaml, then `nkelections build` and",
        "#    `nkelections coverage`.",
        f"document: {ex.document}",
        "evidence:" if ex.proposals else "evidence: []",
    ]
    figures: list[tuple[str, Figure, str | None]] = []
    for proposal in ex.proposals:
        lines += _render_proposal(ex.document, proposal, kinds, figures)
    if figures:
        lines += [
            "",
            "# TODO: move these to data/entities/ and give them telling ids.",
            "entities:",
        ]
        for ident, figure, election in figures:
            lines += _render_figure(ident, figure, election)
    return "\n".join(lines) + "\n"


def _render_proposal(document: str, p: Proposal, kinds: dict[str, str], figures: list) -> list[str]:
    election = next((e for e, _ in p.entities if kinds.get(e) == "Election"), None)
    out = [""]
    if p.entities:
        out.append("  # known entities: " + ", ".join(f"{s} ({e})" for e, s in p.entities))
    out.append(f"  - quote: {_q(p.quote)}")
    if p.occurrence > 1:
        out.append(f"    occurrence: {p.occurrence}")
    credited = [
        e for e, _ in p.entities if kinds.get(e) not in ("Election", "Person", "Place", "Country")
    ]
    if credited and ATTRIBUTION.search(p.quote):
        out.append(
            f"    # reported_by: {credited[0]}  # TODO: does the text credit it? "
            "stated_by, according_to, reported_by or neither"
        )
    facts = []
    for figure in p.figures:
        same = [
            i
            for i, f, e in figures
            if (f.value, f.unit, f.measure, e)
            == (figure.value, figure.unit, figure.measure, election)
        ]
        ident = same[0] if same else f"{document}-figure-{len(figures) + 1}"
        if not same:
            figures.append((ident, figure, election))
        facts.append(f"      - {ident}  # {figure.text}: TODO check the figure below")
    prop = "electionDate" if ELECTION_CUE.search(p.quote) else "TODO-property"
    for text, iso in p.dates:
        facts.append(_render_date(text, iso, election, prop))
    for post in p.posts:
        facts.append(
            f"      # TODO post {_q(post)}: an org:Membership entity (org:member, "
            "org:organization, org:role), then its id here"
        )
    loadable = [f for f in facts if f.lstrip().startswith("- ")]
    out.append("    facts:" if loadable else "    facts: []  # TODO: which facts does it state?")
    return out + facts


def _render_date(text: str, iso: str | None, election: str | None, prop: str) -> str:
    if iso and election and prop == "electionDate":
        return (
            f"      - [{election}, electionDate, {_q(iso)}]  # {text}: TODO the election's "
            "date, or another event's?"
        )
    if iso:
        return f"      # - [TODO, {prop}, {_q(iso)}]  # {text}: TODO whose date is it?"
    return (
        f"      # - {{subject: TODO, property: TODO, value: TODO, year_inferred: true}}"
        f"  # {text}: TODO the text gives no year"
    )


def _render_figure(ident: str, figure: Figure, election: str | None) -> list[str]:
    label = (figure.measure or "TODO").removeprefix("nkv:measure-") + ", " + figure.text
    out = [
        f"  - id: {ident}",
        "    type: Figure",
        f"    label: {_q(label)}  # TODO a telling label",
    ]
    if election:
        out.append(f"    figureOf: {election}  # TODO: guessed, the election the sentence names")
    else:
        out.append("    # figureOf: TODO  # which election or body?")
    if figure.measure:
        out.append(f"    measure: {figure.measure}  # TODO: guessed from the words around it")
    else:
        out.append("    # measure: TODO  # see the nkv:measures scheme in the ontology")
    out += [f"    value: {_q(figure.value)}", f"    unit: {figure.unit}"]
    return out


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
