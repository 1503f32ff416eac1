"""`nkelections serve` beside `oxigraph serve-read-only` on the same store and the same query mix.

Both servers read the one on-disk store the build's index wrote (dist/store/, an Oxigraph
RocksDB store: the CLI of the same version opens it read-only), so neither loads anything.
Each client loops over the mix: competency queries (SELECT and ASK, JSON results) and, one
request in four, a resource: our page /id/NAME as Turtle, and for Oxigraph's server, which
has no pages, the same `DESCRIBE <IRI>`. An answer counts as correct when its status is 200
and, for a SELECT, it has as many rows as the in-process answer on the same store.

    .venv/bin/python bench/serve_compare.py DIST [--clients 10 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
VENV = PROJECT / ".venv" / "bin"
# not the election: its page holds every figure with its evidence (135k triples at 0.1x)
RESOURCES = ("north-korea",)
BASE_IRI = "https://w3id.org/nkelections/id/"


@dataclass
class Load:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0

    def summary(self) -> dict:
        return {
            "clients": self.clients,
            "ok": len(self.latencies),
            "errors": len(self.errors),
            "throughput": self.throughput,
            "p50": self.percentile(0.5),
            "p99": self.percentile(0.99),
            "first_errors": self.errors[:3],
        }


@dataclass(frozen=True)
class Request:
    name: str
    url: str
    accept: str
    rows: int | None  # rows a SELECT must return; None: not checked (ASK, pages)


def mix(
    endpoint: str, page_base: str | None, queries: dict[str, tuple[str, int | None]]
) -> list[Request]:
    """The requests one server gets: each query, and the resources as pages or DESCRIBE."""
    requests = [
        Request(
            name,
            endpoint + "?" + urllib.parse.urlencode({"query": text}),
            "application/sparql-results+json",
            rows,
        )
        for name, (text, rows) in queries.items()
    ]
    for name in RESOURCES:
        if page_base:
            url = page_base + "/id/" + name
        else:
            url = endpoint + "?" + urllib.parse.urlencode({"query": f"DESCRIBE <{BASE_IRI}{name}>"})
        requests.append(Request(f"resource {name}", url, "text/turtle", None))
    return requests


def client(requests: list[Request], stop: float, load: Load, offset: int) -> None:
    i = offset
    while time.monotonic() < stop:
        request = requests[i % len(requests)]
        i += 1
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(
                urllib.request.Request(request.url, headers={"Accept": request.accept}), timeout=60
            ) as answer:
                body = answer.read()
            wrong = _wrong(request, body)
        except (urllib.error.URLError, OSError) as exc:
            wrong = str(exc)
        if wrong:
            load.errors.append(f"{request.name}: {wrong}")
        else:
            load.latencies.append(time.perf_counter() - start)


def _wrong(request: Request, body: bytes) -> str | None:
    if request.rows is None:
        return None if body else "empty answer"
    got = len(json.loads(body)["results"]["bindings"])
    return None if got == request.rows else f"{got} rows, not {request.rows}"


def hammer(requests: list[Request], clients: int, seconds: float) -> Load:
    load = Load(clients, seconds)
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(requests, stop, load, n), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 90)
    return load


def expected_rows(store_dir: Path, files: list[Path]) -> dict[str, tuple[str, int | None]]:
    """Each query's text and its row count in process on the same store (None for ASK)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    queries = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        answer = store.query(text, use_default_graph_as_union=True)
        rows = None if isinstance(answer, ox.QueryBoolean) else sum(1 for _ in answer)
        queries[path.stem] = (text, rows)
    del store
    return queries


class Server:
    """A server process on 127.0.0.1, stopped on exit."""

    def __init__(self, argv: list[str], url: str | None = None):
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        self.url = url or re.search(r"http://[^/\s]+", self.process.stdout.readline())[0]
        _wait(self.url)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(30)


def _wait(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server at {url}")


def compare(
    dist: Path, files: list[Path], clients: list[int], seconds: float, port: int, workers: int = 2
) -> dict:
    queries = expected_rows(dist / "store", files)
    results: dict = {"queries": sorted(queries), "ours": [], "oxigraph": []}
    ours = [
        str(VENV / "nkelections"),
        "serve",
        "--port",
        "0",
        "--dist",
        str(dist),
        "--workers",
        str(workers),
    ]
    with Server(ours) as server:
        requests = mix(server.url + "/sparql", server.url, queries)
        results["ours"] = [hammer(requests, n, seconds).summary() for n in clients]
    theirs = [
        str(VENV / "oxigraph"),
        "serve-read-only",
        "--location",
        str(dist / "store"),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    with Server(theirs, f"http://127.0.0.1:{port}") as server:
        requests = mix(server.url + "/query", None, queries)
        results["oxigraph"] = [hammer(requests, n, seconds).summary() for n in clients]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("queries", type=Path, nargs="+")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--port", type=int, default=7879)
    args = parser.parse_args(argv)
    results = compare(args.dist, args.queries, args.clients, args.seconds, args.port)
    print(json.dumps(results))
    for name in ("ours", "oxigraph"):
        for load in results[name]:
            print(
                f"{name}: {load['clients']} clients, {load['throughput']:.0f} req/s, "
                f"p50 {load['p50'] * 1000:.1f} ms, p99 {load['p99'] * 1000:.1f} ms, "
                f"{load['errors']} errors",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
