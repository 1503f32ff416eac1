"""`nkelections serve` as linked data: the dataset's addresses with content negotiation, the
SPARQL service description, downloads, and the pages people read (labels, quotes with their
sources, an evidence's passage, a document's annotated text, alternates)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from html import unescape

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

SD = "http://www.w3.org/ns/sparql-service-description#"
DATASET = URIRef("https://w3id.org/nkelections/dataset")


def fetch(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def text_of(html: bytes) -> str:
    """The page's visible text, tags removed."""
    body = re.sub(r"<(style|script)>.*?</\1>", "", html.decode(), flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


# --- the dataset's addresses ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/.well-known/void", "/dataset"])
@pytest.mark.parametrize(
    "accept, media",
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("text/html,application/xhtml+xml", "text/html"),
        (None, "text/turtle"),
    ],
)
def test_dataset_description_negotiates(server, path, accept, media):
    status, headers, body = fetch(server + path, accept)
    assert status == 200
    assert headers["Content-Type"].startswith(media)
    if media == "text/turtle":
        graph = Graph().parse(data=body, format="turtle")
        assert (DATASET, RDF.type, VOID.Dataset) in graph
        endpoint = URIRef("https://w3id.org/nkelections/sparql")
        assert (DATASET, VOID.sparqlEndpoint, endpoint) in graph
    if media == "text/html":
        assert "nkelections: the 2023 North Korean local elections" in text_of(body)
    links = headers.get_all("Link")
    assert any('type="text/turtle"' in link for link in links)
    assert any('type="application/ld+json"' in link for link in links)


@pytest.mark.parametrize("name", ["data", "ontology", "void"])
def test_each_named_graph_dereferences(server, built, name):
    iri = URIRef(f"https://w3id.org/nkelections/graph/{name}")
    status, headers, body = fetch(f"{server}/graph/{name}", "text/turtle")
    assert status == 200 and headers["Content-Type"] == "text/turtle"
    served = Graph().parse(data=body, format="turtle")
    assert len(served) == len(built.dataset.graph(iri))
    status, headers, body = fetch(f"{server}/graph/{name}", "application/ld+json")
    assert status == 200 and json.loads(body)
    status, headers, _ = fetch(f"{server}/graph/{name}", "text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_unknown_graph_is_404(server):
    assert fetch(f"{server}/graph/nothing", "text/turtle")[0] == 404


def test_every_download_url_the_description_names_is_served(server, dist):
    graph = Graph().parse(data=fetch(server + "/dataset", "text/turtle")[2], format="turtle")
    downloads = sorted(graph.objects(None, DCAT.downloadURL))
    assert len(downloads) == 4
    for url in downloads:
        path = str(url).removeprefix("https://w3id.org/nkelections")
        status, headers, body = fetch(server + path)
        assert status == 200, url
        assert body == (dist / path.rsplit("/", 1)[1]).read_bytes()
        media = graph.value(url, DCAT.mediaType)
        assert str(media).endswith(headers["Content-Type"])
    assert fetch(server + "/dataset/secrets.txt")[0] == 404
    assert fetch(server + "/dataset/..%2Fsummary.json")[0] == 404


def test_description_is_licensed_and_dated(server):
    graph = Graph().parse(data=fetch(server + "/dataset", "text/turtle")[2], format="turtle")
    assert graph.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    modified = graph.value(DATASET, DCTERMS.modified)
    assert modified.datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")
    wikipedia = URIRef(
        "https://w3id.org/nkelections/id/wikipedia-2023-north-korean-local-elections"
    )
    assert (DATASET, DCTERMS.source, wikipedia) in graph
    # Each source's terms in one sentence on the dataset (CC BY-SA's attribution for Wikipedia).
    rights = [str(r) for r in graph.objects(DATASET, DCTERMS.rights)]
    assert any(
        "wikipedia.org" in r and "https://creativecommons.org/licenses/by-sa/4.0/" in r
        for r in rights
    )
    assert len(rights) == 1 + len(set(graph.objects(DATASET, DCTERMS.source)))


def test_service_description_at_the_endpoint(server):
    status, headers, body = fetch(server + "/sparql", "text/turtle")
    assert status == 200 and headers["Content-Type"] == "text/turtle"
    graph = Graph().parse(data=body, format="turtle")
    service = URIRef("https://w3id.org/nkelections/sparql")
    assert (service, RDF.type, URIRef(SD + "Service")) in graph
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    names = set(graph.objects(None, URIRef(SD + "name")))
    assert URIRef("https://w3id.org/nkelections/graph/data") in names
    # A browser still gets the query page there.
    status, headers, _ = fetch(server + "/sparql", "text/html,*/*;q=0.8")
    assert headers["Content-Type"].startswith("text/html")


# --- pages for people -------------------------------------------------------------------


def test_figure_page_shows_its_own_quotes_with_their_sources(server, built):
    status, headers, body = fetch(server + "/id/figure-2023-turnout", "text/html")
    assert status == 200
    page = text_of(body)
    title = re.search(r"<title>(.*?)</title>", body.decode())[1]
    assert title == "turnout of the 2023 local elections, 99.63%"  # the label, no "@en"
    assert "@en" not in page
    # each of its evidence, with its quote, the document's title and the offsets
    evidence = built.dataset.graph(URIRef("https://w3id.org/nkelections/graph/data")).objects(
        URIRef("https://w3id.org/nkelections/id/figure-2023-turnout"),
        URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
    )
    evidence = sorted(evidence)
    assert len(evidence) == 8
    for e in evidence:
        span = str(e).rsplit("/", 1)[1].replace("-", "–")
        assert f"characters {span}" in page, e
    assert "Voter turnout across the communist hermit nation was reported at 99.63%." in page
    assert "North Korea acknowledges votes against selected candidates" in page
    assert "2023-11-28" in page
    # labels, not IRIs: the election it is a figure of
    assert "2023 North Korean local elections" in page
    assert ">nkr:election-2023-local<" not in body.decode()
    links = headers.get_all("Link")
    assert any("/id/figure-2023-turnout?format=turtle" in link for link in links)
    assert b'rel="alternate" type="application/ld+json"' in body


def test_evidence_page_shows_its_own_quote_in_its_passage(server):
    path = "/id/evidence/kinu-co-23-37/1839-1915"
    status, _, body = fetch(server + path, "text/html")
    assert status == 200
    html = body.decode()
    marked = re.findall(r'<mark class="here">(.*?)</mark>', html)
    assert marked == [
        "Implications of a Decline in Voter Turnout: Signs of Weakening State Control"
    ]
    page = text_of(body)
    assert "In a liberal democratic system" in page  # the passage around it
    assert "Quote from Analysis of North Korea's Elections" in page  # a title, not an IRI
    # only its own quote: not the other evidence of the facts it supports
    assert "The voter turnout was reported at 99.63%." not in page
    assert "KINU says the lower turnout may signal weakening state control" in page


def test_document_page_shows_its_text_with_annotated_spans(server):
    status, _, body = fetch(server + "/id/foxnews-votes-against-first-time-since-1956", "text/html")
    assert status == 200
    html = body.decode()
    marks = re.findall(r'<mark data-evidence="([^"]+)"', html)
    assert "/id/evidence/foxnews-votes-against-first-time-since-1956/1228-1300" in " ".join(marks)
    assert 'class="mention" href="/id/kim-jong-un"' in html
    page = text_of(body)
    assert "Voter turnout across the communist hermit nation" in page
    assert "Copyright its publisher, Fox News" in page


def test_resource_rdf_alternates_are_served(server):
    for name, media in (("turtle", "text/turtle"), ("jsonld", "application/ld+json")):
        status, headers, body = fetch(f"{server}/id/figure-2023-turnout?format={name}")
        assert status == 200 and headers["Content-Type"] == media
        graph = Graph().parse(data=body, format="turtle" if name == "turtle" else "json-ld")
        assert (
            None,
            None,
            Literal("turnout of the 2023 local elections, 99.63%", lang="en"),
        ) in graph


def test_links_only_to_http_and_our_own_resources():
    import pyoxigraph as ox

    from nkelections.publish.pages import safe_href, term_html

    assert safe_href("https://w3id.org/nkelections/id/x") == "/id/x"
    assert safe_href("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"):
        assert safe_href(bad) is None
        assert "href" not in term_html(ox.NamedNode(bad))
