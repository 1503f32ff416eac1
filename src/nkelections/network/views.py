"""Views: each a network of its own, cut from the graph for one question.

VIEWS maps a view's name (also its file name under dist/network/) to its title and builder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from nkelections.network.convert import (
    GraphIndex,
    add_entity,
    add_relation,
    entity_network,
    sorted_terms,
)
from nkelections.rdf.namespaces import NKE, ORG, PROV, SCHEMA

BODY_LIKE = (NKE.Body, ORG.Organization)
INSTITUTION_CLASSES = (NKE.Law, NKE.LawVersion, NKE.LawArticle, NKE.Decision, NKE.Body,
                       NKE.Election, ORG.Organization)
DOCUMENT_LINKS = {SCHEMA.citation, NKE.reportedIn}


@dataclass(frozen=True)
class View:
    name: str
    title: str
    build: Callable[[GraphIndex], nx.MultiDiGraph]


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
        graph.add_edge(add_entity(graph, index, person), add_entity(graph, index, body),
                       key=role_label, property="org:Membership", label=role_label,
                       membership=index.node_id(membership),
                       sources=len(fact.documents) if fact else 0)
    for s, p, o in index.relations():
        if p in (ORG.subOrganizationOf, ORG.memberOf) and index.is_a(o, BODY_LIKE):
            add_relation(graph, index, s, p, o)
    return graph


def who_said_what(index: GraphIndex) -> nx.MultiDiGraph:
    """Sources, claims and attributed facts, who made them, what they are about, and the
    disagreements between facts (facts in a disagreement carry disputed=True)."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="claims")
    disputed = _disputed_facts(index)
    for node, fact in index.facts.items():
        is_claim = index.is_a(node, (NKE.Claim,))
        # a claim is made by the voice of each quote (its own text's where no one is named);
        # another fact only by a speaker the text names
        claimants = sorted({a for q in fact.quotes for a in (q.voice if is_claim else q.stated_by)})
        if not (is_claim or claimants or node in disputed):
            continue
        claim = _add_fact(graph, index, fact, disputed=node in disputed)
        for doc in sorted(fact.documents):
            _edge(graph, add_entity(graph, index, doc), claim, "reports", len(fact.documents))
        for agent in claimants:
            _edge(graph, claim, add_entity(graph, index, agent), "attributed to",
                  len(fact.documents))
        for about in _about(index, fact):
            _edge(graph, claim, add_entity(graph, index, about), "about", len(fact.documents))
    for disagreement in sorted(set(index.data.subjects(NKE.disagreeingFact, None))):
        for fact in sorted(index.data.objects(disagreement, NKE.disagreeingFact)):
            if index.node_id(fact) in graph:
                _edge(graph, add_entity(graph, index, disagreement), index.node_id(fact),
                      "disagreeing fact", 0)
    # A fact may enter the view first as what another claim is about; mark every node here.
    marked = {index.node_id(f) for f in disputed}
    for node_id, data in graph.nodes(data=True):
        data["disputed"] = node_id in marked
    return graph


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
    graph.add_node(node, iri=str(fact.node), type="Statement", disputed=disputed,
                   label=f"{index.label(s)} · {index.property_label(p)} · {index.label(o)}",
                   sources=len(fact.documents), mentioned_in=0)
    return node


def _about(index: GraphIndex, fact) -> list[URIRef]:
    if fact.triple is not None:
        return [n for n in (fact.triple[0], fact.triple[2]) if n in index.entity_set]
    about = set(index.data.objects(fact.node, NKE.about)) | {
        o for p, o in index.data.predicate_objects(fact.node)
        if p not in (PROV.wasAttributedTo, NKE.reportedIn) and o in index.entity_set}
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
            graph.add_edge(add_entity(graph, index, citing), add_entity(graph, index, cited),
                           key=index.node_id(node), property="nke:Citation", label="cites",
                           footnote=str(footnote or ""), sources=len(fact.documents))
    for s, p, o in index.relations():
        if s in docs and (p in DOCUMENT_LINKS or index.is_a(o, (NKE.Document,)) or
                          str(p).startswith("http://purl.org/dc/terms/")):
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
                graph.add_edge(inside, fold, key=kind, property="folded", label="linked to",
                               sources=0)
    for fold, members in folded.items():
        kind = whole.nodes[next(iter(members))].get("type", "unknown")
        graph.nodes[fold].update(iri="", type=kind, label=f"{len(members)} other {kind}",
                                 types=kind)
    return graph


VIEWS: dict[str, View] = {v.name: v for v in (
    View("committees", "Committee chart: people, posts and bodies", committee_chart),
    View("claims", "Who said what: sources, claims, claimants and disagreements", who_said_what),
    View("institutions", "Laws, decisions, bodies and elections", institutions),
    View("documents", "Documents and their citations", documents),
    View("entities", "The whole entity graph", entity_network),
    View("entities-top", f"The {TOP_ENTITIES} best-connected entities, the rest folded by type",
         top_entities),
)}
