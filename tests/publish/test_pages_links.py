"""Links on served pages go only to http(s) or to this server: an IRI with any other scheme
(javascript:, data:, file:) is shown as text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from chromium import Tab
from nkelections.publish.pages import resource_page, safe_href, term_html
from nkelections.publish.query_page import HTTP_LINKS_ONLY, query_page
from nkelections.rdf.namespaces import BASE, DATA_GRAPH


@pytest.mark.parametrize(
    "iri,href",
    [
        (BASE + "id/x", "/id/x"),
        ("https://www.wikidata.org/wiki/Q1", "https://www.wikidata.org/wiki/Q1"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("javascript:alert(1)//", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("file:///etc/passwd", None),
        ("http:alert(1)", None),
        ("vbscript:x", None),
    ],
)
def test_safe_href(iri, href):
    assert safe_href(iri) == href


def _store_with(triples) -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode(str(DATA_GRAPH))
    store.extend(ox.Quad(s, p, o, graph) for s, p, o in triples)
    return store


def test_a_javascript_iri_on_a_resource_page_is_no_link():
    """A javascript: IRI as the resource's type, as a value of it, and as a resource pointing
    at it: shown as text each time, never a link; an https IRI beside it still is one."""
    x = ox.NamedNode(BASE + "id/x")
    evil = ox.NamedNode("javascript:alert(document.cookie)//")
    seen_at = ox.NamedNode("http://www.w3.org/ns/prov#atLocation")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    fine = ox.NamedNode("https://example.org/a")
    store = _store_with(
        [(x, rdf_type, evil), (x, seen_at, evil), (evil, seen_at, x), (x, seen_at, fine)]
    )
    page = resource_page(store, x.value).decode()
    assert page.count("javascript:alert(document.cookie)//") >= 3  # still shown, as text
    assert 'href="javascript' not in page.lower()
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert "https://example.org/a" in hrefs  # the check can see a link in a value
    assert all(h.startswith(("/", "https://", "http://")) for h in hrefs), hrefs
    assert term_html(ox.NamedNode("https://example.org/a")).startswith('<a href="https://')


def test_the_query_page_keeps_its_http_only_links():
    assert HTTP_LINKS_ONLY.strip() in query_page(Path(__file__).parents[2] / "queries").decode()
    assert "/^https?:[/][/]/i.test(binding.value)" in HTTP_LINKS_ONLY


def test_the_query_page_links_only_http_results(server, browser):
    """In YASR's table of answers (in Chromium), only http(s) IRIs are links: a javascript:,
    mailto: or file: IRI, as a value or as a literal's datatype, is text."""
    query = (
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)//> <mailto:a@example.org> "
        '<file:///etc/passwd> <https://example.org/fine> "1"^^<mailto:type@example.org> '
        '"2"^^<http://www.w3.org/2001/XMLSchema#integer> } }'
    )
    tab = Tab(browser, server + "/", ready="window.yasgui !== undefined")
    tab.eval(
        f"(() => {{ const t = yasgui.getTab(); t.setQuery({json.dumps(query)}); t.query(); }})()"
    )
    tab.wait_for("document.querySelectorAll('.yasr table tbody tr').length === 6", timeout=30)
    hrefs = tab.eval(
        "[...document.querySelectorAll('.yasr table tbody a')].map(a => a.getAttribute('href'))"
    )
    text = tab.eval("document.querySelector('.yasr table tbody').innerText")
    assert tab.errors() == []
    assert sorted(h for h in hrefs if h) == [
        "http://www.w3.org/2001/XMLSchema#integer",
        "https://example.org/fine",
    ]
    assert None not in hrefs  # no anchor left without its href either
    for shown in (
        "javascript:alert(1)//",
        "mailto:a@example.org",
        "file:///etc/passwd",
        "mailto:type@example.org",
    ):
        assert shown in text
