"""nkelections stats: counts, central entities, components and sources per fact."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nkelections.cli import add_format_option, project_root

FORMATS = ("text", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format_option(parser, FORMATS, "text")
    parser.add_argument("--input", type=Path, metavar="FILE",
                        help="a built dataset (.nq or .trig) instead of building from the data")


def load(args: argparse.Namespace):
    """The dataset to work on: the --input file, or the quads of a fresh in-memory build."""
    if args.input is not None:
        from nkelections.network.convert import load_dataset

        return load_dataset(args.input)
    from nkelections.build import Paths, build_graph

    return build_graph(Paths(project_root())).quads


def run(args: argparse.Namespace) -> int:
    from nkelections.network.stats import compute_stats, format_text

    stats = compute_stats(load(args))
    if args.format == "json":
        print(json.dumps(stats.as_dict(), indent=1, ensure_ascii=False))
    else:
        print(format_text(stats), end="")
    return 0
