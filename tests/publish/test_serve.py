"""`nkelections serve` on 127.0.0.1: the SPARQL protocol, content negotiation, refusals that
leave the graph unchanged, limits, and dereferencing resources and ontology terms."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from nkelections.build.describe import VOID_GRAPH
from nkelections.build.docs import write_docs
from nkelections.publish.serve import Config
from nkelections.rdf.namespaces import BASE
from served import serving

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(dist, root):
    """Short limits, which the tests below reach on purpose."""
    write_docs(root / "ontology" / "nkelections.ttl", dist / "docs" / "ontology.html")
    with serving(dist, timeout=3, limit=50) as url:
        yield url


def fetch(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get(server, query, accept="application/sparql-results+json"):
    return fetch(
        f"{server}/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
    )


def triple_count(server) -> int:
    status, _, body = get(server, COUNT)
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_binds_loopback_by_default():
    assert Config(dist=None).host == "127.0.0.1"


def test_get_and_post_answer_the_same(server, built):
    expected = sum(len(g) for g in built.dataset.graphs())
    assert triple_count(server) == expected
    headers = {"Accept": "application/sparql-results+json"}
    direct = fetch(
        server + "/sparql", COUNT.encode(), {**headers, "Content-Type": "application/sparql-query"}
    )
    form = fetch(
        server + "/sparql",
        urllib.parse.urlencode({"query": COUNT}).encode(),
        {**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    for status, _, body in (direct, form):
        assert status == 200
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == expected


@pytest.mark.parametrize(
    "accept,starts",
    [
        ("application/sparql-results+json", b"{"),
        ("application/sparql-results+xml", b"<?xml"),
        ("text/csv", b"s\r\n"),
        ("text/tab-separated-values", b"?s\n"),
    ],
)
def test_select_formats(server, accept, starts):
    status, headers, body = get(server, "SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 3", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    assert body.startswith(starts)


@pytest.mark.parametrize(
    "accept,needle",
    [
        ("text/turtle", b"@prefix"),
        ("application/ld+json", b"@id"),
        ("application/n-triples", b"> <"),
    ],
)
def test_construct_formats(server, accept, needle):
    status, headers, body = get(server, "CONSTRUCT WHERE { ?s a ?c } LIMIT 5", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept) and needle in body


def test_result_limit_cuts_and_says_so(server):
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and headers["X-Result-Truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 50


def test_timeout_stops_a_runaway_query_and_the_server_recovers(server):
    status, _, body = get(
        server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    )
    assert status == 503 and b"time limit" in body
    assert triple_count(server) > 0


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _behind_runaways(url: str, runaways: int, pause: float) -> tuple[list[tuple], tuple]:
    """The answers to runaway queries sent `pause` seconds apart and to a quick one sent
    `pause` seconds behind them, while they hold the only worker in turn."""
    answers: list[tuple] = []
    threads = [
        threading.Thread(target=lambda: answers.append(get(url, RUNAWAY))) for _ in range(runaways)
    ]
    for thread in threads:
        thread.start()
        time.sleep(pause)
    quick = get(url, COUNT)
    for thread in threads:
        thread.join()
    return answers, quick


def test_a_query_may_wait_for_a_worker_longer_than_a_query_may_run(dist):
    """Waiting for a free worker is not running: behind two runaways, each stopped at the time
    limit and its worker replaced, the quick query waits over twice --timeout and is answered."""
    with serving(dist, timeout=1, workers=1) as url:
        runaways, (status, _, body) = _behind_runaways(url, 2, pause=0.2)
    assert [(a[0], b"time limit" in a[2]) for a in runaways] == [(503, True)] * 2
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 0


def test_a_query_that_finds_no_free_worker_in_the_queue_time_is_busy_with_retry_after(dist):
    # the runaway has the worker for 5 s; the quick query comes 1 s after it (on a busy machine
    # the runaway's request takes a while to reach the worker) and waits 0.5 s
    with serving(dist, timeout=5, workers=1, queue_timeout=0.5) as url:
        _, (status, headers, body) = _behind_runaways(url, 1, pause=1.0)
    assert status == 503 and b"busy" in body and headers["Retry-After"] == "1"


@pytest.mark.parametrize(
    "request_kind,text",
    [
        ("form-update", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"),
        ("form-update", "DELETE WHERE { ?s ?p ?o }"),
        ("sparql-update", "CLEAR ALL"),
        ("query", "LOAD <http://example.org/data.ttl>"),
        ("query", "DELETE WHERE { ?s ?p ?o }"),
        ("query", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
        (
            "query",
            "select * { optional { sErViCe SILENT <http://example.org/sparql> {?s ?p ?o} } }",
        ),
    ],
)
def test_updates_load_and_service_are_refused_and_the_graph_is_unchanged(
    server, request_kind, text
):
    before = triple_count(server)
    if request_kind == "form-update":
        data, kind = (
            urllib.parse.urlencode({"update": text}).encode(),
            "application/x-www-form-urlencoded",
        )
    elif request_kind == "sparql-update":
        data, kind = text.encode(), "application/sparql-update"
    else:
        data, kind = (
            urllib.parse.urlencode({"query": text}).encode(),
            "application/x-www-form-urlencoded",
        )
    status, _, _ = fetch(server + "/sparql", data, {"Content-Type": kind})
    assert 400 <= status < 500
    assert triple_count(server) == before


def test_service_in_a_string_or_comment_is_not_refused(server):
    text = 'SELECT ?x WHERE { BIND("SERVICE <http://example.org/>" AS ?x) } # SERVICE <x> {}'
    status, _, body = get(server, text)
    assert status == 200 and b"SERVICE" in body


def test_syntax_error_is_400(server):
    assert get(server, "SELECT WHERE {")[0] == 400


def test_query_page_works_offline(server):
    status, headers, body = fetch(server + "/", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'<script src="/static/yasgui/yasgui.min.js">' in body
    assert b'src="http' not in body and b'href="http' not in body  # nothing from a CDN
    for name, kind in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        status, headers, asset = fetch(f"{server}/static/yasgui/{name}")
        assert status == 200 and headers["Content-Type"].startswith(kind) and len(asset) > 50_000
    assert fetch(server + "/static/yasgui/VENDORED.md")[0] == 404  # only the listed files
    assert fetch(server + "/static/yasgui/..%2F..%2Fserve.py")[0] == 404


def a_resource_with_evidence(built) -> str:
    rows = built.dataset.query("""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?r WHERE { GRAPH ?g { ?f rdf:subject ?r ; prov:wasDerivedFrom ?e } }
        ORDER BY ?r LIMIT 1""")
    return str(next(iter(rows))[0])


def test_resource_dereferences_to_html_with_quotes_and_sources(server, built):
    iri = a_resource_with_evidence(built)
    assert iri.startswith(BASE + "id/")
    status, headers, body = fetch(server + "/" + iri[len(BASE) :], headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<blockquote>" in body and b'class="where muted"' in body  # a quote and its source


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_resource_dereferences_to_rdf(server, built, accept):
    import rdflib

    iri = a_resource_with_evidence(built)
    status, headers, body = fetch(server + "/" + iri[len(BASE) :], headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=body, format="turtle" if "turtle" in accept else "json-ld")
    assert (rdflib.URIRef(iri), None, None) in graph
    assert any(p.endswith("#exact") for p in graph.predicates())  # the quotes come along


def test_unknown_resource_is_404(server):
    assert fetch(server + "/id/no-such-thing-here")[0] == 404


def test_ontology_dereferences_to_docs_and_turtle(server):
    status, headers, body = fetch(server + "/ontology", headers={"Accept": "text/html"})
    assert status == 200 and b"<html" in body[:2000].lower()
    status, headers, body = fetch(server + "/ontology", headers={"Accept": "text/turtle"})
    assert status == 200 and b"owl:Ontology" in body


def test_dataset_description_is_in_the_graph(server, built):
    graph = built.dataset.graph(VOID_GRAPH)
    assert len(graph) > 0
    void = "http://rdfs.org/ns/void#"
    status, _, body = get(
        server, f"ASK {{ GRAPH <{VOID_GRAPH}> {{ ?d a <{void}Dataset> ; <{void}triples> ?n }} }}"
    )
    assert status == 200 and json.loads(body)["boolean"] is True
