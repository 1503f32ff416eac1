"""Pictures of a view (PNG and SVG) drawn with matplotlib: a seeded layout, wrapped labels,
a legend of node types, and a title naming the view and the build (never the clock)."""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from typing import cast

import matplotlib
import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

SEED = 20231126  # the polling day: any fixed number gives the same picture on every build
# the tab20 colormap's colours: RGB tuples (the registry types them as any colour)
PALETTE = cast(list[tuple[float, float, float]], list(matplotlib.color_sequences["tab20"]))
DISPUTED = "#d62728"
MARKERS = "os^D"
MAX_LABELS = 90


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions that depend only on the graph, never on the run: each connected component
    gets a seeded spring layout scaled to its size, and the components are packed in rows,
    largest first, so that small islands do not drift to the edges."""
    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u != v))
    components = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    boxes = [_component_layout(_component(simple, c)) for c in components]
    return _pack(boxes)


def _component(simple: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The component as a graph of its own, its nodes and edges in sorted order. Not
    simple.subgraph(nodes): a view of a component under half the graph lists its nodes in the
    order of a set of strings, which changes with PYTHONHASHSEED, and spring_layout places the
    nodes by that order (its seeded random start), so the picture changed from run to run."""
    component: nx.Graph[str] = nx.Graph()
    component.add_nodes_from(nodes)
    inside = set(nodes)
    component.add_edges_from(
        sorted((u, v) for u, v in simple.edges(nodes) if u in inside and v in inside)
    )
    return component


def _component_layout(component: nx.Graph) -> dict[str, tuple[float, float]]:
    n = component.number_of_nodes()
    if n == 1:
        return {next(iter(component.nodes)): (0.0, 0.0)}
    radius = (1.05 if n < 60 else 1.5) * math.sqrt(n)
    pos = nx.spring_layout(component, seed=SEED, k=2.2 / math.sqrt(n), iterations=400)
    return {v: (float(x) * radius, float(y) * radius) for v, (x, y) in pos.items()}


def _pack(boxes: list[dict]) -> dict[str, tuple[float, float]]:
    sizes = []
    for box in boxes:
        xs, ys = [p[0] for p in box.values()], [p[1] for p in box.values()]
        sizes.append((min(xs), max(xs), min(ys), max(ys)))
    total = sum((x1 - x0 + 2) * (y1 - y0 + 2) for x0, x1, y0, y1 in sizes)
    row_width = max(max((x1 - x0 + 2) for x0, x1, _, _ in sizes), math.sqrt(total))
    placed, x, y, row_height = {}, 0.0, 0.0, 0.0
    for box, (x0, x1, y0, y1) in zip(boxes, sizes, strict=True):
        width, height = x1 - x0 + 2, y1 - y0 + 2
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        for v, (px, py) in box.items():
            placed[v] = (round(x + 1 + px - x0, 4), round(y - 1 - (y1 - py), 4))
        x, row_height = x + width, max(row_height, height)
    return placed


def column_layout(columns: list[tuple[str, list[str]]]) -> dict[str, tuple[float, float]]:
    """Each column's nodes spread evenly down the height of the tallest, in their order; the
    columns as far apart as the tallest is high, so that wrapped labels do not meet."""
    tallest, gap = _column_sizes(columns)
    placed = {}
    for x, (_, nodes) in enumerate(columns):
        step = tallest / max(len(nodes), 1)
        for i, node in enumerate(nodes):
            placed[node] = (x * gap, -(i + 0.5) * step)
    return placed


def _column_sizes(columns: list[tuple[str, list[str]]]) -> tuple[int, float]:
    """The tallest column's length, and the distance between two columns."""
    tallest = max((len(nodes) for _, nodes in columns), default=1) or 1
    return tallest, max(tallest / 2, 3.0)


def type_styles(graph: nx.MultiDiGraph, order: Sequence[str] = ()) -> dict[str, tuple[tuple, str]]:
    """A colour and a marker per node type present; markers change once the colours run out.
    Numbered in `order` (every class: GraphIndex.type_names) so that a class has the same
    colour and marker in every view; types missing from it come after, by name."""
    present = sorted({d.get("type", "unknown") for _, d in graph.nodes(data=True)})
    known = set(order)
    order = list(order) + [t for t in present if t not in known]
    number = {t: i for i, t in enumerate(order)}
    return {
        t: (
            PALETTE[(2 * number[t] + (number[t] // 10) % 2) % len(PALETTE)],
            MARKERS[number[t] // 20 % len(MARKERS)],
        )
        for t in present
    }


def draw(
    graph: nx.MultiDiGraph,
    title: str,
    subtitle: str,
    order: Sequence[str] = (),
    columns: list[tuple[str, list[str]]] | None = None,
) -> Figure:
    """The view by a seeded spring layout, or in `columns` (heading, nodes) when given."""
    n = graph.number_of_nodes()
    side = max(9.0, min(32.0, 3.0 * math.sqrt(max(n, 1)) + 4))
    if columns:  # a row for each node of the tallest column
        side = max(9.0, min(32.0, 0.8 * max(len(c) for _, c in columns) + 3))
    fig = Figure(figsize=(side * 1.25, side), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.78, 0.91))
    ax.set_axis_off()
    fig.suptitle(
        "\n".join([*textwrap.wrap(title, 120), subtitle]), fontsize=12, x=0.01, ha="left", y=0.985
    )
    if n == 0:
        ax.text(0.5, 0.5, "no nodes in this view for the current data", ha="center")
        return fig
    pos = column_layout(columns) if columns else layout(graph)
    if columns:
        _headings(ax, columns)
    styles = type_styles(graph, order)
    nx.draw_networkx_edges(
        graph,
        pos,
        ax=ax,
        edge_color="#9a9a9a",
        arrowsize=9,
        width=[0.6 + 0.6 * d.get("sources", 0) for _, _, d in graph.edges(data=True)],
        node_size=260,
        connectionstyle="arc3,rad=0.06",
        arrows=True,
    )
    for kind, (colour, marker) in styles.items():
        nodes = sorted(v for v, d in graph.nodes(data=True) if d.get("type", "unknown") == kind)
        disputed = [bool(graph.nodes[v].get("disputed")) for v in nodes]
        nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=nodes,
            ax=ax,
            node_size=260,
            node_color=[colour] * len(nodes),
            node_shape=marker,
            edgecolors=[DISPUTED if d else "#333333" for d in disputed],
            linewidths=[2.5 if d else 0.6 for d in disputed],
        )
    _labels(ax, graph, pos, small=n > 45 and not columns)
    _legend(
        fig,
        styles,
        any(d.get("disputed") for _, d in graph.nodes(data=True)),
        min(n, MAX_LABELS),
        n,
    )
    ax.margins(0.08)
    return fig


def _headings(ax, columns: list[tuple[str, list[str]]]) -> None:
    _, gap = _column_sizes(columns)
    for x, (heading, _) in enumerate(columns):
        ax.text(
            x * gap,
            0.2,
            heading,
            fontsize=11,
            fontweight="bold",
            ha="center",
            va="bottom",
            color="#444444",
        )


def labelled(graph: nx.MultiDiGraph) -> list[str]:
    """The nodes that get a label: all of them in small views, else the best connected."""
    ranked = sorted(graph.nodes, key=lambda v: (-graph.degree(v), v))
    return sorted(ranked[:MAX_LABELS])


def _labels(ax, graph: nx.MultiDiGraph, pos: dict, small: bool) -> None:
    size = 6.5 if small else 8
    for node in labelled(graph):
        text = "\n".join(textwrap.wrap(graph.nodes[node].get("label", node), 26)[:3])
        x, y = pos[node]
        ax.text(
            x,
            y - 0.12,
            text,
            fontsize=size,
            ha="center",
            va="top",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    if graph.number_of_edges() <= 70:
        labels: dict[tuple[str, str], list[str]] = {}
        for u, v, d in graph.edges(data=True):
            if u != v:
                labels.setdefault((u, v), []).append(d.get("label", ""))
        nx.draw_networkx_edge_labels(
            graph,
            pos,
            ax=ax,
            font_size=size - 1.5,
            font_color="#555555",
            edge_labels={e: ", ".join(sorted(set(ls))) for e, ls in sorted(labels.items())},
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
        )


def _legend(fig: Figure, styles: dict, disputed: bool, labels: int, nodes: int) -> None:
    handles = [
        Line2D(
            [],
            [],
            marker=m,
            linestyle="",
            markersize=9,
            color=c,
            markeredgecolor="#333333",
            label=t,
        )
        for t, (c, m) in styles.items()
    ]
    if disputed:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=9,
                color="white",
                markeredgecolor=DISPUTED,
                markeredgewidth=2.5,
                label="in a disagreement",
            )
        )
    handles.append(
        Line2D([], [], color="#9a9a9a", linewidth=2.4, label="edge width: number of sources")
    )
    if labels < nodes:
        handles.append(
            Line2D(
                [], [], linestyle="", label=f"labels: the {labels} best connected of {nodes} nodes"
            )
        )
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.80, 0.9),
        title="node type",
        fontsize=9,
        title_fontsize=10,
        frameon=False,
    )


def render(
    graph: nx.MultiDiGraph,
    title: str,
    subtitle: str,
    order: Sequence[str] = (),
    columns: list[tuple[str, list[str]]] | None = None,
) -> dict[str, bytes]:
    """PNG and SVG of one view; both are byte-stable for the same graph."""
    out = {}
    with matplotlib.rc_context({"svg.hashsalt": "nkelections", "svg.fonttype": "none"}):
        fig = draw(graph, title, subtitle, order, columns)
        for fmt, metadata in (("png", {"Software": None}), ("svg", {"Date": None})):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=metadata)
            out[fmt] = buffer.getvalue()
    return out
