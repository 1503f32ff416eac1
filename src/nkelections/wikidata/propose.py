"""Propose Wikidata links for entities that have none, for a curator to review.

For each unlinked entity of the graph that is not a fact (persons, bodies, places, countries and
elections are type-checked; every other kind, such as documents or ideas, is matched by name
only and says so), one SPARQL query asks a Wikidata-compatible endpoint for items whose label or
alias equals one of the entity's names in its language (English, and Korean where
data/wikidata.yaml gives the Hangul). The names travel in a VALUES block as SPARQL string
literals escaped here, so no label can change the query. Candidates are filtered by class
(wdt:P31, the classes of data/wikidata.yaml), scored by name similarity, class, country
(wdt:P17) and date (wdt:P585 against our election date), and the best is proposed only when it
is good and clearly ahead; otherwise the entity is an abstention with the reason. An item
proposed for two entities goes to the type-checked one only. Answers are cached on disk, keyed
by a hash of endpoint + query.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import ValidationError
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from nkelections import __version__
from nkelections.curation.links import Links
from nkelections.curation.schema import WIKIDATA_ROWS
from nkelections.errors import LinkError
from nkelections.http_client import HttpClient, HttpError, HttpStatusError
from nkelections.rdf.files import write_atomic
from nkelections.rdf.namespaces import NKE, NKR, RDF, RDFS, SCHEMA, SKOS, WD

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
CONTACT_ENV = "NKELECTIONS_CONTACT"
ACCEPT, MARGIN = 0.75, 0.1
MAX_CACHED_BYTES = 64 * 2**20  # one answer of candidates for one entity is a few kilobytes
KIND_OF = {
    NKE.Person: "person",
    NKE.Election: "election",
    NKE.Country: "country",
    NKE.Body: "body",
    SCHEMA.Place: "place",
}
NOT_LINKED = (NKE.Fact,)
_ECHAR = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "'": "\\'",
}


@dataclass
class Subject:
    """An entity of our graph the linker looks for."""

    id: str
    kind: str
    names: list[str]
    year: str | None = None
    langs: dict[str, str] = field(default_factory=dict)  # a name's language, when not "en"


@dataclass
class LinkCandidate:
    qid: str
    label: str
    description: str = ""
    names: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    entity: str
    kind: str
    decision: str  # "propose" or "abstain"
    qid: str | None
    score: float
    reason: str
    candidates: list[LinkCandidate]


def sparql_string(text: str) -> str:
    """A SPARQL string literal for `text`: every quote, backslash and control character escaped,
    so the literal cannot end early whatever the text holds."""
    out = []
    for ch in text:
        if ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def candidate_query(names: list[str], langs: dict[str, str] | None = None) -> str:
    """The query for items labelled with one of `names` (English unless `langs` says otherwise;
    a language tag is only ever one of ours, never text from the data)."""
    langs = langs or {}
    values = " ".join(sparql_string(n) + "@" + _tag(langs.get(n, "en")) for n in names)
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?name ?label ?alias ?description ?class ?country ?when WHERE {{
  VALUES ?name {{ {values} }}
  {{ ?item rdfs:label ?name }} UNION {{ ?item skos:altLabel ?name }}
  OPTIONAL {{ ?item rdfs:label ?label FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ ?item skos:altLabel ?alias FILTER(LANG(?alias) = "en") }}
  OPTIONAL {{ ?item schema:description ?description FILTER(LANG(?description) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?class }}
  OPTIONAL {{ ?item wdt:P17 ?country }}
  OPTIONAL {{ ?item wdt:P585 ?when }}
}}
ORDER BY ?item"""


def _tag(lang: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", lang):
        raise LinkError(f"'{lang}' is not a language tag")
    return lang


def user_agent() -> str:
    contact = os.environ.get(CONTACT_ENV, "https://example.invalid/set-NKELECTIONS_CONTACT")
    return f"nkelections/{__version__} ({contact}) httpx"


class Client:
    """Asks one endpoint through the one HTTP client (429 and 5xx back-off there), with a
    disk cache."""

    def __init__(
        self,
        endpoint: str,
        cache: Path | None,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        timeout: int = 60,
    ):
        self.endpoint, self.cache, self.retries = endpoint, cache, retries
        self.sleep, self.timeout = sleep, timeout
        self._http: HttpClient | None = None

    def select(self, query: str) -> list[dict[str, str]]:
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        path = self.cache / f"{key}.json" if self.cache else None
        if path and path.exists():
            return _checked_rows(
                _cached(path),
                f"the cached answer {path}",
                "delete the file (or the cache folder), or use --no-cache",
            )
        rows = _checked_rows(
            self._fetch(query),
            f"the answer of {self.endpoint}",
            "is --endpoint a Wikidata-compatible SPARQL endpoint?",
        )
        if path:
            write_atomic(path, json.dumps(rows, sort_keys=True))
        return rows

    def _client(self) -> HttpClient:
        """One HTTP client for every query: making one loads the CA certificates (~80 ms,
        four fifths of a run of the linker when each query had its own)."""
        if self._http is None:
            self._http = HttpClient(
                self.timeout, self.retries, backoff=1.0, user_agent=user_agent(), sleep=self.sleep
            )
        return self._http

    def _fetch(self, query: str) -> list[dict[str, str]]:
        try:
            answer = self._client().form(
                self.endpoint, [("query", query)], "application/sparql-results+json"
            )
        except HttpStatusError as exc:
            raise LinkError(f"{self.endpoint} answered HTTP {exc.status}") from None
        except HttpError as exc:
            raise LinkError(
                exc.message, hint=exc.hint or "check --endpoint and the network"
            ) from None
        try:
            return [
                {k: v["value"] for k, v in b.items()}
                for b in json.loads(answer.body)["results"]["bindings"]
            ]
        except (ValueError, RecursionError, TypeError, KeyError, AttributeError):
            raise LinkError(
                f"{self.endpoint} did not answer with SPARQL JSON results",
                hint="is --endpoint a Wikidata-compatible SPARQL endpoint?",
            ) from None


def _cached(path: Path):
    try:
        if path.stat().st_size > MAX_CACHED_BYTES:
            raise LinkError(
                "the cached answer is too large to be one",
                where=str(path),
                hint="delete the file, or use --no-cache",
            )
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LinkError(
            f"cannot read the cached answer: {getattr(exc, 'strerror', None) or exc}",
            where=str(path),
            hint="delete the file, or use --no-cache",
        ) from None


def _checked_rows(rows, what: str, hint: str) -> list[dict[str, str]]:
    """rows as a list of {variable: string}: a corrupt or foreign cache file, or an endpoint
    answering numbers or objects where Wikidata gives strings, is one LinkError line."""
    try:
        return WIKIDATA_ROWS.validate_python(rows)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        at = "/".join(str(part) for part in first["loc"])
        raise LinkError(
            f"{what} is not a list of rows of strings ({at}: {first['msg']})", hint=hint
        ) from None


def subjects(
    graph: Graph, links: Links, superclasses: Callable[[Node], set[Node]]
) -> list[Subject]:
    """The entities of the data graph that could have an item and have no link yet: every one
    that is not a fact nor of a class abstained as a whole; a kind outside KIND_OF is "other"."""
    linked = set(links.by_entity)
    skipped = {NKE[name] for name in links.abstain_classes} | set(NOT_LINKED)
    out = []
    for iri in sorted({s for s in graph.subjects(RDFS.label, None) if isinstance(s, URIRef)}):
        ident = str(iri)[len(str(NKR)) :]
        if not str(iri).startswith(str(NKR)) or "/" in ident or (iri, SCHEMA.sameAs, None) in graph:
            continue
        supers = set().union(*[superclasses(t) for t in graph.objects(iri, RDF.type)] or [set()])
        if ident in linked or supers & skipped:
            continue
        kind = next((KIND_OF[c] for c in KIND_OF if c in supers), "other")
        aliases = (a for a in graph.objects(iri, SKOS.altLabel) if isinstance(a, Literal))
        labels = [graph.value(iri, RDFS.label), *sorted(aliases)]
        names = list(dict.fromkeys(str(n) for n in labels))
        langs = {
            str(n): n.language
            for n in labels
            if isinstance(n, Literal) and n.language not in (None, "en")
        }
        date = graph.value(iri, NKE.electionDate)
        out.append(Subject(ident, kind, names, str(date)[:4] if date is not None else None, langs))
    return out


def candidates(rows: list[dict[str, str]], namespace: str) -> list[LinkCandidate]:
    found: dict[str, LinkCandidate] = {}
    for row in rows:
        item = row.get("item", "")
        if not item.startswith(namespace):
            continue
        cand = found.setdefault(item, LinkCandidate(item[len(namespace) :], row.get("label", "")))
        for key, bag in (
            ("name", cand.names),
            ("label", cand.names),
            ("alias", cand.names),
            ("class", cand.classes),
            ("country", cand.countries),
        ):
            if row.get(key):
                value = row[key]
                bag.add(value[len(namespace) :] if value.startswith(namespace) else value)
        if row.get("when"):
            cand.years.add(row["when"][:4])
        cand.description = cand.description or row.get("description", "")
    return list(found.values())


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z\uac00-\ud7a3]+", " ", text.casefold()).split())


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b)).ratio() if a and b else 0.0


def score(
    subject: Subject, cand: LinkCandidate, classes: list[str], countries: set[str]
) -> LinkCandidate:
    """Score in [0, 1]: 0.6 name similarity (our label to theirs; any other name pair counts
    0.9), 0.25 class, +-country, +-date; the reasons say why."""
    best = max(
        _similar(subject.names[0], cand.label),
        0.9 * max(_similar(a, b) for a in subject.names for b in cand.names or {""}),
    )
    cand.reasons = [f"name similarity {best:.2f}"]
    total = 0.6 * best
    if classes:
        total += 0.25
        cand.reasons.append("instance of " + ", ".join(sorted(set(classes) & cand.classes)))
    else:
        total += 0.1
        cand.reasons.append(f"no class configured for '{subject.kind}', not type-checked")
    if countries and cand.countries and subject.kind != "country":
        inside = bool(countries & cand.countries)
        total += 0.1 if inside else -0.3
        cand.reasons.append("country matches" if inside else "country differs")
    if subject.year and cand.years:
        same = subject.year in cand.years
        total += 0.05 if same else -0.5
        cand.reasons.append(f"date year {'matches' if same else 'differs'} ({subject.year})")
    cand.score = round(max(0.0, min(1.0, total + 0.05)), 3)
    return cand


def decide(subject: Subject, cands: list[LinkCandidate]) -> Proposal:
    cands = sorted(cands, key=lambda c: (-c.score, c.qid))
    if not cands:
        return Proposal(
            subject.id, subject.kind, "abstain", None, 0.0, "no candidate of the expected class", []
        )
    best = cands[0]
    second = cands[1].score if len(cands) > 1 else 0.0
    if best.score < ACCEPT:
        reason = f"best score {best.score} is below {ACCEPT}"
    elif best.score - second < MARGIN:
        reason = f"two candidates are close ({best.qid} {best.score}, {cands[1].qid} {second})"
    else:
        return Proposal(
            subject.id,
            subject.kind,
            "propose",
            best.qid,
            best.score,
            "; ".join(best.reasons),
            cands,
        )
    return Proposal(subject.id, subject.kind, "abstain", None, best.score, reason, cands)


def propose(
    graph: Graph,
    links: Links,
    client: Client,
    superclasses: Callable[[Node], set[Node]],
    namespace: str = str(WD),
    classes: dict[str, list[str]] | None = None,
    countries: set[str] | None = None,
) -> list[Proposal]:
    """One proposal (or abstention) per unlinked entity. `classes` maps a kind to class ids and
    `countries` are the context countries' item ids; by default those of data/wikidata.yaml."""
    if classes is None:
        classes = {k: [c.qid for c in v] for k, v in links.classes.items()}
    if countries is None:
        countries = {q for c in links.context_countries if (q := links.qid_of(c)) is not None}
    out = []
    for subject in subjects(graph, links, superclasses):
        rows = client.select(candidate_query(subject.names, subject.langs))
        wanted = classes.get(subject.kind, [])
        cands = [c for c in candidates(rows, namespace) if not wanted or c.classes & set(wanted)]
        out.append(decide(subject, [score(subject, c, wanted, countries) for c in cands]))
    return _one_entity_per_item(out, classes)


def _one_entity_per_item(
    proposals: list[Proposal], classes: dict[str, list[str]]
) -> list[Proposal]:
    """An item proposed for several entities (an article and the election it is named after)
    stays with the one entity whose kind was type-checked; otherwise with none of them."""
    by_qid: dict[str, list[Proposal]] = {}
    for p in proposals:
        if p.decision == "propose" and p.qid is not None:  # a proposal always names its item
            by_qid.setdefault(p.qid, []).append(p)
    for qid, group in by_qid.items():
        checked = [p for p in group if classes.get(p.kind)]
        keep = checked[0] if len(group) > 1 and len(checked) == 1 else None
        for p in group if len(group) > 1 else []:
            if p is not keep:
                p.reason = (
                    f"{qid} is also the best match for "
                    f"{', '.join(o.entity for o in group if o is not p)}; "
                    + ("that one was type-checked" if keep else "none was type-checked")
                )
                p.decision, p.qid = "abstain", None
    return proposals


def review_document(proposals: list[Proposal], endpoint: str) -> dict:
    """The review file: what a curator reads and decides (accept: true/false) before
    `nkelections link --apply` carries the decisions into data/wikidata.yaml."""

    def entry(p: Proposal) -> dict:
        return {
            "entity": p.entity,
            "kind": p.kind,
            "decision": p.decision,
            "qid": p.qid,
            "score": p.score,
            "reason": p.reason,
            # the curator's part, read by `nkelections link --apply` (link_review.py)
            "accept": None,
            "seen_at": None,
            "snippet": None,
            "note": None,
            "candidates": [
                {k: sorted(v) if isinstance(v, set) else v for k, v in asdict(c).items()}
                for c in p.candidates
            ],
        }

    return {
        "endpoint": endpoint,
        "proposed": sum(p.decision == "propose" for p in proposals),
        "abstained": sum(p.decision == "abstain" for p in proposals),
        "proposals": [entry(p) for p in proposals],
    }
