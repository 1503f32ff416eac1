"""GraphML as networkx's ElementTree writer writes it (`nx.write_graphml` without lxml, pretty
printed), one element at a time.

networkx builds the whole document as an ElementTree first: for a full election's entity graph
(140,000 nodes, a million <data> elements) that was 900 MB on top of the graph, the peak of
`nkelections network`. Here the keys are worked out in a first pass over the attributes, in
networkx's order, and each node and edge is then made, indented and written on its own, with
the whitespace networkx's `indent` gives it in the whole tree, so that the bytes are the same.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import BinaryIO, cast
from xml.etree.ElementTree import Element

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from nkelections.network.xmlrun import ENCODING, RUN_SIZE, hole, split_at_holes, write_runs

ELEMENT_LEVEL = 2  # <graphml> <graph> <node>: the depth of the nodes and edges


def write_graphml(graph: nx.Graph, stream: BinaryIO) -> None:
    """What `nx.write_graphml(graph, stream, prettyprint=True)` writes without lxml."""
    writer = GraphMLWriter(encoding=ENCODING, prettyprint=True)
    if graph.number_of_nodes() == 0 and graph.number_of_edges() == 0:
        # nothing to stream: the whole document is small, written by networkx itself
        writer.add_graph_element(graph)
        writer.dump(stream)
        return
    graph_id = graph.graph.pop("id", None)  # as networkx does: the id is an attribute, not data
    attributes = {"edgedefault": "directed" if graph.is_directed() else "undirected"}
    if graph_id is not None:
        attributes["id"] = graph_id
    graph_data = {k: v for k, v in graph.graph.items() if k not in ("node_default", "edge_default")}
    _make_keys(writer, graph, graph_data)
    head, tail = _skeleton(writer, attributes, graph_data)
    stream.write(head)
    elements = _elements(writer, graph)
    runs = iter(lambda: list(islice(elements, RUN_SIZE)), [])
    write_runs(runs, stream, ELEMENT_LEVEL, writer.indent)
    stream.write(tail)


def _make_keys(writer: GraphMLWriter, graph: nx.Graph, graph_data: dict) -> None:
    """The <key> elements, in the order networkx makes them: the graph's data, then each
    node's, then each edge's (their ids, d0, d1, ..., follow that order)."""
    scopes: tuple[tuple[str, Iterable[dict], dict], ...] = (
        ("graph", [graph_data], {}),
        ("node", (data for _, data in graph.nodes(data=True)), graph.graph.get("node_default", {})),
        (
            "edge",
            (data for *_, data in graph.edges(data=True)),
            graph.graph.get("edge_default", {}),
        ),
    )
    for scope, datas, default in scopes:
        for data in datas:
            for k, v in data.items():
                if type(v) not in writer.xml_type:
                    raise nx.NetworkXError(
                        f"GraphML writer does not support {type(v)} as data values."
                    )
                writer.get_key(str(k), writer.get_xml_type(type(v)), scope, default.get(k))


def _skeleton(writer: GraphMLWriter, attributes: dict, graph_data: dict) -> tuple[bytes, bytes]:
    """The document around the nodes and edges: the declaration, <graphml>, its keys and the
    <graph> with its own data (which networkx puts after the edges), split where they go."""
    graph_element = Element("graph", attributes)
    graph_element.append(hole())
    for k, v in graph_data.items():
        graph_element.append(writer.add_data(str(k), type(v), str(v), "graph", None))
    writer.xml.append(graph_element)
    buffer = io.BytesIO()
    writer.dump(buffer)  # indented, with the XML declaration
    head, tail = split_at_holes(buffer.getvalue())
    return head, tail  # the tail starts with the whitespace after the last element


def _elements(writer: GraphMLWriter, graph: nx.Graph) -> Iterator[Element]:
    """Each node, then each edge, as networkx makes them, with their <data>."""
    node_default = graph.graph.get("node_default", {})
    for node, data in graph.nodes(data=True):
        yield _with_data(writer, Element("node", id=str(node)), "node", data, node_default)
    edge_default = graph.graph.get("edge_default", {})
    multigraph = graph.is_multigraph()
    edges = (
        cast(nx.MultiGraph, graph).edges(data=True, keys=True)
        if multigraph
        else graph.edges(data=True)
    )
    for u, v, *rest in edges:
        attributes = {"source": str(u), "target": str(v)}
        if multigraph:
            attributes["id"] = str(rest[0])
        yield _with_data(writer, Element("edge", attributes), "edge", rest[-1], edge_default)


def _with_data(writer: GraphMLWriter, element: Element, scope: str, data: dict, default) -> Element:
    for k, v in data.items():
        element.append(writer.add_data(str(k), type(v), str(v), scope, default.get(k)))
    return element
