"""Networks from the graph: networkx exports per view, pictures and an offline explorer.

`render_network(dataset)` renders every file in memory; `write_network(dataset, folder)` writes
them to dist/network/ atomically. Both are deterministic for the same dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset

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


def render_network(dataset: Dataset, views: list[str] | None = None,
                   pictures: bool = True, explorer: bool = True,
                   ) -> tuple[dict[str, bytes], list[ViewSummary]]:
    """Every file for the chosen views (all by default), keyed by file name."""
    from nkelections.network.pictures import render

    index = GraphIndex(dataset)
    files: dict[str, bytes] = {}
    summaries = []
    for name in views or list(VIEWS):
        view = VIEWS[name]
        graph = view.build(index)
        graph.graph["title"] = view.title
        graph.graph["build"] = build_line(index)
        for suffix, export in FORMATS.items():
            files[f"{name}.{suffix}"] = export(graph)
        if pictures:
            for suffix, content in render(graph, view.title, build_line(index)).items():
                files[f"{name}.{suffix}"] = content
        summaries.append(ViewSummary(name, graph.number_of_nodes(), graph.number_of_edges()))
    if explorer:
        from nkelections.network.explorer import explorer_html

        files["explorer.html"] = explorer_html(index).encode("utf-8")
    return files, summaries


def write_network(dataset: Dataset, folder: Path, **options) -> list[ViewSummary]:
    files, summaries = render_network(dataset, **options)
    write_files(folder, files)
    return summaries
