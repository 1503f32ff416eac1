"""The dataset's description, VoID and DCAT with Dublin Core, in its own named graph
https://w3id.org/nkelections/graph/void.

A graph of its own because it counts the other graphs: inside the data graph it would count
itself. Everything in it is computed from the built graphs; the date is the newest xsd:date
of the release the inputs belong to (the newest dated entry of CHANGELOG.md; the newest
xsd:date in the data where there is none), never the clock, so a rebuild from the same inputs
stays byte-identical.

The IRIs it names are those `nkelections serve` answers (its paths mirror the namespace):
/dataset, /graph/..., /sparql (with a SPARQL service description) and /dataset/<file> for
each distribution's download.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cached_property
from itertools import compress
from operator import itemgetter, methodcaller
from typing import TypeVar

from rdflib import Literal, URIRef
from rdflib.util import from_n3

from nkelections import __version__
from nkelections.layout import JSONLD, NQUADS, TRIG, TURTLE
from nkelections.process.runtime import Forked
from nkelections.rdf.namespaces import (
    BASE,
    DATA_GRAPH,
    DCAT,
    DCTERMS,
    GRAPH,
    NKE,
    NKR,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    OWL,
    PREFIXES,
    RDF,
    SCHEMA,
    VOID,
    WD,
    XSD,
)
from nkelections.rdf.quads import GraphTriples, Quads, Triple, iri_value, literal_of_type

T = TypeVar("T")
VOID_GRAPH = GRAPH["void"]
DATASET = URIRef(BASE + "dataset")
NT_TYPE = f"<{RDF.type}>"
ENDPOINT = URIRef(BASE + "sparql")
SOURCE_CLASS = NKE.SourceDocument
# Our curation and the ontology: CC BY 4.0 (LICENSE; the code is MIT).
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
RIGHTS = (
    "The curated data and the ontology are licensed under CC BY 4.0 by the nkelections "
    "contributors. The source texts are not: each keeps its publisher's terms, given on "
    "each source document below (dcterms:license, dcterms:rights); the quotes are short "
    "passages cited as evidence."
)
# Distributions: file name, media type. serve answers /dataset/<file> with the file.
DISTRIBUTIONS = (
    (TRIG, "application/trig"),
    (NQUADS, "application/n-quads"),
    (TURTLE, "text/turtle"),
    (JSONLD, "application/ld+json"),
)
RELEASE_HEADING = re.compile(r"^## (\S+) — (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)
# What the description says of each source text, read from its triples in the data. It is said
# in a sentence on the dataset, not as triples about the document: the store's union default
# graph would otherwise hold each of these triples twice (once per graph), doubling rows.
SOURCE_TERMS = {
    f"<{DCTERMS.title}>": "title",
    f"<{SCHEMA.url}>": "url",
    f"<{DCTERMS.license}>": "licence",
    f"<{DCTERMS.rights}>": "rights",
}


def release_date(changelog) -> str | None:
    """The date of the newest dated release in CHANGELOG.md ("## 0.1.0 — 2026-12-07"), or
    None (no file, or nothing released yet)."""
    try:
        text = changelog.read_text(encoding="utf-8")
    except OSError:
        return None
    found = RELEASE_HEADING.search(text)
    return found[2] if found else None


def add_description(
    quads: Quads, summary, released: str | None = None, meanwhile: Callable[[], T] | None = None
) -> T | None:
    """Add the description graph, and count it in summary.graphs and summary.triples.

    The counts read every triple (about 4 s at 1x, 20 at 3x), and nothing else needs them but
    the writers, so they are computed in a forked copy of this process while this one turns the
    graphs into the sorted lines the writers read, then runs `meanwhile` (before the
    description graph exists); returns what `meanwhile` returned."""
    description = Forked(description_triples, quads, released)
    for graph in quads.graphs.values():
        graph.lines()
    found = meanwhile() if meanwhile is not None else None
    g = quads.graph(VOID_GRAPH)
    g.triples.update(description.result())
    summary.graphs[str(VOID_GRAPH)] = len(g)
    summary.triples = sum(summary.graphs.values())
    return found


def description_triples(quads: Quads, released: str | None = None) -> set[Triple]:
    """The triples of the description graph, counted from the data and ontology graphs;
    `released` (YYYY-MM-DD) is its dcterms:modified."""
    data, onto = quads.graph(DATA_GRAPH), quads.graph(ONTOLOGY_GRAPH)
    g = GraphTriples(str(VOID_GRAPH), quads.terms)
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add(
        (d, DCTERMS.title, Literal("nkelections: the 2023 North Korean local elections", lang="en"))
    )
    g.add(
        (
            d,
            DCTERMS.description,
            Literal(
                "An evidence-grounded knowledge graph of the 2023 North Korean local elections: "
                "every fact points to its source text, the verbatim quote and its character "
                "offsets.",
                lang="en",
            ),
        )
    )
    g.add((d, DCTERMS.license, LICENCE))
    g.add((d, DCTERMS.rights, Literal(RIGHTS, lang="en")))
    g.add((d, OWL.versionInfo, Literal(__version__)))
    g.add((d, DCAT.version, Literal(__version__)))
    columns = _Columns(data)
    modified = released or _newest_date(columns)
    if modified is not None:
        g.add((d, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    typed = _Typing(columns)
    classes = Counter(typed.classes)  # one typing triple per instance: triples are distinct
    members = typed.members({f"<{SOURCE_CLASS}>", *_largest(classes)})
    _add_sources(g, d, columns, sorted(members.get(f"<{SOURCE_CLASS}>", ())))
    _add_void(g, d, columns, _Columns(onto), classes, members)
    _add_service(g, d)
    return g.triples


class _Columns:
    """A graph's triples as three parallel columns, so that the counts below run as C-level
    passes (set, map, compress) over one column at a time rather than as Python loops over
    two million tuples (bench/RESULTS.md: the description took about 10 s of the 1x build)."""

    def __init__(self, graph: GraphTriples):
        self.triples = graph.triples
        # One map per column: zip(*triples) is slower still, an iterator per triple.
        self.subjects, self.predicates, self.objects = (
            tuple(map(itemgetter(i), self.triples)) for i in range(3)
        )

    @cached_property
    def distinct_objects(self) -> set[str]:
        return set(self.objects)

    def where_predicate(self, column: tuple[str, ...], predicate: str):
        return compress(column, map(predicate.__eq__, self.predicates))

    def where_object_starts(self, column: tuple[str, ...], prefix: str):
        return compress(column, map(methodcaller("startswith", prefix), self.objects))


def _newest_date(data: _Columns) -> str | None:
    suffix = f'"^^<{XSD.date}>'
    dates = list(filter(methodcaller("endswith", suffix), data.distinct_objects))
    return literal_of_type(max(dates), str(XSD.date)) if dates else None


def _add_sources(g, d, data: _Columns, documents: list[str]) -> None:
    """Each source text, with its title, address and terms, in one sentence on the dataset: a
    reader of the description sees what the quotes come from and on what terms (CC BY-SA asks
    for the title, the address and the licence next to the reuse)."""
    # Where a text has two values of one term, the last in sorted order, max(), is kept; the
    # triples are picked by subject first, so that two million of them need not be sorted.
    found: dict[tuple[str, str], str] = {}
    for s, p, o in compress(data.triples, map(set(documents).__contains__, data.subjects)):
        if p in SOURCE_TERMS and o > found.get((s, p), ""):
            found[s, p] = o
    terms: dict[str, dict[str, str]] = {doc: {} for doc in documents}
    for (s, p), o in sorted(found.items()):
        terms[s][SOURCE_TERMS[p]] = str(from_n3(o))
    for doc in documents:
        g.add((d, DCTERMS.source, URIRef(iri_value(doc))))
        g.add((d, DCTERMS.rights, Literal(_source_sentence(iri_value(doc), terms[doc]), lang="en")))


def _source_sentence(iri: str, terms: dict[str, str]) -> str:
    parts = [f'Source text "{terms.get("title", iri)}" ({terms.get("url", iri)})']
    if "licence" in terms:
        parts.append(f"licence {terms['licence']}")
    if "rights" in terms:
        parts.append(terms["rights"])
    return "; ".join(parts).rstrip(".") + "."


def _largest(classes: Counter) -> list[str]:
    """The three classes with the most instances (ties by IRI)."""
    return [cls for cls, _ in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]


class _Typing:
    """The typing triples' subjects and classes, two parallel columns."""

    def __init__(self, data: _Columns):
        self.subjects = list(data.where_predicate(data.subjects, NT_TYPE))
        self.classes = list(data.where_predicate(data.objects, NT_TYPE))

    def members(self, wanted: set[str]) -> dict[str, set[str]]:
        """Class -> its instances (N-Triples terms), for the wanted classes."""
        found: dict[str, set[str]] = {}
        pairs = zip(self.subjects, self.classes, strict=True)
        for s, o in compress(pairs, map(wanted.__contains__, self.classes)):
            found.setdefault(o, set()).add(s)
        return found


def _add_void(
    g, d, data: _Columns, onto: _Columns, classes: Counter, members: dict[str, set[str]]
) -> None:
    # Distinct over both graphs: a triple in both counts once (the ontology graph is small).
    shared = len(onto.triples & data.triples)
    subjects = set(data.subjects).union(onto.subjects)
    entities = set(filter(methodcaller("startswith", f"<{NKR}"), subjects))
    g.add((d, VOID.triples, _int(len(data.triples) + len(onto.triples) - shared)))
    g.add((d, VOID.entities, _int(len(entities))))
    g.add((d, VOID.distinctSubjects, _int(len(subjects))))
    g.add((d, VOID.distinctObjects, _int(len(data.distinct_objects.union(onto.objects)))))
    g.add((d, VOID.classes, _int(len(classes))))
    g.add((d, VOID.properties, _int(len(set(data.predicates).union(onto.predicates)))))
    g.add((d, VOID.uriSpace, Literal(str(NKR))))
    g.add((d, VOID.sparqlEndpoint, ENDPOINT))
    g.add((d, VOID.rootResource, URIRef(ONTOLOGY_IRI)))
    for prefix in ("nke", "oa", "prov", "org", "schema", "skos", "dcterms"):
        g.add((d, VOID.vocabulary, URIRef(str(PREFIXES[prefix]))))
    for cls in _largest(classes):
        examples = members[cls] & entities
        if examples:
            g.add((d, VOID.exampleResource, URIRef(min(map(iri_value, examples)))))
    _add_linkset(g, d, data)


def _add_linkset(g, d, data: _Columns) -> None:
    links = Counter(data.where_object_starts(data.predicates, f"<{WD}"))
    for predicate, n in sorted(links.items()):
        predicate = iri_value(predicate)
        local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        linkset = URIRef(f"{BASE}dataset/links/{local}")
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, d))
        g.add((linkset, VOID.objectsTarget, URIRef("http://www.wikidata.org/")))
        g.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        g.add((linkset, VOID.triples, _int(n)))
        g.add((d, VOID.subset, linkset))


def _add_service(g, d) -> None:
    service = URIRef(BASE + "dataset/service")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, ENDPOINT))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, d))
    g.add((service, DCTERMS.title, Literal("nkelections SPARQL endpoint", lang="en")))
    for name, media in DISTRIBUTIONS:
        dist = URIRef(f"{BASE}dataset/{name}")
        g.add((d, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.accessURL, URIRef(BASE + "dataset")))
        g.add((dist, DCTERMS.license, LICENCE))
        g.add(
            (dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media))
        )


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)
