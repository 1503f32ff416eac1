"""Options several commands share, declared once."""

from __future__ import annotations

import argparse
from pathlib import Path

from nkelections.layout import project_root


def add_format_option(parser: argparse.ArgumentParser, choices, default: str) -> None:
    parser.add_argument("--format", "-f", choices=list(choices), default=default,
                        help=f"output format (default: {default})")


def add_endpoint_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--endpoint", metavar="URL", help=help_text)


def add_input_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", type=Path, metavar="FILE",
                        help="a built dataset (.nq or .trig) instead of building from the data")


def load_input(args: argparse.Namespace):
    """The dataset to work on: the --input file, or the quads of a fresh in-memory build."""
    if args.input is not None:
        from nkelections.network.convert import load_dataset

        return load_dataset(args.input)
    from nkelections.build.pipeline import Paths, build_graph

    return build_graph(Paths(project_root())).quads
