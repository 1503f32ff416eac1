"""DOT as networkx writes it through pydot (`nx.nx_pydot.write_dot`), a run of lines at a time.

networkx first makes a pydot object for every node and edge and pydot then joins the whole
document into one string: for a full election's entity graph that was about 350 MB on top of
the graph. Here pydot still writes every line (its Node and Edge quote names and attributes),
but each is made, written and let go in turn, in the order pydot's own writer uses (nodes in
the order added, then edges), between the head and the closing brace of the same graph
without its nodes and edges. The bytes are the same (tests/network/test_export_streaming.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any, BinaryIO, cast

import networkx as nx
import pydot

RUN_SIZE = 2_000  # lines made and joined before one write


def write_dot(graph: nx.Graph, stream: BinaryIO) -> None:
    """What `nx.nx_pydot.to_pydot(graph).to_string()` gives, encoded in UTF-8."""
    skeleton = _skeleton(graph)
    head, tail = skeleton.to_string().rsplit("}", 1)
    stream.write(head.encode("utf-8"))
    lines = _lines(graph, skeleton)
    while run := list(islice(lines, RUN_SIZE)):
        stream.write("".join(run).encode("utf-8"))
    stream.write(("}" + tail).encode("utf-8"))


def _skeleton(graph: nx.Graph) -> pydot.Dot:
    """networkx's pydot graph for `graph` without its nodes and edges: the head (strictness,
    name, graph attributes, node and edge defaults) and the parent the edges take their arrow
    from."""
    empty = graph.__class__()
    empty.graph.update(graph.graph)
    skeleton = nx.nx_pydot.to_pydot(empty)
    # to_pydot's rule, on the graph itself: strict when it has no self-loop and is no multigraph
    skeleton.set_strict(nx.number_of_selfloops(graph) == 0 and not graph.is_multigraph())
    return skeleton


def _lines(graph: nx.Graph, parent: pydot.Dot) -> Iterator[str]:
    """Each node's and then each edge's line, made as to_pydot makes them and written as
    pydot's Graph.to_string writes them (indent level 1, a newline after each)."""
    for node, data in graph.nodes(data=True):
        yield pydot.Node(str(node), **_strings(data)).to_string() + "\n"
    for u, v, attributes in _edges(graph):
        edge = pydot.Edge(str(u), str(v), **attributes)
        edge.set_parent_graph(parent)
        yield edge.to_string() + "\n"


def _edges(graph: nx.Graph) -> Iterator[tuple]:
    """(u, v, attributes) as to_pydot gives them: a multigraph's key first, a "key" in its
    data dropped; a graph's data as it is."""
    if not graph.is_multigraph():
        yield from ((u, v, _strings(data)) for u, v, data in graph.edges(data=True))
        return
    for u, v, key, data in cast(nx.MultiGraph, graph).edges(data=True, keys=True):
        yield u, v, {"key": str(key), **_strings({k: a for k, a in data.items() if k != "key"})}


def _strings(data: dict) -> dict[str, Any]:  # str values; Any as pydot's **attrs want
    return {str(k): str(v) for k, v in data.items()}
