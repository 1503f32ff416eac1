"""The HTML that serve writes: the query page (inline JS and CSS, works offline) and one page
per resource with its facts, their quotes and their sources."""

from __future__ import annotations

from html import escape

import pyoxigraph as ox

from nkelections.namespaces import BASE, PREFIXES

STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:1em auto;padding:0 1em}
textarea{width:100%;height:14em;font:13px monospace}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;text-align:left}
blockquote{margin:.3em 0;padding:.2em .8em;border-left:3px solid #999;background:#f6f6f6}
.muted{color:#666}"""

EXAMPLE = """PREFIX nke: <https://w3id.org/nkelections/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"""

SCRIPT = """
const form = document.getElementById('q');
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = document.getElementById('out');
  out.textContent = 'running...';
  const body = new URLSearchParams({query: document.getElementById('query').value});
  const res = await fetch('sparql', {method: 'POST', body,
    headers: {'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}});
  const text = await res.text();
  if (!res.ok || !(res.headers.get('Content-Type') || '').includes('json')) {
    out.textContent = ''; const pre = document.createElement('pre');
    pre.textContent = res.status + ' ' + text; out.appendChild(pre); return;
  }
  const data = JSON.parse(text);
  out.textContent = '';
  if ('boolean' in data) { out.textContent = String(data.boolean); return; }
  const table = document.createElement('table');
  const head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement('th');
    th.textContent = v; head.appendChild(th); }
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) { const cell = row.insertCell(); const t = b[v];
      if (!t) continue;
      if (t.type === 'uri' && /^https?:[/][/]/i.test(t.value)) {
        const a = document.createElement('a'); a.textContent = t.value;
        a.href = t.value.startsWith(BASE) ? t.value.slice(BASE.length - 1) : t.value;
        cell.appendChild(a); } else { cell.textContent = t.value; } }
  }
  const n = document.createElement('p'); n.className = 'muted';
  n.textContent = data.results.bindings.length + ' rows';
  out.appendChild(n); out.appendChild(table);
});
"""


def query_page() -> bytes:
    script = f"const BASE = {BASE!r};" + SCRIPT
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>nkelections SPARQL</title><style>{STYLE}</style></head><body>
<h1>nkelections SPARQL endpoint</h1>
<p class="muted">Read-only. POST or GET <code>/sparql</code> with <code>query=</code>.
<a href="ontology">Ontology</a> · <a href=".well-known/void">Dataset description</a></p>
<form id="q"><textarea id="query" name="query">{escape(EXAMPLE)}</textarea>
<p><button type="submit">Run</button></p></form><div id="out"></div>
<script>{script}</script></body></html>""".encode()


def local_link(iri: str) -> str:
    return iri[len(BASE) - 1:] if iri.startswith(BASE) else iri


def safe_href(iri: str) -> str | None:
    """Where a link to iri may point on a page: this server's path for the project's IRIs,
    the IRI itself when it is http(s); None for any other scheme (javascript:, data:, file:),
    which is then shown as text, never as a link."""
    if iri.startswith(BASE):
        return local_link(iri)
    scheme = iri.split(":", 1)[0].lower() if ":" in iri else ""
    return iri if scheme in ("http", "https") and iri[len(scheme):].startswith("://") else None


def short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


def term_html(term) -> str:
    if isinstance(term, ox.NamedNode):
        href = safe_href(term.value)
        if href is None:
            return f"<code>{escape(term.value)}</code>"
        return f'<a href="{escape(href)}">{escape(short(term.value))}</a>'
    if isinstance(term, ox.Literal):
        text = escape(term.value if len(term.value) < 600 else term.value[:600] + " …")
        lang = f' <span class="muted">@{escape(term.language)}</span>' if term.language else ""
        return text + lang
    return escape(str(term))


def resource_page(iri: str, label: str | None, facts: list[tuple], outgoing: list[tuple],
                  incoming: list[tuple]) -> bytes:
    """facts: (fact, quote, source, source title); outgoing (p, o); incoming (s, p)."""
    title = escape(label or short(iri))
    rows = "".join(f"<tr><td>{term_html(p)}</td><td>{term_html(o)}</td></tr>" for p, o in outgoing)
    back = "".join(f"<tr><td>{term_html(s)}</td><td>{term_html(p)}</td></tr>" for s, p in incoming)
    quotes = "".join(
        f"<li>{term_html(f)}<blockquote>{term_html(q)}</blockquote>"
        f'<span class="muted">source: {term_html(src)} {term_html(t) if t else ""}</span></li>'
        for f, q, src, t in facts)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{STYLE}</style></head><body><p class="muted"><a href="/">SPARQL</a></p>
<h1>{title}</h1><p><code>{escape(iri)}</code> ·
<a href="{escape(local_link(iri))}?format=turtle">Turtle</a></p>
<h2>Facts and their evidence</h2><ul>{quotes or '<li class="muted">none</li>'}</ul>
<h2>Statements</h2><table>{rows}</table>
<h2>Referred to by</h2><table>{back}</table></body></html>""".encode()
