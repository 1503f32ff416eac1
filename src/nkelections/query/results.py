"""Query results as text: a table for people, the SPARQL 1.1 results formats (JSON, XML, CSV,
TSV) for SELECT and ASK, and Turtle or JSON-LD for graphs.

The SPARQL results JSON is built here (it is a few lines of spec); the XML, CSV and TSV writers
and the RDF writers are pyoxigraph's, so escaping and quoting follow the specs exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox

from nkelections.errors import QueryError
from nkelections.query.sparql import Result, Term

CELL_WIDTH = 60
_LOCAL = re.compile(r"[A-Za-z0-9_][\w\-]*")


@dataclass(frozen=True)
class Format:
    """One output format: which results it takes and how it writes them."""

    name: str
    graph: bool  # True: CONSTRUCT/DESCRIBE results, False: SELECT/ASK results
    write: Callable[[Result, dict[str, str]], bytes]


# --- SPARQL results formats --------------------------------------------------------------------

def term_json(term: Term) -> dict:
    """A pyoxigraph term as a SPARQL 1.1 JSON results binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if not isinstance(term, ox.Literal):
        return {"type": "triple", "value": str(term)}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def results_json(result: Result) -> dict:
    if result.form == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [{name: term_json(term) for name, term in zip(result.variables, row, strict=True)
                 if term is not None} for row in result.rows]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json(result: Result, prefixes: dict[str, str]) -> bytes:
    return (json.dumps(results_json(result), ensure_ascii=False, indent=1) + "\n").encode()


def _via_oxigraph(fmt: ox.QueryResultsFormat) -> Callable[[Result, dict[str, str]], bytes]:
    def write(result: Result, prefixes: dict[str, str]) -> bytes:
        if fmt in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV) and result.form == "ASK":
            return (("true" if result.boolean else "false") + "\n").encode()
        parsed = ox.parse_query_results(_json(result, prefixes), ox.QueryResultsFormat.JSON)
        # bytes without an output file (the stubs say bytes | None)
        return cast(bytes, parsed.serialize(format=fmt))

    return write


# --- graphs ---------------------------------------------------------------------------------------

def sorted_triples(result: Result) -> list[ox.Triple]:
    return sorted(result.triples, key=str)


def _rdf(fmt: ox.RdfFormat) -> Callable[[Result, dict[str, str]], bytes]:
    def write(result: Result, prefixes: dict[str, str]) -> bytes:
        used = {p: iri for p, iri in prefixes.items() if p}
        return ox.serialize(sorted_triples(result), format=fmt,
                            prefixes=used if fmt == ox.RdfFormat.TURTLE else None) or b""

    return write


# --- the table ------------------------------------------------------------------------------------

def compact(term: Term | None, prefixes: dict[str, str]) -> str:
    """A term as people read it: prefix:local for IRIs, the bare value of literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, base in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            local = term.value[len(base):]
            if base and term.value.startswith(base) and (not local or _LOCAL.fullmatch(local)):
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return " ".join(term.value.split())


def _cell(text: str, width: int | None) -> str:
    return text if width is None or len(text) <= width else text[:width - 1] + "\u2026"


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
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("table", False, table),
    Format("wide", False, wide_table),
    Format("csv", False, _via_oxigraph(ox.QueryResultsFormat.CSV)),
    Format("tsv", False, _via_oxigraph(ox.QueryResultsFormat.TSV)),
    Format("json", False, _json),
    Format("xml", False, _via_oxigraph(ox.QueryResultsFormat.XML)),
    Format("turtle", True, _rdf(ox.RdfFormat.TURTLE)),
    Format("jsonld", True, _rdf(ox.RdfFormat.JSON_LD)),
)}


def render(result: Result, fmt: str | None, prefixes: dict[str, str] | None = None) -> bytes:
    """The result in the named format; None picks table for SELECT/ASK and turtle for graphs."""
    name = fmt or ("turtle" if result.is_graph else "table")
    if name not in FORMATS:
        raise QueryError(f"unknown format {name!r}", hint="one of " + ", ".join(FORMATS))
    chosen = FORMATS[name]
    if chosen.graph != result.is_graph:
        fitting = [f for f, v in FORMATS.items() if v.graph == result.is_graph]
        raise QueryError(f"--format {name} does not fit a {result.form} result",
                         hint="use one of " + ", ".join(fitting))
    return chosen.write(result, prefixes or {})
