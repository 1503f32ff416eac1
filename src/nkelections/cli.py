"""The `nkelections` command: a thin layer that parses options, calls one library function,
formats the result and picks the exit code (0 ok, 1 data does not conform, 2 usage or input).

Each subcommand lives in nkelections/commands/<name>.py with `add_arguments(parser)` and
`run(args) -> int`; only the chosen one is imported, so start-up stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from nkelections import __version__
from nkelections.errors import NkeError

# name -> one-line help. Order is the order `--help` shows.
COMMANDS: dict[str, str] = {
    "build": "check the curated data against the texts and write the graph to dist/",
    "validate": "validate the graph (or given files) against the SHACL shapes",
    "index": "index dist/ into the embedded store queries read (else the first query does)",
    "query": "run a SPARQL query (a competency question, a file or -e TEXT)",
    "load": "load the graph into a SPARQL 1.1 store",
    "serve": "serve the graph as a read-only SPARQL endpoint and linked data",
    "link": "propose Wikidata links for entities that have none",
    "export": "export facts for other tools (quickstatements)",
    "network": "export the graph as networks (GraphML, GEXF, JSON, DOT) and pictures",
    "stats": "counts, central entities and sources per fact",
    "coverage": "list candidate facts in the texts that no statement covers",
    "extract": "propose candidate statements for a new text",
}


def project_root() -> Path:
    """The checkout holding ontology/ and data/: $NKELECTIONS_ROOT, the working directory, or
    the tree this package was installed from (editable installs)."""
    env = os.environ.get("NKELECTIONS_ROOT")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / "ontology" / "nkelections.ttl").exists():
        return cwd
    return Path(__file__).resolve().parents[2]


def add_format_option(parser: argparse.ArgumentParser, choices, default: str) -> None:
    parser.add_argument("--format", "-f", choices=list(choices), default=default,
                        help=f"output format (default: {default})")


def add_endpoint_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--endpoint", metavar="URL", help=help_text)


class _OneLineParser(argparse.ArgumentParser):
    """argparse's usage errors in one line, with the hint to ask for --help."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (hint: see {self.prog} --help)\n")


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nkelections",
        description="An evidence-grounded knowledge graph of the 2023 North Korean local "
        "elections.",
        epilog="commands:\n" + "\n".join(f"  {n:<10} {h}" for n, h in COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nkelections {__version__}")
    parser.add_argument("command", choices=list(COMMANDS), metavar="COMMAND")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        _top_parser().parse_args(argv or ["--help"])  # prints help or a usage error, exits
        return 2
    name = argv[0]
    module = importlib.import_module(f"nkelections.commands.{name}")
    parser = _OneLineParser(prog=f"nkelections {name}", description=COMMANDS[name])
    parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    module.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    try:
        return module.run(args)
    except NkeError as exc:
        print(f"nkelections {name}: error: {exc.line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"nkelections {name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - no traceback reaches a user
        detail = " ".join(str(exc).split())[:300]
        print(f"nkelections {name}: error: {type(exc).__name__}: {detail} (hint: this is a "
              "bug in nkelections; run with the same input again to report it)", file=sys.stderr)
        return 2
