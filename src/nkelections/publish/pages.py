"""The HTML that serve writes (the query page is query_page.py): one page per
resource (page_data.Page: its facts with their quotes, claims about it, related resources;
an evidence's passage; a document's annotated text) and a page per graph of the dataset.
Every page names its Turtle and JSON-LD alternates."""

from __future__ import annotations

import re
from html import escape

import pyoxigraph as ox

from nkelections.publish.page_data import Page, Quote, Reader, read_page, short
from nkelections.rdf.namespaces import BASE

STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:1em auto;padding:0 1em}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;text-align:left}
blockquote{margin:.3em 0;padding:.2em .8em;border-left:3px solid #999;background:#f6f6f6}
.muted{color:#666}mark{background:#fde68a}mark.here{background:#f59e0b}
a.mention{color:inherit;text-decoration:underline dotted}.doctext{white-space:pre-wrap;
font:14px/1.6 Georgia,serif;max-width:48em}.quote{margin:.4em 0 .8em}.where{font-size:90%}
dl.facts dt{font-weight:600;margin-top:.5em}"""


def local_link(iri: str) -> str:
    return iri[len(BASE) - 1 :] if iri.startswith(BASE) else iri


def safe_href(iri: str) -> str | None:
    """Where a link to `iri` may point: our own resources as local paths, http(s) as is; any
    other scheme (javascript:, data:, file:) is no link (the data may come from anyone)."""
    if iri.startswith(BASE):
        return local_link(iri)
    return iri if re.match(r"^https?://", iri, re.IGNORECASE) else None


def term_html(term, label=None) -> str:
    """A term for people: an IRI by its label (linked), a literal as its text, no "@en"."""
    if isinstance(term, ox.NamedNode):
        text = escape(label(term) if label else short(term.value))
        href = safe_href(term.value)
        if href is None:
            return f'<span title="{escape(term.value)}">{text}</span>'
        return f'<a href="{escape(href)}" title="{escape(term.value)}">{text}</a>'
    if isinstance(term, ox.Literal):
        return escape(term.value if len(term.value) < 600 else term.value[:600] + " …")
    return escape(str(term))


def _head(title: str, path: str) -> str:
    alternates = "".join(
        f'<link rel="alternate" type="{media}" href="{escape(path)}?format={name}">'
        for media, name in (("text/turtle", "turtle"), ("application/ld+json", "jsonld"))
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title>{alternates}<style>{STYLE}</style></head><body>"
        '<p class="muted"><a href="/">Query</a> · <a href="/dataset">Dataset</a> · '
        '<a href="/ontology">Ontology</a></p>'
    )


def _formats(path: str) -> str:
    return (
        f'<a href="{escape(path)}?format=turtle">Turtle</a> · '
        f'<a href="{escape(path)}?format=jsonld">JSON-LD</a>'
    )


def quote_html(q: Quote, label) -> str:
    """A quote with where it comes from: the document, its date, the original, the offsets."""
    doc = f'<a href="{escape(local_link(q.document))}">{escape(q.title or short(q.document))}</a>'
    parts = [doc] + ([escape(q.issued)] if q.issued else [])
    if q.url and safe_href(q.url):
        parts.append(f'<a href="{escape(q.url)}" rel="external">original</a>')
    if q.start is not None:
        parts.append(f'<a href="{escape(local_link(q.evidence))}">characters {q.start}–{q.end}</a>')
    text = (
        escape(q.exact)
        if q.exact
        else '<span class="muted">(the words are not published: see the original)</span>'
    )
    return (
        f'<div class="quote"><blockquote>{text}</blockquote>'
        f'<span class="where muted">{" · ".join(parts)}</span></div>'
    )


def _facts(facts, label) -> str:
    return "".join(
        f'<dt><a href="{escape(local_link(f.iri))}">{escape(f.label)}</a></dt><dd>'
        + "".join(quote_html(q, label) for q in f.quotes)
        + "</dd>"
        for f in facts
    )


def _section(title: str, facts, label) -> str:
    return f'<h2>{title}</h2><dl class="facts">{_facts(facts, label)}</dl>' if facts else ""


def resource_page(store, iri: str) -> bytes:
    """The page of one resource (page_data.read_page)."""
    page: Page = read_page(store, iri)
    label = Reader(store).label
    path = local_link(iri)
    kinds = ", ".join(term_html(t, label) for t in page.types)
    out = [
        _head(page.label, path),
        f"<h1>{escape(page.label)}</h1>",
        f'<p class="muted">{kinds} · <code>{escape(iri)}</code> · {_formats(path)}</p>',
    ]
    if page.passage:
        text, start, end = page.passage
        out.append(
            '<h2>The quote in its passage</h2><div class="doctext">'
            f'{escape(text[:start])}<mark class="here">{escape(text[start:end])}</mark>'
            f"{escape(text[end:])}</div>"
        )
    if page.own_quotes:
        out.append("<h2>Evidence</h2>" + "".join(quote_html(q, label) for q in page.own_quotes))
    out.append(_section("What it supports", page.supports, label))
    rows = "".join(
        f"<tr><td>{term_html(r.predicate, label)}</td><td>{term_html(r.value, label)}"
        + "".join(quote_html(q, label) for q in r.quotes)
        + "</td></tr>"
        for r in page.rows
    )
    out.append(f"<h2>Facts</h2><table>{rows}</table>" if rows else "")
    out.append(_section("Facts about it", page.facts, label))
    out.append(_section("Claims about it", page.claims, label))
    if page.text is not None or page.spans:
        out.append("<h2>Text</h2>" + document_text(page.text, page.spans))
    if page.related:
        items = "".join(
            f'<li>{term_html(s, label)} <span class="muted">({escape(label(p))})</span></li>'
            for s, p in page.related
        )
        out.append(f"<h2>Related</h2><ul>{items}</ul>")
    out.append("</body></html>")
    return "".join(out).encode()


def document_text(text: str | None, spans) -> str:
    """The text with its evidence spans marked (each a link to its evidence) and its mentions
    linked to their entities; without the text, the list of spans."""
    if text is None:
        items = "".join(
            f'<li><a href="{escape(local_link(s.target))}">{s.kind} {s.start}–{s.end}</a></li>'
            for s in spans
            if s.kind == "evidence"
        )
        return (
            '<p class="muted">The text is not published here: its publisher\'s terms do '
            f"not allow it. The quotes point into it at:</p><ul>{items}</ul>"
        )
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[lo:hi])
        covering = [s for s in spans if s.start <= lo and hi <= s.end]
        mention = next((s for s in covering if s.kind == "mention"), None)
        evidence = [s for s in covering if s.kind == "evidence"]
        if mention:
            piece = f'<a class="mention" href="{escape(local_link(mention.target))}">{piece}</a>'
        if evidence:
            names = " ".join(local_link(s.target) for s in evidence)
            piece = (
                f'<mark data-evidence="{escape(names)}"><a href="'
                f'{escape(local_link(evidence[0].target))}" style="color:inherit;'
                f'text-decoration:none">{piece}</a></mark>'
            )
        out.append(piece)
    return f'<div class="doctext">{"".join(out)}</div>'


def graph_page(store, iri: str, triples, path: str, shown: int = 3000) -> bytes:
    """A graph (or the dataset's description) as a table of labelled triples."""
    label = Reader(store).label
    title = label(ox.NamedNode(iri))
    rows = "".join(
        f"<tr><td>{term_html(t.subject, label)}</td><td>"
        f"{term_html(t.predicate, label)}</td><td>{term_html(t.object, label)}</td>"
        "</tr>"
        for t in sorted(triples, key=str)[:shown]
    )
    more = (
        f'<p class="muted">The first {shown} of {len(triples)} triples; the whole graph: '
        f"{_formats(path)}.</p>"
        if len(triples) > shown
        else ""
    )
    return (
        _head(title, path) + f'<h1>{escape(title)}</h1><p class="muted"><code>'
        f"{escape(iri)}</code> · {len(triples)} triples · {_formats(path)}</p>{more}"
        f"<table>{rows}</table></body></html>"
    ).encode()
