"""The explorer in a real headless Chromium, driven over the DevTools protocol on a pipe
(--remote-debugging-pipe), so no driver library and no network port are needed."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from nkelections.network.convert import GraphIndex, entity_network
from nkelections.network.explorer import explorer_data, explorer_html
from nkelections.rdf.namespaces import NKR

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,900", "--remote-debugging-pipe"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(apt-get install chromium chromium-driver)")


class Browser:
    """A minimal DevTools client: JSON messages separated by NUL on fds 3 (in) and 4 (out)."""

    def __init__(self, profile: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def fds():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                                      "about:blank"], preexec_fn=fds, pass_fds=(3, 4),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer, self._next, self.events = b"", 0, []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)
        raise TimeoutError(method)

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


class Page:
    def __init__(self, browser: Browser, url: str):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget",
                                    {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Page.navigate", {"url": url})
        self.wait_for("document.body && document.body.dataset.ready === 'true'")

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def eval(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.eval(f"!!({expression})"):
            if time.monotonic() > deadline:
                raise TimeoutError(expression)
            time.sleep(0.1)

    def errors(self) -> list[str]:
        found = []
        for event in self.browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                 "assert"):
                found.append(json.dumps(params.get("args"))[:300])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"].get("text", "")[:300])
        return found


@pytest.fixture(scope="module")
def index(built) -> GraphIndex:
    return GraphIndex(built.dataset)


@pytest.fixture(scope="module")
def page(index, tmp_path_factory):
    folder = tmp_path_factory.mktemp("explorer")
    path = folder / "explorer.html"
    path.write_text(explorer_html(index), encoding="utf-8")
    browser = Browser(folder / "profile")
    try:
        yield Page(browser, path.as_uri())
    finally:
        browser.close()


def test_page_is_self_contained(index):
    html = explorer_html(index)
    for needle in ("http://cdn", "https://cdn", "<script src", "<link rel=\"stylesheet\"",
                   "fetch(", "XMLHttpRequest", "@import"):
        assert needle not in html


def test_page_loads_without_errors_and_draws_every_node(page, index):
    expected = entity_network(index).number_of_nodes()
    assert expected > 0
    assert page.eval("document.querySelectorAll('#nodes .node').length") == expected
    assert page.eval("document.querySelectorAll('#edges line').length") == \
        entity_network(index).number_of_edges()
    assert page.errors() == []


def test_search_finds_kim_jong_un_and_shows_his_facts_with_quotes(page, index):
    data = explorer_data(index)
    kim = next(n for n in data["nodes"] if n["id"] == "kim-jong-un")
    page.eval("""(() => { const box = document.getElementById('search');
        box.value = 'Kim Jong-un'; box.dispatchEvent(new Event('input')); })()""")
    labels = page.eval("[...document.querySelectorAll('#results button')]"
                       ".map(b => b.dataset.id)")
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

def test_kim_jong_un_has_quoted_facts_in_the_data(index):
    """The explorer test above is only as strong as the data: he must have a quoted fact."""
    facts = explorer_data(index)["nodes"]
    kim = next(n for n in facts if n["id"] == "kim-jong-un")
    assert (NKR["kim-jong-un"], None, None) in index.data
    assert kim["facts"], "no quoted fact names Kim Jong-un"


def test_clicking_a_node_and_zooming(page, index):
    page.eval("document.querySelector('#nodes .node[data-id=\"kim-jong-un\"]')"
              ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
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
    legend = page.eval("JSON.stringify(document.getElementById('legend')"
                       ".getBoundingClientRect())")
    graph, legend = json.loads(graph), json.loads(legend)
    assert legend["height"] > 0 and graph["height"] > 300
    assert legend["top"] >= graph["bottom"] - 0.5  # below it, not over it
