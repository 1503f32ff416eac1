"""Network files by format, deterministically and atomically. FORMATS maps a file suffix to
networkx's own writer for it; adding a format is one entry.

The files are what networkx writes (GraphML through its ElementTree writer, GEXF 1.2draft,
node-link JSON, DOT through pydot), with one change: GEXF's <meta> loses the date networkx
stamps into it (optional in GEXF, and it would make two builds of the same data differ).
GraphML, GEXF and DOT are written a run of elements or lines at a time (graphml.py, gexf.py,
dot.py), byte for byte what networkx writes, so that a large view's document is never held
whole.
Everything else follows from the graph: the views add their nodes and edges in a fixed
(sorted) order, and the writers keep it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from nkelections.network.dot import write_dot
from nkelections.network.gexf import write_gexf
from nkelections.network.graphml import write_graphml

GEXF_VERSION = "1.2draft"

# Writes one file's content into a binary stream.
Writer = Callable[[BinaryIO], None]
# A file's content: bytes, or a writer to call with the open file.
Content = bytes | Writer


def graphml(graph: nx.Graph) -> Writer:
    return lambda stream: write_graphml(graph, stream)


def gexf(graph: nx.Graph) -> Writer:
    # nx.write_gexf, less the date (its <meta> attribute), written a node at a time
    return lambda stream: write_gexf(graph, stream, GEXF_VERSION)


def node_link_json(graph: nx.Graph) -> Writer:
    def write(stream: BinaryIO) -> None:
        data = nx.node_link_data(graph, edges="edges")
        with _text(stream) as text:
            json.dump(data, text, ensure_ascii=False, indent=1, sort_keys=True)
            text.write("\n")

    return write


def dot(graph: nx.Graph) -> Writer:
    # what nx.nx_pydot.write_dot writes, a run of lines at a time
    return lambda stream: write_dot(graph, stream)


class _text:
    """A UTF-8 text view of a binary stream, detached on exit so the stream stays open."""

    def __init__(self, stream: BinaryIO) -> None:
        self.wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="")

    def __enter__(self) -> io.TextIOWrapper:
        return self.wrapper

    def __exit__(self, *exc) -> None:
        self.wrapper.flush()
        self.wrapper.detach()


FORMATS: dict[str, Callable[[nx.Graph], Writer]] = {
    "graphml": graphml,
    "gexf": gexf,
    "json": node_link_json,
    "dot": dot,
}


def as_bytes(content: Content) -> bytes:
    if isinstance(content, bytes):
        return content
    buffer = io.BytesIO()
    content(buffer)
    return buffer.getvalue()


def write_files(
    folder: Path, files: dict[str, Content] | Iterable[tuple[str, Content]]
) -> list[Path]:
    """Stage every file (a dict, or (name, content) pairs written as they come), then move
    each into place with one rename; a failure while staging leaves the folder as it was."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        names = []
        for name, content in files.items() if isinstance(files, dict) else files:
            _write(staging / name, content)
            names.append(name)
            # a writer holds its view's graph: let it go before the next view is built (a
            # full election's entity graph is 450 MB, and the next view makes it again)
            del content
        written = []
        for name in sorted(names):
            os.replace(staging / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(path: Path, content: Content) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
        return
    with path.open("wb") as stream:
        content(stream)
