"""JSON-LD from the build's sorted lines: compact IRIs under the project's prefixes, one node
object per line, named graphs kept.

pyoxigraph writes JSON-LD only in expanded form, and rdflib's writer holds the whole graph and
takes minutes at the scale of a full election; this writer streams. It reuses the N-Triples
text of each literal as its JSON string: pyoxigraph escapes only quotes, backslashes and
control characters there, with escapes JSON shares (tests/build/test_build.py reads the result back
with rdflib and pyoxigraph). The context holds prefixes alone (no term coercion), so every
value carries its own type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import groupby, islice
from operator import itemgetter
from typing import TextIO

from nkelections.rdf.curie import Shortener
from nkelections.rdf.namespaces import PREFIXES, RDF
from nkelections.rdf.quads import Quads, split_lines

NT_TYPE = f"<{RDF.type}>"
NODE_BLOCK = 5_000  # node objects joined before one write
# A compact IRI's local part must not start with "//" (JSON-LD would read it as an IRI).
JSONLD_LOCAL = re.compile(r"(?!//).+", re.DOTALL)


def jsonld_context() -> dict:
    return {"@context": {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}}


class Compactor:
    """IRIs to compact IRIs 'prefix:local' where a prefix fits, else left absolute."""

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes
        self.shorten = Shortener(prefixes, JSONLD_LOCAL)

    def __call__(self, iri: str) -> str:
        return self.shorten(iri) or iri


class _IriText(dict):
    """N-Triples IRI '<...>' -> its compact IRI as JSON text, computed once per IRI. A dict
    with __missing__, so the lookup of a known IRI (millions at scale) stays in C."""

    def __init__(self, compact: Compactor):
        super().__init__()
        self.compact = compact

    def __missing__(self, nt: str) -> str:
        found = self[nt] = json.dumps(self.compact(nt[1:-1]), ensure_ascii=False)
        return found


class _Values:
    """N-Triples terms to JSON-LD text: an IRI as a JSON string, a literal as a value object."""

    def __init__(self, compact: Compactor):
        self.iris = _IriText(compact)

    def iri(self, nt: str) -> str:
        return self.iris[nt]

    def value(self, nt: str) -> str:
        if nt[0] == "<":
            return '{"@id": ' + self.iris[nt] + "}"
        end = nt.rindex('"') + 1  # the suffix (@lang or ^^<type>) holds no quote
        text, suffix = nt[:end], nt[end:]
        if not suffix:
            return text
        if suffix[0] == "@":
            return '{"@value": ' + text + ', "@language": "' + suffix[1:] + '"}'
        return '{"@value": ' + text + ', "@type": ' + self.iris[suffix[2:]] + "}"


def write_jsonld(quads: Quads, out: TextIO) -> None:
    """Write the dataset as one JSON-LD document, a named graph apiece, in sorted order."""
    context = jsonld_context()["@context"]
    values = _Values(Compactor(context))
    out.write('{"@context": ' + json.dumps(context, sort_keys=True) + ',\n "@graph": [')
    for g, name in enumerate(sorted(quads.graphs)):
        graph = quads.graphs[name]
        out.write(("," if g else "") + '\n  {"@id": ' + values.iri(graph.nt_name) + ', "@graph": [')
        nodes = (
            _node(s, list(triples), values)
            for s, triples in groupby(split_lines(graph.lines()), key=itemgetter(0))
        )
        _write_joined(out, nodes)
        out.write("\n  ]}")
    out.write("\n ]}\n")


def _write_joined(out: TextIO, nodes: Iterator[str]) -> None:
    """The node objects one to a line, comma-separated, a block at a time: one join of a whole
    graph held its text twice over (400 MB at 1x, the peak of the build)."""
    separator = "\n   "
    while block := list(islice(nodes, NODE_BLOCK)):
        out.write(separator + ",\n   ".join(block))
        separator = ",\n   "


def _node(subject: str, triples: list[list[str]], values: _Values) -> str:
    iris, value = values.iris, values.value
    parts = ['"@id": ' + iris[subject]]
    for predicate, group in groupby(triples, key=itemgetter(1)):
        objects = [o for _, _, o in group]
        if predicate == NT_TYPE and all(o[0] == "<" for o in objects):
            key = '"@type"'
            items = [iris[o] for o in objects]
        else:
            key = iris[predicate]
            items = [value(o) for o in objects]
        parts.append(key + ": [" + ", ".join(items) + "]")
    return "{" + ", ".join(parts) + "}"
