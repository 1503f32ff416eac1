"""Load the built dataset into a SPARQL 1.1 store, keeping its named graphs.

Each named graph goes with the Graph Store HTTP Protocol (PUT replaces the graph, POST merges
into it); where the store has no such endpoint, with SPARQL 1.1 Update (DROP SILENT GRAPH,
then INSERT DATA in chunks). Afterwards a COUNT query per graph checks the result. The data
has no blank nodes, so merging the same graph twice adds nothing: loading is idempotent.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from nkelections.errors import StoreError
from nkelections.publish.http import Client
from nkelections.query.sparql import http_url

CHUNK = 1000  # triples per INSERT DATA request
METHODS = ("auto", "gsp", "update")


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers queries, updates and the Graph Store Protocol (None: it has none)."""

    query: str
    update: str | None
    gsp: str | None
    bulk: str | None = None  # the GSP URL parameter that asks for the store's bulk loader


@dataclass
class GraphLoad:
    iri: str
    expected: int
    before: int = 0
    after: int = 0
    method: str = ""


@dataclass
class LoadReport:
    endpoints: Endpoints
    store: str
    graphs: list[GraphLoad] = field(default_factory=list)


# --- which store, and where its endpoints are ----------------------------------------------


def _base(url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path.rstrip("/")


def _oxigraph(url: str, auth: bool) -> Endpoints:
    root = _path(url)[: -len("/query")]
    # `no_transaction` makes Oxigraph's server use its bulk loader (about 3x faster, not atomic)
    return Endpoints(
        url, _base(url, root + "/update"), _base(url, root + "/store"), bulk="no_transaction"
    )


def _fuseki(url: str, auth: bool) -> Endpoints:
    dataset = re.sub(r"/(sparql|query)$", "", _path(url))
    return Endpoints(url, _base(url, dataset + "/update"), _base(url, dataset + "/data"))


def _virtuoso(url: str, auth: bool) -> Endpoints:
    suffix = "-auth" if auth else ""
    return Endpoints(url, _base(url, "/sparql" + suffix), _base(url, "/sparql-graph-crud" + suffix))


def _graphdb(url: str, auth: bool) -> Endpoints:
    repo = _path(url)
    return Endpoints(
        url, _base(url, repo + "/statements"), _base(url, repo + "/rdf-graphs/service")
    )


def _generic(url: str, auth: bool) -> Endpoints:
    return Endpoints(url, url, None)


# Stores by name: how to recognise the query endpoint's URL, and where the others are.
# Order matters for detection; 'generic' (SPARQL Update on the same URL, e.g. QLever) is last.
STORES: dict[str, tuple[str, Callable[[str, bool], Endpoints]]] = {
    "oxigraph": (r"^/query$", _oxigraph),
    "virtuoso": (r"^/sparql(-auth)?$", _virtuoso),
    "fuseki": (r"^/[^/]+/(sparql|query)$", _fuseki),
    "graphdb": (r"/repositories/[^/]+$", _graphdb),
    "generic": (r".*", _generic),
}


def detect_store(url: str) -> str:
    path = _path(url)
    return next(name for name, (pattern, _) in STORES.items() if re.search(pattern, path))


def endpoints_for(
    url: str,
    store: str | None = None,
    gsp: str | None = None,
    update: str | None = None,
    auth: bool = False,
) -> tuple[str, Endpoints]:
    http_url(url)
    for option, given in (("--gsp", gsp), ("--update", update)):
        if given is not None:
            http_url(given, option)
    name = store or detect_store(url)
    found = STORES[name][1](url, auth)
    return name, Endpoints(url, update or found.update, gsp or found.gsp, found.bulk)


# --- the data ------------------------------------------------------------------------------


@dataclass
class GraphLines:
    """One named graph of the file as N-Triples lines in a file of its own: a graph is sent
    from its lines, so no more than one graph's text is in memory at once (holding every
    triple as an object took 2.3 GiB at full scale)."""

    iri: str
    path: Path
    triples: int = 0
    blank_nodes: bool = False

    def chunks(self, size: int) -> Iterator[str]:
        """The lines, `size` at a time, each group as one text."""
        with self.path.open(encoding="utf-8") as lines:
            while group := list(islice(lines, size)):
                yield "".join(group)


def split_graphs(path: Path, folder: Path, only: list[str] | None = None) -> list[GraphLines]:
    """The named graphs of an N-Quads file, by IRI, each written as N-Triples into `folder`
    in one pass over the file; optionally only some of them."""
    if not path.is_file():
        raise StoreError(f"{path} does not exist", hint="run `nkelections build` first")
    graphs: dict[str, GraphLines] = {}
    files: dict[str, TextIO] = {}
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name
            if not isinstance(name, ox.NamedNode):
                raise StoreError(
                    "the dataset has triples outside its named graphs",
                    where=str(path),
                    hint="rebuild with `nkelections build`",
                )
            graph = graphs.get(name.value)
            if graph is None:
                graph = graphs[name.value] = GraphLines(name.value, folder / f"{len(graphs)}.nt")
                files[name.value] = graph.path.open("w", encoding="utf-8", newline="\n")
            files[name.value].write(f"{quad.triple} .\n")
            graph.triples += 1
            if not graph.blank_nodes:
                graph.blank_nodes = isinstance(quad.subject, ox.BlankNode) or isinstance(
                    quad.object, ox.BlankNode
                )
    except SyntaxError as exc:
        raise StoreError(f"not valid N-Quads: {exc}", where=str(path)) from None
    finally:
        for out in files.values():
            out.close()
    if only:
        missing = [g for g in only if g not in graphs]
        if missing:
            raise StoreError(
                f"the dataset has no graph {missing[0]}",
                hint="graphs: " + ", ".join(sorted(graphs)),
            )
        return [graphs[g] for g in only]
    return [graphs[g] for g in sorted(graphs)]


# --- loading -------------------------------------------------------------------------------


def count(client: Client, endpoint: str, graph: str) -> int:
    answer = client.select(
        endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    try:
        return int(answer["results"]["bindings"][0]["n"]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise StoreError(f"{endpoint} gave no count for graph {graph}") from None


def put_graph(
    client: Client, gsp: str, graph: str, body: Path, replace: bool, bulk: str | None = None
) -> bool:
    """Send one graph, streamed from its N-Triples file, with the Graph Store Protocol; False
    when the store lacks it."""
    params = {"graph": graph, **({bulk: ""} if bulk else {})}
    url = gsp + ("&" if "?" in gsp else "?") + urllib.parse.urlencode(params)
    # N-Triples is Turtle; text/turtle is the one type every GSP implementation accepts.
    answer = client.request(
        "PUT" if replace else "POST",
        url,
        body,
        {"Content-Type": "text/turtle; charset=utf-8"},
        ok_missing=True,
    )
    return answer.status < 400


def update_graph(client: Client, update: str, graph: str, lines: GraphLines, replace: bool) -> None:
    """Send one graph with SPARQL 1.1 Update, in chunks of CHUNK triples. To replace it, the
    chunks fill a staging graph that one MOVE then puts in its place: a failure on the way
    leaves the old graph as it was, never empty or half-filled."""
    target = staging_graph(graph) if replace else graph
    try:
        if replace:
            _update(client, update, f"DROP SILENT GRAPH <{target}>")
        for body in lines.chunks(CHUNK):
            _update(client, update, f"INSERT DATA {{ GRAPH <{target}> {{\n{body}}} }}")
    except StoreError as exc:
        raise StoreError(
            f"{exc.message}; {_state_after_failure(client, update, graph, target)}",
            where=exc.where,
            hint=exc.hint,
        ) from None
    if replace:
        try:
            _update(client, update, f"MOVE SILENT GRAPH <{target}> TO GRAPH <{graph}>")
        except StoreError as exc:
            raise StoreError(
                f"{exc.message}; the one request that replaces graph {graph} "
                f"failed, so the store holds it as before, or wholly new (the "
                f"count check tells); the new triples may remain in {target}",
                hint=exc.hint,
            ) from None


def staging_graph(graph: str) -> str:
    """Where a replacement of graph is filled before it is moved in place."""
    return "urn:nkelections:staging:" + urllib.parse.quote(graph, safe="")


def _state_after_failure(client: Client, update: str, graph: str, target: str) -> str:
    """What the store holds after a failed load, in words for the error message."""
    if target == graph:
        return (
            f"graph {graph} may hold part of the new triples (merging again is safe: "
            "run the load again)"
        )
    try:
        _update(client, update, f"DROP SILENT GRAPH <{target}>")
    except StoreError:
        return (
            f"graph {graph} is as it was; the partial copy in {target} could not be "
            f"removed (DROP GRAPH <{target}> when the store is back)"
        )
    return f"graph {graph} is as it was (the partial copy was removed)"


def _update(client: Client, url: str, text: str) -> None:
    client.request(
        "POST",
        url,
        urllib.parse.urlencode({"update": text}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )


def load(
    nquads: Path,
    endpoint: str,
    *,
    graphs: list[str] | None = None,
    replace: bool = False,
    store: str | None = None,
    gsp: str | None = None,
    update: str | None = None,
    method: str = "auto",
    bulk: bool = False,
    client: Client | None = None,
) -> LoadReport:
    """Load the named graphs of nquads into the store whose query endpoint is `endpoint`,
    then check each graph's triple count. Raises StoreError on any failure. With `bulk`, the
    store's own bulk loader takes each graph: faster, not atomic, and the count check
    afterwards is what catches a load that stopped half-way."""
    client = client or Client()
    name, urls = endpoints_for(endpoint, store, gsp, update, client.authenticated)
    if bulk and not urls.bulk:
        raise StoreError(
            f"{name} has no bulk loader that nkelections knows over HTTP",
            hint="drop --bulk, or use the store's own loader on dist/nkelections.nq",
        )
    if bulk and method == "update":
        raise StoreError(
            "--bulk goes with the Graph Store Protocol, not --method update",
            hint="drop one of them",
        )
    urls = urls if bulk else dataclasses.replace(urls, bulk=None)
    report = LoadReport(urls, name)
    with tempfile.TemporaryDirectory(prefix="nkelections-load-") as folder:
        data = split_graphs(nquads, Path(folder), graphs)
        for lines in data:
            if not replace and lines.blank_nodes:
                raise StoreError(
                    f"graph {lines.iri} has blank nodes, so merging it twice would duplicate them",
                    hint="use --replace",
                )
        for lines in data:
            row = GraphLoad(lines.iri, lines.triples, before=count(client, urls.query, lines.iri))
            row.method = _send(client, urls, lines, replace, method)
            row.after = count(client, urls.query, lines.iri)
            _check(row, replace)
            report.graphs.append(row)
    return report


def _send(client: Client, urls: Endpoints, lines: GraphLines, replace: bool, method: str) -> str:
    iri = lines.iri
    if method in ("auto", "gsp") and urls.gsp:
        try:
            sent = put_graph(client, urls.gsp, iri, lines.path, replace, urls.bulk)
        except StoreError as exc:
            state = (
                "it may hold part of the new triples (--bulk is not atomic)"
                if urls.bulk
                else "the store takes or refuses a graph in one request, so it is as it was"
            )
            raise StoreError(
                f"{exc.message}; graph {iri}: {state}", where=exc.where, hint=exc.hint
            ) from None
        if sent:
            return "graph store protocol"
        if method == "gsp":
            raise StoreError(
                f"{urls.gsp} does not speak the Graph Store Protocol",
                hint="give the right --gsp URL or use --method update",
            )
    elif method == "gsp":
        raise StoreError(
            "no Graph Store Protocol endpoint is known for this store",
            hint="give it with --gsp URL",
        )
    if not urls.update:
        raise StoreError(
            "no SPARQL Update endpoint is known for this store", hint="give it with --update URL"
        )
    update_graph(client, urls.update, iri, lines, replace)
    return "sparql update"


def _check(row: GraphLoad, replace: bool) -> None:
    if replace and row.after != row.expected:
        raise StoreError(
            f"graph {row.iri} holds {row.after} triples after loading, expected {row.expected}"
        )
    if not replace and not row.expected <= row.after <= row.before + row.expected:
        raise StoreError(
            f"graph {row.iri} holds {row.after} triples after merging "
            f"{row.expected} into {row.before}"
        )
