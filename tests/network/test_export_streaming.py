"""GraphML and GEXF written a run of elements at a time (graphml.py, gexf.py) are byte for byte
what networkx's whole-document writers write: the files stay the same while the memory of a
large view's export goes."""

from __future__ import annotations

import io

import networkx as nx
import pytest
from networkx.readwrite.gexf import GEXFWriter

from nkelections.network import gexf, graphml
from nkelections.network.export import FORMATS, GEXF_VERSION, as_bytes


def _graph(multi: bool = True) -> nx.Graph:
    graph: nx.Graph = nx.MultiDiGraph(name="g", title="T", build="b") if multi else nx.Graph()
    for i in range(23):
        graph.add_node(f"n{i}", iri=f"https://example.org/{i}", label=f"<é & {i}>", sources=i)
    graph.add_node("lone", disputed=True, weight=0.5)
    for i in range(22):
        graph.add_edge(f"n{i}", f"n{i + 1}", key="p", property="p", label="l", sources=1)
        graph.add_edge(f"n{i}", f"n{i + 1}", key="q", property="q", label='"q"', sources=2)
    return graph


def _networkx_graphml(graph: nx.Graph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml_xml(graph, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def _networkx_gexf(graph: nx.Graph) -> bytes:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version=GEXF_VERSION)
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.add_graph(graph)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("multi", [True, False], ids=["multigraph", "simple"])
def test_graphml_in_runs_is_networkx_graphml(multi, monkeypatch):
    monkeypatch.setattr(graphml, "RUN_SIZE", 5)  # several runs, the last one short
    expected = _networkx_graphml(_graph(multi))
    assert as_bytes(FORMATS["graphml"](_graph(multi))) == expected


@pytest.mark.parametrize("multi", [True, False], ids=["multigraph", "simple"])
def test_gexf_in_chunks_is_networkx_gexf_without_its_date(multi, monkeypatch):
    monkeypatch.setattr(gexf, "RUN_SIZE", 5)
    expected = _networkx_gexf(_graph(multi))
    written = as_bytes(FORMATS["gexf"](_graph(multi)))
    assert written == expected and b"lastmodifieddate" not in written


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_graph_with_no_nodes_is_written_as_networkx_writes_it(fmt):
    reference = _networkx_graphml if fmt == "graphml" else _networkx_gexf
    empty = nx.MultiDiGraph(name="empty", title="nothing")
    assert as_bytes(FORMATS[fmt](empty)) == reference(
        nx.MultiDiGraph(name="empty", title="nothing")
    )


def _networkx_dot(graph: nx.Graph) -> bytes:
    return nx.nx_pydot.to_pydot(graph).to_string().encode("utf-8")


def _awkward_graph() -> nx.Graph:
    """Names DOT must quote or reads as keywords or ports, numbers, a self-loop (not strict),
    graph attributes and node and edge defaults."""
    graph = nx.DiGraph(name="a graph", title='say "hi"')
    graph.graph.update(graph={"rankdir": "LR"}, node={"shape": "box"}, edge={"color": "red"})
    for name in ("node", "graph", "edge", "a:b", "x y", 7, "é"):
        graph.add_node(name, label=f"{name}!")
    graph.add_edge("a:b", "x y", weight=1.5)
    graph.add_edge(7, 7)
    graph.add_edge("é", "node")
    return graph


@pytest.mark.parametrize(
    "make",
    [
        _graph,
        lambda: _graph(multi=False),
        _awkward_graph,
        nx.Graph,
        lambda: nx.MultiGraph(name="m"),
    ],
    ids=["multigraph", "simple", "awkward", "empty", "empty-multigraph"],
)
def test_dot_in_runs_is_what_networkx_writes_through_pydot(make, monkeypatch):
    from nkelections.network import dot

    monkeypatch.setattr(dot, "RUN_SIZE", 5)
    assert as_bytes(FORMATS["dot"](make())) == _networkx_dot(make())
