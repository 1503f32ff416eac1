"""Child process of the benchmark: time each competency query on the embedded store, in process.

`python bench/inprocess.py DIST RUNS ENGINE [--picked NAME=VALUE]... [--bound-only STEM]...
QUERY.rq ...` opens the engine once (`oxigraph`, the
on-disk store `nkelections build` writes, or `oxigraph-memory`, its N-Quads loaded into memory)
and prints JSON lines: first the engine and the time to open it, then for each query a line
when it starts and one with the seconds of each run (start-up excluded: that is the CLI's
cost, measured separately). Lines are flushed, so that the parent can stop a query that runs
too long and start again with the next one, keeping what was done.

A query whose header documents a parameter ("# Parameters: ?fact - ...") asks its question of
one value; unbound, it answers it for every value at once (84,220 facts' evidence at 1x). It
is timed both ways: unbound first, then bound (a line with "bound": {name: value}) to the
value its own unbound answer has the most rows for (the question's worst case), else the
header's example where it is a literal (`--bind name=kim`, a name or a date: data of any scale
has it), else the value picked for the same parameter of an earlier query, else the instance
of the parameter's class in the query (`?fact a nke:Fact ; prov:wasDerivedFrom ?ev`) with the
most values of the predicate the query reads next (the unbound answer may have been stopped),
else the example (an IRI it names may not be in synthetic data). The parent passes on the
values picked so far (--picked) and, for a query stopped while unbound, asks for its bound
form alone (--bound-only), when it starts a new process after stopping one.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

PARAMETER = re.compile(r"^# Parameters: \?(\w+)", re.MULTILINE)
EXAMPLE = re.compile(r"--bind (\w+)=([^\s)]+)")
# ?name a prefix:Class, and the predicate the query reads of it next, if it says one there
CLASS_OF = r"\?{}\s+a\s+([A-Za-z][\w-]*:[\w-]+)(?:\s*;\s*([A-Za-z][\w-]*:[\w-]+))?"
BOUND = " (bound)"  # the key of a query's bound form in the lines printed


def main(argv: list[str]) -> int:
    from nkelections.query.engines import open_engine
    from nkelections.query.sparql import load_query

    dist, runs, engine_name = Path(argv[0]), int(argv[1]), argv[2]
    picked: dict[str, str] = {}  # parameter -> the value an earlier query was bound to
    bound_only: set[str] = set()
    files = []
    for arg in argv[3:]:
        if arg.startswith("--picked="):
            name, _, value = arg.removeprefix("--picked=").partition("=")
            picked[name] = value
        elif arg.startswith("--bound-only="):
            bound_only.add(arg.removeprefix("--bound-only="))
        else:
            files.append(Path(arg))
    start = time.perf_counter()
    engine = open_engine(engine_name, dist)
    emit({"engine": engine_name, "open": time.perf_counter() - start})
    for path in files:
        query, answer = load_query(str(path), path.parent), None
        if path.stem not in bound_only:
            emit({"start": path.stem})
            times, answer = timed(engine, query, runs)
            emit({"query": path.stem, "seconds": times})
        name = parameter(query.text)
        if name is None:
            continue
        shown = example(query.text, name)
        literal = shown if shown and ":" not in shown else None
        emit({"start": path.stem + BOUND})
        value = (
            busiest(answer, name)
            or literal
            or picked.get(name)
            or busiest_instance(engine, query, name)
            or shown
        )
        if value is None:
            continue
        if value != literal:
            picked.setdefault(name, value)
        times, _ = timed(engine, query, runs, {name: value})
        emit({"query": path.stem + BOUND, "bound": {name: value}, "seconds": times})
    return 0


def timed(engine, query, runs: int, bindings: dict[str, str] | None = None):
    from nkelections.query.sparql import run_query

    times, answer = [], None
    for _ in range(runs):
        start = time.perf_counter()
        answer = run_query(engine, query, bindings)  # the Result holds every row: nothing is lazy
        times.append(time.perf_counter() - start)
    return times, answer


def parameter(text: str) -> str | None:
    found = PARAMETER.search(text)
    return found[1] if found else None


def example(text: str, name: str) -> str | None:
    return next((value for key, value in EXAMPLE.findall(text) if key == name), None)


def busiest(answer, name: str) -> str | None:
    """The IRI in column ?name that the most rows have (ties: the first in text order), as
    <iri>: the value for which the bound question has the most to read."""
    if answer is None or name not in answer.variables:
        return None
    import pyoxigraph as ox

    column = answer.variables.index(name)
    return _most(
        Counter(row[column].value for row in answer.rows if isinstance(row[column], ox.NamedNode))
    )


def busiest_instance(engine, query, name: str) -> str | None:
    """The instance of ?name's class in the query with the most values of the predicate the
    query reads of it next (of any predicate, where it names none there)."""
    from nkelections.query.sparql import Query, run_query

    found = re.search(CLASS_OF.format(name), query.text)
    if found is None:
        return None
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(query.prefixes.items()))
    # grouped, not sorted: sorting 84,000 IRIs on disk reads each one's text per comparison
    text = (
        f"{prefixes}SELECT ?x (COUNT(?o) AS ?n) "
        f"WHERE {{ ?x a {found[1]} ; {found[2] or '?p'} ?o }} GROUP BY ?x"
    )
    rows = run_query(engine, Query("pick", text, None)).rows
    return _most({row[0].value: int(row[1].value) for row in rows})


def _most(counts: dict[str, int]) -> str | None:
    """The IRI with the highest count (ties: the first in text order), as <iri>."""
    if not counts:
        return None
    top = max(counts.values())
    return "<" + min(iri for iri, n in counts.items() if n == top) + ">"


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
