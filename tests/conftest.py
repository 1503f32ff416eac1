"""Shared fixtures: the graph is built once per session from the real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nkelections.build import BuildResult, Paths, build_graph
from nkelections.serialize import write_outputs

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
