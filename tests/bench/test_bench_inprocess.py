"""bench/inprocess.py and the rows bench/run.py makes of it: a parameterised query is timed
unbound and bound to the busiest value, and only the bound form counts against the targets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from nkelections.layout import NQUADS
from nkelections.query.sparql import Result

BENCH = Path(__file__).resolve().parents[2] / "bench"
QUERIES = BENCH.parent / "queries"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        import inprocess
        import report
        import run

        yield inprocess, run, report
    finally:
        sys.path.remove(str(BENCH))


def _iri(local: str) -> ox.NamedNode:
    return ox.NamedNode("https://w3id.org/nkelections/id/" + local)


def test_the_busiest_value_is_the_one_with_the_most_rows(bench):
    inprocess, _, _ = bench
    rows = [(_iri("b"), ox.Literal("1")), (_iri("a"), ox.Literal("2")), (_iri("b"), None)]
    answer = Result("SELECT", ["fact", "quote"], rows)
    assert inprocess.busiest(answer, "fact") == "<https://w3id.org/nkelections/id/b>"
    assert inprocess.busiest(answer, "quote") is None  # literals are no IRI to bind
    assert inprocess.busiest(answer, "absent") is None


def test_the_parameter_and_its_example_come_from_the_header(bench):
    inprocess, _, _ = bench
    text = (QUERIES / "cq-27-evidence-for-fact.rq").read_text(encoding="utf-8")
    assert inprocess.parameter(text) == "fact"
    assert inprocess.example(text, "fact") == "nkr:figure-2023-turnout"
    assert inprocess.parameter((QUERIES / "cq-01-elections.rq").read_text()) is None


def test_a_parameterised_query_is_timed_unbound_then_bound_to_its_busiest_value(
    bench, dist, tmp_path
):
    copy = tmp_path / "dist"
    copy.mkdir()
    shutil.copy(dist / NQUADS, copy / NQUADS)
    queries = [
        QUERIES / "cq-27-evidence-for-fact.rq",
        QUERIES / "cq-49-construct-fact-provenance.rq",
    ]
    out = subprocess.run(
        [
            sys.executable,
            str(BENCH / "inprocess.py"),
            str(copy),
            "1",
            "oxigraph",
            *map(str, queries),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    timed = [line for line in lines if "seconds" in line]
    assert [line["query"] for line in timed] == [
        "cq-27-evidence-for-fact",
        "cq-27-evidence-for-fact (bound)",
        "cq-49-construct-fact-provenance",
        "cq-49-construct-fact-provenance (bound)",
    ]
    # cq-27's answer has a column ?fact: the fact with the most evidence rows is chosen, and
    # cq-49 (a CONSTRUCT, no columns) asks about the same fact
    store = ox.Store()
    store.bulk_load(path=str(copy / NQUADS), format=ox.RdfFormat.N_QUADS)
    most = next(
        iter(
            store.query(
                "PREFIX nke: <https://w3id.org/nkelections/ontology#> "
                "PREFIX prov: <http://www.w3.org/ns/prov#> "
                "SELECT ?f (COUNT(*) AS ?n) WHERE { ?f a nke:Fact ; prov:wasDerivedFrom ?e } "
                "GROUP BY ?f ORDER BY DESC(?n) STR(?f) LIMIT 1",
                use_default_graph_as_union=True,
            )
        )
    )["f"]
    assert timed[1]["bound"] == {"fact": f"<{most.value}>"}
    assert timed[3]["bound"] == timed[1]["bound"]


def test_only_the_bound_form_of_a_parameterised_query_counts(bench):
    _, run, report = bench
    rows = run.query_rows(
        ["cq-01-elections", "cq-27-evidence-for-fact"],
        {
            "cq-01-elections": [0.01],
            "cq-27-evidence-for-fact": [15.0],
            "cq-27-evidence-for-fact (bound)": [0.2],
        },
        {"cq-27-evidence-for-fact": {"fact": "<https://w3id.org/nkelections/id/x>"}},
    )
    for row in rows:
        row.ours = run.Timing(status="skipped")
    assert [r.step for r in rows] == [
        "query cq-01-elections",
        "query cq-27-evidence-for-fact",
        "query cq-27-evidence-for-fact, unbound",
    ]
    verdicts = report.verdicts(rows)
    each = next(v for v in verdicts if v.startswith("- each query"))
    assert ": met (slowest 0.200 s" in each
    bulk = next(v for v in verdicts if v.startswith("- parameterised queries unbound"))
    assert "cq-27-evidence-for-fact 15.000 s" in bulk
    assert "bound to fact=nkr:x" in "\n".join(report.table(rows))
    # a bound form that was never timed is not replaced by the unbound time: the target is missed
    rows = run.query_rows(["cq-27-evidence-for-fact"], {"cq-27-evidence-for-fact": [0.1]}, {})
    for row in rows:
        row.ours = run.Timing(status="skipped")
    each = next(v for v in report.verdicts(rows) if v.startswith("- each query"))
    assert "**missed**" in each
