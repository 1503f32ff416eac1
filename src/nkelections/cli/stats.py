"""nkelections stats: counts, central entities, components and sources per fact."""

from __future__ import annotations

import argparse
import json

from nkelections.cli.options import add_format_option, add_input_option, load_input

FORMATS = ("text", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format_option(parser, FORMATS, "text")
    add_input_option(parser)


def run(args: argparse.Namespace) -> int:
    from nkelections.network.stats import compute_stats, format_text

    stats = compute_stats(load_input(args))
    if args.format == "json":
        print(json.dumps(stats.as_dict(), indent=1, ensure_ascii=False))
    else:
        print(format_text(stats), end="")
    return 0
