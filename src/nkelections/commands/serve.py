"""nkelections serve: a read-only SPARQL endpoint and linked-data server over dist/."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from nkelections.cli import project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--dist", type=Path, help="the built dist/ folder")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per query")
    parser.add_argument("--limit", type=int, default=10000, help="rows or triples per answer")
    parser.add_argument("--workers", type=int, default=2, help="query worker processes")
    parser.add_argument("--allow-service", action="store_true",
                        help="allow SERVICE clauses (the server then fetches other endpoints)")


def run(args: argparse.Namespace) -> int:
    from nkelections.store.serve import Config, make_server

    config = Config(args.dist or project_root() / "dist", args.host, args.port, args.timeout,
                    args.limit, max(1, args.workers), args.allow_service)
    server, site = make_server(config)
    signal.signal(signal.SIGTERM, _stop)
    host, port = server.server_address[:2]
    print(f"serving {config.dist} on http://{host}:{port}/ (SPARQL at /sparql); Ctrl-C stops",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        site.close()
    return 0


def _stop(signum, frame):
    raise KeyboardInterrupt
