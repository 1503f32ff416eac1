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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from nkelections.rdf.namespaces import NKR, NKV, RDF, RDFS, shorten

LISTED = (str(NKR), str(NKV))


@dataclass(frozen=True)
class Row:
    iri: str
    label: str
    classes: tuple[str, ...]  # the most specific classes, as CURIEs

    @property
    def curie(self) -> str:
        return shorten(self.iri)


def index_rows(quads: Iterable[ox.Quad]) -> tuple[list[Row], Counter]:
    """The named resources sorted by IRI, and how many unlabelled nodes each class has."""
    labels: dict[str, str] = {}
    types: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {}
    for quad in quads:
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == str(RDFS.subClassOf) and isinstance(o, ox.NamedNode):
            parents.setdefault(s.value, set()).add(o.value)
        elif not s.value.startswith(LISTED):
            continue
        elif p == str(RDFS.label) and isinstance(o, ox.Literal):
            labels.setdefault(s.value, o.value)
        elif p == str(RDF.type) and isinstance(o, ox.NamedNode):
            types.setdefault(s.value, set()).add(o.value)
    rows = [
        Row(iri, labels[iri], _most_specific(types.get(iri, set()), parents))
        for iri in sorted(labels)
    ]
    unlisted = Counter(
        cls
        for iri, classes in types.items()
        if iri not in labels
        for cls in _most_specific(classes, parents)
    )
    return rows, unlisted


def _most_specific(classes: set[str], parents: dict[str, set[str]]) -> tuple[str, ...]:
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
    return tuple(sorted(shorten(c) for c in classes - ancestors))


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
