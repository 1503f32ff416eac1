"""`nkelections load` against real stores started on 127.0.0.1: Oxigraph and Virtuoso.

On each store: the per-graph triple counts of dist/ after one load and after a second, the same
triples, and the same answers to every competency query as the embedded pyoxigraph store.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
import urllib.parse
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

import stores
from nkelections.cli.main import main
from nkelections.errors import StoreError
from nkelections.publish.http import PASSWORD_VAR, USER_VAR, Client
from nkelections.publish.load import detect_store, endpoints_for, load
from regenerate_expected import NUMERIC

ROOT = Path(__file__).resolve().parents[2]
XSD = "http://www.w3.org/2001/XMLSchema#"
GROUP_SEPARATOR = " | "  # the separator the competency queries give GROUP_CONCAT
DESCRIBE = re.compile(r"^\s*DESCRIBE\b", re.IGNORECASE | re.MULTILINE)
COMPETENCY = sorted(
    p for p in (ROOT / "queries").glob("*.rq") if not p.name.startswith("federated-")
)


# One worker runs the module, so that each store is started (and loaded) once, not once on
# each worker the tests are spread over.
pytestmark = pytest.mark.xdist_group("stores")


def _started(name: str, tmp_path_factory):
    reason = stores.skip_reason(name)
    if reason:
        pytest.skip(reason)
    with stores.STARTERS[name](tmp_path_factory.mktemp(name)) as running:
        yield running


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    yield from _started("oxigraph", tmp_path_factory)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """One Virtuoso for the module (it takes seconds to start): loaded by `store`'s tests,
    refusing writes without credentials in another."""
    yield from _started("virtuoso", tmp_path_factory)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request, monkeypatch_module):
    running = request.getfixturevalue(request.param)
    if request.param == "virtuoso":  # Virtuoso writes only for an authenticated user
        monkeypatch_module.setenv(USER_VAR, stores.VIRTUOSO_DBA[0])
        monkeypatch_module.setenv(PASSWORD_VAR, stores.VIRTUOSO_DBA[1])
    else:
        monkeypatch_module.delenv(USER_VAR, raising=False)
    return running


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def loaded(store, dist):
    """The store after one `nkelections load --replace` from the CLI (exit code checked)."""
    assert main(["load", "--endpoint", store.query, "--dist", str(dist), "--replace"]) == 0
    return store


def expected_counts(dist: Path) -> dict[str, int]:
    return {g: len(t) for g, t in stores.graphs_of(dist / "nkelections.nq").items()}


def test_load_gives_the_counts_of_dist_also_after_a_second_load(loaded, dist):
    expected = expected_counts(dist)
    assert set(expected) >= {
        "https://w3id.org/nkelections/graph/data",
        "https://w3id.org/nkelections/graph/ontology",
    }
    for _ in range(2):  # merging the same graphs again adds nothing
        report = load(dist / "nkelections.nq", loaded.query)
        assert {g.iri: g.after for g in report.graphs} == expected
        assert all(g.before == g.expected for g in report.graphs)


def test_replace_removes_triples_that_are_not_in_dist(loaded, dist):
    graph = "https://w3id.org/nkelections/graph/data"
    client = Client()
    _, urls = endpoints_for(loaded.query, auth=client.authenticated)
    extra = f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:s> <urn:x:p> "stale" }} }}'
    client.request(
        "POST",
        urls.update,
        urllib.parse.urlencode({"update": extra}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    merged = load(dist / "nkelections.nq", loaded.query, graphs=[graph])
    assert merged.graphs[0].after == expected_counts(dist)[graph] + 1
    for method in ("gsp", "update"):
        replaced = load(
            dist / "nkelections.nq", loaded.query, graphs=[graph], replace=True, method=method
        )
        assert replaced.graphs[0].after == expected_counts(dist)[graph]


def test_bulk_load_gives_the_counts_of_dist(tmp_path, dist, capsys):
    """`--bulk` sends Oxigraph's `no_transaction` parameter: its bulk loader fills an empty
    store, and the counts afterwards match dist/ as the transactional load's do."""
    if stores.skip_reason("oxigraph"):
        pytest.skip(stores.skip_reason("oxigraph"))
    with stores.STARTERS["oxigraph"](tmp_path / "oxigraph") as running:
        assert main(["load", "--endpoint", running.query, "--dist", str(dist), "--bulk"]) == 0
        client = _Recording()
        report = load(
            dist / "nkelections.nq", running.query, replace=True, bulk=True, client=client
        )
    assert {g.iri: g.after for g in report.graphs} == expected_counts(dist)
    assert {g.before for g in report.graphs} == {g.expected for g in report.graphs}
    puts = [url for method, url in client.sent if method == "PUT"]
    assert len(puts) == len(report.graphs)
    assert all(
        "no_transaction"
        in urllib.parse.parse_qs(urllib.parse.urlsplit(u).query, keep_blank_values=True)
        for u in puts
    )


class _Recording(Client):
    """A client that notes each request's method and URL."""

    def __init__(self):
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def request(self, method, url, *args, **kwargs):
        self.sent.append((method, url))
        return super().request(method, url, *args, **kwargs)


def test_bulk_asks_oxigraph_for_its_bulk_loader_and_nobody_else():
    assert endpoints_for("http://h:7878/query")[1].bulk == "no_transaction"
    for url in ("http://h:3030/ds/sparql", "http://h:8890/sparql", "http://h:7001/"):
        assert endpoints_for(url)[1].bulk is None, url


@pytest.mark.parametrize(
    "args,message",
    [
        (["--endpoint", "http://127.0.0.1:1/ds/sparql", "--bulk"], "fuseki has no bulk loader"),
        (
            ["--endpoint", "http://127.0.0.1:1/query", "--bulk", "--method", "update"],
            "--bulk goes with the Graph Store Protocol",
        ),
    ],
)
def test_bulk_where_it_cannot_work_is_one_line_before_any_request(args, message, dist, capsys):
    assert main(["load", *args, "--dist", str(dist)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_store_holds_the_same_triples_as_dist(loaded, dist):
    client = Client()
    for graph, triples in stores.graphs_of(dist / "nkelections.nq").items():
        answer = client.select(
            loaded.query, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        got = {tuple(_remote(b[v]) for v in "spo") for b in answer["results"]["bindings"]}
        assert got == {tuple(map(_local, t)) for t in triples}, graph


# Known differences of Virtuoso 7.2 from the embedded store, each a reason (strict xfail: a
# fixed one fails the run so it is taken off this list).
# Its ASK dialect is read by nkelections.query.sparql.ask_answer, and cq-29 spells out
# decimal division.
# cq-10, cq-37 and cq-40 were here: Virtuoso kept superclass rows under
# FILTER NOT EXISTS { ?b a ?narrower . ?narrower rdfs:subClassOf+ ?c }. The build materialises
# every superclass type, so one rdfs:subClassOf step finds a narrower type whenever one exists,
# and all engines agree on that form.
VIRTUOSO_GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def embedded(dist) -> tuple[ox.Store, list[str]]:
    """dist/ in an embedded pyoxigraph store (read only by the tests), and its graph names."""
    store = ox.Store()
    store.load(path=str(dist / "nkelections.nq"), format=ox.RdfFormat.N_QUADS)
    return store, sorted(stores.graphs_of(dist / "nkelections.nq"))


@pytest.mark.parametrize("path", COMPETENCY, ids=[p.stem for p in COMPETENCY])
def test_competency_query_answers_as_embedded(loaded, embedded, path, request):
    if loaded.name == "virtuoso" and path.stem in VIRTUOSO_GAPS:
        request.applymarker(pytest.mark.xfail(reason=VIRTUOSO_GAPS[path.stem], strict=True))
    text = path.read_text(encoding="utf-8")
    store, graphs = embedded
    local = store.query(text, default_graph=[ox.NamedNode(g) for g in graphs])
    if isinstance(local, ox.QueryTriples):
        if DESCRIBE.search(text):
            pytest.skip("DESCRIBE answers are implementation-defined (SPARQL 1.1, 16.4)")
        assert _remote_triples(loaded.query, text, graphs) == Counter(
            tuple(map(_local, t)) for t in local
        )
        return
    remote = Client().select(loaded.query, text, graphs)
    if isinstance(local, ox.QueryBoolean):
        assert remote["boolean"] == bool(local)
        return
    names = [v.value for v in local.variables]
    want = Counter(tuple(_local(s[n]) for n in names) for s in local)
    got = Counter(tuple(_remote(b.get(n)) for n in names) for b in remote["results"]["bindings"])
    assert got == want


def _remote_triples(endpoint: str, text: str, graphs: list[str]) -> Counter:
    fields = [("query", text)] + [
        (k, g) for g in graphs for k in ("default-graph-uri", "named-graph-uri")
    ]
    answer = Client().request(
        "POST",
        endpoint,
        urllib.parse.urlencode(fields).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/n-triples, text/plain;q=0.9",
        },
    )
    return Counter(
        tuple(map(_local, q.triple)) for q in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)
    )


# --- terms, normalised so that stores that spell the same value differently compare equal ---


def _norm(kind: str, value: str, datatype: str | None = None, lang: str | None = None):
    if kind != "literal":
        return (kind, value)
    if GROUP_SEPARATOR in value:  # GROUP_CONCAT's order and language tag are not defined
        return ("literal", GROUP_SEPARATOR.join(sorted(value.split(GROUP_SEPARATOR))), None)
    if lang:
        return ("literal", value, "@" + lang.lower())
    if datatype == XSD + "boolean":
        return ("boolean", value in ("1", "true"))
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(value).normalize())
        except InvalidOperation:
            pass
    return ("literal", value, None if datatype in (None, XSD + "string") else datatype)


def _local(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _norm("literal", term.value, term.datatype.value, term.language)
    return _norm("bnode" if isinstance(term, ox.BlankNode) else "uri", term.value)


def _remote(binding: dict | None):
    if binding is None:
        return None
    kind = {"typed-literal": "literal"}.get(binding["type"], binding["type"])
    return _norm(kind, binding["value"], binding.get("datatype"), binding.get("xml:lang"))


# --- failures: one line, exit 2 ------------------------------------------------------------


def test_unreachable_store_is_one_line_and_exit_2(dist, capsys):
    port = stores.free_port()
    code = main(["load", "--endpoint", f"http://127.0.0.1:{port}/query", "--dist", str(dist)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "cannot reach the store" in err and "Traceback" not in err


def test_refused_write_without_credentials_is_one_line_and_exit_2(
    virtuoso, dist, capsys, monkeypatch
):
    monkeypatch.delenv(USER_VAR, raising=False)
    code = main(["load", "--endpoint", virtuoso.query, "--dist", str(dist)])
    monkeypatch.setenv(USER_VAR, "dba")
    monkeypatch.setenv(PASSWORD_VAR, "not-the-password")
    wrong = main(["load", "--endpoint", virtuoso.query, "--dist", str(dist)])
    err = capsys.readouterr().err.splitlines()
    assert (code, wrong) == (2, 2)
    assert "HTTP 403" in err[0] and USER_VAR in err[0]
    assert "HTTP 401" in err[1]


def test_credentials_are_not_command_line_options():
    with pytest.raises(SystemExit):  # argparse rejects the unknown option
        main(["load", "--endpoint", "http://127.0.0.1:1/query", "--password", "x"])


def test_missing_endpoint_and_bad_url(dist, capsys):
    assert main(["load", "--dist", str(dist)]) == 2
    assert main(["load", "--endpoint", "ftp://x", "--dist", str(dist)]) == 2
    assert "--endpoint URL is required" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url,store,gsp",
    [
        ("http://h:7878/query", "oxigraph", "http://h:7878/store"),
        ("http://h:3030/ds/sparql", "fuseki", "http://h:3030/ds/data"),
        ("http://h:3030/ds/query", "fuseki", "http://h:3030/ds/data"),
        ("http://h:8890/sparql", "virtuoso", "http://h:8890/sparql-graph-crud"),
        (
            "http://h:7200/repositories/nke",
            "graphdb",
            "http://h:7200/repositories/nke/rdf-graphs/service",
        ),
        ("http://h:7001/", "generic", None),
    ],
)
def test_store_detection(url, store, gsp):
    assert detect_store(url) == store
    assert endpoints_for(url)[1].gsp == gsp


# --- retries -------------------------------------------------------------------------------


class _Flaky(http.server.BaseHTTPRequestHandler):
    script: list = []
    seen: list = []

    def do_PUT(self):
        self.seen.append(self.command)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        action = self.script.pop(0) if self.script else 204
        if action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
            self.connection.close()
            return
        self.send_response(action)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    "script,ok", [([503, "reset", 502], True), ([503] * 9, False), ([400], False)]
)
def test_transient_errors_are_retried_with_backoff(script, ok):
    _Flaky.script, _Flaky.seen = list(script), []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(timeout=5, retries=3, backoff=0.01)
        url = f"http://127.0.0.1:{server.server_port}/store?graph=urn:g"
        if ok:
            assert client.request("PUT", url, b"").status == 204
            assert len(_Flaky.seen) == 4
        else:
            with pytest.raises(StoreError):
                client.request("PUT", url, b"")
            assert len(_Flaky.seen) == (4 if script[0] == 503 else 1)
    finally:
        server.shutdown()
        server.server_close()


VIRTUOSO_ASK = (
    '{ "head": { "link": [], "vars": ["__ASK_RETVAL"] }, "results": { "distinct": '
    'false, "ordered": true, "bindings": [%s] } }'
)
VIRTUOSO_TRUE = (
    '{ "__ASK_RETVAL": { "type": "typed-literal", "datatype": '
    '"http://www.w3.org/2001/XMLSchema#integer", "value": "1" }}'
)


@pytest.mark.parametrize(
    "body, expected",
    [
        (VIRTUOSO_ASK % VIRTUOSO_TRUE, True),  # what Virtuoso 7.2 sends for a true ASK
        (VIRTUOSO_ASK % "", False),  # and for a false one
        ('{"head": {}, "boolean": false}', False),
        ('{"head": {}, "boolean": true}', True),
    ],
)
def test_ask_answers_in_virtuosos_dialect_read_as_booleans(body, expected):
    from nkelections.query.sparql import ask_answer

    assert ask_answer(json.loads(body)) == {"head": {}, "boolean": expected} or (
        ask_answer(json.loads(body))["boolean"] is expected
    )


def test_a_select_is_not_mistaken_for_an_ask():
    from nkelections.query.sparql import ask_answer

    select = {"head": {"vars": ["x"]}, "results": {"bindings": []}}
    assert ask_answer(select) is select
