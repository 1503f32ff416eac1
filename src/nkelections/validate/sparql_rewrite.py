"""A SHACL-SPARQL constraint rewritten to run once for all focus nodes.

pySHACL runs `sh:select` once per focus node with `$this` pre-bound. Joining `$this` with the
whole target set at the start of the outer WHERE group gives the same rows, focus by focus,
whenever every use of `$this` is inside a group where it is already bound: then pre-binding and
the join cannot be told apart. A sub-select is the same when it projects `$this` (as SHACL asks of
every sub-select) and either binds it in every row or does not read it. MINUS, aggregates,
LIMIT/OFFSET, other sub-selects, and a FILTER or BIND that reads `$this` in a nested group that
does not bind it, can tell them apart: such a constraint is refused (pySHACL then remains the way
to run it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Literal, Variable
from rdflib.plugins.sparql import prepareQuery

from nkelections.compat import CompValue
from nkelections.errors import ValidationError

THIS = Variable("this")
MARKER = "{ ?this <urn:nkelections:focus> ?this } "  # a group: legal after any pattern
WHERE = re.compile(r"\bWHERE\s*\{", re.I)
BRACE = re.compile(r"\{")
SELECT = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?", re.I)
# SPARQL's string literals (long ones first), escapes included, and its IRIREF
STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
    re.S,
)
IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
WRAPPERS = {"SelectQuery", "Project", "Distinct", "Reduced", "OrderBy"}
REFUSED = {
    "Minus": "MINUS",
    "Group": "GROUP BY or aggregates",
    "AggregateJoin": "aggregates",
    "Slice": "LIMIT or OFFSET",
    "ToMultiSet": "a sub-select or VALUES",
    "ServiceGraphPattern": "SERVICE",
    "values": "VALUES",
}
FLOATING = {"decimal", "double", "float"}
MESSAGE_VARS = re.compile(r"{[?$]([^{}]+)}")


@dataclass
class BulkQuery:
    head: str  # the query up to and including the outer WHERE's "{"
    tail: str  # the rest of the query
    projects_this: bool  # whether the constraint itself selects $this
    computed: set[str]  # variables bound by BIND or (expr AS ?var)

    def text(self, focus_pattern: str) -> str:
        """The query with ?this joined to `focus_pattern` (a pattern binding ?this)."""
        return f"{self.head} {{ {focus_pattern} }} {self.tail}"

    def needs_rdflib(self, violations: list, messages) -> bool:
        """Whether a row holds a computed decimal or floating-point value that a message or the
        report shows: rdflib writes those differently from Oxigraph (99.91 + 0.19 is 100.10 in
        rdflib, 100.1 in Oxigraph), so pySHACL's text comes only from rdflib's own evaluation."""
        shown = {"value", "path"} | {
            m for msg in messages or () for m in MESSAGE_VARS.findall(str(msg))
        }
        wanted = self.computed & shown
        for row in violations:
            values = row[3] | {"path": row[1], "value": row[2]} if len(row) == 4 else row[1]
            if any(_floating(values.get(name)) for name in wanted):
                return True
        return False


def _floating(term) -> bool:
    return (
        isinstance(term, Literal)
        and term.datatype is not None
        and str(term.datatype).rsplit("#", 1)[-1] in FLOATING
    )


def bulk_query(text: str, where) -> BulkQuery:
    """Split a constraint's query (prefixes applied, $PATH substituted) so that a focus pattern
    can be joined in; raises ValidationError if the whole-graph run would differ."""
    found = WHERE.search(text)
    if found is None:  # "SELECT ?x { ... }": the WHERE keyword is optional
        select = SELECT.search(text)
        found = BRACE.search(text, select.end()) if select else None
    if found is None:
        raise ValidationError(f"cannot find the WHERE clause of the SPARQL constraint {where}")
    head, tail, algebra = _place_focus(text, found.end(), where)
    projected = algebra.get("PV") or []
    projects_this = THIS in projected
    if not projects_this:  # the focus must come back with each row
        select = SELECT.search(head)
        if select is None:
            raise ValidationError(f"the SPARQL constraint {where} is not a SELECT query")
        head = head[: select.end()] + "?this " + head[select.end() :]
    problem = _check(_pattern(algebra))
    if problem:
        raise ValidationError(
            f"the oxigraph engine cannot run the SPARQL constraint {where} over the whole graph "
            f"at once: it uses {problem}",
            hint="use --engine pyshacl for this shapes graph",
        )
    return BulkQuery(head, tail, projects_this, _computed(algebra))


def _place_focus(text: str, opened: int, where) -> tuple[str, str, CompValue]:
    """Split `text` where the focus pattern goes: at the end of the outer group, where Oxigraph's
    planner keeps the join order it picks for the constraint alone (at the start it chose far
    worse plans), unless an OPTIONAL there reads $this without its left side binding it
    (`{ OPTIONAL { $this ?p ?o } FILTER(!BOUND(?o)) }`): only the start then keeps the meaning."""
    close = _closing_brace(text, opened, where)
    for split in (close, opened):
        head, tail = text[:split], text[split:]
        algebra = _algebra(head + " " + MARKER + tail, where)
        if not _unbound_optional(_pattern(algebra)):
            return head, tail, algebra
    raise ValidationError(
        f"the oxigraph engine cannot run the SPARQL constraint {where} over the whole graph at "
        "once: it has an OPTIONAL that reads $this inside a group that does not bind it",
        hint="use --engine pyshacl for this shapes graph",
    )


def _unbound_optional(node) -> bool:
    """Whether some OPTIONAL mentions ?this while the pattern to its left may leave it unbound:
    pre-binding fixes ?this inside it, a join after the fact does not."""
    if not isinstance(node, CompValue):
        return False
    if node.name == "LeftJoin" and _mentions(node.p2) and not _binds(node.p1):
        return True
    return any(_unbound_optional(node.get(key)) for key in ("p", "p1", "p2"))


def _closing_brace(text: str, start: int, where) -> int:
    """The index of the "}" closing the group opened just before `start` (strings, IRIs and
    comments skipped: a brace or quote inside them is no SPARQL)."""
    depth, i = 1, start
    while i < len(text):
        char = text[i]
        if char in "\"'":
            string = STRING.match(text, i)
            if string is None:
                raise ValidationError(
                    f"a string that does not end in the SPARQL constraint {where}"
                )
            i = string.end()
            continue
        if char == "<" and (iri := IRI.match(text, i)):  # else the operator <
            i = iri.end()
            continue
        if char == "#":  # a comment, to the end of its line
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return i
        i += 1
    raise ValidationError(f"unbalanced braces in the SPARQL constraint {where}")


def _algebra(text: str, where) -> CompValue:
    try:
        return _prepared(text)
    except Exception as exc:  # rdflib's parser raises many types
        raise ValidationError(
            f"the SPARQL constraint {where} does not parse: {' '.join(str(exc).split())[:200]}"
        ) from exc


@lru_cache(maxsize=1024)
def _prepared(text: str) -> CompValue:
    """rdflib's parse, about 80 ms a constraint: once per text for the whole process (the
    algebra is only read), as a catalogue of graphs meets the same constraints again."""
    return prepareQuery(text).algebra


def _pattern(algebra: CompValue) -> CompValue:
    node = algebra
    while isinstance(node, CompValue) and node.name in WRAPPERS:
        node = node.p
    return node


def _check(node) -> str | None:
    """The first construct under which a join with the focus nodes differs from pre-binding."""
    if not isinstance(node, CompValue):
        return None
    if _sub_select(node):
        return _check_sub_select(node.p)
    if node.name in REFUSED or node.name in WRAPPERS:
        return REFUSED.get(node.name, "a sub-select")
    if node.name in ("Filter", "Extend") and _mentions(node.expr) and not _binds(node.p):
        return (
            f"$this in a {'FILTER' if node.name == 'Filter' else 'BIND'} of a group "
            "that does not bind it"
        )
    if (
        node.name == "LeftJoin"
        and _mentions(node.expr)
        and not (_binds(node.p1) or _binds(node.p2))
    ):
        return "$this in the FILTER of an OPTIONAL that does not bind it"
    for key in ("p", "p1", "p2"):
        problem = _check(node.get(key))
        if problem:
            return problem
    return None


def _sub_select(node: CompValue) -> bool:
    return node.name == "ToMultiSet" and isinstance(node.p, CompValue) and node.p.name != "values"


def _check_sub_select(select: CompValue) -> str | None:
    """A sub-select is joined like a group when it projects ?this and either binds it in every
    row or never reads it; under it the usual checks apply."""
    if _slice(select):
        return REFUSED["Slice"]
    inner = _pattern(select)
    if not _projects_this(select):
        return "a sub-select that does not project $this"
    if _mentions(inner) and not _binds(inner):
        return "a sub-select that reads $this without binding it in every row"
    return _check(inner)


def _slice(select: CompValue) -> bool:
    return any(node.name == "Slice" for node in _wrappers(select))


def _projects_this(select: CompValue) -> bool:
    return any(THIS in (node.get("PV") or []) for node in _wrappers(select))


def _wrappers(node):
    while isinstance(node, CompValue) and (node.name in WRAPPERS or node.name == "Slice"):
        yield node
        node = node.p


def _binds(node) -> bool:
    """Whether every solution of `node` binds ?this."""
    if not isinstance(node, CompValue):
        return False
    if _sub_select(node):
        return _projects_this(node.p) and _binds(_pattern(node.p))
    if node.name == "BGP":
        return any(THIS in triple for triple in node.triples)
    if node.name == "Join":
        return _binds(node.p1) or _binds(node.p2)
    if node.name == "LeftJoin":
        return _binds(node.p1)
    if node.name == "Union":
        return _binds(node.p1) and _binds(node.p2)
    return node.name in ("Filter", "Extend", "Graph") and _binds(node.p)


def _mentions(expr) -> bool:
    if expr == THIS:
        return True
    if isinstance(expr, CompValue):
        return any(_mentions(v) for v in expr.values())
    if isinstance(expr, (list, tuple, set)):
        return any(_mentions(v) for v in expr)
    return False


def _computed(node) -> set[str]:
    found = set()
    if isinstance(node, CompValue):
        if node.name == "Extend":
            found.add(str(node.var))
        for value in node.values():
            found |= _computed(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            found |= _computed(value)
    return found
