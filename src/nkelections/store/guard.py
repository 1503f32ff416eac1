"""Decide what a read-only endpoint may run, by parsing the request with a SPARQL grammar
(rdflib's), never by looking for substrings: 'SERVICE' in a string, a comment or an IRI is
not a SERVICE clause, and a real one cannot hide behind odd spacing or case.
"""

from __future__ import annotations

import threading
from functools import lru_cache

_LOCK = threading.Lock()  # pyparsing's packrat cache is shared between threads


class Refused(Exception):
    """The request is not allowed; status is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check(text: str, allow_service: bool = False) -> None:
    """Raise Refused for updates (LOAD included), for SERVICE unless allowed, and for text
    that is no SPARQL query at all."""
    kind = classify(text)
    if kind == "update":
        raise Refused(403, "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, "
                           "CLEAR, DROP, ...) are refused")
    if kind == "service" and not allow_service:
        raise Refused(403, "SERVICE is refused here: this endpoint does not fetch other "
                           "endpoints (start it with --allow-service to permit that)")
    if kind.startswith("error:"):
        raise Refused(400, "not a SPARQL query: " + kind[len("error:"):])


@lru_cache(maxsize=2048)
def classify(text: str) -> str:
    """'query', 'service' (a query with a SERVICE clause), 'update', or 'error:<message>'."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    with _LOCK:
        try:
            tree = parseQuery(text)
        except ParseException as exc:
            try:
                parseUpdate(text)
            except ParseException:
                return f"error:line {exc.lineno}, column {exc.col}: {exc.msg}"
            return "update"
    return "service" if _has(tree, "ServiceGraphPattern") else "query"


def _has(node, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, dict):
        return any(_has(v, name) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has(v, name) for v in node)
    return False
