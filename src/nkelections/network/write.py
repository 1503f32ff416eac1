"""Networks from the graph: networkx exports per view, pictures and an offline explorer.

`render_network(source)` renders every file in memory; `write_network(source, folder)` writes
them to dist/network/ atomically. Both are deterministic for the same dataset. A source is a
built N-Quads or TriG file, the build's quads, or an rdflib Dataset (see GraphIndex).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nkelections.network.convert import GraphIndex, release
from nkelections.network.export import FORMATS, Content, as_bytes, write_files
from nkelections.network.views import VIEWS, View, chosen_views
from nkelections.process.runtime import paused_gc

# Pictures and the explorer are drawn up to this many nodes. A spring layout beyond it takes
# minutes and draws a hairball, and networkx's, for a component of 500 nodes or more, needs
# scipy (not a dependency): hence 499, not 500. The view's data files are written whatever its
# size.
MAX_DRAWN_NODES = 499


@dataclass(frozen=True)
class ViewSummary:
    name: str
    nodes: int
    edges: int
    note: str = ""  # what was left out, and why


def too_large_to_draw(nodes: int) -> str:
    return f"{nodes:,} nodes, over the {MAX_DRAWN_NODES:,} drawn" if nodes > MAX_DRAWN_NODES else ""


def build_line(index: GraphIndex) -> str:
    return f"nkelections build: {index.triple_count} triples, data sha256 {index.digest[:12]}"


def render_network(
    source,
    views: list[str] | None = None,
    pictures: bool = True,
    explorer: bool = True,
) -> tuple[dict[str, bytes], list[ViewSummary]]:
    """Every file for the chosen views (all by default), keyed by file name."""
    summaries: list[ViewSummary] = []
    files = {
        name: as_bytes(content)
        for name, content in render_files(source, summaries, views, pictures, explorer)
    }
    return files, summaries


def render_files(
    source,
    summaries: list[ViewSummary],
    views: list[str] | None = None,
    pictures: bool = True,
    explorer: bool = True,
) -> Iterator[tuple[str, Content]]:
    """(file name, content) one file at a time, so that a caller can write each and let it go
    (the exports of a full election's entity graph run to hundreds of MB; they come as
    writers, each called with its open file before the next file is asked for); appends
    each view's summary to `summaries`."""
    from nkelections.network.pictures import render

    with kept_from_gc():
        index = GraphIndex(source)
    try:
        listed: list[dict] = []  # what the explorer links to
        for view in chosen_views(index, views):
            with kept_from_gc():
                graph = build_view(index, view)
            names = [f"{view.name}.{suffix}" for suffix in FORMATS]
            for name, export in zip(names, FORMATS.values(), strict=True):
                yield name, export(graph)
            nodes, note = graph.number_of_nodes(), ""
            if pictures and too_large_to_draw(nodes):
                note = f"pictures skipped: {too_large_to_draw(nodes)}"
            elif pictures:
                columns = view.columns(graph) if view.columns else None
                for suffix, content in render(
                    graph, view.title, build_line(index), index.type_names(), columns
                ).items():
                    names.append(f"{view.name}.{suffix}")
                    yield names[-1], content
            summaries.append(ViewSummary(view.name, nodes, graph.number_of_edges(), note))
            listed.append(
                {
                    "name": view.name,
                    "title": view.title,
                    "nodes": nodes,
                    "edges": graph.number_of_edges(),
                    "files": names,
                }
            )
            release(graph)  # frozen from the collector: see release
            del graph
        if explorer and too_large_to_draw(len(index.entities)):
            entities = len(index.entities)  # the explorer draws the entity graph
            summaries.append(
                ViewSummary(
                    "explorer.html",
                    entities,
                    len(index.relations()),
                    f"skipped: {too_large_to_draw(entities)}",
                )
            )
        elif explorer:
            from nkelections.network.explorer import explorer_html

            yield "explorer.html", explorer_html(index, listed).encode("utf-8")
    finally:
        gc.unfreeze()


def build_view(index: GraphIndex, view: View | str):
    """One view's graph (a view, or the name of one in VIEWS), titled."""
    view = VIEWS[view] if isinstance(view, str) else view
    graph = view.build(index)
    graph.graph["title"] = view.title
    graph.graph["build"] = build_line(index)
    return graph


@contextmanager
def kept_from_gc():
    """Reading the index and building a view make millions of objects and no garbage, and
    they live on while the files are written. The cycle collector would walk them all, again
    and again (a fifth of a full election's export): it is paused while they are made, and
    then told to leave them be (gc.freeze, until render_files ends and unfreezes: a caller's
    own frozen objects are unfrozen with them)."""
    with paused_gc():
        yield
        gc.freeze()


def write_network(source, folder: Path, **options) -> list[ViewSummary]:
    summaries: list[ViewSummary] = []
    write_files(folder, render_files(source, summaries, **options))
    return summaries
