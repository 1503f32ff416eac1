"""The offline explorer: one HTML page with the entity graph, its layout, and every fact with
its quotes embedded as JSON; vanilla JS for pan, zoom, search and the fact panel."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rdflib import URIRef

from nkelections.network.convert import Fact, GraphIndex, entity_network
from nkelections.network.page import PAGE
from nkelections.network.pictures import layout, type_styles
from nkelections.rdf.namespaces import PROV, RDF

NOT_ABOUT = {RDF.type, PROV.wasDerivedFrom, PROV.wasAttributedTo}


def explorer_data(index: GraphIndex, views: Sequence[dict] = ()) -> dict:
    """Nodes with positions, edges, facts with quotes, document titles, and the views written
    beside the page (name, title, nodes, edges and file names), which it links to."""
    graph = entity_network(index)
    pos = layout(graph)
    styles = type_styles(graph, index.type_names())  # the pictures' colours
    facts, about = _facts(index)
    nodes = []
    for node, data in sorted(graph.nodes(data=True)):
        x, y = pos[node]
        nodes.append(
            {
                "id": node,
                "label": data["label"],
                "type": data["type"],
                "aliases": sorted(a for a in data.get("aliases", "").split(" | ") if a),
                "wikidata": data.get("wikidata", ""),
                "x": x,
                "y": -y,
                "colour": _hex(styles[data["type"]][0]),
                "facts": sorted(about.get(node, ())),
                "mentioned": sorted(
                    index.node_id(d) for d in index.mentioned_in.get(URIRef(data["iri"]), ())
                ),
            }
        )
    edges = [
        {"source": u, "target": v, "label": d["label"], "sources": d["sources"]}
        for u, v, d in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["property"]))
    ]
    documents = {
        index.node_id(d): index.label(d)
        for d in sorted(
            {q.document for f in index.facts.values() for q in f.quotes}
            | {d for docs in index.mentioned_in.values() for d in docs}
        )
    }
    return {
        "title": "nkelections explorer",
        "build": _build_line(index),
        "nodes": nodes,
        "edges": edges,
        "facts": facts,
        "documents": documents,
        "views": list(views),
    }


def _facts(index: GraphIndex) -> tuple[dict, dict[str, set[str]]]:
    facts: dict = {}
    about: dict[str, set[str]] = {}
    for node, fact in index.facts.items():
        fid = index.node_id(node)
        involved = _involved(index, fact)
        facts[fid] = {
            "text": _fact_text(index, fact),
            "quotes": [
                {
                    "exact": q.exact,
                    "document": index.node_id(q.document),
                    "start": q.start,
                    "end": q.end,
                    "statedBy": [index.label(a) for a in q.stated_by],
                }
                for q in fact.quotes
            ],
        }
        for entity in involved:
            about.setdefault(index.node_id(entity), set()).add(fid)
    return facts, about


def _involved(index: GraphIndex, fact: Fact) -> set[URIRef]:
    if fact.triple is not None:
        return {n for n in (fact.triple[0], fact.triple[2]) if n in index.entity_set}
    linked = {
        o
        for p, o in index.data.predicate_objects(fact.node)
        if p not in NOT_ABOUT and o in index.entity_set
    }
    return linked | ({fact.node} if fact.node in index.entity_set else set())


def _fact_text(index: GraphIndex, fact: Fact) -> str:
    if fact.triple is None:
        return index.label(fact.node)
    s, p, o = fact.triple
    return f"{index.label(s)} — {index.property_label(p)} — {index.label(o)}"


def _build_line(index: GraphIndex) -> str:
    return f"{index.triple_count} triples, data sha256 {index.digest[:12]}"


def _hex(colour: tuple) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour[:3])


def explorer_html(index: GraphIndex, views: Sequence[dict] = ()) -> str:
    """The page, self-contained: no external script, style, font or fetch (its list of views
    links to their files in the page's own folder, opened only when clicked)."""
    data = json.dumps(
        explorer_data(index, views), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    # Inside <script>, "</" could close the element early; JSON allows the escaped form.
    data = data.replace("</", "<\\/")
    return PAGE.replace("/*DATA*/", data)
