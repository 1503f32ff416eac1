"""nkelections serve: a read-only SPARQL endpoint and linked-data server over dist/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast

from nkelections.cli.argtypes import SECONDS, number_in
from nkelections.layout import dist_dir, project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--port",
        type=number_in(int, 0, 65535, "a port"),
        default=8000,
        help="port (default: 8000; 0 picks a free one)",
    )
    parser.add_argument("--dist", type=Path, help="the built dist/ folder")
    parser.add_argument(
        "--timeout", type=SECONDS, default=10.0, help="seconds per query (default: 10)"
    )
    parser.add_argument(
        "--read-timeout",
        type=SECONDS,
        default=20.0,
        help="seconds a connection may stay silent, idle or mid-request, before it is closed "
        "(default: 20)",
    )
    parser.add_argument(
        "--queue-timeout",
        type=SECONDS,
        default=60.0,
        help="seconds a query may wait for a free worker before the answer is 503 with "
        "Retry-After (default: 60)",
    )
    parser.add_argument(
        "--limit",
        type=number_in(int, 1, 10_000_000, "a row count"),
        default=10000,
        help="rows or triples per answer (default: 10000)",
    )
    parser.add_argument(
        "--workers",
        type=number_in(int, 1, 64, "a number of workers"),
        default=2,
        help="query worker processes (default: 2)",
    )
    parser.add_argument(
        "--allow-service",
        action="store_true",
        help="allow SERVICE clauses (the server then fetches other endpoints)",
    )


def run(args: argparse.Namespace) -> int:
    from nkelections.publish.serve import Config, make_server

    config = Config(
        args.dist or dist_dir(project_root()),
        args.host,
        args.port,
        args.timeout,
        args.limit,
        args.workers,
        args.allow_service,
        args.read_timeout,
        args.queue_timeout,
    )
    server, site = make_server(config)
    if site.pool.networked and not args.allow_service:
        print(
            "nkelections serve: warning: this system gives the query workers no private "
            "network namespace; SERVICE is refused by the parser only",
            file=sys.stderr,
        )
    host, port = cast(tuple[str, int], server.server_address[:2])  # an AF_INET(6) server
    print(
        f"serving {config.dist} on http://{host}:{port}/ (SPARQL at /sparql); Ctrl-C stops",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (cli.main raises Terminated for it)
        pass
    finally:
        server.server_close()
        site.close()
    return 0
