"""The `nkelections` command: a thin layer that parses options, calls one library function,
formats the result and picks the exit code (0 ok, 1 data does not conform, 2 usage or input).

Each subcommand lives in nkelections/commands/<name>.py with `add_arguments(parser)` and
`run(args) -> int`; only the chosen one is imported, so start-up stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from nkelections import __version__
from nkelections.errors import NkeError, printable

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


def _top_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
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
    name = argv[0] if argv and argv[0] in COMMANDS else ""
    return run_guarded(name, lambda: _dispatch(argv))


def _dispatch(argv: list[str]) -> int:
    _check_utf8(argv)
    if not argv or argv[0] not in COMMANDS:
        _top_parser().parse_args(argv or ["--help"])  # prints help or a usage error, exits
        return 2
    name = argv[0]
    module = importlib.import_module(f"nkelections.cli.{name}")
    parser = OneLineParser(prog=f"nkelections {name}", description=COMMANDS[name])
    parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    module.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    return module.run(args)


# --- errors: no traceback reaches a user -----------------------------------------------------


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (what, and where to read more), exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {printable(message)} (hint: see {self.prog} --help)\n")


def _check_utf8(argv: list[str]) -> None:
    for index, arg in enumerate(argv):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes the locale could not decode (surrogateescape)
            shown = arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            raise NkeError(
                f"argument {index + 1} ({printable(shown)}) is not valid UTF-8",
                hint="give names, queries and paths in UTF-8",
            ) from None


def run_guarded(name: str, call) -> int:
    """Run call(); whatever it raises reaches the user as one line on stderr and an exit code:
    NkeError its own (2 usage or input, 1 does not conform), an unexpected error 2 with a
    request to report it (NKELECTIONS_DEBUG=1 shows the traceback), Ctrl-C 130."""
    prog = f"nkelections {name}" if name else "nkelections"
    try:
        with _terminated_as_exception():
            return call()
    except NkeError as exc:
        return _say(prog, exc.line(), exc.exit_code)
    except Terminated:
        return _say(prog, "terminated", 128 + signal.SIGTERM, label="")
    except KeyboardInterrupt:
        return _say(prog, "interrupted", 130, label="")
    except BrokenPipeError:  # the reader of stdout went away: nothing left to say to it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        return _say(prog, "out of memory (hint: the input is too large for this machine)", 2)
    except RecursionError:
        return _say(prog, "the input nests too deeply to be processed", 2)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _say(prog, f"{where}{exc.strerror or exc}", 2)
    except Exception as exc:  # a bug: still one line, and a way to see more
        if os.environ.get("NKELECTIONS_DEBUG"):
            raise
        return _say(
            prog,
            f"internal error: {type(exc).__name__}: {exc} (hint: please report "
            "it with the command; NKELECTIONS_DEBUG=1 shows the traceback)",
            2,
        )


class Terminated(KeyboardInterrupt):
    """SIGTERM (`timeout`, `kill`, a service manager), raised where the command runs, so that
    what it was writing is removed as after Ctrl-C (the default action would end the process
    at once, leaving a half-made store behind)."""


@contextmanager
def _terminated_as_exception() -> Iterator[None]:
    """SIGTERM raises Terminated while the command runs, where a handler can be set (the main
    thread) and none is set already (`serve` sets its own)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_terminated(signum, frame):
    raise Terminated


def _say(prog: str, message: str, code: int, label: str = "error: ") -> int:
    sys.stderr.write(f"{prog}: {label}{printable(message)}\n")
    sys.stderr.flush()
    return code
