"""GEXF as networkx's GEXFWriter writes it (pretty printed, GEXF_VERSION), less the date in
<meta>, one node and one edge at a time.

networkx builds the whole document as an ElementTree first: for a full election's entity graph
that was 950 MB on top of the graph, the peak of `nkelections network`. Here networkx's own
writer makes the elements, a chunk of nodes or edges at a time; each element is written, with
the whitespace networkx's `indent` gives it in the whole tree, to a spool file as it is made,
because the <attributes> that head the document are only known once every node and edge has
been seen. Then the head, the spooled nodes and edges, and the end are copied out.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import BinaryIO, cast
from xml.etree.ElementTree import Element

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from nkelections.network.xmlrun import ENCODING, RUN_SIZE, hole, split_at_holes, write_runs

ELEMENT_LEVEL = 3  # <gexf> <graph> <nodes> <node>: the depth of the nodes and edges


def write_gexf(graph: nx.Graph, stream: BinaryIO, version: str) -> None:
    writer = GEXFWriter(encoding=ENCODING, prettyprint=True, version=version)
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)  # the date: see export.py
    if graph.number_of_nodes() == 0 or graph.number_of_edges() == 0:
        # an empty <nodes/> or <edges/> is written otherwise: small, networkx writes it whole
        writer.add_graph(graph)
        writer.write(stream)
        return
    _start_graph(writer, graph)
    with tempfile.TemporaryFile() as spool:
        nodes = _spool(writer, spool, _chunks(graph, "nodes"), writer.add_nodes)
        edges = _spool(writer, spool, _chunks(graph, "edges"), writer.add_edges)
        head, middle, tail = _skeleton(writer)
        stream.write(head)
        _copy(spool, nodes, stream)
        stream.write(middle)
        _copy(spool, edges, stream)
        stream.write(tail)


def _start_graph(writer: GEXFWriter, graph: nx.Graph) -> None:
    """GEXFWriter.add_graph up to its nodes: the edge ids the data gives, the <graph>."""
    for _, _, data in graph.edges(data=True):
        if data.get("id") is not None:
            writer.all_edge_ids.add(str(data["id"]))
    mode = "dynamic" if graph.graph.get("mode") == "dynamic" else "static"
    writer.graph_element = Element(
        "graph",
        defaultedgetype="directed" if graph.is_directed() else "undirected",
        mode=mode,
        name=graph.graph.get("name", ""),
    )


class _Chunk:
    """A few nodes or edges of a graph, as GEXFWriter.add_nodes and add_edges read a graph."""

    def __init__(self, graph: nx.Graph, nodes: list | None = None, edges: list | None = None):
        self.graph = graph.graph
        self._whole = graph
        self._nodes, self._edges = nodes or [], edges or []
        self.nodes = _Nodes(self)

    def edges(self, **_) -> list:
        return self._edges

    def is_multigraph(self) -> bool:
        return self._whole.is_multigraph()

    def is_directed(self) -> bool:
        return self._whole.is_directed()


class _Nodes:
    """`G.nodes(data=True)` gives the chunk's nodes, `G.nodes[u]` any node of the graph."""

    def __init__(self, chunk: _Chunk):
        self.chunk = chunk

    def __call__(self, **_) -> list:
        return self.chunk._nodes

    def __getitem__(self, node) -> dict:
        return self.chunk._whole.nodes[node]


def _chunks(graph: nx.Graph, what: str) -> Iterator[_Chunk]:
    if what == "nodes":
        items = iter(graph.nodes(data=True))
    elif graph.is_multigraph():
        items = iter(cast(nx.MultiGraph, graph).edges(data=True, keys=True))
    else:
        items = iter(graph.edges(data=True))
    while batch := list(islice(items, RUN_SIZE)):
        yield _Chunk(graph, nodes=batch) if what == "nodes" else _Chunk(graph, edges=batch)


def _spool(writer: GEXFWriter, spool, chunks: Iterator[_Chunk], add) -> tuple[int, int]:
    """Each chunk's elements, made by networkx (add_nodes or add_edges) and written to the
    spool one after another; (start, end) of what was written."""
    start = spool.tell()
    write_runs((_made(chunk, add) for chunk in chunks), spool, ELEMENT_LEVEL, writer.indent)
    return start, spool.tell()


def _made(chunk: _Chunk, add) -> list[Element]:
    holder = Element("graph")
    add(chunk, holder)  # appends one <nodes> or <edges> holding the chunk's elements
    return list(holder[0])


def _skeleton(writer: GEXFWriter) -> tuple[bytes, bytes, bytes]:
    """The document around the nodes and around the edges, each stood for by a hole."""
    for name in ("nodes", "edges"):
        holder = Element(name)
        holder.append(hole())
        writer.graph_element.append(holder)
    writer.xml.append(writer.graph_element)
    buffer = io.BytesIO()
    writer.write(buffer)
    head, middle, tail = split_at_holes(buffer.getvalue())
    return head, middle, tail


def _copy(spool, span: tuple[int, int], stream: BinaryIO) -> None:
    start, end = span
    spool.seek(start)
    shutil.copyfileobj(_Limited(spool, end - start), stream)
    spool.seek(0, 2)


class _Limited:
    """The next `size` bytes of a file, for shutil.copyfileobj."""

    def __init__(self, file, size: int):
        self.file, self.left = file, size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.file.read(n)
        self.left -= len(data)
        return data
