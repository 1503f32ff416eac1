"""One RDF file converted to another format by pyoxigraph, in the order it is read.

Run as `python -m nkelections.rdf.convert SOURCE TARGET EXTENSION PREFIXES-JSON` by the build
for a large file (build/serialize.py): a process of its own needs nothing but pyoxigraph, and
importing no more than that (rdflib alone is a third of a second) keeps its start cheap.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox


def convert_file(source: Path, target: Path, extension: str, prefixes: dict[str, str]) -> None:
    """Convert `source` to the format of `extension`, writing the given prefixes."""
    parsed = ox.parse(path=str(source), format=ox.RdfFormat.from_extension(source.suffix[1:]))
    ox.serialize(
        parsed, output=str(target), format=ox.RdfFormat.from_extension(extension), prefixes=prefixes
    )


if __name__ == "__main__":
    convert_file(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]))
