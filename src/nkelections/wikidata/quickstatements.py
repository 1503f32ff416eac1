"""The graph's facts about linked entities as QuickStatements V1 lines, for an editor to paste.

A statement line is ITEM, PROPERTY, VALUE, its qualifiers, then one reference, tab-separated; a
claim with several sources is one line per source (QuickStatements adds each reference to the same
statement). A reference is S854 the source's own URL (data/sources/manifest.yaml) or S248 its
item, then S1476 title, S123 publisher, S577 date where known, S1683 the supporting quotation and
S813 retrieved. A fact that cannot be written so (no item for its subject or value, no property,
an approximate value, no source with a URL or item) is returned as skipped with the reason.
Labels, aliases and descriptions (Len/Aen/Den, Lko/Ako) are term lines of their own: Wikidata
gives terms no references. Which property says what is data: data/wikidata-properties.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from nkelections.curation.yamlio import Node, load_yaml
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import (
    DCTERMS,
    NKE,
    NKR,
    NKV,
    OA,
    ORG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    WD,
    WDT,
    XSD,
    expand_curie,
)

PID = re.compile(r"^P[1-9][0-9]*$")
MAX_TEXT = 1500  # Wikidata's limit for a string or monolingual text value
NO_PROPERTY = "no Wikidata property is mapped for this measure (data/wikidata-properties.yaml)"


@dataclass(frozen=True)
class WikidataProperty:
    key: str
    pid: str
    label: str
    seen_at: str


@dataclass(frozen=True)
class Position:
    role: URIRef
    organisation: str
    qid: str


@dataclass
class PropertyMap:
    """Everything data/wikidata-properties.yaml says."""

    properties: dict[str, WikidataProperty]
    statements: dict[URIRef, str]
    figures: dict[URIRef, str]
    positions: list[Position]
    qualifiers: dict[str, str]
    references: dict[str, str]

    def pid(self, role: str, table: str = "references") -> str:
        return self.properties[getattr(self, table)[role]].pid


@dataclass(frozen=True)
class Skipped:
    fact: str
    reason: str


@dataclass
class Export:
    lines: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def load_property_map(path: Path, root: Path | None = None) -> PropertyMap:
    """Read and check the property map; a property key used but not defined is an error."""
    doc = load_yaml(path, root)
    if not isinstance(doc, Node) or not isinstance(doc.get("properties"), Node):
        raise CurationError("the file must be a mapping with 'properties:'", where=str(path))
    props = {str(key): _property(str(key), node) for key, node in doc["properties"].items()}
    out = PropertyMap(
        props,
        _curies(doc, "statements", path),
        _curies(doc, "figures", path),
        [_position(n) for n in doc.get("positions") or []],
        dict(doc.get("qualifiers") or {}),
        dict(doc.get("references") or {}),
    )
    used = [
        *out.statements.values(),
        *out.figures.values(),
        *out.qualifiers.values(),
        *out.references.values(),
    ]
    missing = sorted(set(used) - set(props))
    if missing:
        raise CurationError(
            f"property key '{missing[0]}' is used but not defined",
            where=str(path),
            hint="add it under 'properties:' with its pid, label and seen_at",
        )
    return out


def _property(key: str, node) -> WikidataProperty:
    if not isinstance(node, Node) or not all(
        isinstance(node.get(k), str) and node[k].strip()
        for k in ("pid", "label", "seen_at", "snippet")
    ):
        raise CurationError(
            f"property '{key}' needs 'pid', 'label', 'seen_at' and 'snippet'",
            where=getattr(node, "where", None),
        )
    if not PID.match(node["pid"]) or node["pid"] not in node["snippet"]:
        raise CurationError(
            f"property '{key}': '{node['pid']}' is not a property id shown by the snippet",
            where=node.where,
        )
    return WikidataProperty(key, node["pid"], node["label"], node["seen_at"])


def _curies(doc: Node, key: str, path: Path) -> dict[URIRef, str]:
    out = {}
    for curie, prop in (doc.get(key) or {}).items():
        iri = expand_curie(str(curie))
        if iri is None:
            raise CurationError(f"'{curie}' under '{key}' is not a known CURIE", where=str(path))
        out[URIRef(iri)] = str(prop)
    return out


def _position(node) -> Position:
    role = expand_curie(str(node.get("role", ""))) if isinstance(node, Node) else None
    qid, snippet = (node.get("qid"), node.get("snippet")) if isinstance(node, Node) else ("", "")
    if role is None or not qid or not snippet or qid[1:] not in snippet or not node.get("seen_at"):
        raise CurationError(
            "a position needs 'role', 'organisation', 'qid', 'seen_at' and a "
            "'snippet' showing the id",
            where=getattr(node, "where", None),
        )
    return Position(URIRef(role), str(node.get("organisation")), qid)


def export(
    graph: Graph,
    pmap: PropertyMap,
    retrieved: dt.date | None = None,
    namespace: str = str(WD),
    korean: dict[str, str] | None = None,
) -> Export:
    """QuickStatements V1 lines for the facts whose subject has a schema:sameAs item in
    `namespace` (Wikidata's; tests pass their fixture's); every other fact is skipped.
    `korean` maps an entity id to its Korean label (the others are aliases)."""
    items = {
        s: str(o)[len(namespace) :]
        for s, o in graph.subject_objects(SCHEMA.sameAs)
        if str(o).startswith(namespace)
    }
    day = (retrieved or dt.date.today()).isoformat()
    out = Export()
    for fact in sorted(_iris(graph.subjects(RDF.type, NKE.Fact))):
        claim = _claim(graph, pmap, fact, items)
        if isinstance(claim, Skipped):
            out.skipped.append(Skipped(_short(fact), claim.reason))
            continue
        refs = [
            r
            for r in (
                _reference(graph, pmap, ev, items, day)
                for ev in sorted(_iris(graph.objects(fact, PROV.wasDerivedFrom)))
            )
            if r
        ]
        if not refs:
            out.skipped.append(
                Skipped(
                    _short(fact), "no source of this fact has a URL or a Wikidata item to reference"
                )
            )
            continue
        out.lines.extend(claim + ref for ref in refs)
    out.lines = sorted(set(out.lines))
    out.terms = terms(graph, items, korean or {})
    return out


def _claim(graph: Graph, pmap: PropertyMap, fact: URIRef, items: dict) -> str | Skipped:
    """The claim part of the line (item, property, value, qualifiers) or why there is none."""
    if (fact, RDF.type, NKE.Statement) in graph:
        subject, pred = graph.value(fact, RDF.subject), graph.value(fact, RDF.predicate)
        key = pmap.statements.get(pred) if isinstance(pred, URIRef) else None
        value = graph.value(fact, RDF.object)
        reason = None if key else f"no Wikidata property is mapped for {_short(pred)}"
    elif (fact, RDF.type, NKE.Figure) in graph:
        subject, value = graph.value(fact, NKE.figureOf), graph.value(fact, NKE.value)
        measure = graph.value(fact, NKE.measure)
        key = pmap.figures.get(measure) if isinstance(measure, URIRef) else None
        reason = _figure_problem(graph, fact) if key else NO_PROPERTY
        value = _count(value) if key and not reason else value
    elif (fact, RDF.type, ORG.Membership) in graph:
        return _membership(graph, pmap, fact, items)
    else:
        subject, key, value = graph.value(fact, NKE.about), None, None
        reason = "this kind of fact (claim, event, arrangement, citation) has no Wikidata form"
    if subject not in items:
        return Skipped(fact, f"the subject {_short(subject)} has no Wikidata item")
    if reason or key is None:  # each branch gives a reason where it finds no property
        return Skipped(fact, reason or NO_PROPERTY)
    text = _value(value, items)
    if text is None:
        return Skipped(fact, f"the value {_short(value)} has no Wikidata item")
    return "\t".join([items[subject], pmap.properties[key].pid, text])


def _figure_problem(graph: Graph, fact: URIRef) -> str | None:
    approximate = graph.value(fact, NKE.approximate)
    if isinstance(approximate, Literal) and approximate.toPython() is True:
        return (
            "an approximate figure: the text gives no uncertainty, so it is not written as "
            "an exact Wikidata quantity"
        )
    scope = graph.value(fact, NKE.scope)
    if scope is not None and scope != NKV["scope-whole-election"]:
        return f"a figure for part of the election ({_short(scope)}), not the whole"
    if (
        graph.value(fact, NKE.unit) != NKV["unit-count"]
        or _count(graph.value(fact, NKE.value)) is None
    ):
        return "not a whole-number count"
    return None


def _count(value) -> Literal | None:
    """A count as an xsd:integer literal (the graph keeps decimals), None if not whole."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return Literal(int(number), datatype=XSD.integer) if number == number.to_integral() else None


def _membership(graph: Graph, pmap: PropertyMap, fact: URIRef, items: dict) -> str | Skipped:
    member, org = graph.value(fact, ORG.member), graph.value(fact, ORG.organization)
    role = graph.value(fact, ORG.role)
    if member not in items:
        return Skipped(fact, f"the subject {_short(member)} has no Wikidata item")
    position = next(
        (p for p in pmap.positions if p.role == role and NKR[p.organisation] == org), None
    )
    if position is None:
        return Skipped(
            fact,
            f"no Wikidata position item is mapped for the role {_short(role)} "
            f"in {_short(org)} (data/wikidata-properties.yaml, positions)",
        )
    parts = [items[member], pmap.properties["position held"].pid, position.qid]
    start = graph.value(fact, SCHEMA.startDate)
    if start is not None and "start" in pmap.qualifiers:
        parts += [pmap.pid("start", "qualifiers"), _time(start)]
    return "\t".join(parts)


def _value(value, items: dict) -> str | None:
    if isinstance(value, URIRef):
        return items.get(value)
    if isinstance(value, Literal) and value.datatype in (XSD.date, XSD.gYear, XSD.dateTime):
        return _time(value)
    if isinstance(value, Literal) and value.datatype == XSD.integer:
        return str(int(value))
    return _string(str(value))


def _time(literal) -> str:
    text = str(literal)
    if getattr(literal, "datatype", None) == XSD.gYear or re.fullmatch(r"-?\d{4}", text):
        return f"+{text}-00-00T00:00:00Z/9"
    return f"+{text[:10]}T00:00:00Z/11"


def _string(text: str, lang: str | None = None) -> str:
    """A V1 string or monolingual text. Tabs and newlines would split the line, so whitespace is
    folded; a double quote inside stays as it is (V1 reads the value up to its last quote)."""
    body = " ".join(text.split())
    return f'{lang}:"{body}"' if lang else f'"{body}"'


def _reference(graph: Graph, pmap: PropertyMap, evidence, items: dict, day: str) -> str | None:
    target = graph.value(evidence, OA.hasTarget)
    document = graph.value(target, OA.hasSource) if target is not None else None
    if document is None:
        return None
    url, item = graph.value(document, SCHEMA.url), items.get(document)
    if url is None and item is None:
        return None
    lang = str(graph.value(document, DCTERMS.language) or "en")
    title = graph.value(document, DCTERMS.title)
    ref = [("url", _string(str(url))) if url is not None else ("item", item)]
    if title is not None:
        ref.append(("title", _string(str(title), lang)))
    if items.get(graph.value(document, DCTERMS.publisher)):
        ref.append(("publisher", items[graph.value(document, DCTERMS.publisher)]))
    if graph.value(document, DCTERMS.issued) is not None:
        ref.append(("date", _time(graph.value(document, DCTERMS.issued))))
    quote = _quote(graph, target)
    if quote and quote != " ".join(str(title).split()) and len(quote) <= MAX_TEXT:
        ref.append(("quote", _string(quote, lang)))
    ref.append(("retrieved", f"+{day}T00:00:00Z/11"))
    return "".join(f"\tS{pmap.pid(role)[1:]}\t{value}" for role, value in ref)


def _quote(graph: Graph, target) -> str | None:
    selector = next(
        (s for s in graph.objects(target, OA.hasSelector) if (s, OA.exact, None) in graph), None
    )
    return " ".join(str(graph.value(selector, OA.exact)).split()) if selector else None


def terms(graph: Graph, items: dict, korean: dict[str, str]) -> list[str]:
    """Len/Aen/Den and Lko/Ako lines for every linked entity: our label, aliases, description
    and the Korean names of data/wikidata.yaml (`korean` names the one that is the label)."""
    out = []
    for entity, qid in sorted(items.items(), key=lambda kv: kv[1]):
        out.append(f"{qid}\tLen\t{_string(str(graph.value(entity, RDFS.label)))}")
        aliases = {
            lang: sorted(
                str(a)
                for a in graph.objects(entity, SKOS.altLabel)
                if getattr(a, "language", None) == lang
            )
            for lang in ("en", "ko")
        }
        out += [f"{qid}\tAen\t{_string(a)}" for a in aliases["en"]]
        description = graph.value(entity, SCHEMA.description)
        if description is not None and len(str(description)) <= 250:
            out.append(f"{qid}\tDen\t{_string(str(description))}")
        label = korean.get(_short(entity))
        if label in aliases["ko"]:
            out.append(f"{qid}\tLko\t{_string(label)}")
        out += [f"{qid}\tAko\t{_string(a)}" for a in aliases["ko"] if a != label]
    return out


def _iris(nodes) -> set[URIRef]:
    """The IRIs among `nodes` (the built graph names its facts and evidence by IRI)."""
    return {n for n in nodes if isinstance(n, URIRef)}


def _short(iri) -> str:
    text = str(iri)
    return text[len(str(NKR)) :] if text.startswith(str(NKR)) else text.rsplit("#", 1)[-1]


@dataclass(frozen=True)
class DryRunRow:
    status: str  # "add", "present" or "conflict"
    line: str
    existing: str = ""


def dry_run(lines: list[str], existing: Graph, namespace: str = str(WD)) -> list[DryRunRow]:
    """Compare export lines with what Wikidata already says about their items, given as its RDF
    (wdt: direct claims, rdfs:label, skos:altLabel, schema:description): a line whose claim or
    term is there already is "present"; one whose property or label language has another value
    is a "conflict" (an editor decides); anything else is an "add"."""
    rows = []
    for line in lines:
        item, prop, value = line.split("\t")[:3]
        have = _existing(existing, URIRef(namespace + item), prop, namespace)
        if prop[0] == "A":  # an alias is one more name, never a conflict
            rows.append(DryRunRow("present" if value in have else "add", line))
        elif value in have:
            rows.append(DryRunRow("present", line))
        else:
            rows.append(DryRunRow("conflict" if have else "add", line, " | ".join(sorted(have))))
    return rows


def _existing(graph: Graph, item: URIRef, prop: str, namespace: str) -> set[str]:
    """The item's values for a property or term, each written as an export line would."""
    if prop[0] in "LAD" and not prop[1:].isdigit():
        pred = {"L": RDFS.label, "A": SKOS.altLabel, "D": SCHEMA.description}[prop[0]]
        return {
            _string(str(o))
            for o in graph.objects(item, pred)
            if getattr(o, "language", None) == prop[1:]
        }
    values = graph.objects(item, WDT[prop])
    return set().union(*[_as_line_values(o, namespace) for o in values] or [set()])


def _as_line_values(value, namespace: str) -> set[str]:
    """A date is there for a line at day precision and for one at year precision (a year-only
    claim agrees with any date in that year)."""
    if isinstance(value, URIRef):
        text = str(value)
        return {text[len(namespace) :] if text.startswith(namespace) else text}
    if isinstance(value, Literal) and value.datatype in (XSD.dateTime, XSD.date):
        day = str(value)[:10]
        return {_time(Literal(day, datatype=XSD.date)), _time(Literal(day[:4]))}
    if isinstance(value, Literal) and value.datatype in (XSD.decimal, XSD.integer):
        return {str(_count(value) or value)}
    return {_string(str(value))}
