"""nkelections build: check the curated data against the texts and write dist/."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from nkelections.layout import ONTOLOGY_HTML, SUMMARY, dist_dir, project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dist", type=Path, help="output folder (default: dist/ in the project)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    parser.add_argument(
        "--redact-texts",
        action="store_true",
        help="leave out the words (texts, quotes) of sources without a licence "
        "(what a release publishes; docs/decisions/0005)",
    )


def run(args: argparse.Namespace) -> int:
    from nkelections.build.docs import ontology_html
    from nkelections.build.pipeline import Paths, build_graph
    from nkelections.build.serialize import write_outputs
    from nkelections.process.runtime import Forked, paused_gc
    from nkelections.query.embedded import STORE_DIR, remove_store

    root = project_root()
    dist = args.dist or dist_dir(root)
    _check_dist(dist)
    # pyLODE documents the ontology on the other core while this one assembles the graph.
    docs = Forked(ontology_html, root / "ontology" / "nkelections.ttl")
    try:
        with paused_gc():  # the writers too walk millions of long-lived tuples
            result = build_graph(Paths(root), redact=args.redact_texts)
            summary = json.dumps(asdict(result.summary), indent=1, sort_keys=True) + "\n"
            # The old store answers for the old files: it goes before the new files come in,
            # and the first query indexes them again (`nkelections index` does it up front).
            write_outputs(
                result.quads,
                dist,
                {SUMMARY: summary, ONTOLOGY_HTML: docs.result()},
                before_move=lambda: remove_store(dist / STORE_DIR),
                entity_rows=result.entity_rows,
            )
            s = result.summary
            # Freed before the collector comes back, which would otherwise walk them all once.
            del result
    finally:
        docs.stop()
    if not args.quiet:
        print(
            f"built {dist}: {s.documents} documents, {s.entities} entities, "
            f"{s.statements} statements, {s.facts} facts, {s.evidence} evidence, "
            f"{s.mentions} mentions, {s.triples} triples"
        )
    return 0


def _check_dist(dist: Path) -> None:
    """--dist names a folder (made if missing): refused before the build, not after it."""
    from nkelections.errors import BuildError

    if dist.exists() and not dist.is_dir():
        raise BuildError(
            "--dist is not a folder",
            where=str(dist),
            hint="name a folder for the built files (made if missing)",
        )
