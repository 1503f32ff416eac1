"""Rewrite tests/expected/ from the current data: one file per competency query.

Run: .venv/bin/python tests/regenerate_expected.py   (then review `git diff tests/expected`)
 or: .venv/bin/python tests/regenerate_expected.py --from dist/nkelections.nq

SELECT and ASK answers are written as SPARQL 1.1 results JSON (<query name>.srj), CONSTRUCT and
DESCRIBE answers as sorted N-Triples (<query name>.nt). The answers come from the embedded
Oxigraph engine on a graph built in memory from ontology/ and data/; the tests check that the
on-disk store, the rdflib graph and a real SPARQL server all give the same answers.

The helpers below also say what "the same" means, for the tests to share.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
EXPECTED = ROOT / "tests" / "expected"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + t
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
    )
}
CONCAT_SEPARATOR = " | "
# Queries in queries/ that are not competency questions with an expected result, and why.
NOT_COMPETENCY = {
    "federated-*": "federated queries call Wikidata's public endpoint; tests never need the "
    "internet (see queries/README.md)",
}


def competency_queries() -> list[Path]:
    return sorted(QUERIES.glob("cq-*.rq"))


def expected_path(query: Path, form: str) -> Path:
    suffix = ".nt" if form in ("CONSTRUCT", "DESCRIBE") else ".srj"
    return EXPECTED / (query.stem + suffix)


def expected_file(query: Path) -> Path | None:
    for suffix in (".srj", ".nt"):
        path = EXPECTED / (query.stem + suffix)
        if path.exists():
            return path
    return None


# --- what "the same answer" means -------------------------------------------------------------


def norm_term(term) -> tuple | None:
    """A term as a comparable tuple. Numbers compare by value (engines differ in lexical forms
    such as 100 and 100.00, and in integer/decimal for computed values); GROUP_CONCAT lists
    compare as sorted parts (SPARQL leaves their order undefined); blank nodes are all alike."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if term.language:
        return ("lang", term.value, term.language.lower())
    datatype = term.datatype.value
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(term.value).normalize())
        except InvalidOperation:
            return ("literal", term.value, datatype)
    value = term.value
    if CONCAT_SEPARATOR in value:
        value = CONCAT_SEPARATOR.join(sorted(value.split(CONCAT_SEPARATOR)))
    return ("literal", value, datatype)


def norm_rows(result) -> list[tuple]:
    """SELECT rows as a sorted list of {variable: term} items (a multiset, order-free)."""
    rows = [
        tuple(
            sorted(
                (v, norm_term(t))
                for v, t in zip(result.variables, row, strict=True)
                if t is not None
            )
        )
        for row in result.rows
    ]
    return sorted(rows, key=repr)


def comparable(result) -> object:
    """What must be equal between two answers to the same SELECT or ASK query."""
    if result.form == "ASK":
        return bool(result.boolean)
    return (sorted(result.variables), norm_rows(result))


def norm_triples(result) -> list[str]:
    """CONSTRUCT answers as N-Triples lines with numbers in one canonical form: Oxigraph keeps
    xsd:nonNegativeInteger values as xsd:integer, rdflib keeps the datatype."""
    decimal = ox.NamedNode(XSD + "decimal")
    lines = []
    for t in result.triples:
        obj = t.object
        if isinstance(obj, ox.Literal) and obj.datatype.value in NUMERIC:
            obj = ox.Literal(format(Decimal(obj.value).normalize(), "f"), datatype=decimal)
        lines.append(f"{ox.Triple(t.subject, t.predicate, obj)} .\n")
    return lines


def read_expected(path: Path):
    """An expected file as a Result."""
    from nkelections.query.sparql import Result, from_oxigraph

    if path.suffix == ".nt":
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))
        return Result("CONSTRUCT", triples=triples)
    answer = ox.parse_query_results(path=str(path), format=ox.QueryResultsFormat.JSON)
    return from_oxigraph(answer, "ASK" if isinstance(answer, ox.QueryBoolean) else "SELECT")


def write_expected(query: Path, result) -> Path:
    from nkelections.query.results import serialize, sorted_triples

    path = expected_path(query, result.form)
    for stale in (EXPECTED / (query.stem + s) for s in (".srj", ".nt")):
        if stale != path:
            stale.unlink(missing_ok=True)
    if result.is_graph:
        lines = sorted({str(t) + " .\n" for t in sorted_triples(result)})
        text = "".join(lines)
    else:
        # pyoxigraph's SPARQL JSON, indented so that a change reads as a diff
        compact = serialize(result, ox.QueryResultsFormat.JSON)
        text = json.dumps(json.loads(compact), ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from nkelections.build.pipeline import Paths, build_graph
    from nkelections.query.embedded import OxigraphEngine, load_nquads
    from nkelections.query.sparql import load_query, run_query

    if argv[:1] == ["--from"]:  # an already built N-Quads file, e.g. dist/nkelections.nq
        engine = OxigraphEngine(load_nquads(Path(argv[1])), argv[1])
    else:
        engine = OxigraphEngine.from_dataset(build_graph(Paths(ROOT)).dataset)
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for path in competency_queries():
        result = run_query(engine, load_query(str(path), QUERIES))
        size = (
            len(result.triples)
            if result.is_graph
            else (result.boolean if result.form == "ASK" else len(result.rows))
        )
        written = write_expected(path, result)
        print(f"{written.relative_to(ROOT)}: {size}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
