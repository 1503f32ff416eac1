"""nkelections extract FILE: propose candidate statements for a new text, for a curator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nkelections.errors import SourceError
from nkelections.layout import project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the new text (plain UTF-8)")
    parser.add_argument(
        "--document-id", metavar="ID", help="its id in the manifest (default: from the file name)"
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the proposals here (atomically) instead of to stdout",
    )


def run(args: argparse.Namespace) -> int:
    from nkelections.build.pipeline import NOT_MENTIONED, Paths
    from nkelections.build.statements import load_curation
    from nkelections.curation.ontology import Ontology
    from nkelections.rdf.files import write_atomic
    from nkelections.sources.corpus import load_corpus
    from nkelections.sources.extract import extract, read_text, render

    _check_paths(args)
    read_text(args.file)  # a bad input file is reported before the curated data is read
    paths = Paths(project_root())
    ontology = Ontology.load(paths.ontology)
    curation = load_curation(
        paths.data, load_corpus(paths.sources, paths.root), ontology, paths.root
    )
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
            raise SourceError(
                f"cannot write the proposals: {exc.strerror}", where=str(args.output)
            ) from None
        print(f"wrote {len(extraction.proposals)} proposals to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _check_paths(args: argparse.Namespace) -> None:
    """FILE must be an ordinary file of text size (not a pipe, a device or a folder) and -o
    no folder, before anything is read."""
    from nkelections.sources.corpus import MAX_TEXT_BYTES

    try:
        if not args.file.is_file():
            raise SourceError(
                "no such file (or not an ordinary file)",
                where=str(args.file),
                hint="give the path of the new text",
            )
        size = args.file.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read the text: {exc.strerror}", where=str(args.file)) from None
    if size > MAX_TEXT_BYTES:
        raise SourceError(
            f"the text has {size:,} bytes, more than the {MAX_TEXT_BYTES:,} allowed",
            where=str(args.file),
        )
    if args.output is not None and args.output.is_dir():
        raise SourceError(
            "--output is a folder",
            where=str(args.output),
            hint="name the file to write the proposals to",
        )
