"""The entity index: every named resource of the built graph with its IRI, label and classes.

An analyst writing SPARQL needs the IRIs before the first query; this index lists them, made
by the build from the graph it writes (dist/docs/entities.csv and dist/docs/entities.html),
never edited by hand. A named resource is one with an rdfs:label: the curated entities, the
source documents and the concepts of the controlled vocabularies. Evidence, mentions and
statement nodes are counted by class at the end, not listed one by one.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, compress

import pyoxigraph as ox

from nkelections.rdf.namespaces import NKR, NKV, RDF, RDFS, shorten
from nkelections.rdf.quads import Quads, iri_value, split_lines

LISTED = (str(NKR), str(NKV))
LISTED_NT = tuple(f"<{namespace}" for namespace in LISTED)
SUBCLASS_OF, LABEL, TYPE = (f"<{iri}>" for iri in (RDFS.subClassOf, RDFS.label, RDF.type))
# A line whose predicate the index reads: a subject holds no space, so the second term follows
# the first space.
READ_LINE = re.compile("[^ ]+ (?:" + "|".join(map(re.escape, (SUBCLASS_OF, LABEL, TYPE))) + ") ")


@dataclass(frozen=True)
class Row:
    iri: str
    label: str
    classes: tuple[str, ...]  # the most specific classes, as CURIEs

    @cached_property  # written twice in the HTML and once in the CSV
    def curie(self) -> str:
        return shorten(self.iri)


def index_rows(quads: Iterable[ox.Quad]) -> tuple[list[Row], Counter]:
    """The named resources sorted by IRI, and how many unlabelled nodes each class has."""
    lines = [f"{q.subject} {q.predicate} {q.object}" for q in quads]
    return index_rows_nt([lines])


def built_rows(quads: Quads) -> tuple[list[Row], Counter]:
    """index_rows of the build's own dataset: each graph's sorted lines, as they are written,
    in the N-Quads file's order (parsing the file back, 2.5 million quads at 1x, twice, was a
    fifth of the build)."""
    return index_rows_nt([graph.lines() for _, graph in sorted(quads.graphs.items())])


def index_rows_nt(graphs: Iterable[list[str]]) -> tuple[list[Row], Counter]:
    """index_rows from each graph's sorted N-Triples lines "s p o" (the build's own), the
    graphs in the N-Quads file's order: a resource's first label is the one it keeps. Terms
    stay N-Triples text until the rows are made: a million typed nodes need not each be cut
    out of their brackets."""
    labels: dict[str, str] = {}  # resource -> its label, both N-Triples text
    types: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {}
    for s, p, o in chain.from_iterable(map(_read, graphs)):
        if p == TYPE:
            if o[0] == "<" and s.startswith(LISTED_NT):
                classes = types.get(s)
                if classes is None:
                    types[s] = {o}
                else:
                    classes.add(o)
        elif p == LABEL:
            if o[0] == '"' and s.startswith(LISTED_NT) and s not in labels:
                labels[s] = o
        elif s[0] == "<" and o[0] == "<":
            parents.setdefault(s, set()).add(o)
    specific = _MostSpecific(parents)
    rows = [
        Row(iri_value(s), _lexical(labels[s]), specific(types.get(s, set())))
        for s in sorted(labels, key=iri_value)  # by IRI: "<a-1>" sorts before "<a>"
    ]
    unlisted = Counter(
        cls for s, classes in types.items() if s not in labels for cls in specific(classes)
    )
    return rows, unlisted


def _read(lines: list[str]) -> Iterator[list[str]]:
    """The triples the index reads, picked in C in one pass (most of the graph is not) and
    only then split into terms."""
    return split_lines(compress(lines, map(READ_LINE.match, lines)))


def _lexical(literal: str) -> str:
    """The value of an N-Triples literal; only one with a backslash has escapes to read."""
    text = literal[1 : literal.rindex('"')]
    if "\\" not in text:
        return text
    return next(ox.parse(f"<x:s> <x:p> {literal} .", format=ox.RdfFormat.N_TRIPLES)).object.value


class _MostSpecific:
    """_most_specific, worked out once per set of classes: hundreds of thousands of nodes
    (evidence, mentions, selectors) share a few dozen sets."""

    def __init__(self, parents: dict[str, set[str]]):
        self.parents = parents
        self.known: dict[frozenset[str], tuple[str, ...]] = {}

    def __call__(self, classes: set[str]) -> tuple[str, ...]:
        key = frozenset(classes)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = _most_specific(key, self.parents)
        return found


def _most_specific(classes: frozenset[str], parents: dict[str, set[str]]) -> tuple[str, ...]:
    """Drop each class that is a superclass of another of the same resource (the build adds
    the superclasses; the index shows what the curator said)."""
    ancestors = set()
    for cls in classes:
        todo = list(parents.get(cls, ()))
        while todo:
            parent = todo.pop()
            if parent not in ancestors:
                ancestors.add(parent)
                todo.extend(parents.get(parent, ()))
    return tuple(sorted(shorten(iri_value(c)) for c in classes - ancestors))


def to_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["iri", "curie", "label", "classes"])
    for row in rows:
        writer.writerow([row.iri, row.curie, row.label, " ".join(row.classes)])
    return out.getvalue()


def to_html(rows: list[Row], unlisted: Counter) -> str:
    esc = html.escape
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>nkelections entity index</title>',
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}code{font-size:90%}"
        "</style></head><body>",
        "<h1>Entity index</h1>",
        "<p>Every named resource of the graph: its IRI (and the CURIE to write in SPARQL), its "
        "label and its most specific classes (the build adds every superclass, so "
        "<code>?x a nke:Body</code> finds all bodies). Made by <code>nkelections build</code>; "
        'do not edit. The same rows: <a href="entities.csv">entities.csv</a>.</p>',
        f"<p>{len(rows)} resources.</p>",
        "<table><thead><tr><th>CURIE</th><th>label</th><th>classes</th></tr></thead><tbody>",
    ]
    for row in rows:
        anchor = esc(row.curie.replace(":", "-"), quote=True)
        lines.append(
            f'<tr id="{anchor}"><td><a href="{esc(row.iri, quote=True)}"><code>'
            f"{esc(row.curie)}</code></a></td><td>{esc(row.label)}</td>"
            f"<td>{esc(', '.join(row.classes))}</td></tr>"
        )
    lines.append("</tbody></table>")
    lines.append("<h2>Unlabelled nodes, by class</h2><ul>")
    for cls, count in sorted(unlisted.items()):
        lines.append(f"<li><code>{esc(cls)}</code>: {count}</li>")
    lines.append("</ul></body></html>")
    return "\n".join(lines) + "\n"
