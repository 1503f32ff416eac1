"""The query page: YASGUI (vendored in static/yasgui/, see VENDORED.md) on /sparql, the
competency questions of queries/ listed and loadable, the project's prefixes filled in, results
as YASR's sortable table, and CSV and JSON downloads of the current query's answer.

Everything it loads comes from this server: YASGUI's class and property autocompleters (which
ask lov.linkeddata.es) are switched off and nothing is stored in the browser.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from html import escape
from importlib import resources
from pathlib import Path

from nkelections.rdf.namespaces import PREFIXES

STATIC_FILES = ("yasgui.min.js", "yasgui.min.css")
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
QUESTION = re.compile(r"^# Question:\s*(.+(?:\n#   .+)*)", re.MULTILINE)
START = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class }\nGROUP BY ?class ORDER BY DESC(?n)"


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    query: str
    federated: bool


def questions(folder: Path) -> list[Question]:
    """The competency questions (cq-*.rq) and the federated queries of `folder`, in name order,
    each with the question its header asks."""
    found = []
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        if not path.name.startswith(("cq-", "federated-")):
            continue
        text = path.read_text(encoding="utf-8")
        asked = QUESTION.search(text)
        question = " ".join(asked[1].replace("#", " ").split()) if asked else path.stem
        found.append(Question(path.stem, question, text, path.name.startswith("federated-")))
    return found


def static_file(name: str) -> tuple[bytes, str] | None:
    """A vendored file by name (only those listed: no path reaches the file system)."""
    if name not in STATIC_FILES:
        return None
    body = resources.files("nkelections.publish").joinpath("static", "yasgui", name).read_bytes()
    return body, STATIC_TYPES[Path(name).suffix]


def prologue() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))


# YASR's table makes every IRI of an answer a link (and a literal's datatype); its DOMPurify
# drops javascript: hrefs but keeps mailto:, tel:, ftp: and the like. The data may come from
# anyone: only an http(s) IRI is a link, any other is shown as text (as pages.safe_href does).
HTTP_LINKS_ONLY = """
const yasrTable = YasguiClass.Yasr.plugins.table;
const linkIri = yasrTable.prototype.getUriLinkFromBinding;
yasrTable.prototype.getUriLinkFromBinding = function (binding, prefixes) {
  if (/^https?:[/][/]/i.test(binding.value)) return linkIri.call(this, binding, prefixes);
  const text = document.createElement('span');
  text.className = 'iri';
  text.textContent = '<' + binding.value + '>';
  return text.outerHTML;
};
"""

SCRIPT = (
    """
const YasguiClass = window.Yasgui.default || window.Yasgui;
"""
    + HTTP_LINKS_ONLY
    + """
// The class and property autocompleters ask lov.linkeddata.es: this page asks no one but us.
YasguiClass.Yasqe.defaults.autocompleters = ['prefixes', 'variables'];
const yasgui = new YasguiClass(document.getElementById('yasgui'), {
  requestConfig: {endpoint: location.origin + '/sparql', method: 'POST',
    acceptHeaderSelect: 'application/sparql-results+json',
    acceptHeaderGraph: 'text/turtle', acceptHeaderUpdate: 'text/plain'},
  copyEndpointOnNewTab: false, persistenceId: null, endpointCatalogueOptions: {getData: () => []},
  yasr: {defaultPlugin: 'table'},
});
window.yasgui = yasgui;
function currentTab() { return yasgui.getTab(); }
currentTab().setQuery(START);
function load(id, run) {
  const q = QUESTIONS.find(x => x.id === id);
  const tab = currentTab();
  tab.setQuery(q.query);
  document.getElementById('asked').textContent = q.question;
  if (run) tab.query();
}
document.getElementById('cqs').addEventListener('click', ev => {
  const a = ev.target.closest('a[data-cq]');
  if (!a) return;
  ev.preventDefault();
  load(a.dataset.cq, true);
});
async function download(accept, name) {
  const body = new URLSearchParams({query: currentTab().getQuery()});
  const res = await fetch('/sparql', {method: 'POST', body, headers: {Accept: accept}});
  const blob = new Blob([await res.arrayBuffer()], {type: accept});
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob); a.download = name; a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
document.getElementById('csv').addEventListener('click', () => download('text/csv', 'results.csv'));
document.getElementById('json').addEventListener('click',
  () => download('application/sparql-results+json', 'results.json'));
"""
)

STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:0;display:flex;min-height:100vh}
nav{width:22em;flex:none;overflow:auto;max-height:100vh;padding:.5em 1em;background:#f6f6f6;
border-right:1px solid #ddd;font-size:14px}nav li{margin:.35em 0}nav code{font-size:12px}
main{flex:1;min-width:0;padding:.5em 1em}.muted{color:#666}#asked{font-style:italic}
.fed{color:#a60;font-size:12px}"""


def query_page(folder: Path) -> bytes:
    """The page, with the questions of `folder` (queries/) embedded."""
    listed = questions(folder)
    items = "".join(
        f'<li><a href="#{escape(q.id)}" data-cq="{escape(q.id)}"><code>{escape(q.id)}</code></a>'
        f" {escape(q.question)}"
        + (
            ' <span class="fed">(asks Wikidata: needs the internet and --allow-service)</span>'
            if q.federated
            else ""
        )
        + "</li>"
        for q in listed
    )
    data = json.dumps([asdict(q) for q in listed]).replace("</", "<\\/")
    start = json.dumps(prologue() + "\n" + START).replace("</", "<\\/")
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>nkelections SPARQL</title><link rel="stylesheet" href="/static/yasgui/yasgui.min.css">
<style>{STYLE}</style></head><body>
<nav><h2>Competency questions</h2><p class="muted">Click one to load and run it.</p>
<ol id="cqs">{items}</ol></nav>
<main><h1>nkelections SPARQL endpoint</h1>
<p class="muted">Read-only, at <code>/sparql</code> (GET or POST, <code>query=</code>).
<a href="/dataset">Dataset description</a> · <a href="/ontology">Ontology</a> ·
Download the answer: <button id="csv" type="button">CSV</button>
<button id="json" type="button">JSON</button></p>
<p id="asked"></p><div id="yasgui"></div></main>
<script src="/static/yasgui/yasgui.min.js"></script>
<script>const QUESTIONS = {data}; const START = {start};{SCRIPT}</script>
</body></html>""".encode()
