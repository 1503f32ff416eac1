"""Views: each a network of its own, cut from the graph for one question.

VIEWS maps a view's name (also its file name under dist/network/) to its title and builder.
FAMILIES maps a name to views the data decides the number of (one per source document);
chosen_views expands both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import networkx as nx
from rdflib import URIRef

from nkelections.errors import NetworkError
from nkelections.network.convert import (
    Fact,
    GraphIndex,
    add_entity,
    add_relation,
    entity_network,
    release,
    sorted_terms,
)
from nkelections.rdf.namespaces import NKE, ORG, PROV, SCHEMA

BODY_LIKE = (NKE.Body, ORG.Organization)
INSTITUTION_CLASSES = (
    NKE.Law,
    NKE.LawVersion,
    NKE.LawArticle,
    NKE.Decision,
    NKE.Body,
    NKE.Election,
    ORG.Organization,
)
DOCUMENT_LINKS = {SCHEMA.citation, NKE.reportedIn}


# A picture's columns, left to right: each a heading and its nodes, top to bottom.
Columns = list[tuple[str, list[str]]]


@dataclass(frozen=True)
class View:
    name: str
    title: str
    build: Callable[[GraphIndex], nx.MultiDiGraph]
    # drawn in columns rather than by a spring layout (pictures.draw)
    columns: Callable[[nx.MultiDiGraph], Columns] | None = None


def committee_chart(index: GraphIndex) -> nx.MultiDiGraph:
    """People, posts and bodies: each membership is an edge person -role-> body."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="committees")
    data = index.data
    for membership in index.entities:
        if not index.is_a(membership, (ORG.Membership,)):
            continue
        person, body = data.value(membership, ORG.member), data.value(membership, ORG.organization)
        if person is None or body is None:
            continue
        role = data.value(membership, ORG.role)
        role_label = index.label(role) if role is not None else "member"
        fact = index.facts.get(membership)
        graph.add_edge(
            add_entity(graph, index, person),
            add_entity(graph, index, body),
            key=role_label,
            property="org:Membership",
            label=role_label,
            membership=index.node_id(membership),
            sources=len(fact.documents) if fact else 0,
        )
    for s, p, o in index.relations():
        if p in (ORG.subOrganizationOf, ORG.memberOf) and index.is_a(o, BODY_LIKE):
            add_relation(graph, index, s, p, o)
    return graph


def who_said_what(
    index: GraphIndex, only: set[URIRef] | None = None, name: str = "claims"
) -> nx.MultiDiGraph:
    """Sources, claims and attributed facts, who made them, what they are about, and the
    disagreements between facts (facts in a disagreement carry disputed=True); `only` keeps
    the facts named in it (a view per document, claims_by_document)."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=name)
    disputed = _disputed_facts(index)
    for fact, claimants in claims_and_claimants(index, disputed):
        if only is not None and fact.node not in only:
            continue
        claim = _add_fact(graph, index, fact, disputed=fact.node in disputed)
        for doc in sorted(fact.documents):
            _edge(graph, add_entity(graph, index, doc), claim, "reports", len(fact.documents))
        for agent in claimants:
            _edge(
                graph, claim, add_entity(graph, index, agent), "attributed to", len(fact.documents)
            )
        for about in _about(index, fact):
            _edge(graph, claim, add_entity(graph, index, about), "about", len(fact.documents))
    for disagreement in sorted(set(index.data.subjects(NKE.disagreeingFact, None))):
        for fact in sorted(index.data.objects(disagreement, NKE.disagreeingFact)):
            if index.node_id(fact) in graph:
                _edge(
                    graph,
                    add_entity(graph, index, disagreement),
                    index.node_id(fact),
                    "disagreeing fact",
                    0,
                )
    # A fact may enter the view first as what another claim is about; mark every node here.
    marked = {index.node_id(f) for f in disputed}
    for node_id, data in graph.nodes(data=True):
        data["disputed"] = node_id in marked
    return graph


def claims_and_claimants(
    index: GraphIndex,
    disputed: dict[URIRef, set[URIRef]] | None = None,
) -> list[tuple[Fact, list[URIRef]]]:
    """The facts the claims views show (every nke:Claim, a fact a speaker the text names
    states, a fact in a disagreement), each with who makes it."""
    disputed = _disputed_facts(index) if disputed is None else disputed
    found = []
    for node, fact in index.facts.items():
        is_claim = index.is_a(node, (NKE.Claim,))
        # a claim is made by the voice of each quote (its own text's where no one is named);
        # another fact only by a speaker the text names
        claimants = sorted({a for q in fact.quotes for a in (q.voice if is_claim else q.stated_by)})
        if is_claim or claimants or node in disputed:
            found.append((fact, claimants))
    return found


def _disputed_facts(index: GraphIndex) -> dict[URIRef, set[URIRef]]:
    disputed: dict[URIRef, set[URIRef]] = {}
    for disagreement, fact in index.data.subject_objects(NKE.disagreeingFact):
        disputed.setdefault(fact, set()).add(disagreement)
    return disputed


def _add_fact(graph: nx.MultiDiGraph, index: GraphIndex, fact, disputed: bool) -> str:
    if fact.triple is None:
        return add_entity(graph, index, fact.node, disputed=disputed)
    s, p, o = fact.triple
    node = index.node_id(fact.node)
    graph.add_node(
        node,
        iri=str(fact.node),
        type="Statement",
        disputed=disputed,
        label=f"{index.label(s)} · {index.property_label(p)} · {index.label(o)}",
        sources=len(fact.documents),
        mentioned_in=0,
    )
    return node


def _about(index: GraphIndex, fact) -> list[URIRef]:
    if fact.triple is not None:
        return [n for n in (fact.triple[0], fact.triple[2]) if n in index.entity_set]
    about = set(index.data.objects(fact.node, NKE.about)) | {
        o
        for p, o in index.data.predicate_objects(fact.node)
        if p not in (PROV.wasAttributedTo, NKE.reportedIn) and o in index.entity_set
    }
    return sorted(about)


def _edge(graph: nx.MultiDiGraph, u: str, v: str, label: str, sources: int) -> None:
    graph.add_edge(u, v, key=label, property=label, label=label, sources=sources)


def institutions(index: GraphIndex) -> nx.MultiDiGraph:
    """Laws, decisions, bodies and elections, and the relations among them."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="institutions")
    keep = {e for e in index.entities if index.is_a(e, INSTITUTION_CLASSES)}
    for s, p, o in index.relations():
        if s in keep and o in keep:
            add_relation(graph, index, s, p, o)
    for iri in sorted_terms(keep):
        if index.is_a(iri, (NKE.Election, NKE.Law, NKE.LawVersion, NKE.Decision)):
            add_entity(graph, index, iri)
    return graph


def documents(index: GraphIndex) -> nx.MultiDiGraph:
    """Documents and their citations (with footnote numbers), publishers and authors."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="documents")
    docs = {e for e in index.entities if index.is_a(e, (NKE.Document,))}
    for doc in sorted_terms(docs):
        add_entity(graph, index, doc)
    for node, fact in index.facts.items():
        if not index.is_a(node, (NKE.Citation,)):
            continue
        citing = index.data.value(node, NKE.citingDocument)
        cited = index.data.value(node, NKE.citedDocument)
        if citing in index.entity_set and cited in index.entity_set:
            footnote = index.data.value(node, NKE.footnoteNumber)
            graph.add_edge(
                add_entity(graph, index, citing),
                add_entity(graph, index, cited),
                key=index.node_id(node),
                property="nke:Citation",
                label="cites",
                footnote=str(footnote or ""),
                sources=len(fact.documents),
            )
    for s, p, o in index.relations():
        if s in docs and (
            p in DOCUMENT_LINKS
            or index.is_a(o, (NKE.Document,))
            or str(p).startswith("http://purl.org/dc/terms/")
        ):
            add_relation(graph, index, s, p, o)
    return graph


TOP_ENTITIES = 30


def top_entities(index: GraphIndex, top: int = TOP_ENTITIES) -> nx.MultiDiGraph:
    """The `top` best-connected entities and the relations among them; every other neighbour
    of theirs is folded into one node per type ("12 other Person"), so that the picture stays
    readable where the whole entity graph is a hairball."""
    whole = entity_network(index)
    ranked = sorted(whole.degree(), key=lambda nd: (-nd[1], nd[0]))
    kept = {n for n, _ in ranked[:top]}
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="entities-top")
    for node in sorted(kept):
        graph.add_node(node, **whole.nodes[node])
    folded: dict[str, set[str]] = {}
    for u, v, key, data in sorted(whole.edges(keys=True, data=True), key=lambda e: e[:3]):
        if u in kept and v in kept:
            graph.add_edge(u, v, key=key, **data)
        elif u in kept or v in kept:
            inside, outside = (u, v) if u in kept else (v, u)
            kind = whole.nodes[outside].get("type", "unknown")
            fold = "other-" + kind.replace(":", "-")  # DOT reads a colon as a port
            folded.setdefault(fold, set()).add(outside)
            if not graph.has_edge(inside, fold, key=kind):
                graph.add_edge(
                    inside, fold, key=kind, property="folded", label="linked to", sources=0
                )
    for fold, members in folded.items():
        kind = whole.nodes[next(iter(members))].get("type", "unknown")
        graph.nodes[fold].update(
            iri="", type=kind, label=f"{len(members)} other {kind}", types=kind
        )
    release(whole)  # built while the collector is paused, and frozen after: see release
    return graph


VIEWS: dict[str, View] = {
    v.name: v
    for v in (
        View("committees", "Committee chart: people, posts and bodies", committee_chart),
        View(
            "claims", "Who said what: sources, claims, claimants and disagreements", who_said_what
        ),
        View("institutions", "Laws, decisions, bodies and elections", institutions),
        View("documents", "Documents and their citations", documents),
        View("entities", "The whole entity graph", entity_network),
        View(
            "entities-top",
            f"The {TOP_ENTITIES} best-connected entities, the rest folded by type",
            top_entities,
        ),
    )
}


@dataclass(frozen=True)
class Family:
    """Views whose number the data decides: `views(index)` makes them."""

    name: str
    title: str
    views: Callable[[GraphIndex], list[View]]


SHARED_CLAIMS = "claims-in-several-documents"


def claims_by_document(index: GraphIndex) -> list[View]:
    """The claims view cut into readable pieces: one view per source document with the claims
    quoted in it alone, their subjects and claimants; the claims several documents report (or
    none) share one more view, where each reporting document is drawn. So every claim stands in
    exactly one of these views."""
    groups: dict[URIRef | None, set[URIRef]] = {}
    for fact, _ in claims_and_claimants(index):
        home = next(iter(fact.documents)) if len(fact.documents) == 1 else None
        groups.setdefault(home, set()).add(fact.node)
    views: list[View] = []
    taken: set[str] = set()
    for doc in sorted_terms(d for d in groups if d is not None):
        name = _unique(f"claims-in-{_slug(index.node_id(doc))}", taken)
        views.append(
            View(
                name,
                f"Claims in {index.label(doc)}",
                partial(who_said_what, only=groups[doc], name=name),
                claim_columns,
            )
        )
    if None in groups:
        name = _unique(SHARED_CLAIMS, taken)
        views.append(
            View(
                name,
                "Claims several documents report",
                partial(who_said_what, only=groups[None], name=name),
                claim_columns,
            )
        )
    return views


def claim_columns(graph: nx.MultiDiGraph) -> Columns:
    """Documents | their claims | claimants, subjects and disagreements. A star around the
    document and its author is what a spring layout draws here, every label on the next:
    in columns, each claim has a row, claims by the same claimant stand together, and each
    node on the right stands level with the claims it is linked to."""
    reports = [(u, v) for u, v, key in graph.edges(keys=True) if key == "reports"]
    docs = sorted({u for u, _ in reports})
    facts = sorted({v for _, v in reports} - set(docs))
    label = {n: graph.nodes[n].get("label", n) for n in graph}

    def claimants(fact: str) -> list[str]:
        return sorted(
            label[v] for _, v, key in graph.out_edges(fact, keys=True) if key == "attributed to"
        )

    facts.sort(key=lambda f: (claimants(f), label[f], f))
    row = {f: i for i, f in enumerate(facts)}

    def level(node: str) -> tuple:
        rows = [row[m] for m in nx.all_neighbors(graph, node) if m in row]
        return (sum(rows) / len(rows) if rows else len(row), label[node], node)

    rest = sorted(set(graph) - set(docs) - set(facts), key=level)
    return [
        ("documents", docs),
        ("claims and attributed facts", facts),
        ("claimants, subjects and disagreements", rest),
    ]


def _slug(text: str) -> str:
    """A file name's stem: a node id outside nkr: is a whole IRI, with / and : in it."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "document"


def _unique(name: str, taken: set[str]) -> str:
    found, n = name, 1
    while found in taken or found in VIEWS:
        n += 1
        found = f"{name}-{n}"
    taken.add(found)
    return found


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "claims-by-document",
            "the claims view, one view per source document",
            claims_by_document,
        ),
    )
}


def chosen_views(index: GraphIndex, names: list[str] | None = None) -> list[View]:
    """The views named (a view or a family of them), all of them by default."""
    chosen: list[View] = []
    for name in names or [*VIEWS, *FAMILIES]:
        if name in VIEWS:
            chosen.append(VIEWS[name])
        elif name in FAMILIES:
            chosen.extend(FAMILIES[name].views(index))
        else:
            raise NetworkError(
                f"no view named {name!r}", hint="choose one of " + ", ".join([*VIEWS, *FAMILIES])
            )
    return chosen
