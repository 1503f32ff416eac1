"""Links on served pages go only to http(s) or to this server: an IRI with any other scheme
(javascript:, data:, file:) is shown as text."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from nkelections.namespaces import BASE
from nkelections.store.pages import resource_page, safe_href, term_html


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


def test_a_javascript_iri_on_a_resource_page_is_no_link():
    evil = ox.NamedNode("javascript:alert(document.cookie)//")
    seen_at = ox.NamedNode("http://www.w3.org/ns/prov#atLocation")
    page = resource_page(BASE + "id/x", "x", [], [(seen_at, evil)], [(evil, seen_at)]).decode()
    assert 'href="javascript' not in page.lower()
    assert "javascript:alert(document.cookie)//" in page  # still shown, as text
    assert term_html(ox.NamedNode("https://example.org/a")).startswith('<a href="https://')


def test_the_query_page_links_only_http_results():
    from nkelections.store.pages import SCRIPT

    assert "/^https?:[/][/]/i.test(t.value)" in SCRIPT
