"""Network files by format, written with networkx's own writers, deterministically and
atomically. FORMATS maps a file suffix to a renderer; adding a format is one entry."""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import ElementTree

import networkx as nx
import pydot.core
from networkx.readwrite.gexf import GEXFWriter
from networkx.readwrite.graphml import GraphMLWriter

XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def _xml(writer) -> bytes:
    """What networkx's writer.write/dump gives with encoding utf-8, serialised to text first:
    ElementTree's utf-8 path encodes each of millions of small pieces on its own."""
    writer.indent(writer.xml)
    buffer = io.StringIO()
    buffer.write(XML_DECLARATION)
    ElementTree(writer.xml).write(buffer, encoding="unicode")
    writer.xml = None  # the tree outweighs the text: let it go before encoding
    text = buffer.getvalue()
    buffer.close()
    return text.encode("utf-8")


def graphml(graph: nx.MultiDiGraph) -> bytes:
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    return _xml(writer)


def gexf(graph: nx.MultiDiGraph) -> bytes:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    # networkx stamps today's date into <meta>; the attribute is optional in GEXF and would
    # make two builds of the same data differ.
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.add_graph(graph)
    return _xml(writer)


def node_link_json(graph: nx.MultiDiGraph) -> bytes:
    data = nx.node_link_data(graph, edges="edges")
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def dot(graph: nx.MultiDiGraph) -> bytes:
    with _memoised_quoting():
        return nx.nx_pydot.to_pydot(graph).to_string().encode("utf-8")


@contextmanager
def _memoised_quoting():
    """pydot decides character by character whether each id and value needs quotes, which is
    most of the time for a large view although most values repeat (types, labels, counts):
    remember each answer while one graph is written. Same output, the same functions."""
    saved = pydot.core.quote_id_if_necessary, pydot.core.quote_attr_if_necessary
    pydot.core.quote_id_if_necessary = lru_cache(maxsize=1 << 16)(saved[0])
    pydot.core.quote_attr_if_necessary = lru_cache(maxsize=1 << 16)(saved[1])
    try:
        yield
    finally:
        pydot.core.quote_id_if_necessary, pydot.core.quote_attr_if_necessary = saved


FORMATS: dict[str, Callable[[nx.MultiDiGraph], bytes]] = {
    "graphml": graphml,
    "gexf": gexf,
    "json": node_link_json,
    "dot": dot,
}


def write_files(folder: Path, files: dict[str, bytes] | Iterable[tuple[str, bytes]]) -> list[Path]:
    """Stage every file (a dict, or (name, content) pairs written as they come), then move
    each into place with one rename; a failure while staging leaves the folder as it was."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        names = []
        for name, content in files.items() if isinstance(files, dict) else files:
            (staging / name).write_bytes(content)
            names.append(name)
        written = []
        for name in sorted(names):
            os.replace(staging / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
