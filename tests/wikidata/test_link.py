"""The linker and the federated queries, against a real Oxigraph server on 127.0.0.1 loaded with
the Wikidata-shaped fixture in tests/fixtures/wikidata/ (test-only item namespace)."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef

import clirun
from nkelections.build.pipeline import Paths
from nkelections.curation.links import Links
from nkelections.curation.ontology import Ontology
from nkelections.rdf.namespaces import DATA_GRAPH, NKR, ONTOLOGY_GRAPH, SCHEMA
from nkelections.wikidata.propose import Client, candidate_query, propose, sparql_string, user_agent

FIXTURE = Path(__file__).parents[1] / "fixtures" / "wikidata"
NS = "http://wikidata.fixture.invalid/entity/"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
HOSTILE = [
    'Evil "} ; DROP ALL ; { \\ name\nline',
    '"} UNION { ?item ?p ?o } #',
    'x" . } } SELECT * WHERE { ?s ?p ?o } #',
    "tab\there 'single' {braces}",
]
pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    port, loc = _free_port(), tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(loc / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                req = urllib.request.Request(
                    f"{base}/store?default",
                    method="POST",
                    data=(FIXTURE / "items.ttl").read_bytes(),
                    headers={"Content-Type": "text/turtle"},
                )
                urllib.request.urlopen(req, timeout=5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the Oxigraph server did not start")
        yield f"{base}/query"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def proposals(built, root, endpoint, tmp_path_factory):
    """The linker run over every entity of the real graph, as if none were linked."""
    data = Graph()
    for triple in built.dataset.graph(DATA_GRAPH):
        if triple[1] != SCHEMA.sameAs:
            data.add(triple)
    ontology = Ontology.load(Paths(root).ontology)
    classes = yaml.safe_load((FIXTURE / "classes.yaml").read_text())
    countries = set(classes.pop("countries"))
    client = Client(endpoint, tmp_path_factory.mktemp("cache"))
    return propose(
        data,
        Links(),
        client,
        lambda t: {t} | ontology.superclasses.get(t, set()),
        NS,
        classes,
        countries,
    )


def test_chosen_links_are_all_correct(proposals):
    expected = yaml.safe_load((FIXTURE / "expected.yaml").read_text())
    chosen = {p.entity: p.qid for p in proposals if p.decision == "propose"}
    abstained = [p.entity for p in proposals if p.decision == "abstain"]
    wrong = {e: q for e, q in chosen.items() if expected.get(e, "absent") != q}
    assert not wrong, f"wrong links: {wrong}"
    present = {p.entity for p in proposals}
    must = {e for e, q in expected.items() if q and e in present}
    assert must <= set(chosen), f"missed: {sorted(must - set(chosen))}"
    assert len(chosen) >= 5 and len(chosen) + len(abstained) == len(proposals)


def test_abstains_on_namesakes_and_look_alikes(proposals):
    by = {p.entity: p for p in proposals}
    assert by["park-young-ja"].decision == "abstain" and "close" in by["park-young-ja"].reason
    assert by["fox-news"].decision == "abstain"
    assert by["kim-jong-un"].qid == "Q9000101"  # not the namesake from another country
    assert by["kang-ji-won"].qid == "Q9000103"  # the person, not the place of the same name


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_cannot_change_the_query(label):
    """A label matches only the item with exactly that label, and selects nothing else."""
    import pyoxigraph as ox

    store = ox.Store()
    item, other = ox.NamedNode(NS + "Q1"), ox.NamedNode(NS + "Q2")
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(ox.Quad(item, rdfs_label, ox.Literal(label, language="en")))
    store.add(ox.Quad(other, rdfs_label, ox.Literal("plain", language="en")))
    rows = list(store.query(candidate_query([label])))
    assert {row["item"].value for row in rows} == {NS + "Q1"}
    assert len(candidate_query([label]).split("VALUES")) == 2


def test_hostile_labels_against_the_server(endpoint, tmp_path):
    client = Client(endpoint, None)
    rows = client.select(candidate_query([HOSTILE[0]]))
    assert {r["item"] for r in rows} == {NS + "Q9000999"}  # the literal matched as a whole
    for label in HOSTILE[1:]:
        assert client.select(candidate_query([label])) == []


def test_sparql_string_escapes():
    assert sparql_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert sparql_string("\x01") == '"\\u0001"'


def test_answers_are_cached_on_disk(endpoint, tmp_path):
    client = Client(endpoint, tmp_path)
    first = client.select(candidate_query(["North Korea"]))
    assert len(list(tmp_path.glob("*.json"))) == 1
    offline = Client(endpoint, tmp_path)
    offline._fetch = lambda q: pytest.fail("the cache was not used")
    assert offline.select(candidate_query(["North Korea"])) == first


class _TooMany(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.hits.append(self.headers.get("User-Agent", ""))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if len(self.hits) == 1:
            self.send_response(429)
            self.send_header("Retry-After", "7")
            self.end_headers()
            return
        body = json.dumps(
            {
                "head": {"vars": ["item"]},
                "results": {"bindings": [{"item": {"type": "uri", "value": NS + "Q1"}}]},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_honours_429_retry_after_and_sends_user_agent(monkeypatch):
    monkeypatch.setenv("NKELECTIONS_CONTACT", "https://example.org/contact")
    server = http.server.HTTPServer(("127.0.0.1", 0), _TooMany)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    slept: list[float] = []
    try:
        client = Client(f"http://127.0.0.1:{server.server_port}/sparql", None, sleep=slept.append)
        rows = client.select("SELECT ?item WHERE { ?item ?p ?o }")
    finally:
        server.shutdown()
    assert rows == [{"item": NS + "Q1"}] and slept == [7.0]
    assert all(
        ua.startswith("nkelections/") and "example.org/contact" in ua for ua in _TooMany.hits
    )
    assert user_agent().startswith("nkelections/")


def test_link_command_writes_review_file(root, endpoint, tmp_path, dist):
    out = tmp_path / "review.yaml"
    cmd = [
        "link",
        "--endpoint",
        endpoint,
        "--entity-namespace",
        NS,
        "--classes",
        str(FIXTURE / "classes.yaml"),
        "--cache",
        str(tmp_path / "cache"),
        "--output",
        str(out),
        "--dist",
        str(dist),
    ]
    done = clirun.run(cmd, cwd=root, timeout=300, text=True)
    assert done.returncode == 0, done.stderr
    doc = yaml.safe_load(out.read_text())
    assert doc["proposed"] + doc["abstained"] == len(doc["proposals"])
    assert all(p["reason"] for p in doc["proposals"])
    bad = clirun.run(cmd[:2] + ["not-a-url"], cwd=root, timeout=300, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def linked_store(built, proposals):
    """Our graph with the linker's fixture links in place of the real ones (test only)."""
    import pyoxigraph as ox

    store = ox.Store()
    graph = Graph()
    for name in (DATA_GRAPH, ONTOLOGY_GRAPH):
        for s, p, o in built.dataset.graph(name):
            if p != SCHEMA.sameAs:
                graph.add((s, p, o))
    for prop in proposals:
        if prop.decision == "propose":
            graph.add((NKR[prop.entity], SCHEMA.sameAs, URIRef(NS + prop.qid)))
    store.load(graph.serialize(format="nt").encode(), ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize(
    "path", sorted(Path(__file__).parents[2].glob("queries/federated-*.rq")), ids=lambda p: p.name
)
def test_federated_queries_run_against_the_fixture(linked_store, endpoint, path):
    text = path.read_text(encoding="utf-8")
    assert "SERVICE <https://query.wikidata.org/sparql>" in text and "ORDER BY" in text
    result = linked_store.query(text.replace("https://query.wikidata.org/sparql", endpoint))
    names = [v.value for v in result.variables]
    rows = [[row[n] for n in names] for row in result]
    # a row with every variable bound holds values that only the fixture server can supply
    assert any(all(v is not None for v in row) for row in rows), f"{path.name}: {rows}"
    values = {v.value for row in rows for v in row if v is not None}
    assert any(v.startswith(NS) for v in values)


def test_every_kind_is_covered_and_korean_names_match(proposals):
    by = {p.entity: p for p in proposals}
    assert by["workers-party-of-korea"].qid == "Q9000701"  # the fixture knows only 조선로동당
    assert {"other", "body", "person"} <= {p.kind for p in proposals}
    assert "juche" in by and "kinu-co-23-37" in by  # an idea and a document are looked up too
    assert by["wikipedia-2023-north-korean-local-elections"].decision == "abstain"
    assert by["election-2023-local"].qid == "Q9000601"  # the article is named like the election


def test_an_item_proposed_twice_stays_with_the_type_checked_entity():
    from nkelections.wikidata.propose import Proposal, _one_entity_per_item

    def proposal(entity, kind):
        return Proposal(entity, kind, "propose", "Q1", 0.9, "name similarity 1.00", [])

    kept = _one_entity_per_item(
        [proposal("an-election", "election"), proposal("an-article", "other")], {"election": ["Q5"]}
    )
    assert [(p.entity, p.decision, p.qid) for p in kept] == [
        ("an-election", "propose", "Q1"),
        ("an-article", "abstain", None),
    ]
    assert "also the best match for an-election" in kept[1].reason
    both = _one_entity_per_item([proposal("a", "other"), proposal("b", "other")], {})
    assert all(p.decision == "abstain" for p in both)
