"""Write the answer to one SPARQL query on a pyoxigraph store in a negotiated format, stopping
at a result limit. Used inside serve's worker processes. The writers are nkelections.query.results'
(pyoxigraph's serializers); the answer is cut at the limit before it is written, since
pyoxigraph's serializers write a whole answer.
"""

from __future__ import annotations

import pyoxigraph as ox

from nkelections.query.results import (
    serialize_boolean,
    serialize_rows,
    serialize_triples,
)
from nkelections.rdf.namespaces import PREFIXES

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
SELECT_TYPES = tuple(RESULT_TYPES)
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered type the Accept header likes best (first offered on a tie); None if none."""
    if not accept:
        return offered[0]
    best, best_q = None, 0.0
    for part in accept.split(","):
        kind, _, params = part.strip().partition(";")
        kind = ALIASES.get(kind.strip().lower(), kind.strip().lower())
        q = _quality(params)
        for name in offered if kind in ("*/*", "") else _matching(kind, offered):
            if q > best_q or (
                q == best_q and best is not None and offered.index(name) < offered.index(best)
            ):
                best, best_q = name, q
    return best


def _matching(kind: str, offered: tuple[str, ...]) -> list[str]:
    if kind.endswith("/*"):
        return [o for o in offered if o.startswith(kind[:-1])]
    return [kind] if kind in offered else []


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def offered_for(answer) -> tuple[str, ...]:
    if isinstance(answer, ox.QueryTriples):
        return tuple(GRAPH_TYPES)
    return SELECT_TYPES


def write(answer, media_type: str, limit: int) -> tuple[bytes, bool]:
    """The answer in media_type, and whether it was cut at `limit` rows or triples."""
    if isinstance(answer, ox.QueryBoolean):
        return serialize_boolean(bool(answer), RESULT_TYPES[media_type]), False
    if isinstance(answer, ox.QueryTriples):
        triples = _take(answer, limit)
        return write_graph(triples[:limit], media_type), len(triples) > limit
    names = [v.value for v in answer.variables]
    rows = [[s[n] for n in names] for s in _take(answer, limit)]
    return serialize_rows(names, rows[:limit], RESULT_TYPES[media_type]), len(rows) > limit


def write_graph(triples, media_type: str) -> bytes:
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    return serialize_triples(triples, GRAPH_TYPES[media_type], prefixes)


def _take(iterator, limit: int) -> list:
    out = []
    for item in iterator:
        out.append(item)
        if len(out) > limit:
            break
    return out
