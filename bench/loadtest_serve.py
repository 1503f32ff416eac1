"""Load test of `nkelections serve`: N concurrent clients for S seconds on loopback, with or
without an attacker: one more client that sends, one after the other, queries that are slow
to parse (a 30,000-term sum), deeply nested (20,000 groups), or cartesian products.

Starts the server itself on a free 127.0.0.1 port, stops it afterwards (bounded and
self-stopping), and prints requests, errors, p50 and p99 latency of the ordinary clients (and
what the attacker got). Exit 1 on any error of an ordinary client.

    .venv/bin/python bench/loadtest_serve.py [--clients 100] [--seconds 30] [--attacker]
    .venv/bin/python bench/loadtest_serve.py --compare   # without, then with the attacker
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s "
    "LIMIT 20",
    "ASK { ?s ?p ?o }",
]
PATHS = ["/id/fox-news", "/ontology"]
HOSTILE = [
    "SELECT * WHERE { BIND(" + "+".join(["1"] * 30000) + " AS ?x) }",
    "SELECT * WHERE " + "{" * 20000 + "}" * 20000,
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT * WHERE { ?s " + "/".join(["<urn:x:p>"] * 2000) + " ?o }",
]


def client(base: str, stop: float, latencies: list, errors: list, n: int) -> None:
    i = n
    while time.monotonic() < stop:
        i += 1
        if i % 4 == 3:
            url, headers = base + PATHS[i % len(PATHS)], {"Accept": "text/turtle"}
        else:
            query = QUERIES[i % len(QUERIES)]
            url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
            headers = {"Accept": "application/sparql-results+json"}
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, headers=headers), timeout=30
            ) as answer:
                answer.read()
            latencies.append(time.perf_counter() - start)
        except (urllib.error.URLError, OSError) as exc:
            errors.append(f"{url}: {exc}")


def attacker(base: str, stop: float, got: list) -> None:
    """Hostile queries, one at a time, as fast as the server answers them."""
    i = 0
    while time.monotonic() < stop:
        query = HOSTILE[i % len(HOSTILE)].encode()
        i += 1
        request = urllib.request.Request(
            base + "/sparql", data=query, headers={"Content-Type": "application/sparql-query"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                got.append(answer.status)
        except urllib.error.HTTPError as exc:
            got.append(exc.code)
        except OSError as exc:
            got.append(type(exc).__name__)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--workers", type=int, default=2, help="serve's query workers")
    parser.add_argument("--attacker", action="store_true", help="add the hostile client")
    parser.add_argument(
        "--compare", action="store_true", help="run twice: without, then with the attacker"
    )
    args = parser.parse_args()
    runs = [False, True] if args.compare else [args.attacker]
    return max(run(args, with_attacker) for with_attacker in runs)


def run(args: argparse.Namespace, with_attacker: bool) -> int:
    # The server runs as `nkelections serve` in its own process, as in use: in this one its
    # threads would share the interpreter lock with the 100 clients'.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nkelections",
            "serve",
            "--port",
            "0",
            "--dist",
            str(args.dist),
            "--workers",
            str(args.workers),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    base = re.search(r"http://[^/\s]+", server.stdout.readline())[0]
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=client, args=(base, stop, latencies, errors, n))
        for n in range(args.clients)
    ]
    hostile: list = []
    if with_attacker:
        threads.append(threading.Thread(target=attacker, args=(base, stop, hostile)))
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 60)
    finally:
        server.terminate()
        server.wait(30)
    latencies.sort()

    def pct(p):
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(
        f"{args.clients} clients, {args.seconds:g} s"
        f"{', with the attacker' if with_attacker else ''}: {len(latencies)} ok, "
        f"{len(errors)} errors, {len(latencies) / args.seconds:.0f} req/s, "
        f"p50 {pct(0.50):.1f} ms, p99 {pct(0.99):.1f} ms"
    )
    if with_attacker:
        answers = {str(k): hostile.count(k) for k in sorted(set(hostile), key=str)}
        print(f"attacker: {len(hostile)} hostile queries, answers {answers}")
    for line in errors[:5]:
        print("error:", line)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
