"""Decide what a read-only query may run, with the parser that runs it (Oxigraph's).

A SERVICE clause is found by Oxigraph itself: every "service" in the text (keyword, comment,
string, IRI or name alike) is changed to "servicx" and the result parsed. Only the keyword
stops parsing there, so a text that still parses has no SERVICE clause, whatever comments,
line ends (`#` runs to CR or LF in SPARQL, to LF only in rdflib) or case it uses. Runs in the
time-limited worker or child process that then runs the query (sandbox.py); those have no
network besides, where the system lets them (a fresh network namespace).
"""

from __future__ import annotations

import re

import pyoxigraph as ox

_SERVICE = re.compile("service", re.IGNORECASE)
_POSITION = re.compile(r"at (\d+):(\d+)")
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
UPDATE_REFUSED = (
    "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, "
    "DROP, ...) are refused"
)
SERVICE_REFUSED = (
    "SERVICE is refused: queries here do not fetch other endpoints (allow it with --allow-service)"
)


class Refused(Exception):
    """The query may not run; status is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check(text: str, allow_service: bool = False) -> None:
    """Raise Refused (403) for updates and, unless allowed, SERVICE; syntax errors are left
    to the run that follows, which reports them with the query's own positions."""
    if _UPDATE.match(text):
        raise Refused(403, UPDATE_REFUSED)
    if not allow_service and has_service(text):
        raise Refused(403, SERVICE_REFUSED)


def has_service(text: str) -> bool:
    """Whether Oxigraph reads a SERVICE clause in text (see the module's docstring)."""
    found = list(_SERVICE.finditer(text))
    if not found:
        return False
    error = _parse_error(_SERVICE.sub("servicx", text))
    return error is not None and any(_near(text, m, error) for m in found)


def _parse_error(text: str) -> int | None:
    """The offset where Oxigraph stops parsing text, or None when it parses. The empty store
    only parses SELECT, CONSTRUCT and DESCRIBE (they run lazily); an ASK runs on no data."""
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        return _offset(text, str(exc))
    except (OSError, RuntimeError, ValueError):
        return None
    return None


def _offset(text: str, message: str) -> int:
    match = _POSITION.search(message)
    if not match:
        return 0
    lines = text.split("\n")  # Oxigraph counts lines at LF only, columns in characters
    line, column = int(match[1]), int(match[2])
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _near(text: str, match: re.Match, error: int) -> bool:
    """Whether the parse stopped at this occurrence (Oxigraph reports the next token)."""
    after = len(text[match.end() :]) - len(text[match.end() :].lstrip())
    return match.start() <= error <= match.end() + after + 1
