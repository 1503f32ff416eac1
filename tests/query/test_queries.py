"""The competency queries: their files, their expected answers on three engines, parameters.

Every query in queries/cq-*.rq must give the answer in tests/expected/ on the embedded Oxigraph
store written to disk, on the rdflib graph in memory, and through --endpoint against a real
Oxigraph server started here on 127.0.0.1. Regenerate the answers with
`.venv/bin/python tests/regenerate_expected.py` and review the diff.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from nkelections.errors import QueryError
from nkelections.query.embedded import OxigraphEngine, open_store, write_store
from nkelections.query.engines import open_engine
from nkelections.query.sparql import (
    EndpointEngine,
    Query,
    RdflibEngine,
    Result,
    bind,
    list_queries,
    load_query,
    query_form,
    run_query,
    where_brace,
)
from regenerate_expected import (
    NOT_COMPETENCY,
    QUERIES,
    comparable,
    competency_queries,
    expected_file,
    norm_triples,
    read_expected,
)
from stores import stop

CQ = competency_queries()
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
ENGINES = ["oxigraph", "oxigraph-memory", "rdflib", "endpoint"]
# Known gaps: (query, engine) pairs not run, each with its reason.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


# --- engines ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def store_dir(built, tmp_path_factory) -> Path:
    return write_store(built.dataset, tmp_path_factory.mktemp("store") / "store")


@pytest.fixture(scope="session")
def oxigraph_engine(store_dir):
    return OxigraphEngine(open_store(store_dir), str(store_dir))


@pytest.fixture(scope="session")
def oxigraph_memory_engine(dist):
    """What `--engine oxigraph-memory` opens: dist/nkelections.nq loaded into memory."""
    return open_engine("oxigraph-memory", dist)


@pytest.fixture(scope="session")
def rdflib_engine(built):
    return RdflibEngine(built.dataset)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def endpoint_engine(built):
    """`oxigraph serve` in memory on a free port, with the built N-Quads loaded; stopped after."""
    if not OXIGRAPH.exists():
        pytest.skip(f"the Oxigraph server is not installed ({OXIGRAPH}; pip install oxigraph)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait(base + "/query?query=ASK%7B%7D", process)
        data = built.dataset.serialize(format="nquads", encoding="utf-8")
        request = urllib.request.Request(
            base + "/store",
            data=data,
            method="POST",
            headers={"Content-Type": "application/n-quads"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204)
        yield EndpointEngine(base + "/query", timeout=30)
    finally:
        stop(process)


def _wait(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            pytest.skip(f"oxigraph serve exited with {process.returncode}: {err[:200]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.skip(f"oxigraph serve did not answer at {url} within {seconds:g} s")


@pytest.fixture()
def engine(request):
    return request.getfixturevalue(f"{request.param.replace('-', '_')}_engine")


# --- comparing answers --------------------------------------------------------------------------


def as_rdflib(result) -> Graph:
    graph = Graph()
    graph.parse(data="".join(norm_triples(result)), format="nt")
    return graph


def described_part(actual, expected):
    """DESCRIBE is left to the engine by SPARQL: Oxigraph gives the triples whose subject is
    the resource, rdflib a concise bounded description that adds the reified statements about
    it. The answers are compared on the triples about the described resources only."""
    subjects = {t.subject for t in expected.triples}
    return Result("DESCRIBE", triples=[t for t in actual.triples if t.subject in subjects])


def assert_same(actual, expected, label: str) -> None:
    if actual.form == "DESCRIBE":
        actual = described_part(actual, expected)
    if expected.is_graph:
        assert actual.is_graph, f"{label}: expected a graph, got {actual.form}"
        ours, theirs = to_isomorphic(as_rdflib(actual)), to_isomorphic(as_rdflib(expected))
        if ours != theirs:
            _, only_actual, only_expected = graph_diff(ours, theirs)
            pytest.fail(
                f"{label}: graphs differ.\nonly in the answer:\n"
                f"{only_actual.serialize(format='nt')}\nonly expected:\n"
                f"{only_expected.serialize(format='nt')}"
            )
        return
    got, want = comparable(actual), comparable(expected)
    if got != want:
        missing = [r for r in want[1] if r not in got[1]] if expected.form != "ASK" else want
        extra = [r for r in got[1] if r not in want[1]] if expected.form != "ASK" else got
        pytest.fail(f"{label}: answers differ.\nmissing: {missing[:5]}\nextra: {extra[:5]}")


# --- the one parametrised test: every competency query, every engine ---------------------------


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
@pytest.mark.parametrize("path", CQ, ids=[p.name for p in CQ])
def test_competency_query(path, engine):
    if (path.name, engine.name) in KNOWN_GAPS:
        pytest.skip(KNOWN_GAPS[path.name, engine.name])
    expected = expected_file(path)
    assert expected is not None, (
        f"no expected result for {path.name}; run .venv/bin/python tests/regenerate_expected.py"
    )
    result = run_query(engine, load_query(str(path), QUERIES))
    assert_same(result, read_expected(expected), f"{path.name} on {engine.name}")


# --- the query files themselves ---------------------------------------------------------------


def test_there_are_enough_competency_queries_of_each_form():
    forms = [query_form(p.read_text(encoding="utf-8")) for p in CQ]
    assert len(CQ) >= 40
    assert forms.count("ASK") >= 3
    assert forms.count("CONSTRUCT") + forms.count("DESCRIBE") >= 3


@pytest.mark.parametrize("info", list_queries(QUERIES, "cq-*.rq"), ids=lambda i: i.name)
def test_query_file_has_header_and_order(info):
    assert info.question and info.returns and info.demonstrates, info.path
    text = info.path.read_text(encoding="utf-8")
    if query_form(text) == "SELECT":
        assert "ORDER BY" in text.upper(), f"{info.name} has no ORDER BY"


def test_every_expected_file_has_its_query():
    names = {p.stem for p in CQ}
    orphans = [
        p.name for p in (QUERIES.parent / "tests" / "expected").glob("cq-*") if p.stem not in names
    ]
    assert not orphans


def test_non_competency_queries_are_listed_with_a_reason():
    others = [p for p in QUERIES.glob("*.rq") if not p.name.startswith("cq-")]
    for path in others:
        assert any(
            path.match(pattern + ".rq" if not pattern.endswith(".rq") else pattern)
            for pattern in NOT_COMPETENCY
        ), f"{path.name} is neither cq- nor a known gap"


def test_competency_answers_are_not_all_empty():
    """A query that returns nothing useful is a bug: most must have answers now."""
    empty = []
    for path in CQ:
        expected = read_expected(expected_file(path))
        if not (expected.triples or expected.rows or expected.form == "ASK"):
            empty.append(path.stem)
    assert len(empty) <= len(CQ) // 3, f"too many empty answers: {empty}"


# --- parameters -----------------------------------------------------------------------------------


def _unbound(engine, name):
    return run_query(engine, load_query(name, QUERIES))


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
@pytest.mark.parametrize(
    "name,var",
    [
        ("cq-13-members-of-body", "body"),
        ("cq-26-claims-about", "entity"),
        ("cq-27-evidence-for-fact", "fact"),
        ("cq-28-evidence-for-triple", "subject"),
    ],
)
def test_binding_an_iri_selects_its_rows(engine, name, var):
    everything = _unbound(engine, name)
    if not everything.rows:
        pytest.skip(f"{name} has no answers in the current data")
    column = everything.variables.index(var)
    value = everything.rows[0][column]
    bound = run_query(engine, load_query(name, QUERIES), {var: f"<{value.value}>"})
    want = [r for r in everything.rows if r[column] == value]
    assert sorted(map(str, bound.rows)) == sorted(map(str, want))


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
@pytest.mark.parametrize(
    "name,column", [("cq-15-posts-of-person", "person"), ("cq-36-mentions-of-entity", "entity")]
)
def test_binding_a_name_matches_any_case(engine, name, column):
    everything = _unbound(engine, name)
    index = everything.variables.index(column)
    label = everything.rows[0][index].value
    bound = run_query(engine, load_query(name, QUERIES), {"name": label.upper()})
    assert bound.rows and set(map(str, bound.rows)) <= set(map(str, everything.rows))
    assert any(r[index].value == label for r in bound.rows)


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_ask_with_parameters(engine, oxigraph_engine):
    elections = _unbound(oxigraph_engine, "cq-01-elections")
    day = next(r[2].value for r in elections.rows if r[2] is not None)
    ask = load_query("cq-47-ask-election-on-date", QUERIES)
    assert run_query(engine, ask, {"date": day}).boolean is True
    assert run_query(engine, ask, {"date": "1900-01-01"}).boolean is False
    links = _unbound(oxigraph_engine, "cq-39-wikidata-links")
    linked = load_query("cq-46-ask-linked-to-wikidata", QUERIES)
    if links.rows:
        assert run_query(engine, linked, {"entity": f"<{links.rows[0][0].value}>"}).boolean
    assert run_query(engine, linked, {"entity": "<urn:example:nothing>"}).boolean is False


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_binding_a_construct_gives_part_of_the_graph(engine):
    whole = _unbound(engine, "cq-49-construct-fact-provenance")
    fact = next(t.subject for t in whole.triples if t.predicate.value.endswith("wasDerivedFrom"))
    part = run_query(
        engine, load_query("cq-49-construct-fact-provenance", QUERIES), {"fact": f"<{fact.value}>"}
    )
    assert part.triples and set(map(str, part.triples)) < set(map(str, whole.triples))


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_hostile_value_stays_a_literal(engine):
    hostile = 'x" } } ; DELETE WHERE { ?s ?p ?o } #\n'
    result = run_query(engine, load_query("cq-15-posts-of-person", QUERIES), {"name": hostile})
    assert result.form == "SELECT" and result.rows == []


def test_bind_puts_values_in_the_where_group():
    query = Query("q", 'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o } # { not here\n')
    assert where_brace(query.text) == query.text.index("WHERE {") + 6
    text = bind(query, {"s": "<urn:x:a>"}).text
    assert "WHERE { VALUES (?s) { (<urn:x:a>) }" in text
    short = bind(Query("q", "ASK { ?o ?p ?v }"), {"o": "nkr:x"}).text
    assert "ASK { VALUES (?o) { (<https://w3id.org/nkelections/id/x>) }" in short


@pytest.mark.parametrize(
    "value,error", [("<not an iri>", "absolute IRI"), ("<relative>", "absolute IRI")]
)
def test_bad_iri_values_are_refused(value, error):
    with pytest.raises(QueryError, match=error):
        bind(Query("q", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"), {"s": value})


def test_binding_an_unknown_variable_is_refused():
    with pytest.raises(QueryError, match=r"no variable \?nope"):
        bind(Query("q", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"), {"nope": "1"})


def test_store_keeps_named_graphs(oxigraph_engine, built):
    graphs = run_query(
        oxigraph_engine,
        Query(
            "g",
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        ),
    )
    got = {row[0].value: int(row[1].value) for row in graphs.rows}
    assert got == {str(g.identifier): len(g) for g in built.dataset.graphs() if len(g)}


def test_queries_readme_indexes_every_competency_query():
    index = (QUERIES / "README.md").read_text(encoding="utf-8")
    missing = [p.stem for p in CQ if f"[`{p.stem}`]({p.name})" not in index]
    assert not missing, f"add to the index in queries/README.md: {missing}"
