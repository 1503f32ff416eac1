"""`load` when the store misbehaves: a redirect to another origin gets no credentials, and a
store killed half-way through replacing a graph still holds the old graph afterwards."""

from __future__ import annotations

import http.server
import threading

import pytest

import stores
from nkelections.cli.main import main
from nkelections.errors import StoreError
from nkelections.publish.http import PASSWORD_VAR, USER_VAR, Client
from nkelections.publish.load import load, staging_graph

DATA_GRAPH = "https://w3id.org/nkelections/graph/data"


class _Other(http.server.BaseHTTPRequestHandler):
    """Another origin: asks for Basic credentials and notes every request it gets."""

    seen: list = []

    def do_any(self):
        self.seen.append((self.command, self.headers.get("Authorization")))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="other"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_HEAD = do_any

    def log_message(self, *args):
        pass


class _Redirecting(http.server.BaseHTTPRequestHandler):
    """The store: asks for credentials, then sends everything to the other origin."""

    target = ""

    def do_any(self):
        if self.headers.get("Content-Length"):
            self.rfile.read(int(self.headers["Content-Length"]))
        if not self.headers.get("Authorization"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
        else:
            self.send_response(303)
            self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_HEAD = do_any

    def log_message(self, *args):
        pass


@pytest.fixture()
def two_origins():
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), h) for h in (_Redirecting, _Other)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    _Other.seen = []
    _Redirecting.target = f"http://127.0.0.1:{servers[1].server_address[1]}"
    yield f"http://127.0.0.1:{servers[0].server_address[1]}"
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_redirect_to_another_origin_gets_no_credentials(two_origins, dist, capsys, monkeypatch):
    monkeypatch.setenv(USER_VAR, "admin")
    monkeypatch.setenv(PASSWORD_VAR, "secret")
    code = main(["load", "--endpoint", two_origins + "/query", "--dist", str(dist)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "redirected to another origin" in err
    assert _Other.seen == [], "a request followed the redirect to the other origin"


@pytest.fixture()
def oxigraph_dir(tmp_path):
    reason = stores.skip_reason("oxigraph")
    if reason:
        pytest.skip(reason)
    return tmp_path / "oxigraph"


class _KillsTheStore(Client):
    """A client that kills the store's process before its nth SPARQL Update request."""

    def __init__(self, process, nth: int):
        super().__init__(timeout=10, retries=0)
        self.process, self.nth, self.updates = process, nth, 0

    def request(self, method, url, body=None, *args, **kwargs):
        if url.endswith("/update"):
            self.updates += 1
            if self.updates == self.nth:
                self.process.kill()
                self.process.wait(10)
        return super().request(method, url, body, *args, **kwargs)


def test_a_store_killed_mid_replace_keeps_the_old_graph(oxigraph_dir, dist):
    nquads = dist / "nkelections.nq"
    expected = len(stores.graphs_of(nquads)[DATA_GRAPH])
    assert expected > 3000  # several chunks, so the kill falls between them
    with stores.oxigraph(oxigraph_dir) as running:
        load(nquads, running.query, graphs=[DATA_GRAPH])
        with pytest.raises(StoreError) as error:
            load(
                nquads,
                running.query,
                graphs=[DATA_GRAPH],
                replace=True,
                method="update",
                client=_KillsTheStore(running.process, nth=4),
            )
    message = str(error.value)
    assert f"graph {DATA_GRAPH} is as it was" in message and staging_graph(DATA_GRAPH) in message
    with stores.oxigraph(oxigraph_dir) as again:
        from nkelections.publish.load import count

        assert count(Client(), again.query, DATA_GRAPH) == expected


def test_replace_by_update_leaves_no_staging_graph(oxigraph_dir, dist):
    nquads = dist / "nkelections.nq"
    with stores.oxigraph(oxigraph_dir) as running:
        report = load(nquads, running.query, graphs=[DATA_GRAPH], replace=True, method="update")
        from nkelections.publish.load import count

        assert report.graphs[0].after == report.graphs[0].expected
        assert count(Client(), running.query, staging_graph(DATA_GRAPH)) == 0


@pytest.mark.parametrize(
    "url,needle",
    [
        ("http://127.0.0.1:7878/q uery", "space"),
        ("http://127.0.0.1:99999/query", "not a usable URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("http:///query", "not an http(s) URL"),
    ],
)
def test_bad_endpoint_urls_are_one_line(url, needle, dist, capsys):
    assert main(["load", "--endpoint", url, "--dist", str(dist)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


def test_a_graph_is_split_to_lines_in_one_pass_and_read_back_the_same(dist, tmp_path):
    """The load sends each graph from its own N-Triples file (split_graphs): the lines hold
    exactly the graph's triples, and a graph with a blank node says so."""
    import pyoxigraph as ox

    from nkelections.publish.load import split_graphs

    nquads = dist / "nkelections.nq"
    want = stores.graphs_of(nquads)
    got = split_graphs(nquads, tmp_path)
    assert [g.iri for g in got] == list(want)
    for graph in got:
        read = [q.triple for q in ox.parse(graph.path.read_bytes(), format=ox.RdfFormat.N_TRIPLES)]
        assert graph.triples == len(read) == len(want[graph.iri])
        assert set(read) == set(want[graph.iri]) and not graph.blank_nodes
        assert "".join(graph.chunks(1000)).encode() == graph.path.read_bytes()
    odd = tmp_path / "blank.nq"
    odd.write_text('_:b <http://x/p> "1" <http://x/g> .\n', encoding="utf-8")
    (tmp_path / "odd").mkdir()
    (blank,) = split_graphs(odd, tmp_path / "odd")
    assert blank.blank_nodes and blank.triples == 1
