"""Identity links to Wikidata (data/wikidata.yaml) and how they enter the graph.

The one convention: an entity that has a Wikidata item gets
    nkr:ENTITY schema:sameAs <http://www.wikidata.org/entity/Q...>
(schema: is http://schema.org/, as in Wikidata's own RDF), and a link-evidence node
    nkr:wikidata-link/ENTITY a nke:IdentityLink ;
        nke:linkedEntity nkr:ENTITY ; nke:linkedItem wd:Q... ;
        schema:url <page where the id was seen> ; schema:name "its title" ;
        prov:value "the snippet that ties the id to the entity" .
schema:sameAs rather than owl:sameAs: an OWL reasoner would merge our entity with the item and
attach every Wikidata statement to it, which is more than "the same thing" in a curated graph.

Korean names (`korean_names:`) enter as skos:altLabel "..."@ko, each with the page that showed the
Hangul tied to the entity. Every non-fact entity is linked, abstained with a reason, or of a class
abstained as a whole (`abstain_classes:`); `coverage` lists the ones that are none of these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node as RdfNode

from nkelections.curation.check import read_checked
from nkelections.curation.schema import WikidataFile
from nkelections.curation.yamlio import Node, Seq
from nkelections.errors import CurationError
from nkelections.rdf.namespaces import NKE, NKR, PROV, RDF, RDFS, SCHEMA, SKOS, WD
from nkelections.rdf.quads import GraphTriples

QID = re.compile(r"^Q[1-9][0-9]*$")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LINK_KEYS = {"entity", "qid", "seen_at", "title", "snippet", "looked_up"}
KOREAN_KEYS = {"entity", "label", "aliases", "seen_at", "snippet", "looked_up"}
KINDS = ("person", "body", "place", "country", "election")


@dataclass(frozen=True)
class Link:
    entity: str
    qid: str
    seen_at: str
    title: str
    snippet: str
    where: str
    looked_up: str | None = None


@dataclass(frozen=True)
class WikidataClass:
    qid: str
    label: str
    seen_at: str


@dataclass(frozen=True)
class KoreanName:
    entity: str
    label: str
    aliases: tuple[str, ...]
    seen_at: str
    snippet: str
    where: str


@dataclass
class Links:
    """Everything data/wikidata.yaml says."""

    links: list[Link] = field(default_factory=list)
    abstentions: dict[str, str] = field(default_factory=dict)
    abstain_classes: dict[str, str] = field(default_factory=dict)
    korean: dict[str, KoreanName] = field(default_factory=dict)
    awaiting: list[Link] = field(default_factory=list)
    classes: dict[str, list[WikidataClass]] = field(default_factory=dict)
    context_countries: list[str] = field(default_factory=list)

    def qid_of(self, entity: str) -> str | None:
        return next((link.qid for link in self.links if link.entity == entity), None)

    @property
    def by_entity(self) -> dict[str, str]:
        return {link.entity: link.qid for link in self.links}


def load_links(path: Path, known: set[str] | None = None, root: Path | None = None) -> Links:
    """Read and check data/wikidata.yaml; a missing file means no links. `known` are the entity
    ids of the curation: a link or abstention naming another id raises CurationError."""
    if not path.exists():
        return Links()
    doc = read_checked(path, WikidataFile, root, context={"entities": known} if known else None)
    if doc is None:
        return Links()
    if not isinstance(doc, Node):
        raise CurationError("the file must be a mapping with 'links:'", where=str(path))
    result = Links(
        links=[_link(node) for node in _seq(doc, "links", path)],
        awaiting=[_link(node) for node in _seq(doc, "awaiting_entity", path)],
        classes=_classes(doc.get("linker_classes"), path),
        context_countries=[str(c) for c in (doc.get("context_countries") or [])],
    )
    for node in _seq(doc, "abstentions", path):
        entity, reason = node.get("entity"), node.get("reason")
        if not isinstance(entity, str) or not isinstance(reason, str) or not reason.strip():
            raise CurationError("an abstention needs 'entity' and a 'reason'", where=node.where)
        if entity in result.abstentions:
            raise CurationError(f"'{entity}' is abstained twice", where=node.where)
        result.abstentions[entity] = " ".join(reason.split())
    for node in _seq(doc, "abstain_classes", path):
        name, reason = node.get("class"), node.get("reason")
        if not isinstance(name, str) or not isinstance(reason, str) or not reason.strip():
            raise CurationError(
                "an abstained class needs 'class' (an nke: class name) and a 'reason'",
                where=node.where,
            )
        result.abstain_classes[name] = " ".join(reason.split())
    for node in _seq(doc, "korean_names", path):
        name = _korean(node)
        if name.entity in result.korean:
            raise CurationError(f"'{name.entity}' has two Korean name entries", where=node.where)
        result.korean[name.entity] = name
    _check(result, known, path)
    return result


def _korean(node: Node) -> KoreanName:
    """A Korean name with its evidence: Hangul, and quoted by the snippet of the page seen."""
    unknown = sorted(set(node) - KOREAN_KEYS)
    if unknown:
        raise CurationError(
            f"unknown key '{unknown[0]}' in a Korean name",
            where=node.where,
            hint="use " + ", ".join(sorted(KOREAN_KEYS)),
        )
    for key in ("entity", "label", "seen_at", "snippet"):
        if not isinstance(node.get(key), str) or not node[key].strip():
            raise CurationError(
                f"a Korean name needs '{key}'",
                where=node.where,
                hint="say where the Hangul was seen and quote the snippet",
            )
    names = [node["label"].strip()] + [str(a).strip() for a in node.get("aliases") or []]
    for name in names:
        if not HANGUL.search(name) or name not in node["snippet"]:
            raise CurationError(
                f"'{name}' is not Hangul shown by the snippet",
                where=node.where,
                hint="quote the page's text that gives the Korean name",
            )
    return KoreanName(
        node["entity"].strip(),
        names[0],
        tuple(names[1:]),
        node["seen_at"].strip(),
        node["snippet"],
        node.where,
    )


def _seq(doc: Node, key: str, path: Path) -> list[Node]:
    items = doc.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, Node) for i in items):
        where = f"{items.file}:{items.line}" if isinstance(items, Seq) else str(path)
        raise CurationError(f"'{key}' must be a list of mappings", where=where)
    return list(items)


def _link(node: Node) -> Link:
    unknown = sorted(set(node) - LINK_KEYS)
    if unknown:
        raise CurationError(
            f"unknown key '{unknown[0]}' in a Wikidata link",
            where=node.where,
            hint="use " + ", ".join(sorted(LINK_KEYS)),
        )
    for key in ("entity", "qid", "seen_at", "title", "snippet"):
        if not isinstance(node.get(key), str) or not node[key].strip():
            raise CurationError(
                f"a Wikidata link needs '{key}'",
                where=node.where,
                hint="say where the item id was seen and quote the snippet",
            )
    qid = node["qid"].strip()
    if not QID.match(qid):
        raise CurationError(
            f"'{qid}' is not a Wikidata item id (Q followed by digits)", where=node.where
        )
    if not re.search(rf"(?<![0-9]){qid[1:]}(?![0-9])", node["snippet"]):
        raise CurationError(
            f"the snippet does not contain the id {qid}",
            where=node.where,
            hint="quote the text of the page that shows the id",
        )
    return Link(
        node["entity"].strip(),
        qid,
        node["seen_at"].strip(),
        node["title"].strip(),
        node["snippet"],
        node.where,
        node.get("looked_up"),
    )


def _classes(node, path: Path) -> dict[str, list[WikidataClass]]:
    if node is None:
        return {}
    if not isinstance(node, Node):
        raise CurationError("'linker_classes' must map a kind to a list", where=str(path))
    out: dict[str, list[WikidataClass]] = {}
    for kind, items in node.items():
        if kind not in KINDS:
            raise CurationError(
                f"unknown kind '{kind}' in linker_classes",
                where=node.where,
                hint="one of " + ", ".join(KINDS),
            )
        for item in items or []:
            qid = item.get("qid") if isinstance(item, Node) else None
            if not isinstance(qid, str) or not QID.match(qid) or not item.get("seen_at"):
                raise CurationError(
                    f"a class of '{kind}' needs a 'qid' and 'seen_at'", where=node.where
                )
            out.setdefault(kind, []).append(
                WikidataClass(qid, str(item.get("label", "")), item["seen_at"])
            )
    return out


def _check(result: Links, known: set[str] | None, path: Path) -> None:
    seen: dict[str, Link] = {}
    items: dict[str, Link] = {}
    for link in result.links:
        if known is not None and link.entity not in known:
            raise CurationError(
                f"Wikidata link for unknown entity '{link.entity}'",
                where=link.where,
                hint="use an id of data/entities/*.yaml",
            )
        if link.entity in seen:
            raise CurationError(f"'{link.entity}' is linked twice", where=link.where)
        if link.qid in items:
            raise CurationError(
                f"{link.qid} is linked to both '{items[link.qid].entity}' and '{link.entity}'",
                where=link.where,
            )
        if link.entity in result.abstentions:
            raise CurationError(f"'{link.entity}' is both linked and abstained", where=link.where)
        seen[link.entity], items[link.qid] = link, link
    for entity in list(result.abstentions) + list(result.korean):
        if known is not None and entity not in known:
            raise CurationError(
                f"abstention or Korean name for unknown entity '{entity}'",
                where=str(path),
                hint="use an id of data/entities/*.yaml",
            )


def add_links(graph: Graph | GraphTriples, links: Links) -> int:
    """Add each identity link and its evidence node to `graph`; returns how many."""
    for link in links.links:
        entity, item = NKR[link.entity], WD[link.qid]
        node = NKR["wikidata-link/" + link.entity]
        graph.add((entity, SCHEMA.sameAs, item))
        graph.add((node, RDF.type, NKE.IdentityLink))
        graph.add((node, NKE.linkedEntity, entity))
        graph.add((node, NKE.linkedItem, item))
        graph.add((node, SCHEMA.url, URIRef(link.seen_at)))
        graph.add((node, SCHEMA.name, Literal(link.title)))
        graph.add((node, PROV.value, Literal(link.snippet)))
    for name in links.korean.values():
        for text in (name.label, *name.aliases):
            graph.add((NKR[name.entity], SKOS.altLabel, Literal(text, lang="ko")))
    return len(links.links)


@dataclass
class Coverage:
    linked: list[str]
    abstained: list[str]
    unlisted: list[str]


def coverage(
    graph: Graph, links: Links, superclasses: Callable[[RdfNode], set[RdfNode]]
) -> Coverage:
    """Every labelled entity of the graph that is not a fact: linked, abstained (itself or by its
    class), or unlisted. A new or split entity shows up as unlisted until a curator decides."""
    out = Coverage([], [], [])
    classes = {NKE[name] for name in links.abstain_classes}
    for iri in sorted({s for s in graph.subjects(RDFS.label, None) if isinstance(s, URIRef)}):
        ident = str(iri)[len(str(NKR)) :]
        if not str(iri).startswith(str(NKR)) or "/" in ident:
            continue
        supers = set().union(*[superclasses(t) for t in graph.objects(iri, RDF.type)] or [set()])
        if NKE.Fact in supers:
            continue
        if ident in links.by_entity:
            out.linked.append(ident)
        elif ident in links.abstentions or supers & classes:
            out.abstained.append(ident)
        else:
            out.unlisted.append(ident)
    return out


def add_wikidata_links(
    graph: Graph | GraphTriples, data_dir: Path, known: set[str], root: Path | None = None
) -> int:
    """The build's one call: read data/wikidata.yaml, check it against the curated ids, add it."""
    return add_links(graph, load_links(data_dir / "wikidata.yaml", known, root))
