"""nkelections build: check the curated data against the texts and write dist/."""

from __future__ import annotations

import argparse
import json
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
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
    """The RDF files, and the embedded store `query` opens, filled from the staged N-Quads in
    a thread while the other formats are written (pyoxigraph's loader releases the GIL)."""
    from nkelections.embedded import STORE_DIR, fill_new_store, replace_store
    from nkelections.serialize import write_outputs

    store = dist / STORE_DIR
    with ThreadPoolExecutor(max_workers=1) as pool:
        jobs: list[Future] = []

        def fill_store(nquads: Path) -> Future:
            jobs.append(pool.submit(fill_new_store, nquads, store))
            return jobs[-1]

        try:
            write_outputs(quads, dist, extra, with_nquads=fill_store)
        except BaseException:
            if jobs and jobs[0].exception() is None:
                shutil.rmtree(jobs[0].result(), ignore_errors=True)
            raise
    replace_store(jobs[0].result(), store)
