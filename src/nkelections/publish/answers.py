"""Run one SPARQL query on a pyoxigraph store and write its answer in a negotiated format,
stopping at a result limit. Used inside serve's worker processes.

The SELECT writers are our own (a few lines each) because pyoxigraph's serializer has no row
limit; graphs go through pyoxigraph's RDF serializers.
"""

from __future__ import annotations

import csv
import io
import json
from typing import cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from nkelections.query.results import term_json
from nkelections.rdf.namespaces import PREFIXES

SELECT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values")
GRAPH_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/ld+json": ox.RdfFormat.JSON_LD,
               "application/rdf+xml": ox.RdfFormat.RDF_XML}
ALIASES = {"application/json": "application/sparql-results+json",
           "application/xml": "application/sparql-results+xml", "text/xml":
           "application/sparql-results+xml", "text/plain": "application/n-triples",
           "application/json+ld": "application/ld+json"}


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
            if q > best_q or (q == best_q and best is not None
                              and offered.index(name) < offered.index(best)):
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
        return _boolean(bool(answer), media_type), False
    if isinstance(answer, ox.QueryTriples):
        triples = _take(answer, limit)
        return write_graph(triples[:limit], media_type), len(triples) > limit
    names = [v.value for v in answer.variables]
    rows = [[s[n] for n in names] for s in _take(answer, limit)]
    return WRITERS[media_type](names, rows[:limit]), len(rows) > limit


def write_graph(triples, media_type: str) -> bytes:
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    fmt = GRAPH_TYPES[media_type]
    # ox.serialize gives bytes when it has no output file (its stubs say bytes | None)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return cast(bytes, ox.serialize(triples, format=fmt, prefixes=prefixes))
    return cast(bytes, ox.serialize(triples, format=fmt))


def _take(iterator, limit: int) -> list:
    out = []
    for item in iterator:
        out.append(item)
        if len(out) > limit:
            break
    return out


def _json(names, rows) -> bytes:
    bindings = [{n: term_json(t) for n, t in zip(names, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _xml_term(term) -> str:
    binding = term_json(term)
    value = escape(binding["value"])
    if binding["type"] == "uri":
        return f"<uri>{value}</uri>"
    if binding["type"] == "bnode":
        return f"<bnode>{value}</bnode>"
    if "xml:lang" in binding:
        return f"<literal xml:lang={quoteattr(binding['xml:lang'])}>{value}</literal>"
    if "datatype" in binding:
        return f"<literal datatype={quoteattr(binding['datatype'])}>{value}</literal>"
    return f"<literal>{value}</literal>"


def _xml(names, rows) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
           "<head>" + "".join(f"<variable name={quoteattr(n)}/>" for n in names) + "</head>",
           "<results>"]
    for row in rows:
        cells = (f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                 for n, t in zip(names, row, strict=True) if t is not None)
        out.append("<result>" + "".join(cells) + "</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode("utf-8")


def _csv(names, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if t is None else t.value for t in row])
    return buffer.getvalue().encode("utf-8")


def _tsv(names, rows) -> bytes:
    lines = ["\t".join("?" + n for n in names)]
    for row in rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS = {"application/sparql-results+json": _json, "application/sparql-results+xml": _xml,
           "text/csv": _csv, "text/tab-separated-values": _tsv}


def _boolean(value: bool, media_type: str) -> bytes:
    if media_type == "application/sparql-results+xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n").encode()
    if media_type in ("text/csv", "text/tab-separated-values"):
        return f"{str(value).lower()}\n".encode()
    return json.dumps({"head": {}, "boolean": value}).encode()
