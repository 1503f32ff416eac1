"""nkelections validate: check the built graph (or given RDF files) against the SHACL shapes.

Exit codes: 0 no violation (warnings and infos are printed; the SHACL report then says
sh:conforms false, as the standard requires for any result), 1 it has violations,
2 usage or input error (a missing file, a file that does not parse, unusable shapes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nkelections.cli.argtypes import SECONDS
from nkelections.cli.options import add_format_option
from nkelections.layout import project_root

DEFAULT_TIMEOUT = 600.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from nkelections.validate.shacl import DEFAULT_ENGINE, ENGINES, FORMATTERS

    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="RDF files to validate together (.trig, .nq, .ttl, .nt, .jsonld); "
        "default: dist/nkelections.trig",
    )
    add_format_option(parser, FORMATTERS, "text")
    parser.add_argument(
        "--shapes",
        type=Path,
        metavar="FILE",
        help="the shapes graph (default: ontology/shapes.ttl)",
    )
    parser.add_argument(
        "--engine",
        choices=list(ENGINES),
        default=DEFAULT_ENGINE,
        help=f"SHACL engine (default: {DEFAULT_ENGINE}, the whole graph at once; "
        "pyshacl is the reference, node by node)",
    )
    parser.add_argument(
        "--timeout",
        type=SECONDS,
        default=DEFAULT_TIMEOUT,
        help=f"seconds validation may take (default: {DEFAULT_TIMEOUT:g})",
    )


def run(args: argparse.Namespace) -> int:
    from nkelections.process.sandbox import run_isolated

    root = project_root()
    files = args.files or [root / "dist" / "nkelections.trig"]
    # In a child without network (nothing a file says is fetched) and with a time limit.
    text, passes = run_isolated(
        _validate, (args, root, files), timeout=args.timeout, what="validation"
    )
    sys.stdout.write(text)
    return 0 if passes else 1


def _validate(args: argparse.Namespace, root: Path, files: list[Path]) -> tuple[str, bool]:
    from nkelections.rdf.contexts import CONTEXT_IRI, LOCAL_CONTEXTS
    from nkelections.validate.shacl import FORMATTERS, load_shapes, validate_files

    LOCAL_CONTEXTS[CONTEXT_IRI] = root / "dist" / "context.jsonld"
    shapes = load_shapes(args.shapes or root / "ontology" / "shapes.ttl")
    # Files from dist/ carry the ontology; other files get the project's, which the shapes
    # need for the class hierarchy and the concept schemes.
    report = validate_files(
        files, shapes, ontology=root / "ontology" / "nkelections.ttl", engine=args.engine
    )
    source = ", ".join(_shown(f, root) for f in files)
    return FORMATTERS[args.format](report, source), report.passes


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
