"""The explorer in a real headless Chromium (tests/chromium.py: the DevTools protocol on a
pipe, so no driver library and no network port are needed)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from chromium import CHROMIUM, Page
from nkelections.network.convert import GraphIndex, entity_network
from nkelections.network.write import write_network
from nkelections.rdf.namespaces import NKR

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def index(built) -> GraphIndex:
    return GraphIndex(built.dataset)


@pytest.fixture(scope="module")
def folder(built, tmp_path_factory) -> Path:
    """The explorer with every view's data files beside it, as `nkelections network
    --no-pictures` writes them."""
    folder = tmp_path_factory.mktemp("explorer")
    write_network(built.quads, folder, pictures=False)
    return folder


@pytest.fixture(scope="module")
def html(folder) -> str:
    return (folder / "explorer.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(html) -> dict:
    """The page's data (explorer_data: a layout of the whole entity graph, made once)."""
    return json.loads(html.split('id="data">', 1)[1].split("</script>", 1)[0])


@pytest.fixture(scope="module")
def page(folder, browser):
    return Page(browser, (folder / "explorer.html").as_uri())


def test_page_is_self_contained(html):
    """The page `nkelections network` writes (explorer_html, its views listed)."""
    for needle in (
        "http://cdn",
        "https://cdn",
        "<script src",
        '<link rel="stylesheet"',
        "fetch(",
        "XMLHttpRequest",
        "@import",
    ):
        assert needle not in html


def test_page_loads_without_errors_and_draws_every_node(page, index):
    graph = entity_network(index)
    assert graph.number_of_nodes() > 0
    assert page.eval("document.querySelectorAll('#nodes .node').length") == graph.number_of_nodes()
    assert page.eval("document.querySelectorAll('#edges line').length") == graph.number_of_edges()
    assert page.errors() == []


def test_search_finds_kim_jong_un_and_shows_his_facts_with_quotes(page, data):
    kim = next(n for n in data["nodes"] if n["id"] == "kim-jong-un")
    page.eval("""(() => { const box = document.getElementById('search');
        box.value = 'Kim Jong-un'; box.dispatchEvent(new Event('input')); })()""")
    labels = page.eval("[...document.querySelectorAll('#results button')].map(b => b.dataset.id)")
    assert labels and labels[0] == "kim-jong-un"
    page.eval("document.querySelector('#results button').click()")
    page.wait_for("document.getElementById('details').dataset.node === 'kim-jong-un'")
    assert page.eval("document.querySelector('#details h2').textContent") == "Kim Jong-un"
    shown = page.eval("[...document.querySelectorAll('#facts .fact')].map(f => f.dataset.fact)")
    assert shown == kim["facts"]
    quotes = page.eval("[...document.querySelectorAll('#facts .quote')].map(q => q.textContent)")
    expected = [q["exact"] for f in kim["facts"] for q in data["facts"][f]["quotes"]]
    assert [q.strip("\u201c\u201d") for q in quotes] == expected
    if kim["facts"]:
        assert quotes, "his facts show without a quote"
        assert page.eval("document.querySelector('#facts .cite').textContent")
    assert page.errors() == []


@pytest.mark.parametrize(("query", "node"), [("김정은", "kim-jong-un"), ("조선중앙통신", "kcna")])
def test_search_finds_korean_names(page, query, node):
    """Korean names (skos:altLabel @ko, data/wikidata.yaml) are aliases the search matches."""
    page.eval(f"""(() => {{ const box = document.getElementById('search');
        box.value = {json.dumps(query)}; box.dispatchEvent(new Event('input')); }})()""")
    found = page.eval("[...document.querySelectorAll('#results button')].map(b => b.dataset.id)")
    assert found and found[0] == node


def test_kim_jong_un_has_quoted_facts_in_the_data(index, data):
    """The explorer test above is only as strong as the data: he must have a quoted fact."""
    facts = data["nodes"]
    kim = next(n for n in facts if n["id"] == "kim-jong-un")
    assert (NKR["kim-jong-un"], None, None) in index.data
    assert kim["facts"], "no quoted fact names Kim Jong-un"


def test_clicking_a_node_and_zooming(page, index):
    page.eval(
        "document.querySelector('#nodes .node[data-id=\"kim-jong-un\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    assert page.eval("document.querySelector('.node.selected').dataset.id") == "kim-jong-un"
    before = page.eval("document.getElementById('graph').getAttribute('viewBox')")
    page.eval("document.getElementById('zoom-in').click()")
    after = page.eval("document.getElementById('graph').getAttribute('viewBox')")
    assert float(after.split()[2]) < float(before.split()[2])
    shot = page.call("Page.captureScreenshot", {"format": "png"})["data"]
    assert base64.b64decode(shot).startswith(b"\x89PNG")
    assert page.errors() == []


@pytest.mark.parametrize("typed", ["Kang Yun-sok", "kang yunsok", "KangYunSok"])
def test_search_ignores_hyphens_and_spaces(page, typed):
    page.eval(f"""(() => {{ const box = document.getElementById('search');
        box.value = {json.dumps(typed)}; box.dispatchEvent(new Event('input')); }})()""")
    found = page.eval("[...document.querySelectorAll('#results button')].map(b => b.dataset.id)")
    assert found and found[0] == "kang-yun-sok"


def test_legend_does_not_cover_the_graph(page):
    graph = page.eval("JSON.stringify(document.getElementById('graph').getBoundingClientRect())")
    legend = page.eval("JSON.stringify(document.getElementById('legend').getBoundingClientRect())")
    graph, legend = json.loads(graph), json.loads(legend)
    assert legend["height"] > 0 and graph["height"] > 300
    assert legend["top"] >= graph["bottom"] - 0.5  # below it, not over it


def test_the_views_are_listed_with_links_to_their_files(page, folder):
    """Every view written beside the page, the claims of each document among them, is listed
    with its files; each link opens a file that is there."""
    page.eval("document.querySelector('#views summary').click()")
    listed = page.eval("[...document.querySelectorAll('#views li')].map(li => li.dataset.view)")
    written = {p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.suffix == ".graphml"}
    assert set(listed) == written and len(listed) == len(written)
    assert "claims-in-kinu-co-23-37" in listed and "claims-in-several-documents" in listed
    hrefs = page.eval("[...document.querySelectorAll('#views a')].map(a => a.href)")
    assert len(hrefs) == len(written) * 5  # the title's link and the four data files
    for href in hrefs:
        assert href.startswith(folder.as_uri() + "/"), href
        assert (folder / href.rsplit("/", 1)[1]).is_file(), href
    assert page.eval("document.querySelector('#views').open") is True
    assert page.errors() == []
