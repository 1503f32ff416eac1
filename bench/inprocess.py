"""Child process of the benchmark: time each competency query on the embedded store, in process.

`python bench/inprocess.py DIST RUNS ENGINE QUERY.rq ...` opens the engine once (`oxigraph`, the
on-disk store `nkelections build` writes, or `oxigraph-memory`, its N-Quads loaded into memory)
and prints JSON lines: first the engine and the time to open it, then for each query a line
when it starts and one with the seconds of each run (start-up excluded: that is the CLI's
cost, measured separately). Lines are flushed, so that the parent can stop a query that runs
too long and start again with the next one, keeping what was done.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from nkelections.query.engines import open_engine
    from nkelections.query.sparql import load_query, run_query

    dist, runs, engine_name = Path(argv[0]), int(argv[1]), argv[2]
    files = [Path(a) for a in argv[3:]]
    start = time.perf_counter()
    engine = open_engine(engine_name, dist)
    emit({"engine": engine_name, "open": time.perf_counter() - start})
    for path in files:
        query = load_query(str(path), path.parent)
        emit({"start": path.stem})
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            run_query(engine, query)  # the Result holds every row: nothing is left lazy
            times.append(time.perf_counter() - start)
        emit({"query": path.stem, "seconds": times})
    return 0


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
