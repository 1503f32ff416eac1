"""The dataset's own addresses in `serve`, each with content negotiation (HTML, Turtle, JSON-LD,
N-Triples, RDF/XML) and `Link` headers to its alternates:

- /dataset and /.well-known/void: the VoID/DCAT description (the graph .../graph/void);
- /graph/data, /graph/ontology, /graph/void: each named graph whole;
- /dataset/<file>: the distributions the description lists (dcat:downloadURL);
- /sparql without a query, asked for RDF: the SPARQL 1.1 service description.

The description names these addresses (store/describe.py), so what it promises is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from nkelections import layout as dist_layout
from nkelections.build.describe import DATASET, DISTRIBUTIONS, ENDPOINT, VOID_GRAPH
from nkelections.publish import pages
from nkelections.publish.answers import GRAPH_TYPES, negotiate, write_graph
from nkelections.publish.pool import Answer
from nkelections.rdf.namespaces import BASE, GRAPH, RDF

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = {"text/turtle": "turtle", "application/ld+json": "jsonld"}
RDF_TYPES = tuple(GRAPH_TYPES)
HTML = "text/html"
CONTEXT = {dist_layout.CONTEXT: "application/ld+json"}  # the JSON-LD context the .jsonld names
# What the endpoint answers in (results.py), named by the W3C's format IRIs.
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
    "RDF_XML",
)


@dataclass(frozen=True)
class LinkedAnswer(Answer):
    """An answer with `Link` header values (its alternates, its description)."""

    links: tuple[str, ...] = ()


def alternates(path: str) -> tuple[str, ...]:
    """Link header values naming the Turtle and JSON-LD forms of the page at `path`."""
    return tuple(
        f'<{path}?format={name}>; rel="alternate"; type="{media}"'
        for media, name in FORMATS.items()
    )


def wants_rdf(accept: str | None) -> bool:
    """Whether the client prefers RDF to HTML (a browser names text/html first)."""
    return bool(accept) and negotiate(accept, (HTML, *RDF_TYPES)) in RDF_TYPES


class Linked:
    """Answers for the dataset's addresses over the store `serve` keeps for pages."""

    def __init__(self, store: ox.Store, dist: Path):
        self.store = store
        self.dist = dist

    def graph(self, name: str, accept: str | None, path: str) -> Answer:
        """A named graph whole; `name` is what follows /graph/."""
        iri = ox.NamedNode(str(GRAPH[name])) if name else None
        if iri is None or not any(
            True for _ in self.store.quads_for_pattern(None, None, None, iri)
        ):
            return _text(404, f"no graph {BASE}graph/{name}")
        triples = [q.triple for q in self.store.quads_for_pattern(None, None, None, iri)]
        return self._negotiated(
            triples, accept, path, lambda: pages.graph_page(self.store, iri.value, triples, path)
        )

    def dataset(self, accept: str | None, path: str) -> Answer:
        """The dataset's description (the VoID graph); Turtle when the client names nothing."""
        graph = ox.NamedNode(str(VOID_GRAPH))
        triples = [q.triple for q in self.store.quads_for_pattern(None, None, None, graph)]
        if not triples:
            return _text(404, "this build has no dataset description; run `nkelections build`")
        return self._negotiated(
            triples,
            accept or "text/turtle",
            path,
            lambda: pages.graph_page(self.store, str(DATASET), triples, path),
        )

    def download(self, name: str) -> Answer:
        media = {**dict(DISTRIBUTIONS), **CONTEXT}.get(name)
        path = self.dist / name
        if media is None or not path.is_file():
            return _text(
                404, f"no distribution {name}: one of " + ", ".join(n for n, _ in DISTRIBUTIONS)
            )
        return LinkedAnswer(
            200, media, path.read_bytes(), links=(f'<{BASE}dataset>; rel="describedby"',)
        )

    def service(self, accept: str | None) -> Answer:
        """The SPARQL 1.1 service description of /sparql (in RDF only; HTML is the query page)."""
        media = negotiate(accept, RDF_TYPES) or "text/turtle"
        return LinkedAnswer(
            200,
            media,
            write_graph(self.service_triples(), media),
            links=(f'<{BASE}dataset>; rel="describedby"',),
        )

    def service_triples(self) -> list[ox.Triple]:
        service = ox.NamedNode(str(ENDPOINT))
        dataset, union = ox.BlankNode("dataset"), ox.BlankNode("union")

        def sd(name: str) -> ox.NamedNode:
            return ox.NamedNode(SD + name)

        a = ox.NamedNode(str(RDF.type))
        triples = [
            ox.Triple(service, a, sd("Service")),
            ox.Triple(service, sd("endpoint"), service),
            ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
            ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
            ox.Triple(service, sd("defaultDataset"), dataset),
            ox.Triple(dataset, a, sd("Dataset")),
            ox.Triple(dataset, sd("defaultGraph"), union),
            ox.Triple(union, a, sd("Graph")),
            ox.Triple(
                dataset, ox.NamedNode("http://purl.org/dc/terms/source"), ox.NamedNode(str(DATASET))
            ),
        ]
        triples += [
            ox.Triple(
                service, sd("resultFormat"), ox.NamedNode("http://www.w3.org/ns/formats/" + name)
            )
            for name in RESULT_FORMATS
        ]
        for graph in sorted(self._graph_names(), key=lambda g: g.value):
            named = ox.BlankNode("g-" + graph.value.rsplit("/", 1)[-1])
            triples += [
                ox.Triple(dataset, sd("namedGraph"), named),
                ox.Triple(named, a, sd("NamedGraph")),
                ox.Triple(named, sd("name"), graph),
            ]
        return triples

    def _graph_names(self) -> list[ox.NamedNode]:
        return [g for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]

    def _negotiated(self, triples, accept, path, html) -> Answer:
        media = negotiate(accept, (HTML, *RDF_TYPES))
        if media is None:
            return _text(406, "acceptable: text/html, " + ", ".join(RDF_TYPES))
        body = html() if media == HTML else write_graph(triples, media)
        kind = "text/html; charset=utf-8" if media == HTML else media
        return LinkedAnswer(200, kind, body, links=alternates(path))


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())
