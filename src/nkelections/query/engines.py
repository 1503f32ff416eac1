"""SPARQL engines by name: the embedded on-disk Oxigraph store, Oxigraph in memory, rdflib,
and a remote endpoint. Adding one is one entry in ENGINES."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nkelections.errors import QueryError
from nkelections.layout import nquads
from nkelections.query.embedded import OxigraphEngine
from nkelections.query.sparql import EndpointEngine, Engine, RdflibEngine


# Engines by name. Each entry builds the engine from the command's options; adding one is one
# entry here. The factories live where their dependencies are, and are imported on use.
def _oxigraph(dist: Path, endpoint: str | None, timeout: float) -> Engine:
    return OxigraphEngine.from_dist(dist)


def _oxigraph_memory(dist: Path, endpoint: str | None, timeout: float) -> Engine:
    return OxigraphEngine.in_memory(dist)


def _rdflib(dist: Path, endpoint: str | None, timeout: float) -> Engine:
    return RdflibEngine.from_file(nquads(dist))


def _endpoint(dist: Path, endpoint: str | None, timeout: float) -> Engine:
    if not endpoint:
        raise QueryError("the endpoint engine needs --endpoint URL")
    return EndpointEngine(endpoint, timeout)


ENGINES: dict[str, Callable[[Path, str | None, float], Engine]] = {
    "oxigraph": _oxigraph,
    "oxigraph-memory": _oxigraph_memory,
    "rdflib": _rdflib,
    "endpoint": _endpoint,
}
DEFAULT_ENGINE = "oxigraph"
DEFAULT_TIMEOUT = 30.0  # seconds a query may run, with any engine


def open_engine(
    name: str, dist: Path, endpoint: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Engine:
    if name not in ENGINES:
        raise QueryError(f"unknown engine {name!r}", hint="one of " + ", ".join(ENGINES))
    return ENGINES[name](dist, endpoint, timeout)
