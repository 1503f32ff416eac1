"""Shared fixtures: the graph is built once per session from the real data."""

from __future__ import annotations

import shutil
import socket
import threading
from pathlib import Path

import pytest

from chromium import CHROMIUM, Browser
from nkelections.build.pipeline import BuildResult, Paths, build_graph
from nkelections.build.serialize import write_outputs
from served import serving

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The dataset built from the project's real inputs (in memory)."""
    return build_graph(Paths(ROOT))


@pytest.fixture(scope="session")
def dist(built, tmp_path_factory) -> Path:
    """A dist/ folder written from the real build, private to the test session."""
    out = tmp_path_factory.mktemp("dist")
    write_outputs(built.quads, out)
    return out


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """A writable copy of ontology/ and data/ for tests that break inputs on purpose."""
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="module")
def trap():
    """A listener on 127.0.0.1 that notes every connection made to it: a test that must make
    no request outside what it names points every address it can at this port and asserts
    the list of hits stays empty."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    hits: list[str] = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            hits.append(conn.recv(200).decode("latin-1"))
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1], hits
    listener.close()


@pytest.fixture(scope="session")
def server(dist):
    """dist/ served by `nkelections serve` on 127.0.0.1, its base URL: one server (and its
    query workers) for the session, as nothing writes to it; a module that tests the limits
    overrides it with served.serving and its own."""
    with serving(dist) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium (tests/chromium.py) for the module's tests, closed after them."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()
