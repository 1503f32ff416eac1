"""What the build writes under dist/, and where: the one module that knows the file names.

Names are relative to the dist/ folder (a build may write it elsewhere with --dist); the
functions give a file's path under a given folder. Every command after `build` reads these.
"""

from __future__ import annotations

from pathlib import Path

DIST = "dist"  # the folder, under the project root, when no --dist is given

# The dataset, in each format the build writes.
NQUADS = "nkelections.nq"
NTRIPLES = "nkelections.nt"
TRIG = "nkelections.trig"
TURTLE = "nkelections.ttl"
JSONLD = "nkelections.jsonld"
CONTEXT = "context.jsonld"  # the JSON-LD context the .jsonld names
SUMMARY = "summary.json"

# Documentation the build writes.
ONTOLOGY_HTML = "docs/ontology.html"
ENTITY_INDEX_HTML = "docs/entities.html"
ENTITY_INDEX_CSV = "docs/entities.csv"

# Made after the build, from the files above.
STORE = "store"  # the on-disk pyoxigraph index `query` reads (`nkelections index`)
NETWORK = "network"  # `nkelections network`
WIKIDATA_PROPOSALS = "wikidata-proposals.yaml"  # `nkelections link`
QUICKSTATEMENTS = "quickstatements.tsv"  # `nkelections export quickstatements`


def dist_dir(root: Path) -> Path:
    """The project's dist/ folder."""
    return root / DIST


def nquads(dist: Path) -> Path:
    """The built N-Quads: what `query`, `load`, `serve` and `index` read."""
    return dist / NQUADS


def store_dir(dist: Path) -> Path:
    return dist / STORE


def ontology_html(dist: Path) -> Path:
    return dist / ONTOLOGY_HTML
