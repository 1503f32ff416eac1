"""Child process of the benchmark: time each competency query on the embedded store, in process.

`python bench/inprocess.py DIST RUNS QUERY.rq ...` opens the default engine once (the store
`nkelections build` writes) and prints JSON lines: first the engine and the time to open it,
then for each query the seconds of each run (start-up excluded: that is the CLI's cost,
measured separately). One line per query, flushed, so a run stopped early keeps what it did.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from nkelections.query import DEFAULT_ENGINE, load_query, open_engine, run_query

    dist, runs, files = Path(argv[0]), int(argv[1]), [Path(a) for a in argv[2:]]
    start = time.perf_counter()
    engine = open_engine(DEFAULT_ENGINE, dist)
    print(json.dumps({"engine": DEFAULT_ENGINE, "open": time.perf_counter() - start}),
          flush=True)
    for path in files:
        query = load_query(str(path), path.parent)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            run_query(engine, query)  # the Result holds every row: nothing is left lazy
            times.append(time.perf_counter() - start)
        print(json.dumps({"query": path.stem, "seconds": times}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
