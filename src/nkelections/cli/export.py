"""nkelections export: facts for other tools. Exporters are looked up by name in EXPORTERS."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from nkelections.cli.argtypes import output_file
from nkelections.cli.options import add_dist_option, built_dataset
from nkelections.layout import QUICKSTATEMENTS, dist_dir, project_root

EXPORTERS = {"quickstatements": "QuickStatements V1 lines for Wikidata, with references"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exporter", choices=list(EXPORTERS), help="what to export")
    parser.add_argument(
        "--output",
        "-o",
        type=output_file,
        metavar="FILE",
        help="statements file to write (default: dist/quickstatements.tsv); "
        "labels and aliases go to FILE.terms.tsv, the skipped facts with "
        "their reasons to FILE.skipped.tsv",
    )
    parser.add_argument(
        "--retrieved",
        metavar="YYYY-MM-DD",
        help="the S813 retrieved date of every reference (default: today)",
    )
    parser.add_argument(
        "--dry-run",
        type=Path,
        metavar="TTL",
        help="compare the lines with what Wikidata already says, given as its "
        "RDF in a Turtle file (e.g. tests/fixtures/wikidata/existing.ttl); "
        "writes FILE.dry-run.tsv: add, present or conflict per line",
    )
    parser.add_argument(
        "--entity-namespace",
        metavar="IRI",
        default=None,
        help="item namespace of the links (default: Wikidata's http://www.wikidata.org/entity/)",
    )
    add_dist_option(parser)


def run(args: argparse.Namespace) -> int:
    from nkelections.build.pipeline import Paths
    from nkelections.curation.links import load_links
    from nkelections.errors import NkeError
    from nkelections.rdf.files import write_atomic
    from nkelections.rdf.namespaces import DATA_GRAPH, WD
    from nkelections.wikidata.quickstatements import dry_run, export, load_property_map

    try:
        day = dt.date.fromisoformat(args.retrieved) if args.retrieved else None
    except ValueError:
        raise NkeError(f"--retrieved {args.retrieved!r} is not a date YYYY-MM-DD") from None
    existing = _existing(args.dry_run) if args.dry_run else None
    root = project_root()
    paths = Paths(root)
    pmap = load_property_map(paths.data / "wikidata-properties.yaml", root)
    korean = {
        e: k.label for e, k in load_links(paths.data / "wikidata.yaml", None, root).korean.items()
    }
    namespace = args.entity_namespace or str(WD)
    result = export(built_dataset(args).graph(DATA_GRAPH), pmap, day, namespace, korean)
    output = args.output or dist_dir(root) / QUICKSTATEMENTS
    write_atomic(output, "".join(line + "\n" for line in result.lines))
    write_atomic(Path(f"{output}.terms.tsv"), "".join(line + "\n" for line in result.terms))
    write_atomic(
        Path(f"{output}.skipped.tsv"),
        "fact\treason\n" + "".join(f"{s.fact}\t{s.reason}\n" for s in result.skipped),
    )
    print(
        f"wrote {output}: {len(result.lines)} statement lines, each with a reference; "
        f"{len(result.terms)} label/alias/description lines in {output}.terms.tsv; "
        f"{len(result.skipped)} facts skipped with their reasons in {output}.skipped.tsv"
    )
    if existing is not None:
        rows = dry_run(result.lines + result.terms, existing, namespace)
        write_atomic(
            Path(f"{output}.dry-run.tsv"),
            "status\tline\texisting\n"
            + "".join(f"{r.status}\t{r.line}\t{r.existing}\n" for r in rows),
        )
        counts = {s: sum(r.status == s for r in rows) for s in ("add", "present", "conflict")}
        print(
            f"dry run against {args.dry_run}: {counts['add']} to add, {counts['present']} "
            f"already there, {counts['conflict']} in conflict; see {output}.dry-run.tsv"
        )
    return 0


def _existing(path: Path):
    from rdflib import Graph

    from nkelections.errors import NkeError

    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, ValueError, SyntaxError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NkeError(
            f"cannot read the dry-run file: {first}",
            where=str(path),
            hint="give Wikidata's RDF for the items as Turtle",
        ) from None
    return graph
