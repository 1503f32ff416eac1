"""One RDF file converted to another format by pyoxigraph, in the order it is read.

Run as `python -m nkelections.rdf.convert SOURCE TARGET EXTENSION PREFIXES-JSON` by the build
for a large file it wrote itself, read leniently (build/serialize.py): a process of its own
needs nothing but pyoxigraph, and importing no more than that (rdflib alone is a third of a
second) keeps its start cheap.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox


def convert_file(
    source: Path, target: Path, extension: str, prefixes: dict[str, str], lenient: bool = False
) -> None:
    """Convert `source` to the format of `extension`, writing the given prefixes. lenient=True
    skips checking the IRIs and language tags, for a file pyoxigraph itself wrote (the build's:
    its terms were checked when they were made); that reads it in less than half the time."""
    fmt = ox.RdfFormat.from_extension(source.suffix[1:])
    parsed = ox.parse(path=str(source), format=fmt, lenient=lenient)
    ox.serialize(
        parsed, output=str(target), format=ox.RdfFormat.from_extension(extension), prefixes=prefixes
    )


if __name__ == "__main__":
    source, target, extension, prefixes = sys.argv[1:5]
    convert_file(Path(source), Path(target), extension, json.loads(prefixes), lenient=True)
