"""nkelections index: write dist/store/, the on-disk store `query` reads, from the built N-Quads.

`query` makes it on first use when it is missing; this does it up front, e.g. after a large
build and before a session of queries, or to time it (bench/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from nkelections.layout import dist_dir, project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dist", type=Path, help="the built folder (default: dist/ in the project)"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print no summary")


def run(args: argparse.Namespace) -> int:
    from nkelections.query.embedded import index_dist

    store = index_dist(args.dist or dist_dir(project_root()))
    if not args.quiet:
        print(f"indexed {store}")
    return 0
