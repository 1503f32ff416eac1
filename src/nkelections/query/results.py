"""Query results as bytes, for `query` and for `serve`: the SPARQL 1.1 results formats (JSON,
XML, CSV, TSV) and RDF for graphs are pyoxigraph's serializers; what pyoxigraph does not write
(the table for people) is here.

pyoxigraph serializes only its own answer objects. Every engine's answer (pyoxigraph's,
rdflib's, a remote endpoint's, or serve's cut at a row limit) is rows of pyoxigraph terms; the
rows are handed to pyoxigraph as SPARQL TSV, each term in its N-Triples form (what str() of a
pyoxigraph term gives), and parsed back into its answer object, which then writes any format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from nkelections.errors import QueryError
from nkelections.query.sparql import Result, Term
from nkelections.rdf.curie import curie

CELL_WIDTH = 60
_LOCAL = re.compile(r"(?:[A-Za-z0-9_][\w\-]*)?")  # a local name, or none
# RDF formats that take prefixes; pyoxigraph's others write full IRIs.
PREFIXED_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)


@dataclass(frozen=True)
class Format:
    """One output format: which results it takes and how it writes them."""

    name: str
    graph: bool  # True: CONSTRUCT/DESCRIBE results, False: SELECT/ASK results
    write: Callable[[Result, dict[str, str]], bytes]


# --- pyoxigraph's serializers ------------------------------------------------------------------


def solutions(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> ox.QuerySolutions:
    """Rows of terms as pyoxigraph's answer to a SELECT (an unbound variable is None)."""
    lines = ["\t".join("?" + name for name in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    # parse_query_results is typed for both answer kinds; TSV with a header is a SELECT's
    return cast(
        ox.QuerySolutions,
        ox.parse_query_results("\n".join(lines + [""]).encode("utf-8"), ox.QueryResultsFormat.TSV),
    )


def boolean(value: bool) -> ox.QueryBoolean:
    """pyoxigraph's answer to an ASK."""
    text = b'{"head": {}, "boolean": true}' if value else b'{"head": {}, "boolean": false}'
    return cast(ox.QueryBoolean, ox.parse_query_results(text, ox.QueryResultsFormat.JSON))


def serialize_rows(
    variables: Sequence[str], rows: Iterable[Sequence[Term | None]], fmt: ox.QueryResultsFormat
) -> bytes:
    # bytes without an output file (the stubs say bytes | None)
    return cast(bytes, solutions(variables, rows).serialize(format=fmt))


def serialize_boolean(value: bool, fmt: ox.QueryResultsFormat) -> bytes:
    return cast(bytes, boolean(value).serialize(format=fmt))


def serialize_triples(
    triples: Iterable[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples in an RDF format, with prefixes where the format takes them."""
    used = {p: iri for p, iri in (prefixes or {}).items() if p}
    if fmt in PREFIXED_FORMATS and used:
        return ox.serialize(triples, format=fmt, prefixes=used) or b""
    return ox.serialize(triples, format=fmt) or b""


def serialize(result: Result, fmt: ox.QueryResultsFormat) -> bytes:
    """A SELECT or ASK result in a SPARQL results format."""
    if result.form == "ASK":
        return serialize_boolean(bool(result.boolean), fmt)
    return serialize_rows(result.variables, result.rows, fmt)


def _results(fmt: ox.QueryResultsFormat) -> Callable[[Result, dict[str, str]], bytes]:
    def write(result: Result, prefixes: dict[str, str]) -> bytes:
        return serialize(result, fmt)

    return write


def sorted_triples(result: Result) -> list[ox.Triple]:
    return sorted(result.triples, key=str)


def _rdf(fmt: ox.RdfFormat) -> Callable[[Result, dict[str, str]], bytes]:
    def write(result: Result, prefixes: dict[str, str]) -> bytes:
        return serialize_triples(sorted_triples(result), fmt, prefixes)

    return write


# --- the table ------------------------------------------------------------------------------------


def compact(term: Term | None, prefixes: dict[str, str]) -> str:
    """A term as people read it: prefix:local for IRIs, the bare value of literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value, prefixes, _LOCAL) or f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return " ".join(term.value.split())


def _cell(text: str, width: int | None) -> str:
    return text if width is None or len(text) <= width else text[: width - 1] + "\u2026"


def table(result: Result, prefixes: dict[str, str], width: int | None = CELL_WIDTH) -> bytes:
    """An aligned text table, each cell cut at `width` characters (None: whole cells)."""
    if result.form == "ASK":
        return ("yes\n" if result.boolean else "no\n").encode()
    header = list(result.variables)
    whole = [[compact(t, prefixes) for t in row] for row in result.rows]
    body = [[_cell(c, width) for c in row] for row in whole]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = [_line(header, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(r, widths) for r in body]
    count = f"({len(body)} row{'' if len(body) == 1 else 's'})"
    if body != whole:
        count += f" (cells cut at {width} characters; --format wide shows them whole)"
    lines.append(count)
    return ("\n".join(lines) + "\n").encode("utf-8")


def wide_table(result: Result, prefixes: dict[str, str]) -> bytes:
    return table(result, prefixes, width=None)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


# Formats by name; the CLI's --format choices come from here.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", False, table),
        Format("wide", False, wide_table),
        Format("csv", False, _results(ox.QueryResultsFormat.CSV)),
        Format("tsv", False, _results(ox.QueryResultsFormat.TSV)),
        Format("json", False, _results(ox.QueryResultsFormat.JSON)),
        Format("xml", False, _results(ox.QueryResultsFormat.XML)),
        Format("turtle", True, _rdf(ox.RdfFormat.TURTLE)),
        Format("jsonld", True, _rdf(ox.RdfFormat.JSON_LD)),
    )
}


def render(result: Result, fmt: str | None, prefixes: dict[str, str] | None = None) -> bytes:
    """The result in the named format; None picks table for SELECT/ASK and turtle for graphs."""
    name = fmt or ("turtle" if result.is_graph else "table")
    if name not in FORMATS:
        raise QueryError(f"unknown format {name!r}", hint="one of " + ", ".join(FORMATS))
    chosen = FORMATS[name]
    if chosen.graph != result.is_graph:
        fitting = [f for f, v in FORMATS.items() if v.graph == result.is_graph]
        raise QueryError(
            f"--format {name} does not fit a {result.form} result",
            hint="use one of " + ", ".join(fitting),
        )
    output = chosen.write(result, prefixes or {})
    # pyoxigraph ends JSON, XML and an ASK's CSV without a newline; a terminal wants one
    return output if output.endswith(b"\n") or not output else output + b"\n"
