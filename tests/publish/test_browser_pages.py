"""`nkelections serve`'s pages in a real headless Chromium (driven over the DevTools pipe, as
tests/network/test_explorer.py does): a figure's page, an evidence page, a document page and
the query page running a competency question, each photographed and asserted (the browser and
the server are conftest's fixtures). The screenshots go to $NKELECTIONS_SCREENSHOTS when set
(else the test's temporary folder)."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from chromium import CHROMIUM, Tab

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
VENDORED = Path(__file__).parents[2] / "src" / "nkelections" / "publish" / "static" / "yasgui"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("NKELECTIONS_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def assert_photo(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000, path  # a page, not a blank


def only_local(tab: Tab, server: str) -> None:
    outside = [u for u in tab.requested() if not u.startswith((server, "data:", "blob:"))]
    assert outside == []


def test_figure_page(browser, server, shots):
    tab = Tab(browser, server + "/id/figure-2023-turnout")
    assert tab.eval("document.title") == "turnout of the 2023 local elections, 99.63%"
    assert tab.eval("document.querySelectorAll('blockquote').length") >= 8
    text = tab.text()
    assert "Voter turnout across the communist hermit nation was reported at 99.63%." in text
    assert "characters 1228–1300" in text
    assert "2023 North Korean local elections" in text  # the election by its label
    assert tab.eval("[...document.querySelectorAll('link[rel=alternate]')].map(l => l.type)") == [
        "text/turtle",
        "application/ld+json",
    ]
    assert_photo(tab.screenshot(shots, "figure-page"))
    assert tab.errors() == []
    only_local(tab, server)


def test_evidence_page(browser, server, shots):
    tab = Tab(browser, server + "/id/evidence/kinu-co-23-37/1839-1915")
    here = tab.eval("[...document.querySelectorAll('mark.here')].map(m => m.innerText)")
    assert here == ["Implications of a Decline in Voter Turnout: Signs of Weakening State Control"]
    # highlighted: the mark has a background of its own
    colour = tab.eval("getComputedStyle(document.querySelector('mark.here')).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "In a liberal democratic system" in tab.text()
    assert_photo(tab.screenshot(shots, "evidence-page"))
    only_local(tab, server)


def test_document_page(browser, server, shots):
    tab = Tab(browser, server + "/id/foxnews-votes-against-first-time-since-1956")
    assert tab.eval("document.querySelectorAll('mark[data-evidence]').length") > 20
    assert tab.eval("document.querySelectorAll('a.mention').length") > 10
    first = tab.eval("document.querySelector('mark[data-evidence] a').getAttribute('href')")
    assert first.startswith("/id/evidence/foxnews-votes-against-first-time-since-1956/")
    assert "North Korea acknowledges votes against selected candidates" in tab.text()
    assert_photo(tab.screenshot(shots, "document-page"))
    only_local(tab, server)


def test_query_page_runs_a_competency_question(browser, server, shots):
    tab = Tab(browser, server + "/", ready="window.yasgui !== undefined")
    listed = tab.eval("[...document.querySelectorAll('#cqs a[data-cq]')].map(a => a.dataset.cq)")
    assert "cq-04-turnout-comparison" in listed and len(listed) >= 40
    # the project's prefixes are filled in
    assert "PREFIX nke: <https://w3id.org/nkelections/ontology#>" in tab.eval(
        "yasgui.getTab().getQuery()"
    )
    tab.eval("document.querySelector('a[data-cq=\"cq-04-turnout-comparison\"]').click()")
    tab.wait_for("document.querySelectorAll('.yasr table tbody tr').length > 0", timeout=30)
    assert "turnout" in tab.eval("yasgui.getTab().getQuery()").lower()
    cells = tab.eval("[...document.querySelectorAll('.yasr table tbody td')].map(c => c.innerText)")
    assert any("99.63" in c for c in cells)
    # sortable: clicking a column header sorts the rows by it
    tab.eval("document.querySelectorAll('.yasr table thead th')[1].click()")
    assert _sorted_soon(tab, column=1), "the rows did not sort by the clicked column"
    assert_photo(tab.screenshot(shots, "query-page"))
    # the download buttons' requests answer CSV and JSON for the query in the editor
    csv = tab.run(
        "fetch('/sparql', {method: 'POST', headers: {Accept: 'text/csv'}, body: new "
        "URLSearchParams({query: yasgui.getTab().getQuery()})}).then(r => r.text())"
    )
    assert "99.63" in csv and "\r\n" in csv
    assert tab.eval("!!document.getElementById('csv') && !!document.getElementById('json')")
    assert tab.errors() == []
    only_local(tab, server)


def _sorted_soon(tab, column: int, seconds: float = 15) -> bool:
    """Whether the results table's rows come to be sorted by `column` (either way) within
    `seconds`: the table sorts after the click returns, later on a loaded machine."""
    cells = (
        "[...document.querySelectorAll('.yasr table tbody tr')]"
        f".map(r => r.querySelectorAll('td')[{column}].innerText)"
    )
    deadline = time.monotonic() + seconds
    while True:
        values = tab.eval(cells)
        if values in (sorted(values), sorted(values, reverse=True)):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def test_vendored_yasgui_is_the_recorded_release():
    note = (VENDORED / "VENDORED.md").read_text(encoding="utf-8")
    assert "@zazuko/yasgui 4.6.2" in note and "MIT" in note
    for name in ("yasgui.min.js", "yasgui.min.css"):
        digest = hashlib.sha256((VENDORED / name).read_bytes()).hexdigest()
        assert f"`{name}`: {digest}" in note
