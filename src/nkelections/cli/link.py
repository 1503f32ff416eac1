"""nkelections link: propose Wikidata links into a review file; apply a curator's decisions;
report how many entities are linked, abstained or unlisted."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from nkelections.cli.options import add_dist_option, add_endpoint_option, built_dataset
from nkelections.layout import WIKIDATA_PROPOSALS, dist_dir, project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_endpoint_option(
        parser, "Wikidata-compatible SPARQL endpoint (default: https://query.wikidata.org/sparql)"
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="review file to write (default: dist/wikidata-proposals.yaml)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="answer cache (default: .cache/wikidata/ in the project)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    add_dist_option(parser)
    parser.add_argument(
        "--entity-namespace",
        metavar="IRI",
        default=None,
        help="item namespace of the endpoint (default: Wikidata's "
        "http://www.wikidata.org/entity/; tests use a fixture namespace)",
    )
    parser.add_argument(
        "--classes",
        type=Path,
        metavar="FILE",
        help="YAML mapping a kind (person, body, place, country, election) to "
        "class ids, instead of linker_classes of data/wikidata.yaml",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--apply",
        type=Path,
        metavar="REVIEW",
        help="carry the decisions of a reviewed file (accept: true with seen_at "
        "and snippet, or accept: false with a note) into data/wikidata.yaml; "
        "asks no endpoint",
    )
    mode.add_argument(
        "--status",
        action="store_true",
        help="count the entities linked, abstained and unlisted (neither), list "
        "the unlisted ones; exit 1 if there are any; asks no endpoint",
    )


def run(args: argparse.Namespace) -> int:
    from nkelections.build.pipeline import Paths
    from nkelections.curation.links import load_links
    from nkelections.curation.ontology import Ontology
    from nkelections.curation.schema import is_http_address
    from nkelections.errors import LinkError
    from nkelections.rdf.files import write_atomic
    from nkelections.rdf.namespaces import DATA_GRAPH, WD
    from nkelections.wikidata.propose import DEFAULT_ENDPOINT, Client, propose, review_document

    root = project_root()
    paths = Paths(root)
    if args.apply or args.status:
        return _offline(args, paths, built_dataset(args))
    endpoint = args.endpoint or DEFAULT_ENDPOINT
    if not is_http_address(endpoint):
        raise LinkError(f"--endpoint {endpoint!r} is not an http(s) URL")
    _check_paths(args)
    classes = _classes(args.classes) if args.classes else None
    data = built_dataset(args).graph(DATA_GRAPH)
    ontology = Ontology.load(paths.ontology)
    links = load_links(paths.data / "wikidata.yaml", None, root)
    countries = set(classes.pop("countries", [])) if classes is not None else None
    cache = None if args.no_cache else (args.cache or root / ".cache" / "wikidata")
    proposals = propose(
        data,
        links,
        Client(endpoint, cache),
        ontology.and_superclasses,
        args.entity_namespace or str(WD),
        classes,
        countries,
    )
    doc = review_document(proposals, endpoint)
    output = args.output or dist_dir(root) / WIKIDATA_PROPOSALS
    output.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Proposed Wikidata links, made by `nkelections link`; review each, then copy the\n"
        "# accepted ones into data/wikidata.yaml WITH the page where the id was seen.\n"
    )
    write_atomic(output, header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    print(f"wrote {output}: {doc['proposed']} proposed, {doc['abstained']} abstained")
    return 0


def _offline(args: argparse.Namespace, paths, dataset) -> int:
    from nkelections.curation.links import coverage, load_links
    from nkelections.curation.ontology import Ontology
    from nkelections.rdf.namespaces import DATA_GRAPH, NKR

    target = paths.data / "wikidata.yaml"
    data = dataset.graph(DATA_GRAPH)
    if args.apply:
        from nkelections.wikidata.review import apply_review

        known = {str(s)[len(str(NKR)) :] for s in data.subjects() if str(s).startswith(str(NKR))}
        done = apply_review(args.apply, target, known, paths.root)
        print(
            f"updated {target}: {len(done.linked)} linked, {len(done.abstained)} abstained, "
            f"{done.undecided} proposals still undecided"
        )
        return 0
    ontology = Ontology.load(paths.ontology)
    found = coverage(data, load_links(target, None, paths.root), ontology.and_superclasses)
    print(
        f"{len(found.linked)} linked, {len(found.abstained)} abstained, "
        f"{len(found.unlisted)} unlisted"
    )
    for entity in found.unlisted:
        print(f"unlisted: {entity} (link it or abstain with a reason in {target})")
    return 1 if found.unlisted else 0


def _classes(path: Path) -> dict[str, list[str]]:
    """The --classes file, read with the curated files' limits and checked by its schema."""
    from nkelections.curation.check import read_checked
    from nkelections.curation.schema import LinkerClasses

    data = read_checked(path, LinkerClasses) or {}
    return {str(k): [str(q) for q in v] for k, v in data.items()}


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse an --output that is a folder and a --cache that is a file before any work."""
    from nkelections.errors import LinkError

    if args.output is not None and args.output.is_dir():
        raise LinkError(
            "--output is a folder", where=str(args.output), hint="name the review file to write"
        )
    if args.cache is not None and args.cache.exists() and not args.cache.is_dir():
        raise LinkError(
            "--cache is not a folder",
            where=str(args.cache),
            hint="name a folder for the cached answers",
        )
