"""nkelections extract FILE: propose candidate statements for a new text, for a curator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nkelections.cli import project_root
from nkelections.errors import SourceError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the new text (plain UTF-8)")
    parser.add_argument("--document-id", metavar="ID",
                        help="its id in the manifest (default: from the file name)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="write the proposals here (atomically) instead of to stdout")


def run(args: argparse.Namespace) -> int:
    from nkelections.build import NOT_MENTIONED, Paths
    from nkelections.extract import extract, read_text, render
    from nkelections.ontology import Ontology
    from nkelections.serialize import write_atomic
    from nkelections.sources import load_corpus
    from nkelections.statements import load_curation

    read_text(args.file)  # a bad input file is reported before the curated data is read
    paths = Paths(project_root())
    ontology = Ontology.load(paths.ontology)
    curation = load_curation(paths.data, load_corpus(paths.sources, paths.root), ontology,
                             paths.root)
    names, kinds = {}, {}
    for entity in curation.entities.values():
        if not ontology.any_subclass(tuple(entity.types), NOT_MENTIONED):
            names[entity.id] = [entity.label, *entity.aliases]
        kinds[entity.id] = ontology.short(entity.types[0])
    extraction = extract(args.file, names, args.document_id)
    text = render(extraction, kinds)
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            raise SourceError(f"cannot write the proposals: {exc.strerror}",
                              where=str(args.output)) from None
        print(f"wrote {len(extraction.proposals)} proposals to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
