"""Where things are: the project checkout (ontology/, data/, queries/) that commands work on,
and what the build writes under dist/ (the one module that knows those file names; names are
relative to the dist/ folder, which a build may write elsewhere with --dist)."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout holding ontology/ and data/: $NKELECTIONS_ROOT, the working directory, or
    the tree this package was installed from (editable installs)."""
    env = os.environ.get("NKELECTIONS_ROOT")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / "ontology" / "nkelections.ttl").exists():
        return cwd
    return Path(__file__).resolve().parents[2]


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
