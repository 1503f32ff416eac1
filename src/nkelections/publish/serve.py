"""A read-only SPARQL 1.1 Protocol endpoint and linked-data server over the built graph.

Paths mirror the namespace: /id/x answers for https://w3id.org/nkelections/id/x, /ontology for
the ontology, /sparql is the endpoint, / the query page. Queries run in worker processes
(pool.py) with a time limit and a row limit; the workers check each query (updates are
refused, and SERVICE too unless allowed: guard.py). Bodies are read only up to MAX_BODY with a
Content-Length, idle connections time out, and a client that goes away costs one log line.
Standard library http.server only.
"""

from __future__ import annotations

import http.server
import re
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from nkelections.layout import ontology_html
from nkelections.publish import pages, query_page
from nkelections.publish.answers import GRAPH_TYPES, negotiate, write_graph
from nkelections.publish.linked import Linked, LinkedAnswer, alternates, wants_rdf
from nkelections.publish.pool import Answer, QueryPool, open_store, store_location
from nkelections.query.guard import UPDATE_REFUSED
from nkelections.rdf.namespaces import BASE, ONTOLOGY_GRAPH

RDF_TYPES = tuple(GRAPH_TYPES)
FORMAT_PARAM = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "html": "text/html",
}
MAX_BODY = 1 << 20
MAX_FIELDS = 100  # form fields or URL parameters of one request
READ_TIMEOUT = 20.0  # default seconds a connection may stay silent, idle or mid-request
_LENGTH = re.compile(r"[0-9]{1,18}")
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass(frozen=True)
class Config:
    dist: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    limit: int = 10000
    workers: int = 2
    allow_service: bool = False
    read_timeout: float = READ_TIMEOUT
    queue_timeout: float = 60.0


class Site:
    """What the handler needs: the query pool, a store for resource pages, the docs."""

    def __init__(self, config: Config):
        self.config = config
        location = store_location(config.dist)  # one on-disk store, read by every process
        self.store = open_store(location)
        self.pool = QueryPool(
            location, config.workers, config.timeout, config.allow_service, config.queue_timeout
        )
        self.docs = ontology_html(config.dist)
        self.linked = Linked(self.store, config.dist)

    def sparql(self, text: str, accept: str | None) -> Answer:
        """The worker parses, checks and runs it: nothing here looks inside the text."""
        return self.pool.run(text, accept, self.config.limit)

    def resource(self, iri: str, accept: str | None) -> Answer:
        try:
            node = ox.NamedNode(urllib.parse.unquote(iri))
        except ValueError:
            return _text(404, f"not an IRI: {iri}")
        triples = describe(self.store, node)
        if not triples:
            return _text(404, f"nothing is known about {iri}")
        media = negotiate(accept, ("text/html", *RDF_TYPES))
        if media is None:
            return _text(406, "acceptable: text/html, " + ", ".join(RDF_TYPES))
        body = (
            pages.resource_page(self.store, node.value)
            if media == "text/html"
            else write_graph(triples, media)
        )
        kind = "text/html; charset=utf-8" if media == "text/html" else media
        return LinkedAnswer(200, kind, body, links=alternates(pages.local_link(node.value)))

    def ontology(self, accept: str | None) -> Answer:
        media = negotiate(accept, ("text/html", *RDF_TYPES))
        if media == "text/html":
            if not self.docs.is_file():
                return _text(404, "no ontology documentation in dist/docs/; run the build")
            return Answer(200, "text/html; charset=utf-8", self.docs.read_bytes())
        if media is None:
            return _text(406, "acceptable: text/html, " + ", ".join(RDF_TYPES))
        graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
        triples = [q.triple for q in self.store.quads_for_pattern(None, None, None, graph)]
        return Answer(200, media, write_graph(triples, media))

    def query_page(self) -> Answer:
        from nkelections.layout import project_root

        return Answer(
            200, "text/html; charset=utf-8", query_page.query_page(project_root() / "queries")
        )

    def static(self, name: str) -> Answer:
        found = query_page.static_file(name)
        if found is None:
            return _text(404, f"no such file: {name}")
        return Answer(200, found[1], found[0])

    def close(self) -> None:
        self.pool.close()


def describe(store: ox.Store, node: ox.NamedNode) -> list[ox.Triple]:
    """The resource's own triples, and those of the facts about it with their evidence (its
    targets and selectors).

    Point lookups, not one CONSTRUCT: the engine evaluated that query's UNION of evidence
    branches for every piece of evidence before joining, so a deputy's page read the whole
    graph (1.1 s of CPU at 0.1x on the on-disk store, bench/serve_compare.py)."""
    found: dict[ox.Triple, None] = {}
    _add_subject(store, node, found)
    for fact in _facts_about(store, node):
        _add_subject(store, fact, found)
        for evidence in _objects(store, fact, PROV_DERIVED):
            _add_subject(store, evidence, found)
            for target in _objects(store, evidence, OA_TARGET):
                _add_subject(store, target, found)
                for selector in _objects(store, target, OA_SELECTOR):
                    _add_subject(store, selector, found)
    return list(found)


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
NKE_FACT = ox.NamedNode("https://w3id.org/nkelections/ontology#Fact")
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
OA_TARGET = ox.NamedNode("http://www.w3.org/ns/oa#hasTarget")
OA_SELECTOR = ox.NamedNode("http://www.w3.org/ns/oa#hasSelector")


def _add_subject(store: ox.Store, subject, found: dict) -> None:
    for quad in store.quads_for_pattern(subject, None, None):  # every graph: their union
        found.setdefault(quad.triple)


def _objects(store: ox.Store, subject, predicate) -> dict:
    return dict.fromkeys(q.object for q in store.quads_for_pattern(subject, predicate, None))


def _facts_about(store: ox.Store, node: ox.NamedNode) -> dict:
    """Statements whose rdf:subject is node, and facts that point at it by any property."""
    facts = dict.fromkeys(q.subject for q in store.quads_for_pattern(None, RDF_SUBJECT, node))
    for quad in store.quads_for_pattern(None, None, node):
        if quad.subject not in facts and next(
            store.quads_for_pattern(quad.subject, RDF_TYPE, NKE_FACT), None
        ):
            facts[quad.subject] = None
    return facts


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())


class Handler(http.server.BaseHTTPRequestHandler):
    site: Site
    server_version = "nkelections"
    protocol_version = "HTTP/1.1"
    timeout = READ_TIMEOUT

    def do_GET(self) -> None:
        self.guarded(self.route_get)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        self.guarded(self.route_post)

    def guarded(self, route) -> None:
        try:
            route()
        except GONE:
            raise
        except ValueError as exc:  # e.g. a form with more fields than parse_qs takes
            self.close_connection = True
            self.reply(_text(400, f"the request cannot be read: {exc}"))
        except Exception as exc:  # one bad request must not kill the thread's connection
            self.reply(_text(500, f"internal error: {type(exc).__name__}: {exc}"))

    def route_get(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, max_num_fields=MAX_FIELDS)
        accept = FORMAT_PARAM.get(params.get("format", [""])[0]) or self.headers.get("Accept")
        path = url.path
        if path == "/sparql" and "update" in params:
            self.reply(_text(403, UPDATE_REFUSED))
        elif path == "/sparql" and "query" in params:
            self.reply(self.site.sparql(params["query"][0], accept))
        elif path == "/sparql" and wants_rdf(accept):
            self.reply(self.site.linked.service(accept))
        elif path in ("/", "/sparql"):
            self.reply(self.site.query_page())
        elif path == "/favicon.ico":  # browsers ask on every page; say there is none, quietly
            self.reply(Answer(204, "image/x-icon", b""))
        elif path.startswith("/static/yasgui/"):
            self.reply(self.site.static(path.removeprefix("/static/yasgui/")))
        elif path in ("/ontology", "/ontology/"):
            self.reply(self.site.ontology(accept))
        elif path in ("/dataset", "/.well-known/void"):
            self.reply(self.site.linked.dataset(accept, "/dataset"))
        elif path.startswith("/dataset/"):
            self.reply(self.site.linked.download(path.removeprefix("/dataset/")))
        elif path.startswith("/graph/"):
            self.reply(self.site.linked.graph(path.removeprefix("/graph/"), accept, path))
        elif path.startswith(("/id/", "/vocab/")):
            self.reply(self.site.resource(BASE + path[1:], accept))
        else:
            self.reply(_text(404, f"no such page: {path}"))

    def route_post(self) -> None:
        if urllib.parse.urlsplit(self.path).path != "/sparql":
            return self.reply(_text(405, "POST only to /sparql"))
        body = self.read_body()
        if isinstance(body, Answer):
            self.close_connection = True  # the unread body must not be taken for a request
            return self.reply(body)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-query":
            text = body
        elif kind == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body, max_num_fields=MAX_FIELDS)
            if "update" in form:
                return self.reply(_text(403, UPDATE_REFUSED))
            text = form.get("query", [""])[0]
        elif kind == "application/sparql-update":
            return self.reply(_text(403, UPDATE_REFUSED))
        else:
            return self.reply(_text(415, "send application/sparql-query or a form"))
        self.reply(self.site.sparql(text, self.headers.get("Accept")))

    def read_body(self) -> str | Answer:
        """The body, when its Content-Length is one decimal number up to MAX_BODY; else the
        refusal to send (chunked, missing, negative, non-numeric, too large, cut short)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return _text(411, "send the body with a Content-Length, not chunked")
        lengths = set(self.headers.get_all("Content-Length") or [])
        if not lengths:
            return _text(411, "a POST needs a Content-Length")
        length = lengths.pop().strip()
        if lengths or not _LENGTH.fullmatch(length):
            return _text(400, "the Content-Length is not one number of bytes")
        if int(length) > MAX_BODY:
            return _text(413, f"the request is larger than {MAX_BODY} bytes")
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            return _text(400, "the body is shorter than its Content-Length")
        return body.decode("utf-8", "replace")

    def do_PUT(self) -> None:
        self.reply(_text(405, "this endpoint is read-only"))

    do_DELETE = do_PATCH = do_PUT

    def reply(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Vary", "Accept")
        if answer.truncated:
            self.send_header("X-Result-Truncated", "true")
        if answer.retry_after is not None:
            self.send_header("Retry-After", str(answer.retry_after))
        if self.close_connection:
            self.send_header("Connection", "close")
        for link in getattr(answer, "links", ()):
            self.send_header("Link", link)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args) -> None:
        pass  # quiet; the command prints one line at start


class _Server(http.server.ThreadingHTTPServer):
    # The default backlog of 5 drops connections under load; clients then wait for a SYN
    # retransmit (1 s, 3 s), which shows up as a p99 of seconds.
    request_queue_size = 128
    max_connections = 512  # each holds a thread; beyond this a new one is closed at once

    def __init__(self, *args, **kwargs) -> None:
        # this server's own connections, counted (the process's threads come and go with
        # other work: the pool's, a caller's)
        self._open = 0
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            full = self._open >= self.max_connections
            if not full:
                self._open += 1
        if full:
            self.shutdown_request(request)
            print(
                f"nkelections serve: refused a connection from {client_address[0]}: "
                f"{self.max_connections} are open",
                file=sys.stderr,
                flush=True,
            )
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started: the connection is not open
            self._closed()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._closed()

    def _closed(self) -> None:
        with self._open_lock:
            self._open -= 1

    def handle_error(self, request, client_address) -> None:
        """One line on stderr, never a traceback: a client that goes away or stays silent
        is normal on a public endpoint."""
        kind, exc, _ = sys.exc_info()
        host = client_address[0] if client_address else "?"
        what = (
            "went away or fell silent"
            if isinstance(exc, GONE)
            else f"failed: {kind.__name__ if kind else 'error'}: {exc}"
        )
        print(f"nkelections serve: a request from {host} {what}", file=sys.stderr, flush=True)


def make_server(config: Config) -> tuple[http.server.ThreadingHTTPServer, Site]:
    """A server bound to config.host:config.port (not yet serving). Close site when done."""
    site = Site(config)
    # socketserver's StreamRequestHandler gives each connection's socket the class's timeout
    handler = type("BoundHandler", (Handler,), {"site": site, "timeout": config.read_timeout})
    try:
        server = _Server((config.host, config.port), handler)
    except (OSError, OverflowError) as exc:
        site.close()
        from nkelections.errors import StoreError

        raise StoreError(
            f"cannot listen on {config.host}:{config.port}: "
            f"{getattr(exc, 'strerror', None) or exc}",
            hint="choose another --port",
        ) from None
    server.daemon_threads = True
    return server, site
