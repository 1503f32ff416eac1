"""Networks: exports re-read by networkx and igraph, what each view holds, pictures, stats."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
import xml.sax.saxutils
from collections import Counter, defaultdict
from contextlib import contextmanager

import igraph
import networkx as nx
import pyparsing
import pytest
from rdflib import URIRef

import clirun
from nkelections.network.convert import PLUMBING_CLASSES, GraphIndex
from nkelections.network.export import FORMATS, as_bytes
from nkelections.network.pictures import render
from nkelections.network.stats import compute_stats
from nkelections.network.views import FAMILIES, VIEWS, View
from nkelections.network.write import build_line, build_view, render_network
from nkelections.rdf.namespaces import DATA_GRAPH, NKE, NKR, ORG, RDF

# One worker runs them all, so that the index, the views and the exports are made once.
pytestmark = pytest.mark.xdist_group("network")

PREFIXES = """PREFIX nke: <https://w3id.org/nkelections/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="session")
def index(built) -> GraphIndex:
    return GraphIndex(built.quads)


@pytest.fixture(scope="session")
def rdf(built):
    """The data graph in rdflib, for SPARQL checks independent of GraphIndex."""
    return built.dataset.graph(DATA_GRAPH)


@pytest.fixture(scope="session")
def views(index) -> dict[str, nx.MultiDiGraph]:
    return {name: view.build(index) for name, view in VIEWS.items()}


@pytest.fixture(scope="session")
def exports(built) -> dict[str, bytes]:
    """Every view's data files and the explorer, without pictures (drawing every view takes
    about a minute: the slow tests do, with `rendered`; small_pictures draws a few)."""
    files, _ = render_network(built.quads, pictures=False)
    return files


@pytest.fixture(scope="session")
def rendered(built) -> dict[str, bytes]:
    """Every file, the pictures of every view included (slow tests only)."""
    files, _ = render_network(built.quads)
    return files


def pictures_of(index: GraphIndex, view: View) -> dict[str, bytes]:
    """PNG and SVG of one view, as render_network draws them."""
    graph = build_view(index, view)
    columns = view.columns(graph) if view.columns else None
    return render(graph, view.title, build_line(index), index.type_names(), columns)


@pytest.fixture(scope="session")
def small_views(index, by_document) -> list[View]:
    """The views the fast picture tests draw: the committee chart (a spring layout of several
    components) and the smallest claims-by-document view (in columns)."""
    family = FAMILIES["claims-by-document"].views(index)
    smallest = min(family, key=lambda v: (by_document[v.name].number_of_nodes(), v.name))
    return [VIEWS["committees"], smallest]


@pytest.fixture(scope="session")
def small_pictures(index, small_views) -> dict[str, dict[str, bytes]]:
    return {view.name: pictures_of(index, view) for view in small_views}


def sparql(rdf, query: str):
    return list(rdf.query(PREFIXES + query))


def reread(fmt: str, content: bytes, tmp_path) -> nx.Graph:
    if fmt == "graphml":
        # else a file without parallel edges reads as a DiGraph, its keys as data
        return nx.read_graphml(io.BytesIO(content), force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(content))
    if fmt == "json":
        return nx.node_link_graph(json.loads(content), edges="edges")
    path = tmp_path / "view.dot"
    path.write_bytes(content)
    with packrat_off():
        return nx.nx_pydot.read_dot(path)


@contextmanager
def packrat_off():
    """matplotlib turns on pyparsing's packrat cache for every parser when it first draws text
    (its mathtext parser wants it); pydot's DOT parser runs three times slower with it. Off
    while DOT is read, on again afterwards for matplotlib."""
    was_on = getattr(pyparsing.ParserElement, "_packratEnabled", False)
    pyparsing.ParserElement.disable_memoization()
    try:
        yield
    finally:
        if was_on:
            pyparsing.ParserElement.enable_packrat()


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_graphml_reads_into_igraph(view, views, exports, tmp_path):
    path = tmp_path / f"{view}.graphml"
    path.write_bytes(exports[f"{view}.graphml"])
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (
        views[view].number_of_nodes(),
        views[view].number_of_edges(),
    )
    assert set(g.vs["label"]) == {d["label"] for _, d in views[view].nodes(data=True)}


def unquoted(text) -> str:
    """A DOT value as pydot reads it back (quoted where DOT needs quotes) to the text written."""
    text = str(text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"')
    return text


def kept(fmt: str, graph: nx.Graph, keys: bool = True) -> tuple[dict, dict]:
    """A graph's nodes and edges with their data as `fmt` keeps them: GEXF gives every node a
    label (its id when it has none) and every edge a number; DOT keeps text only. Without
    keys, edges are told apart by their ends (networkx reads GEXF without parallel edges into
    a DiGraph, dropping the keys)."""
    nodes = {str(n): dict(d) for n, d in graph.nodes(data=True)}
    edges = (
        {(str(u), str(v), str(k)): dict(d) for u, v, k, d in graph.edges(keys=True, data=True)}
        if graph.is_multigraph()
        else {(str(u), str(v), None): dict(d) for u, v, d in graph.edges(data=True)}
    )
    if not keys:
        edges = {(u, v, None): d for (u, v, _), d in edges.items()}
    if fmt == "gexf":
        nodes = {n: {"label": n} | d for n, d in nodes.items()}
        edges = {e: {k: x for k, x in d.items() if k != "id"} for e, d in edges.items()}
    if fmt == "dot":
        nodes = {unquoted(n): {k: unquoted(x) for k, x in d.items()} for n, d in nodes.items()}
        edges = {
            tuple(map(unquoted, e)): {k: unquoted(x) for k, x in d.items()}
            for e, d in edges.items()
        }
    return nodes, edges


def assert_same_content(fmt: str, again: nx.Graph, graph: nx.Graph) -> None:
    assert again.is_directed()
    keys = again.is_multigraph()
    assert keys or fmt == "gexf"
    assert again.number_of_edges() == graph.number_of_edges()
    assert kept(fmt, again, keys) == kept(fmt, graph, keys)


# pydot (pyparsing) reads the DOT files of the two largest views in ~5 s each; every claim
# is also in a claims-by-document view, whose DOT files the fast tests read back.
SLOW_REREADS = {("claims", "dot"), ("entities", "dot")}


def export_cases() -> list:
    return [
        pytest.param(
            view,
            fmt,
            id=f"{view}-{fmt}",
            marks=[pytest.mark.slow] if (view, fmt) in SLOW_REREADS else [],
        )
        for view in sorted(VIEWS)
        for fmt in sorted(FORMATS)
    ]


@pytest.mark.parametrize("view,fmt", export_cases())
def test_each_export_rereads_with_the_same_nodes_edges_and_data(
    view, fmt, views, exports, tmp_path
):
    graph = views[view]
    assert_same_content(fmt, reread(fmt, exports[f"{view}.{fmt}"], tmp_path), graph)
    if fmt in ("graphml", "json"):  # the formats that keep a graph's own data
        again = reread(fmt, exports[f"{view}.{fmt}"], tmp_path)
        assert again.graph["title"] == VIEWS[view].title
        assert again.graph["build"].startswith("nkelections build: ")


def _odd_graph() -> nx.MultiDiGraph:
    """Names and values the writers must escape or quote. No colon in a node name (pydot
    reads one as a port) and no value in <...> (DOT's HTML-like labels, written as they are)."""
    odd = nx.MultiDiGraph(name="odd & <names>", title='a "title"', build="b")
    odd.add_node(
        "plain",
        label="L",
        n=3,
        flag=True,
        f=1.5,
        empty="",
        space="  ",
        amp="a&b<c>d\"e'",
        uni="평양 — é",
        kw="graph",
        num="12",
        lead="3abc",
        colon="a:b",
    )
    for node in ("bare", "Node", "12", "3d", "with space", "평양"):
        odd.add_node(node)
    odd.add_edge("plain", "bare", key="k1", property="nke:p", label="l", sources=2)
    odd.add_edge("plain", "bare", key="k2")
    odd.add_edge("bare", "bare", key="self", w=False)
    odd.add_edge("12", "평양", key="nke:role", label='a"b', note="a&b")
    return odd


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_exports_escape_and_quote_names_and_values(fmt, tmp_path):
    graph = _odd_graph()
    content = as_bytes(FORMATS[fmt](graph))
    assert_same_content(fmt, reread(fmt, content, tmp_path), graph)
    assert content == as_bytes(FORMATS[fmt](graph.copy()))


def test_gexf_carries_no_date(exports):
    """networkx stamps today's date into GEXF's <meta>; the export takes it out, so that two
    builds of the same data on two days give the same file."""
    gexf = exports["committees.gexf"].decode("utf-8")
    assert "<meta>" in gexf and "lastmodifieddate" not in gexf
    assert "<creator>NetworkX" in gexf


@pytest.mark.slow
def test_output_is_deterministic(built, rendered):
    """Every view rendered a second time, byte for byte (a second whole render: slow)."""
    again, _ = render_network(built.dataset)
    assert sorted(again) == sorted(rendered)
    changed = [name for name in rendered if again[name] != rendered[name]]
    assert changed == []


def test_entity_graph_nodes_are_the_typed_non_provenance_resources(rdf, index, views):
    graph = views["entities"]
    plumbing = ", ".join(f"<{c}>" for c in PLUMBING_CLASSES)
    rows = sparql(
        rdf,
        f"""SELECT DISTINCT ?s WHERE {{ ?s a ?c .
        FILTER NOT EXISTS {{ ?s a ?p . FILTER(?p IN ({plumbing})) }} FILTER(isIRI(?s)) }}""",
    )
    assert {index.node_id(r.s) for r in rows} == set(graph.nodes)
    assert not any("evidence/" in n or "mention/" in n or "statement/" in n for n in graph)


def test_entity_graph_keeps_literals_as_attributes(rdf, index, views):
    graph = views["entities"]
    rows = sparql(rdf, "SELECT ?f ?v WHERE { ?f a nke:Figure ; nke:value ?v }")
    assert rows
    for row in rows:
        assert graph.nodes[index.node_id(row.f)]["value"] == str(row.v)
    for _, data in graph.nodes(data=True):
        assert data["label"] and data["type"]


def test_entity_graph_edges_carry_label_and_source_count(rdf, index, views):
    graph = views["entities"]
    rows = sparql(
        rdf,
        """SELECT ?s ?p ?o (COUNT(DISTINCT ?doc) AS ?n) WHERE {
        ?st a nke:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
            prov:wasDerivedFrom/oa:hasTarget/oa:hasSource ?doc . FILTER(isIRI(?o)) }
        GROUP BY ?s ?p ?o""",
    )
    checked = 0
    for row in rows:
        u, v = index.node_id(row.s), index.node_id(row.o)
        if u in graph and v in graph:
            data = graph.edges[u, v, index.ontology.short(row.p)]
            assert data["sources"] == int(row.n)
            assert data["label"] == index.property_label(row.p)
            checked += 1
    assert checked > 0


def test_wikidata_ids_come_from_same_as(rdf, index, views):
    rows = sparql(
        rdf,
        """PREFIX schema: <http://schema.org/>
        SELECT ?s ?w WHERE { ?s schema:sameAs ?w
        FILTER(STRSTARTS(STR(?w), "http://www.wikidata.org/entity/")) }""",
    )
    expected = defaultdict(set)
    for row in rows:
        expected[index.node_id(row.s)].add(str(row.w).rsplit("/", 1)[-1])
    found = {
        n: set(d["wikidata"].split())
        for n, d in views["entities"].nodes(data=True)
        if "wikidata" in d
    }
    assert found == dict(expected)


def test_committee_chart_has_the_election_committee_and_its_chairman(rdf, index, views):
    graph = views["committees"]
    cegc = "central-election-guidance-committee"
    rows = sparql(
        rdf,
        f"""SELECT ?person ?role WHERE {{ ?m a org:Membership ;
        org:member ?person ; org:organization <{NKR[cegc]}> ; org:role ?role }}""",
    )
    assert any(str(r.role).endswith("role-chairman") for r in rows)
    assert cegc in graph
    for row in rows:
        labels = {d["label"] for d in graph.get_edge_data(index.node_id(row.person), cegc).values()}
        assert index.label(row.role) in labels
    memberships = sparql(
        rdf,
        """SELECT ?m WHERE { ?m a org:Membership ;
        org:member ?p ; org:organization ?o }""",
    )
    member_edges = [e for e in graph.edges(data=True) if e[2]["property"] == "org:Membership"]
    assert len(member_edges) == len(memberships)


def test_who_said_what_links_sources_claims_and_claimants(rdf, index, views):
    graph = views["claims"]
    rows = sparql(
        rdf,
        """SELECT DISTINCT ?fact ?agent ?doc WHERE {
        ?fact prov:wasDerivedFrom ?ev .
        ?ev nke:statedBy ?agent ; oa:hasTarget/oa:hasSource ?doc }""",
    )
    assert rows
    for row in rows:
        fact, agent = index.node_id(row.fact), index.node_id(row.agent)
        assert "attributed to" in graph.get_edge_data(fact, agent)
        assert "reports" in graph.get_edge_data(index.node_id(row.doc), fact)
    for claim in index.data.subjects(RDF.type, NKE.Claim):
        assert index.node_id(claim) in graph
    disputed = {index.node_id(f) for f in index.data.objects(None, NKE.disagreeingFact)}
    assert {n for n, d in graph.nodes(data=True) if d.get("disputed")} == disputed


def test_institutions_and_documents_views(rdf, index, views):
    elections = {index.node_id(e) for e in index.data.subjects(RDF.type, NKE.Election)}
    assert elections and elections <= set(views["institutions"])
    docs = {index.node_id(d) for d in index.data.subjects(RDF.type, NKE.SourceDocument)}
    assert docs <= set(views["documents"])
    citations = sparql(
        rdf,
        """SELECT ?c WHERE { ?c a nke:Citation ;
        nke:citingDocument ?a ; nke:citedDocument ?b }""",
    )
    cites = [e for e in views["documents"].edges(data=True) if e[2]["label"] == "cites"]
    assert len(cites) == len(citations)
    allowed = [
        NKE.Body,
        NKE.Election,
        NKE.Law,
        NKE.LawVersion,
        NKE.LawArticle,
        NKE.Decision,
        ORG.Organization,
    ]
    for _, data in views["institutions"].nodes(data=True):
        types = index.types[URIRef(data["iri"])]
        assert any(index.ontology.is_subclass(t, a) for t in types for a in allowed)


def assert_titled_pictures(index: GraphIndex, title: str, png: bytes, svg: bytes) -> None:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    text = svg.decode("utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    shown = textwrap.wrap(title, 120)[0].split(":")[0]  # the title's first line, as drawn
    assert xml.sax.saxutils.escape(shown) in text
    assert f"{index.triple_count} triples" in text
    assert index.digest[:12] in text


def test_pictures_of_small_views_are_png_and_svg_titled_with_the_build(
    index, small_views, small_pictures
):
    """The fast set's pictures: a spring layout and a claims-by-document view in columns,
    byte-stable when drawn again (the spring layout in other interpreters too: the hash seed
    test)."""
    for view in small_views:
        drawn = small_pictures[view.name]
        assert_titled_pictures(index, view.title, drawn["png"], drawn["svg"])
    in_columns = small_views[1]
    assert pictures_of(index, in_columns) == small_pictures[in_columns.name]
    svg = small_pictures[in_columns.name]["svg"].decode("utf-8")
    assert in_columns.name.startswith("claims-in-") and "Claims" in svg
    for heading in ("documents", "claims and attributed facts"):
        assert heading in svg


def test_pictures_are_the_same_bytes_under_any_hash_seed(dist, tmp_path, root, small_pictures):
    """A set of strings is iterated in an order PYTHONHASHSEED decides; a picture must not
    depend on it (the committee chart did: its spring layout placed a component's nodes in
    the order of a set). `nkelections network` in two interpreters with two seeds, beside the
    picture drawn here."""
    command = [sys.executable, "-m", "nkelections", "network", "--view", "committees"]
    command += ["--input", str(dist / "nkelections.nq"), "--no-explorer", "-q"]
    runs = [
        subprocess.Popen(
            [*command, "--out", str(tmp_path / seed)],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stderr=subprocess.PIPE,
        )
        for seed in ("1", "2")
    ]
    for proc in runs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    written = [{p.name: p.read_bytes() for p in (tmp_path / s).iterdir()} for s in ("1", "2")]
    assert written[0] == written[1]
    drawn = {suffix: written[0][f"committees.{suffix}"] for suffix in ("png", "svg")}
    assert drawn == small_pictures["committees"]


@pytest.mark.slow
def test_pictures_of_every_view_are_png_and_svg_titled_with_the_build(index, rendered):
    """Every view's pictures, the claims-by-document views' included (a minute to draw)."""
    titles = {
        v.name: v.title for v in [*VIEWS.values(), *FAMILIES["claims-by-document"].views(index)]
    }
    assert set(titles) == {n.rsplit(".", 1)[0] for n in rendered if n.endswith(".png")}
    for name, title in titles.items():
        assert_titled_pictures(index, title, rendered[f"{name}.png"], rendered[f"{name}.svg"])


def test_views_too_large_to_draw_keep_their_data_files_and_say_what_was_skipped(built, monkeypatch):
    import nkelections.network.write as network

    monkeypatch.setattr(network, "MAX_DRAWN_NODES", 30)  # committees and institutions fit
    chosen = ["committees", "entities"]  # one view drawn, one too large
    files, summaries = render_network(built.quads, chosen, pictures=True, explorer=True)
    notes = {s.name: s.note for s in summaries}
    assert set(notes) == {*chosen, "explorer.html"}
    for name, summary in ((s.name, s) for s in summaries if s.name in VIEWS):
        drawn = summary.nodes <= 30
        assert (f"{name}.png" in files) is drawn and (f"{name}.svg" in files) is drawn
        assert notes[name] == (
            "" if drawn else f"pictures skipped: {summary.nodes:,} nodes, over the 30 drawn"
        )
        assert all(f"{name}.{suffix}" in files for suffix in FORMATS)
    assert "entities.png" not in files and "committees.png" in files
    assert "explorer.html" not in files and notes["explorer.html"].startswith("skipped: ")


def test_stats_agree_with_sparql(rdf, index, built):
    stats = compute_stats(built.dataset)
    classes = sparql(rdf, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
    assert stats.classes == {index.ontology.short(r.c): int(r.n) for r in classes}
    props = sparql(rdf, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    assert stats.properties == {index.ontology.short(r.p): int(r.n) for r in props}
    per_fact = sparql(
        rdf,
        """SELECT ?f (COUNT(DISTINCT ?doc) AS ?n) WHERE { ?f a nke:Fact .
        OPTIONAL { ?f prov:wasDerivedFrom/oa:hasTarget/oa:hasSource ?doc } } GROUP BY ?f""",
    )
    counts = Counter(min(int(r.n), 3) for r in per_fact)
    assert stats.facts == len(per_fact)
    assert stats.facts_by_sources == {
        "0": counts[0],
        "1": counts[1],
        "2": counts[2],
        "3+": counts[3],
    }
    assert stats.triples == built.summary.triples
    assert len(stats.by_degree) == min(10, stats.nodes)


def test_stats_degree_counts_distinct_neighbours(index, built):
    stats = compute_stats(built.dataset)
    neighbours = defaultdict(set)
    for s, _, o in index.relations():
        if s != o:
            neighbours[index.node_id(s)].add(index.node_id(o))
            neighbours[index.node_id(o)].add(index.node_id(s))
    for central in stats.by_degree:
        assert central.degree == len(neighbours[central.id])
    assert stats.by_degree[0].degree == max(len(v) for v in neighbours.values())
    assert sum(stats.component_sizes) == stats.nodes


def _cli(*args, cwd):
    return clirun.run(list(args), cwd=cwd, timeout=300, text=True)


def test_network_command_writes_every_file(dist, tmp_path, root):
    out = tmp_path / "network"
    done = _cli(
        "network",
        "--input",
        str(dist / "nkelections.nq"),
        "--out",
        str(out),
        "--view",
        "committees",
        "--no-pictures",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"committees.{s}" for s in FORMATS] + ["explorer.html"]
    )
    assert "committees:" in done.stdout


def test_stats_command_json_and_bad_input(dist, tmp_path, root):
    done = _cli("stats", "--format", "json", "--input", str(dist / "nkelections.nq"), cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["facts_by_sources"]
    bad = tmp_path / "broken.nq"
    bad.write_text("this is not n-quads\n")
    for args in (["stats", "--input", str(bad)], ["network", "--input", str(tmp_path / "no.nq")]):
        done = _cli(*args, cwd=root)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_every_source_gives_the_same_files(built, dist, exports):
    """The built N-Quads file, the build's quads and an rdflib Dataset read alike. Pictures
    are drawn from the same graphs, so the exports and the page tell it (and save ~20 s each);
    test_output_is_deterministic compares the pictures too."""
    for source in (dist / "nkelections.nq", built.dataset):
        files, _ = render_network(source, pictures=False)
        assert len(files) > 2 * len(VIEWS)
        assert [n for n in files if files[n] != exports.get(n)] == []
        assert sorted(files) == sorted(exports)


def test_digest_is_the_sorted_rdflib_serialisation(index, rdf, built):
    lines = sorted(rdf.serialize(format="nt").splitlines())
    assert index.digest == hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    assert (index.triple_count, len(index.data)) == (built.summary.triples, len(rdf))


def test_a_class_has_one_colour_in_every_view_and_the_explorer(index, views, exports):
    from nkelections.network.pictures import type_styles

    order = index.type_names()
    seen: dict[str, set] = defaultdict(set)
    for graph in views.values():
        for kind, style in type_styles(graph, order).items():
            seen[kind].add(style)
    shared = [k for k in seen if sum(k in type_styles(g, order) for g in views.values()) > 1]
    assert shared, "no class appears in two views: the check would prove nothing"
    assert {k: s for k, s in seen.items() if len(s) > 1} == {}
    explorer = {n["type"]: n["colour"] for n in _explorer_data(exports)["nodes"]}
    for kind, colour in explorer.items():
        ((rgb, _),) = seen.get(kind) or {type_styles_colour(kind, order)}
        assert colour == "#" + "".join(f"{round(c * 255):02x}" for c in rgb[:3]), kind
    # and two classes in one view never look the same
    for graph in views.values():
        styles = list(type_styles(graph, order).values())
        assert len(styles) == len(set(styles))


def type_styles_colour(kind, order):
    from nkelections.network.pictures import type_styles

    graph = nx.MultiDiGraph()
    graph.add_node("x", type=kind)
    return type_styles(graph, order)[kind]


def test_top_entities_keeps_the_best_connected_and_folds_the_rest(index, views):
    from nkelections.network.views import TOP_ENTITIES

    whole, top = views["entities"], views["entities-top"]
    kept = [n for n in top if not n.startswith("other-")]
    assert len(kept) == TOP_ENTITIES
    cut = sorted(d for _, d in whole.degree(kept))[0]
    assert all(d <= cut for n, d in whole.degree() if n not in kept)  # none better left out
    assert "kim-jong-un" in kept
    for fold in (n for n in top if n.startswith("other-")):
        kind = top.nodes[fold]["type"]
        outside = {
            v
            for u in kept
            for v in nx.all_neighbors(whole, u)
            if v not in kept and whole.nodes[v]["type"] == kind
        }
        assert top.nodes[fold]["label"] == f"{len(outside)} other {kind}"
    assert top.number_of_nodes() < whole.number_of_nodes() / 2


@pytest.fixture(scope="session")
def by_document(index) -> dict[str, nx.MultiDiGraph]:
    return {v.name: build_view(index, v) for v in FAMILIES["claims-by-document"].views(index)}


def _reported(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Each fact a view shows as reported, with the documents that report it."""
    found: dict[str, set[str]] = defaultdict(set)
    for u, v, key in graph.edges(keys=True):
        if key == "reports":
            found[v].add(u)
    return dict(found)


def test_claims_by_document_partition_the_claims(rdf, index, views, by_document):
    """Every fact of the claims view stands, as a reported fact, in exactly one view: the view
    of its document when one document quotes it, claims-in-several-documents otherwise; with
    the same documents and claimants as in the whole view."""
    rows = sparql(
        rdf,
        """SELECT ?claim ?doc WHERE { ?claim a nke:Claim ;
        prov:wasDerivedFrom/oa:hasTarget/oa:hasSource ?doc }""",
    )
    docs_of = defaultdict(set)
    for row in rows:
        docs_of[index.node_id(row.claim)].add(index.node_id(row.doc))
    whole = _reported(views["claims"])
    assert set(docs_of) <= set(whole)  # every nke:Claim is in the claims view
    assert any(len(d) > 1 for d in docs_of.values()) and any(len(d) == 1 for d in docs_of.values())
    homes = defaultdict(list)
    for name, graph in by_document.items():
        for fact, docs in _reported(graph).items():
            homes[fact].append(name)
            assert docs == whole[fact]
            claimants = {v for _, v, k in graph.out_edges(fact, keys=True) if k == "attributed to"}
            assert claimants == {
                v for _, v, k in views["claims"].out_edges(fact, keys=True) if k == "attributed to"
            }
    assert set(homes) == set(whole)
    assert {f: names for f, names in homes.items() if len(names) != 1} == {}
    for claim, docs in docs_of.items():
        (doc,) = docs if len(docs) == 1 else ("several-documents",)
        assert homes[claim] == [f"claims-in-{doc}"], claim


def test_claims_by_document_are_small_enough_to_draw_and_read(views, by_document):
    from nkelections.network.write import MAX_DRAWN_NODES

    assert len(by_document) >= 2
    for name, graph in by_document.items():
        assert 0 < graph.number_of_nodes() <= MAX_DRAWN_NODES, name
        assert graph.number_of_nodes() < views["claims"].number_of_nodes() / 2, name


def test_claims_by_document_columns_hold_each_node_once(by_document):
    from nkelections.network.views import claim_columns

    for name, graph in by_document.items():
        columns = claim_columns(graph)
        placed = [n for _, nodes in columns for n in nodes]
        assert sorted(placed) == sorted(graph.nodes), name
        assert set(columns[1][1]) == set(_reported(graph)), name
        assert all(graph.nodes[d]["type"].endswith("Document") for d in columns[0][1])


def test_claims_by_document_are_exported_like_every_view(index, by_document, exports, tmp_path):
    docs = {index.node_id(d) for d in index.data.subjects(RDF.type, NKE.SourceDocument)}
    assert {f"claims-in-{d}" for d in docs} & set(by_document)
    for name, graph in by_document.items():
        assert name == "claims-in-several-documents" or name[len("claims-in-") :] in docs
        for fmt in FORMATS:
            again = reread(fmt, exports[f"{name}.{fmt}"], tmp_path)
            assert (again.number_of_nodes(), again.number_of_edges()) == (
                graph.number_of_nodes(),
                graph.number_of_edges(),
            ), (name, fmt)


def _explorer_data(files: dict[str, bytes]) -> dict:
    html = files["explorer.html"].decode("utf-8")
    return json.loads(html.split('id="data">', 1)[1].split("</script>", 1)[0])


def assert_explorer_lists_every_view_and_its_files(files: dict[str, bytes]) -> None:
    data = _explorer_data(files)
    listed = {v["name"]: v["files"] for v in data["views"]}
    written = {name.rsplit(".", 1)[0] for name in files if name != "explorer.html"}
    assert set(listed) == written
    assert sorted(f for fs in listed.values() for f in fs) == sorted(set(files) - {"explorer.html"})
    assert any(name.startswith("claims-in-") for name in listed)


def test_the_explorer_lists_every_view_and_its_files(exports):
    assert_explorer_lists_every_view_and_its_files(exports)


@pytest.mark.slow
def test_the_explorer_lists_the_pictures_too(rendered):
    assert_explorer_lists_every_view_and_its_files(rendered)
    assert all(f"{v}.png" in rendered for v in VIEWS)
