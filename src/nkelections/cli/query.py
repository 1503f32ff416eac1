"""nkelections query: run a competency question, a query file or -e TEXT, and print the answer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nkelections.cli.argtypes import SECONDS
from nkelections.cli.options import add_endpoint_option, add_format_option
from nkelections.errors import QueryError
from nkelections.layout import dist_dir, project_root
from nkelections.query.engines import DEFAULT_ENGINE, DEFAULT_TIMEOUT, ENGINES, open_engine
from nkelections.query.results import FORMATS, render
from nkelections.query.sparql import (
    Query,
    bind,
    list_queries,
    load_query,
    parse_binding,
    run_query,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query",
        nargs="?",
        metavar="QUERY",
        help="a query name from queries/ (with or without .rq), or a path",
    )
    parser.add_argument("-e", "--expression", metavar="TEXT", help="run this SPARQL text")
    parser.add_argument(
        "--list", action="store_true", help="list the competency questions and exit"
    )
    parser.add_argument(
        "--engine",
        choices=list(ENGINES),
        default=None,
        help=f"where to run it (default: {DEFAULT_ENGINE}, the store in "
        "dist/store; endpoint when --endpoint is given)",
    )
    add_endpoint_option(parser, "run the query against this SPARQL endpoint")
    add_format_option(parser, FORMATS, "table")
    parser.set_defaults(format=None)  # None: table for SELECT/ASK, turtle for graphs
    parser.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME; <iri> or prefix:local is an IRI, else a literal (repeatable)",
    )
    parser.add_argument("--dist", type=Path, help="the built graph (default: dist/)")
    parser.add_argument(
        "--timeout",
        type=SECONDS,
        default=DEFAULT_TIMEOUT,
        help=f"seconds the query may take, with any engine (default: {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--allow-service",
        action="store_true",
        help="let the query reach the network: SERVICE clauses (the "
        "federated-*.rq queries need it) and, with rdflib, FROM <url>",
    )


def run(args: argparse.Namespace) -> int:
    queries_dir = project_root() / "queries"
    if args.list:
        _print_list(queries_dir)
        return 0
    query = _chosen_query(args, queries_dir)
    bindings = dict(parse_binding(item) for item in args.bind)
    engine_name = args.engine or ("endpoint" if args.endpoint else DEFAULT_ENGINE)
    if args.endpoint and engine_name != "endpoint":
        raise QueryError(f"--endpoint goes with --engine endpoint, not {engine_name}")
    dist = args.dist or dist_dir(project_root())
    if engine_name == "endpoint":  # the user named the address; the client has its timeout
        result = run_query(
            open_engine(engine_name, dist, args.endpoint, args.timeout), query, bindings
        )
        output = render(result, args.format, query.prefixes)
    else:
        output = run_local(
            engine_name, dist, bind(query, bindings), args.timeout, args.allow_service, args.format
        )
    sys.stdout.buffer.write(output)
    sys.stdout.flush()
    if args.verbose:
        print(f"engine {engine_name}: {args.endpoint or dist}", file=sys.stderr)
    return 0


def run_local(
    engine_name: str,
    dist: Path,
    query: Query,
    timeout: float,
    allow_service: bool,
    fmt: str | None = None,
) -> bytes:
    """Run the query in a child process (sandbox.py): within timeout, without network unless
    allowed, and with a crash of the engine reported in one line. The child writes the
    answer in `fmt` too: bytes cross back to this process at once, where the terms of a large
    answer, pickled one by one, took longer than the query (1 s for cq-50 at 1×)."""
    from nkelections.process.sandbox import run_isolated

    if engine_name == "oxigraph":
        from nkelections.query.embedded import ensure_index

        ensure_index(dist)  # here, not in the child: a kill must not stop it half-way
    return run_isolated(
        _answer,
        (engine_name, dist, query, allow_service, fmt),
        timeout=timeout,
        network=allow_service,
    )


def _answer(
    engine_name: str, dist: Path, query: Query, allow_service: bool, fmt: str | None
) -> bytes:
    from nkelections.query.guard import SERVICE_REFUSED, has_service

    if not allow_service and has_service(query.text):
        raise QueryError(SERVICE_REFUSED.replace("queries here", "queries"), where=query.name)
    engine = open_engine(engine_name, dist)
    engine.load_graphs = allow_service
    return render(engine.run(query), fmt, query.prefixes)


def _chosen_query(args: argparse.Namespace, queries_dir: Path) -> Query:
    if args.expression is not None and args.query:
        raise QueryError("give either QUERY or -e TEXT, not both")
    if args.expression is not None:
        return Query("-e", args.expression)
    if not args.query:
        raise QueryError("no query given", hint="name one (see --list), give a path, or -e TEXT")
    return load_query(args.query, queries_dir)


def _print_list(queries_dir: Path) -> None:
    infos = [i for i in list_queries(queries_dir) if i.name.startswith("cq-")]
    width = max((len(i.name) for i in infos), default=0)
    for info in infos:
        params = (
            f"  [--bind {info.parameters.split()[0].lstrip('?')}=...]" if info.parameters else ""
        )
        print(f"{info.name:<{width}}  {info.question}{params}")
