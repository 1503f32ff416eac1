"""nkelections export: facts for other tools. Exporters are looked up by name in EXPORTERS."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from nkelections.argtypes import output_file
from nkelections.cli import project_root

EXPORTERS = {"quickstatements": "QuickStatements V1 lines for Wikidata, with references"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exporter", choices=list(EXPORTERS), help="what to export")
    parser.add_argument("--output", "-o", type=output_file, metavar="FILE",
                        help="file to write (default: dist/quickstatements.tsv); the skipped "
                             "facts go next to it in FILE.skipped.tsv")
    parser.add_argument("--retrieved", metavar="YYYY-MM-DD",
                        help="the S813 retrieved date of every reference (default: today)")


def run(args: argparse.Namespace) -> int:
    from nkelections.build import Paths, build_graph
    from nkelections.errors import NkeError
    from nkelections.namespaces import DATA_GRAPH
    from nkelections.quickstatements import export
    from nkelections.serialize import write_atomic

    try:
        day = dt.date.fromisoformat(args.retrieved) if args.retrieved else None
    except ValueError:
        raise NkeError(f"--retrieved {args.retrieved!r} is not a date YYYY-MM-DD") from None
    root = project_root()
    result = export(build_graph(Paths(root)).dataset.graph(DATA_GRAPH), day)
    output = args.output or root / "dist" / "quickstatements.tsv"
    write_atomic(output, "".join(line + "\n" for line in result.lines))
    skipped = Path(f"{output}.skipped.tsv")
    write_atomic(skipped, "fact\treason\n" + "".join(f"{s.fact}\t{s.reason}\n"
                                                     for s in result.skipped))
    print(f"wrote {output}: {len(result.lines)} lines; {len(result.skipped)} facts skipped, "
          f"listed in {skipped}")
    return 0
