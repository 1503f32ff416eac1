"""nkelections link: propose Wikidata links for entities that have none, into a review file."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from nkelections.cli import add_endpoint_option, project_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_endpoint_option(parser, "Wikidata-compatible SPARQL endpoint "
                                "(default: https://query.wikidata.org/sparql)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="review file to write (default: dist/wikidata-proposals.yaml)")
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="answer cache (default: .cache/wikidata/ in the project)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--entity-namespace", metavar="IRI", default=None,
                        help="item namespace of the endpoint (default: Wikidata's "
                             "http://www.wikidata.org/entity/; tests use a fixture namespace)")
    parser.add_argument("--classes", type=Path, metavar="FILE",
                        help="YAML mapping a kind (person, body, place, country, election) to "
                             "class ids, instead of linker_classes of data/wikidata.yaml")


def run(args: argparse.Namespace) -> int:
    from nkelections.build import Paths, build_graph
    from nkelections.curation_schema import is_http_address
    from nkelections.errors import LinkError
    from nkelections.link import DEFAULT_ENDPOINT, Client, propose, review_document
    from nkelections.namespaces import DATA_GRAPH, WD
    from nkelections.ontology import Ontology
    from nkelections.serialize import write_atomic
    from nkelections.wikidata import load_links

    root = project_root()
    paths = Paths(root)
    endpoint = args.endpoint or DEFAULT_ENDPOINT
    if not is_http_address(endpoint):
        raise LinkError(f"--endpoint {endpoint!r} is not an http(s) URL")
    _check_paths(args)
    classes = _classes(args.classes) if args.classes else None
    result = build_graph(paths)
    ontology = Ontology.load(paths.ontology)
    links = load_links(paths.data / "wikidata.yaml", None, root)
    countries = set(classes.pop("countries", [])) if classes is not None else None
    cache = None if args.no_cache else (args.cache or root / ".cache" / "wikidata")
    proposals = propose(result.dataset.graph(DATA_GRAPH), links, Client(endpoint, cache),
                        lambda t: {t} | ontology.superclasses.get(t, set()),
                        args.entity_namespace or str(WD), classes, countries)
    doc = review_document(proposals, endpoint)
    output = args.output or root / "dist" / "wikidata-proposals.yaml"
    output.parent.mkdir(parents=True, exist_ok=True)
    header = ("# Proposed Wikidata links, made by `nkelections link`; review each, then copy the\n"
              "# accepted ones into data/wikidata.yaml WITH the page where the id was seen.\n")
    write_atomic(output, header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    print(f"wrote {output}: {doc['proposed']} proposed, {doc['abstained']} abstained")
    return 0


def _classes(path: Path) -> dict[str, list[str]]:
    """The --classes file, read with the curated files' limits and checked by its schema."""
    from nkelections.curation_check import read_checked
    from nkelections.curation_schema import LinkerClasses

    data = read_checked(path, LinkerClasses) or {}
    return {str(k): [str(q) for q in v] for k, v in data.items()}


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse an --output that is a folder and a --cache that is a file before any work."""
    from nkelections.errors import LinkError

    if args.output is not None and args.output.is_dir():
        raise LinkError("--output is a folder", where=str(args.output),
                        hint="name the review file to write")
    if args.cache is not None and args.cache.exists() and not args.cache.is_dir():
        raise LinkError("--cache is not a folder", where=str(args.cache),
                        hint="name a folder for the cached answers")
