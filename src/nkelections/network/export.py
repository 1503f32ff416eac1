"""Network files by format, written with networkx's own writers, deterministically and
atomically. FORMATS maps a file suffix to a renderer; adding a format is one entry."""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter


def graphml(graph: nx.MultiDiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def gexf(graph: nx.MultiDiGraph) -> bytes:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    # networkx stamps today's date into <meta>; the attribute is optional in GEXF and would
    # make two builds of the same data differ.
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.add_graph(graph)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def node_link_json(graph: nx.MultiDiGraph) -> bytes:
    data = nx.node_link_data(graph, edges="edges")
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def dot(graph: nx.MultiDiGraph) -> bytes:
    return nx.nx_pydot.to_pydot(graph).to_string().encode("utf-8")


FORMATS: dict[str, Callable[[nx.MultiDiGraph], bytes]] = {
    "graphml": graphml,
    "gexf": gexf,
    "json": node_link_json,
    "dot": dot,
}


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Stage every file, then move each into place with one rename; a failure while staging
    leaves the folder as it was."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        written = []
        for name in sorted(files):
            os.replace(staging / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
