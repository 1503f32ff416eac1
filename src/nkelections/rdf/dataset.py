"""The data to validate, held in an in-memory pyoxigraph store rather than an rdflib graph.

Parsing 1.6M triples with rdflib takes about 45 s and 6 GB; pyoxigraph bulk-loads them in a few
seconds. The store is queried as the union of its graphs (the dist/ files keep the ontology in
its own named graph), and `StoreView` lets rdflib code (pySHACL's result builder, rdflib's SPARQL
engine) read it without copying it into an rdflib graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from functools import cached_property
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from nkelections.errors import ValidationError
from nkelections.process.runtime import paused_gc
from nkelections.rdf.namespaces import ONTOLOGY_IRI, OWL, RDF, RDFS
from nkelections.rdf.terms import XSD_STRING, sparql_text, to_oxigraph, to_rdflib

# File extension -> pyoxigraph format (the same files `validate.FORMATS` reads with rdflib).
FORMATS = {
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
PARSER_ERROR = re.compile(
    r"^Parser error (?:at|between) line (\d+) column (\d+)"
    r"(?: and line \d+ column \d+)?: (.*?)(?: \([^()]*, line \d+\))?$"
)


class OxData:
    """An in-memory store, the number of distinct triples in the union of its graphs, and the
    typed literals as the files wrote them, by (subject, predicate): the store canonicalises
    literals ("5"^^xsd:nonNegativeInteger comes back as "5"^^xsd:integer, "1"^^xsd:boolean as
    "true"), which would change what sh:datatype and the report see."""

    def __init__(self, store: ox.Store, originals: dict | None = None):
        self.store = store
        # (subject, predicate) -> the typed literals written there, a tuple (a set took four
        # times the memory, for what is nearly always one literal: 580 MB at 3x)
        self.originals: dict[tuple, tuple] = originals if originals is not None else {}

    @cached_property
    def triples(self) -> int:
        """The quads less those whose triple another graph also holds: only triples outside
        the largest graph can be such repeats, and they are looked up one by one (a second
        at scale 1, where a DISTINCT over the union of the graphs takes four)."""
        sizes = _graph_sizes(self.store)
        if not sizes:
            return 0
        largest = max(sizes, key=sizes.__getitem__)
        repeats, seen = 0, set()
        for graph in sizes:
            if graph == largest:
                continue
            for quad in self.store.quads_for_pattern(None, None, None, graph):
                triple = quad.triple
                if triple in seen or next(
                    self.store.quads_for_pattern(
                        triple.subject, triple.predicate, triple.object, largest
                    ),
                    None,
                ):
                    repeats += 1
                seen.add(triple)
        return sum(sizes.values()) - repeats

    def original(self, subject, predicate, value):
        """`value` (a term from the store) as the file wrote it, when the store changed it."""
        if not isinstance(value, ox.Literal):
            return value
        written = self.originals.get((subject, predicate))
        if not written or value in written:
            return value
        canonical = to_rdflib(value)
        found = next((w for w in written if _equal(to_rdflib(w), canonical)), None)
        # an ill-typed literal ("300"^^xsd:byte) comes back retyped ("300"^^xsd:integer) and
        # equals nothing: the one written with the same text is the one the file wrote
        return found or next((w for w in written if w.value == value.value), value)

    def query(self, text: str):
        return self.store.query(text, use_default_graph_as_union=True)

    def label(self, node: Node | None) -> str | None:
        """An rdfs:label of `node` (the smallest, so the choice is stable), or None."""
        if node is None or isinstance(node, Literal):
            return None
        rows = self.query(f"SELECT ?l WHERE {{ {sparql_text(node)} <{RDFS.label}> ?l }}")
        return min((row[0].value for row in rows), default=None) or None

    def has_ontology(self) -> bool:
        return bool(self.query(f"ASK {{ <{ONTOLOGY_IRI}> <{RDF.type}> <{OWL.Ontology}> }}"))


def select(store: ox.Store, text: str, **options) -> ox.QuerySolutions:
    """The rows of a SELECT query (`Store.query` is typed for every query form)."""
    return cast(ox.QuerySolutions, store.query(text, **options))


def _equal(written: Node, read: Node) -> bool:
    try:
        return bool(written.eq(read))  # type: ignore[attr-defined]
    except TypeError:  # rdflib cannot compare an ill-typed literal ("aldi"^^xsd:integer)
        return False


def _graph_sizes(store: ox.Store) -> dict:
    """The number of quads in each graph of the store, the default graph included."""
    rows = select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    sizes = {g: int(n.value) for g, n in rows}
    default = next(iter(select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]
    if int(default.value):
        sizes[ox.DefaultGraph()] = int(default.value)
    return sizes


def load_files(paths: Iterable[Path], ontology: Path | None = None) -> OxData:
    """Bulk-load RDF files into one in-memory store; add `ontology` if the data lacks it.
    A file that cannot be read or parsed raises ValidationError naming the file and line.

    Each file is parsed twice at once: by the store, in a second thread (Oxigraph releases the
    GIL while it parses and indexes), and here, only to note the typed literals as written:
    about half the time of one parse that notes them on the way into the store."""
    paths = [Path(p) for p in paths]
    with paused_gc():
        try:
            store, originals = _load_all(paths, ontology, _load_in_parallel)
        except _Relabelled:
            store, originals = _load_all(paths, ontology, _load_serially)
    return OxData(store, originals)


class _Relabelled(Exception):
    """A file gave blank nodes without labels (`[ ... ]` in Turtle, nodes in JSON-LD) some typed
    literals: each parse names those blank nodes anew, so the literals noted while the store
    parses cannot be matched with the store's."""


def _load_all(paths: list[Path], ontology: Path | None, load) -> tuple[ox.Store, dict]:
    store = ox.Store()
    originals: dict[tuple, tuple] = {}
    for path in paths:
        load(store, path, originals)
    if ontology is not None and not OxData(store).has_ontology():
        load(store, ontology, originals)
    return store, originals


def rdf_file_format(path: Path, formats: dict):
    """The format `formats` gives the file's extension; ValidationError if none does or the
    file is missing."""
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        raise ValidationError(
            f"cannot tell the RDF format of '{path.suffix}'",
            where=str(path),
            hint="use .trig, .nq, .ttl, .nt or .jsonld",
        )
    if path.is_dir():
        raise ValidationError(
            "is a folder, not an RDF file", where=str(path), hint="name the files in it"
        )
    if path.is_file() and not path.read_bytes()[:4096].strip() and not path.stat().st_size > 4096:
        raise ValidationError(
            "is empty: there is nothing to validate",
            where=str(path),
            hint="check the file was written completely",
        )
    if not path.is_file():
        raise ValidationError(
            "no such file",
            where=str(path),
            hint="run `nkelections build` first" if "dist" in path.parts else None,
        )
    return fmt


def _load_in_parallel(store: ox.Store, path: Path, originals: dict) -> None:
    fmt = rdf_file_format(path, FORMATS)
    options = {**_source(path, fmt), "format": fmt, "base_iri": path.resolve().as_uri()}
    noted: dict = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nkelections-load") as pool:
        filling = pool.submit(store.load, **options)
        try:
            for _ in _noting_literals(ox.parse(**options), noted):
                pass
        except (SyntaxError, ValueError, OSError) as exc:
            wait([filling])  # the store fails on the same text; this parser tells where
            raise _not_valid(path, fmt, exc) from exc
        filling.result()
    if any(
        isinstance(s, ox.BlankNode) and next(store.quads_for_pattern(s, p, None), None) is None
        for s, p in noted
    ):
        raise _Relabelled
    for key, literals in noted.items():
        for literal in literals:
            _note(originals, key, literal)


def _load_serially(store: ox.Store, path: Path, originals: dict) -> None:
    fmt = rdf_file_format(path, FORMATS)
    try:
        quads = ox.parse(**_source(path, fmt), format=fmt, base_iri=path.resolve().as_uri())
        store.bulk_extend(_noting_literals(quads, originals))
    except (SyntaxError, ValueError, OSError) as exc:
        raise _not_valid(path, fmt, exc) from exc


def _source(path: Path, fmt) -> dict:
    """Where the parser reads path: the file, or for JSON-LD its text with the contexts it
    names inlined from local copies (jsonld_contexts), so that none is fetched."""
    if fmt == ox.RdfFormat.JSON_LD and _names_a_context(path):
        from nkelections.rdf.contexts import inline_contexts

        return {"input": inline_contexts(path).encode("utf-8")}
    return {"path": str(path)}


def _names_a_context(path: Path) -> bool:
    """Whether the file's first MiB has an @context that is a string or a list: the built
    JSON-LD inlines its own, and is then read from the file without a copy in memory.
    (pyoxigraph never fetches a context itself; one further down is refused by it.)"""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    return re.search(rb'"@context"\s*:\s*["\[]', head) is not None


def _not_valid(path: Path, fmt, exc: Exception) -> ValidationError:
    return ValidationError(f"is not valid {fmt.name}: {_parse_message(exc)}", where=str(path))


def _noting_literals(quads, originals: dict):
    predicates: dict[ox.NamedNode, ox.NamedNode] = {}  # one object per predicate, not per quad
    for quad in quads:
        value = quad.object
        if (
            isinstance(value, ox.Literal)
            and not value.language
            and value.datatype.value != XSD_STRING
        ):
            predicate = predicates.setdefault(quad.predicate, quad.predicate)
            _note(originals, (quad.subject, predicate), value)
        yield quad


def _note(originals: dict, key: tuple, literal: ox.Literal) -> None:
    written = originals.get(key, ())
    if literal not in written:
        originals[key] = (*written, literal)


def _parse_message(exc: Exception) -> str:
    text = " ".join(str(exc.args[0] if exc.args else exc).split())
    found = PARSER_ERROR.match(text)
    return f"line {found[1]}, column {found[2]}: {found[3]}" if found else text[:300]


def from_graph(graph: Graph) -> OxData:
    """An rdflib graph copied into a store (for tests and callers that build graphs in memory)."""
    store = ox.Store()
    originals: dict[tuple, tuple] = {}
    quads = ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    store.bulk_extend(_noting_literals(quads, originals))
    return OxData(store, originals)


class StoreView(Memory):
    """A read-only rdflib store over the union of a pyoxigraph store's graphs."""

    def __init__(self, data: OxData):
        super().__init__()
        self.data = data

    def triples(self, triple_pattern, context=None):
        s, p, o = (None if t is None else to_oxigraph(t) for t in triple_pattern)
        if isinstance(s, ox.Literal) or not (p is None or isinstance(p, ox.NamedNode)):
            return  # no triple has a literal subject or a predicate that is not an IRI
        seen = set()
        for quad in self.data.store.quads_for_pattern(s, p, o, None):
            triple = (
                quad.subject,
                quad.predicate,
                self.data.original(quad.subject, quad.predicate, quad.object),
            )
            if triple not in seen:
                seen.add(triple)
                yield tuple(to_rdflib(t) for t in triple), iter(())

    def __len__(self, context=None) -> int:
        return self.data.triples


def view_graph(data: OxData) -> Graph:
    return Graph(store=StoreView(data), bind_namespaces="none")
