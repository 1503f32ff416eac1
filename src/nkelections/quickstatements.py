"""The graph's facts about linked entities as QuickStatements V1 lines, for an editor to review.

A line is ITEM, PROPERTY, VALUE and its references, tab-separated: S854 reference URL (the
source document's IRI in this graph: the manifest holds no publication URL, so an editor should
replace it with the page's own address), S1683 the supporting quote in its language, S813 the
retrieved date. Facts Wikidata cannot express, or whose subject or value has no item, are
returned as skipped with the reason. Property ids come from PROPERTIES, each with where it was
seen; `confirm` marks ids seen only in repository text, to be checked before uploading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from nkelections.namespaces import DCTERMS, NKE, NKR, NKV, OA, ORG, PROV, RDF, SCHEMA, WD, XSD


@dataclass(frozen=True)
class WikidataProperty:
    pid: str
    label: str
    seen_at: str
    confirm: bool = False


PROPERTIES = {
    "point in time": WikidataProperty(
        "P585", "point in time", "repository text 'P585 point in time' (find_string)", True),
    "eligible voters": WikidataProperty(
        "P1867", "eligible voters",
        "https://rp.liu233w.com/https/m.wikidata.org/wiki/Special:PermanentLink/857095945"),
    "ballots cast": WikidataProperty(
        "P1868", "ballots cast", "https://m.wikidata.org/wiki/Wikidata:WikiProject_elections"),
    "member of": WikidataProperty(
        "P463", "member", "https://github.com/hearvox/wiki-media-cred README.md", True),
    "reference URL": WikidataProperty(
        "P854", "reference URL", "https://digitalrelics.uk/posts/wikidata-heritage/"
        "wikidata-references.html"),
    "retrieved": WikidataProperty(
        "P813", "retrieved", "https://digitalrelics.uk/posts/wikidata-heritage/"
        "wikidata-references.html"),
    "quote": WikidataProperty(
        "P1683", "quotation", "repository text 'P1683 quotation' (find_string)", True),
}
STATEMENT_PROPERTIES = {NKE.electionDate: "point in time"}
FIGURE_PROPERTIES = {NKV["measure-eligible-voters"]: "eligible voters",
                     NKV["measure-ballots-cast"]: "ballots cast"}
NO_PROPERTY = "Wikidata has no property for this measure (e.g. a turnout or vote share)"


@dataclass(frozen=True)
class Skipped:
    fact: str
    reason: str


@dataclass
class Export:
    lines: list[str]
    skipped: list[Skipped]


def export(graph: Graph, retrieved: dt.date | None = None, namespace: str = str(WD)) -> Export:
    """QuickStatements V1 lines for the facts about entities that have a schema:sameAs item
    in `namespace` (Wikidata's; tests pass their fixture's)."""
    items = {s: str(o)[len(namespace):] for s, o in graph.subject_objects(SCHEMA.sameAs)
             if str(o).startswith(namespace)}
    day = (retrieved or dt.date.today()).isoformat()
    out = Export([], [])
    for fact in sorted(set(graph.subjects(RDF.type, NKE.Fact))):
        subject, key, value = _claim(graph, fact)
        if subject is None or subject not in items:
            continue
        name = _short(fact)
        if key is None:
            out.skipped.append(Skipped(name, value))
            continue
        if isinstance(value, URIRef):
            if value not in items:
                out.skipped.append(Skipped(name, f"the value {_short(value)} has no Wikidata item"))
                continue
            value = items[value]
        claim = "\t".join([items[subject], PROPERTIES[key].pid, value])
        out.lines.extend(claim + ref for ref in _references(graph, fact, day))
    out.lines = sorted(set(out.lines))
    return out


def _claim(graph: Graph, fact: URIRef) -> tuple[URIRef | None, str | None, object]:
    if (fact, RDF.type, NKE.Statement) in graph:
        subject, prop = graph.value(fact, RDF.subject), graph.value(fact, RDF.predicate)
        obj = graph.value(fact, RDF.object)
        key = STATEMENT_PROPERTIES.get(prop)
        if key is None:
            return subject, None, f"no Wikidata property is mapped for {_short(prop)}"
        return subject, key, obj if isinstance(obj, URIRef) else _value(obj)
    if (fact, RDF.type, NKE.Figure) in graph:
        key = FIGURE_PROPERTIES.get(graph.value(fact, NKE.measure))
        value = graph.value(fact, NKE.value)
        if key is None or value is None:
            return graph.value(fact, NKE.figureOf), None, NO_PROPERTY
        return graph.value(fact, NKE.figureOf), key, _value(value)
    if (fact, RDF.type, ORG.Membership) in graph:
        return graph.value(fact, ORG.member), "member of", graph.value(fact, ORG.organization)
    subject = graph.value(fact, NKE.about)
    return subject, None, "this kind of fact (claim, event, arrangement) has no Wikidata form"


def _value(literal) -> str:
    if isinstance(literal, Literal) and literal.datatype == XSD.date:
        return f"+{literal}T00:00:00Z/11"
    if isinstance(literal, Literal) and literal.datatype == XSD.gYear:
        return f"+{literal}-00-00T00:00:00Z/9"
    text = str(literal)
    if isinstance(literal, Literal) and literal.datatype in (XSD.decimal, XSD.integer):
        return text
    return '"' + " ".join(text.replace('"', "'").split()) + '"'


def _references(graph: Graph, fact: URIRef, day: str) -> list[str]:
    refs = []
    for evidence in sorted(graph.objects(fact, PROV.wasDerivedFrom)):
        target = graph.value(evidence, OA.hasTarget)
        document = graph.value(target, OA.hasSource) if target is not None else None
        selector = next((s for s in graph.objects(target, OA.hasSelector)
                         if (s, OA.exact, None) in graph), None) if target is not None else None
        if document is None or selector is None:
            continue
        quote = " ".join(str(graph.value(selector, OA.exact)).split())
        lang = str(graph.value(document, DCTERMS.language) or "en")
        ref = [("S854", f'"{document}"'), ("S813", f"+{day}T00:00:00Z/11")]
        if '"' not in quote:
            ref.insert(1, ("S1683", f'{lang}:"{quote}"'))
        refs.append("".join(f"\t{p}\t{v}" for p, v in ref))
    return refs or [""]


def _short(iri) -> str:
    text = str(iri)
    return text[len(str(NKR)):] if text.startswith(str(NKR)) else text.rsplit("#", 1)[-1]
