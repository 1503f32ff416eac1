"""nkelections build: check the curated data against the texts and write dist/."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from nkelections.cli import project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dist", type=Path, help="output folder (default: dist/ in the project)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no summary")


def run(args: argparse.Namespace) -> int:
    from nkelections.build import Paths, build_graph
    from nkelections.store.docs import write_docs

    root = project_root()
    dist = args.dist or root / "dist"
    result = build_graph(Paths(root))
    summary = asdict(result.summary)
    write_files_and_store(result.quads, dist,
                          {"summary.json": json.dumps(summary, indent=1, sort_keys=True) + "\n"})
    write_docs(root / "ontology" / "nkelections.ttl", dist / "docs" / "ontology.html")
    if not args.quiet:
        s = result.summary
        print(f"built {dist}: {s.documents} documents, {s.entities} entities, "
              f"{s.statements} statements, {s.facts} facts, {s.evidence} evidence, "
              f"{s.mentions} mentions, {s.triples} triples")
    return 0


def write_files_and_store(quads, dist: Path, extra: dict[str, str]) -> None:
    """The RDF files, and the embedded store `query` opens, filled from the N-Quads chunks
    in a thread while the files are written; nothing moves into dist/ until both are done."""
    from nkelections.embedded import STORE_DIR, StoreFiller, replace_store
    from nkelections.serialize import write_outputs

    store = dist / STORE_DIR
    filler = StoreFiller(store)
    try:
        write_outputs(quads, dist, extra, nquads_sink=filler)
    except BaseException:
        filler.abandon()
        raise
    replace_store(filler.staging, store)
