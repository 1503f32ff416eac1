"""nkelections network: write each view as GraphML, GEXF, JSON and DOT, with pictures, and
the offline explorer, to dist/network/."""

from __future__ import annotations

import argparse

from nkelections.cli.argtypes import output_dir
from nkelections.cli.options import add_input_option, load_input
from nkelections.layout import NETWORK, dist_dir, project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from nkelections.network.views import FAMILIES, VIEWS

    add_input_option(parser)
    parser.add_argument(
        "--out",
        type=output_dir,
        metavar="DIR",
        help="output folder (default: dist/network/ in the project)",
    )
    parser.add_argument(
        "--view",
        action="append",
        choices=[*VIEWS, *FAMILIES],
        dest="views",
        help="only this view, or claims-by-document for one claims view per "
        "source document (repeatable; default: all)",
    )
    parser.add_argument("--no-pictures", action="store_true", help="skip PNG and SVG")
    parser.add_argument("--no-explorer", action="store_true", help="skip explorer.html")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing")


def run(args: argparse.Namespace) -> int:
    from nkelections.network.write import write_network

    out = args.out or dist_dir(project_root()) / NETWORK
    summaries = write_network(
        load_input(args),
        out,
        views=args.views,
        pictures=not args.no_pictures,
        explorer=not args.no_explorer,
    )
    if not args.quiet:
        for s in summaries:
            note = f" ({s.note})" if s.note else ""
            print(f"{s.name}: {s.nodes} nodes, {s.edges} edges{note}")
        print(f"wrote {out}")
    return 0
