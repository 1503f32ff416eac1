"""nkelections coverage: list the candidate facts of the texts that the graph does not cover."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from nkelections.cli.options import add_dist_option, add_format_option, built_dataset
from nkelections.layout import project_root

FORMATS = ("text", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--waivers",
        type=Path,
        metavar="FILE",
        help="waivers file (default: data/coverage-waivers.yaml)",
    )
    add_format_option(parser, FORMATS, "text")
    add_dist_option(parser)


def run(args: argparse.Namespace) -> int:
    from nkelections.build.pipeline import Paths
    from nkelections.qc.coverage import check_coverage, load_waivers
    from nkelections.sources.corpus import load_corpus

    paths = Paths(project_root())
    dataset = built_dataset(args)
    corpus = load_corpus(paths.sources, paths.root)
    waivers = load_waivers(args.waivers or paths.data / "coverage-waivers.yaml", corpus, paths.root)
    report = check_coverage(corpus, dataset, waivers)
    print(_json(report) if args.format == "json" else _text(report, args.verbose), end="")
    return 0 if report.complete else 1


def headline(report) -> str:
    return (
        f"{report.ok} of {report.total} candidates covered or waived ({report.percent:.1f}%), "
        f"{report.waivers} waiver(s)"
    )


def _text(report, verbose: bool) -> str:
    lines = []
    for doc in report.documents:
        lines.append(
            f"{doc.document} ({doc.file}): {doc.ok} of {len(doc.candidates)} covered or waived"
        )
        for c in doc.candidates:
            if not c.ok or (verbose and c.status == "waived"):
                why = f"  [waived: {c.waiver}]" if c.waiver else ""
                lines.append(f"  {c.start:>6}-{c.end:<6} {c.rule:<13} {_short(c.text)}{why}")
    for stale in report.stale:
        lines.append(
            f"stale waiver at {stale.where} ({stale.document}, {stale.text!r}): {stale.why}"
        )
    lines.append("coverage: " + headline(report))
    return "\n".join(lines) + "\n"


def _json(report) -> str:
    doc = {
        "covered_or_waived": report.ok,
        "candidates": report.total,
        "percent": report.percent,
        "waivers": report.waivers,
        "stale_waivers": [asdict(s) for s in report.stale],
        "documents": [
            {
                "document": d.document,
                "file": d.file,
                "covered_or_waived": d.ok,
                "candidates": [asdict(c) for c in d.candidates],
            }
            for d in report.documents
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 3] + "...")
