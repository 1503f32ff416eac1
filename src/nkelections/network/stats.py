"""Statistics of the graph: counts by class and property, central entities, components, and
how many facts rest on one, two or more source documents."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import networkx as nx

from nkelections.network.convert import GraphIndex, entity_network
from nkelections.rdf.namespaces import RDF

TOP = 10


@dataclass(frozen=True)
class Central:
    id: str
    label: str
    type: str
    degree: int
    betweenness: float


@dataclass
class Stats:
    triples: int
    data_triples: int
    classes: dict[str, int]
    properties: dict[str, int]
    nodes: int
    edges: int
    by_degree: list[Central]
    by_betweenness: list[Central]
    components: int
    component_sizes: list[int]
    facts: int
    facts_by_sources: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def compute_stats(source) -> Stats:
    """Counts over the data graph; centrality and components over the entity graph.
    `source` is what GraphIndex reads."""
    index = GraphIndex(source)
    classes = Counter(index.ontology.short(o) for o in index.data.objects(None, RDF.type))
    properties = Counter(index.ontology.short(p) for _, p, _ in index.data)
    graph = entity_network(index)
    simple: nx.Graph[str] = nx.Graph(graph.to_undirected())
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    betweenness = nx.betweenness_centrality(simple)
    central = [
        Central(n, d["label"], d["type"], simple.degree(n), round(betweenness[n], 6))
        for n, d in sorted(graph.nodes(data=True))
    ]
    sizes = sorted((len(c) for c in nx.connected_components(simple)), reverse=True)
    return Stats(
        triples=index.triple_count,
        data_triples=len(index.data),
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        by_degree=sorted(central, key=lambda c: (-c.degree, -c.betweenness, c.id))[:TOP],
        by_betweenness=sorted(central, key=lambda c: (-c.betweenness, -c.degree, c.id))[:TOP],
        components=len(sizes),
        component_sizes=sizes,
        facts=len(index.facts),
        facts_by_sources=_by_sources(index),
    )


def _by_sources(index: GraphIndex) -> dict[str, int]:
    counts = Counter(len(f.documents) for f in index.facts.values())
    return {
        "0": counts[0],
        "1": counts[1],
        "2": counts[2],
        "3+": sum(v for k, v in counts.items() if k >= 3),
    }


def format_text(stats: Stats) -> str:
    lines = [
        f"triples: {stats.triples} ({stats.data_triples} in the data graph)",
        f"entity graph: {stats.nodes} nodes, {stats.edges} edges, "
        f"{stats.components} connected components (largest {_head(stats.component_sizes)})",
        f"facts: {stats.facts}; by number of source documents: "
        + ", ".join(f"{k}: {v}" for k, v in stats.facts_by_sources.items()),
        "",
    ]
    lines += _table("instances by class", stats.classes)
    lines += _table("triples by property", stats.properties)
    for title, rows, key in (
        ("most central by degree", stats.by_degree, "degree"),
        ("most central by betweenness", stats.by_betweenness, "betweenness"),
    ):
        lines.append(title)
        lines += [f"  {getattr(c, key):>9}  {c.label} ({c.type})" for c in rows]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _head(sizes: list[int]) -> str:
    return ", ".join(str(s) for s in sizes[:5]) + (", ..." if len(sizes) > 5 else "")


def _table(title: str, counts: dict[str, int]) -> list[str]:
    width = max((len(k) for k in counts), default=0)
    return [title, *(f"  {k:<{width}}  {v:>6}" for k, v in counts.items()), ""]
