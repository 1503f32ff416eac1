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
    from nkelections.embedded import STORE_DIR, StoreFiller, replace_store
    from nkelections.runtime import paused_gc
    from nkelections.serialize import write_outputs
    from nkelections.store.docs import write_docs

    root = project_root()
    dist = args.dist or root / "dist"
    # The store `query` opens fills in a thread from the quads as they are assembled, and is
    # finished before anything moves into dist/; a failure removes it and leaves dist/ alone.
    filler = StoreFiller(dist / STORE_DIR)
    try:
        with paused_gc():  # the writers too walk millions of long-lived tuples
            result = build_graph(Paths(root), sink=filler.load)
            filler.close()
            summary = json.dumps(asdict(result.summary), indent=1, sort_keys=True) + "\n"
            write_outputs(result.quads, dist, {"summary.json": summary},
                          before_move=filler.finish)
    except BaseException:
        filler.abandon()
        raise
    replace_store(filler.staging, dist / STORE_DIR)
    write_docs(root / "ontology" / "nkelections.ttl", dist / "docs" / "ontology.html")
    if not args.quiet:
        s = result.summary
        print(f"built {dist}: {s.documents} documents, {s.entities} entities, "
              f"{s.statements} statements, {s.facts} facts, {s.evidence} evidence, "
              f"{s.mentions} mentions, {s.triples} triples")
    return 0
