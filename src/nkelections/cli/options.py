"""Options several commands share, declared once."""

from __future__ import annotations

import argparse
from pathlib import Path

from nkelections.layout import dist_dir, project_root


def add_format_option(parser: argparse.ArgumentParser, choices, default: str) -> None:
    parser.add_argument(
        "--format",
        "-f",
        choices=list(choices),
        default=default,
        help=f"output format (default: {default})",
    )


def add_endpoint_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--endpoint", metavar="URL", help=help_text)


def add_dist_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dist",
        type=Path,
        metavar="DIR",
        help="the built dataset's folder (default: dist/ in the project)",
    )


def dist_folder(args: argparse.Namespace) -> Path:
    return args.dist or dist_dir(project_root())


def built_dataset(args: argparse.Namespace):
    """The built dataset (rdflib) from --dist: commands after `build` read what it wrote."""
    from nkelections.rdf.built import open_dataset

    return open_dataset(dist_folder(args))


def add_input_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        type=Path,
        metavar="FILE",
        help="a built dataset (.nq or .trig; default: dist/nkelections.nq)",
    )


def load_input(args: argparse.Namespace) -> Path:
    """The built dataset file to work on: --input, else the build's dist/nkelections.nq."""
    from nkelections.network.convert import load_dataset
    from nkelections.rdf.built import built_nquads

    if args.input is not None:
        return load_dataset(args.input)
    return built_nquads(dist_dir(project_root()))
