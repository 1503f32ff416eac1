"""Networks from the graph: networkx exports per view, pictures and an offline explorer.

`render_network(source)` renders every file in memory; `write_network(source, folder)` writes
them to dist/network/ atomically. Both are deterministic for the same dataset. A source is a
built N-Quads or TriG file, the build's quads, or an rdflib Dataset (see GraphIndex).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nkelections.network.convert import GraphIndex
from nkelections.network.export import FORMATS, write_files
from nkelections.network.views import VIEWS


@dataclass(frozen=True)
class ViewSummary:
    name: str
    nodes: int
    edges: int


def build_line(index: GraphIndex) -> str:
    return f"nkelections build: {index.triple_count} triples, data sha256 {index.digest[:12]}"


def render_network(source, views: list[str] | None = None,
                   pictures: bool = True, explorer: bool = True,
                   ) -> tuple[dict[str, bytes], list[ViewSummary]]:
    """Every file for the chosen views (all by default), keyed by file name."""
    summaries: list[ViewSummary] = []
    files = dict(render_files(source, summaries, views, pictures, explorer))
    return files, summaries


def render_files(source, summaries: list[ViewSummary], views: list[str] | None = None,
                 pictures: bool = True, explorer: bool = True) -> Iterator[tuple[str, bytes]]:
    """(file name, content) one file at a time, so that a caller can write each and let it go
    (the exports of a full election's entity graph run to hundreds of MB); appends each
    view's summary to `summaries`."""
    from nkelections.network.pictures import render

    index = GraphIndex(source)
    for name in views or list(VIEWS):
        view = VIEWS[name]
        graph = view.build(index)
        graph.graph["title"] = view.title
        graph.graph["build"] = build_line(index)
        for suffix, export in FORMATS.items():
            yield f"{name}.{suffix}", export(graph)
        if pictures:
            for suffix, content in render(graph, view.title, build_line(index)).items():
                yield f"{name}.{suffix}", content
        summaries.append(ViewSummary(name, graph.number_of_nodes(), graph.number_of_edges()))
        del graph
    if explorer:
        from nkelections.network.explorer import explorer_html

        yield "explorer.html", explorer_html(index).encode("utf-8")


def write_network(source, folder: Path, **options) -> list[ViewSummary]:
    summaries: list[ViewSummary] = []
    write_files(folder, render_files(source, summaries, **options))
    return summaries
