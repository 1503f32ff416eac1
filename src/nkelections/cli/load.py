"""nkelections load: push dist/nkelections.nq's named graphs to a SPARQL 1.1 store."""

from __future__ import annotations

import argparse
from pathlib import Path

from nkelections.cli.argtypes import SECONDS
from nkelections.cli.options import add_endpoint_option
from nkelections.layout import dist_dir, nquads, project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from nkelections.publish.http import PASSWORD_VAR, USER_VAR
    from nkelections.publish.load import METHODS, STORES

    add_endpoint_option(
        parser, "the store's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query (required)"
    )
    parser.add_argument(
        "--graph",
        action="append",
        metavar="IRI",
        help="load only this named graph (repeatable; default: all)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace each graph's content (default: merge into it)",
    )
    parser.add_argument(
        "--store",
        choices=list(STORES),
        help="the kind of store (default: guessed from the endpoint URL)",
    )
    parser.add_argument(
        "--gsp",
        metavar="URL",
        help="the Graph Store Protocol endpoint, when it is not where the store usually has it",
    )
    parser.add_argument("--update", metavar="URL", help="the SPARQL Update endpoint")
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="graph store protocol, SPARQL update, or the first that works",
    )
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="use the store's bulk loader where it has one over HTTP "
        "(Oxigraph: about 3x faster, not atomic; the counts are "
        "still checked)",
    )
    parser.add_argument("--dist", type=Path, help="the built dist/ folder")
    parser.add_argument(
        "--timeout", type=SECONDS, default=60.0, help="seconds per request (default: 60)"
    )
    parser.epilog = (
        f"Credentials come from the environment: {USER_VAR} and {PASSWORD_VAR}. "
        "Exit 2 when the store cannot be reached, refuses, or the counts differ."
    )


def run(args: argparse.Namespace) -> int:
    from nkelections.errors import StoreError
    from nkelections.publish.http import Client
    from nkelections.publish.load import load

    if not args.endpoint:
        raise StoreError(
            "--endpoint URL is required", hint="for example --endpoint http://127.0.0.1:7878/query"
        )
    dist = args.dist or dist_dir(project_root())
    report = load(
        nquads(dist),
        args.endpoint,
        graphs=args.graph,
        replace=args.replace,
        store=args.store,
        gsp=args.gsp,
        update=args.update,
        method=args.method,
        bulk=args.bulk,
        client=Client(timeout=args.timeout),
    )
    for row in report.graphs:
        print(
            f"{row.iri}: {row.after} triples in the store ({row.expected} in dist, "
            f"{row.before} before; {row.method})"
        )
    print(f"loaded {len(report.graphs)} graphs into {report.store} at {args.endpoint}")
    return 0
