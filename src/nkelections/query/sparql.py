"""SPARQL queries: find them, bind their parameters, run them on an engine, return typed results.

Results use pyoxigraph's terms (NamedNode, BlankNode, Literal) whatever the engine, so the
answers of the embedded store, the in-memory rdflib graph and a remote endpoint compare
directly. Nothing here imports rdflib unless the rdflib engine is asked for: the default path
must start in well under half a second.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from nkelections.errors import QueryError, StoreError

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
MAX_QUERY_BYTES = 10 << 20  # a query file larger than this is refused before it is read
HEADER_KEYS = ("question", "returns", "demonstrates", "parameters")
# One token of SPARQL: comments, strings and IRIs are skipped over as wholes so that braces
# or keywords inside them are never mistaken for syntax.
_TOKEN = re.compile(
    r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z_0-9\u00b7-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z_0-9\-.]*:?[A-Za-z_0-9\-.]*)
  | (?P<punct>[{}])
  | (?P<other>\S)
''',
    re.VERBOSE,
)
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_IRI_BODY = re.compile(r'[^<>"{}|^`\\\s]*')
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:([\w\-.]*)")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Query:
    """A query's text and where it came from (name is the file stem, or '-e')."""

    name: str
    text: str
    path: Path | None = None

    @property
    def form(self) -> str:
        return query_form(self.text)

    @property
    def prefixes(self) -> dict[str, str]:
        return declared_prefixes(self.text)


@dataclass(frozen=True)
class QueryInfo:
    """The header of a query file: its question, what it returns and what it demonstrates."""

    name: str
    path: Path
    question: str
    returns: str
    demonstrates: str
    parameters: str = ""


@dataclass
class Result:
    """The answer to a query. form is SELECT, ASK, CONSTRUCT or DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


# --- finding and reading queries ---------------------------------------------------------


def query_names(queries_dir: Path) -> list[str]:
    return sorted(p.stem for p in queries_dir.glob("*.rq"))


def load_query(spec: str, queries_dir: Path) -> Query:
    """A query by name in queries_dir (with or without .rq), or by path."""
    path = Path(spec)
    if path.suffix == ".rq" and path.is_file():
        return Query(path.stem, _read(path), path)
    named = queries_dir / (spec if spec.endswith(".rq") else spec + ".rq")
    if "/" not in spec and named.is_file():
        return Query(named.stem, _read(named), named)
    if path.is_file():
        return Query(path.stem, _read(path), path)
    raise QueryError(
        f"no query named {spec!r} in {queries_dir} and no such file",
        hint=_closest_hint(spec, query_names(queries_dir)),
    )


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_QUERY_BYTES:
            raise QueryError(
                f"the query is {size:,} bytes; at most {MAX_QUERY_BYTES:,} are read",
                where=str(path),
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read the query: {exc}", where=str(path)) from exc


def _closest_hint(spec: str, names: list[str]) -> str:
    stem = Path(spec).stem.lower()
    close = difflib.get_close_matches(stem, names, n=5, cutoff=0.4)
    close += [n for n in names if stem and stem in n and n not in close]
    if not close:
        return "run `nkelections query --list` to see the queries"
    return "closest: " + ", ".join(close[:5])


def read_header(path: Path) -> QueryInfo:
    """The '# Key: text' lines at the top of a query; indented '#' lines continue a key."""
    fields: dict[str, str] = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        match = re.match(r"([A-Za-z]+):\s*(.*)", body)
        if match and match.group(1).lower() in HEADER_KEYS:
            key = match.group(1).lower()
            fields[key] = match.group(2)
        elif key and body:
            fields[key] += " " + body
    return QueryInfo(
        path.stem,
        path,
        fields.get("question", ""),
        fields.get("returns", ""),
        fields.get("demonstrates", ""),
        fields.get("parameters", ""),
    )


def list_queries(queries_dir: Path, pattern: str = "*.rq") -> list[QueryInfo]:
    return [read_header(p) for p in sorted(queries_dir.glob(pattern))]


# --- looking at the text ------------------------------------------------------------------


def tokens(text: str) -> Iterable[tuple[str, str, int]]:
    """(kind, text, offset) for every token that is not a comment."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup  # never None: every branch of _TOKEN is a named group
        if kind is not None and kind != "comment":
            yield kind, match.group(), match.start()


def query_form(text: str) -> str:
    for kind, tok, _ in tokens(text):
        if kind == "word" and tok.upper() in FORMS:
            return tok.upper()
    raise QueryError("this is not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found")


def declared_prefixes(text: str) -> dict[str, str]:
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(_strip_comments(text))}


def _strip_comments(text: str) -> str:
    return _TOKEN.sub(lambda m: " " if m.lastgroup == "comment" else m.group(), text)


def where_brace(text: str) -> int:
    """The offset of the '{' that opens the query's WHERE pattern."""
    form, seen_where, depth, opened = None, False, 0, 0
    for kind, tok, pos in tokens(text):
        upper = tok.upper() if kind == "word" else ""
        if form is None and upper in FORMS:
            form = upper
        elif depth == 0 and upper == "WHERE":
            seen_where = True
        elif tok == "{":
            if depth == 0:
                opened += 1
                template = form == "CONSTRUCT" and not seen_where and opened == 1
                if form and not template:
                    return pos
            depth += 1
        elif tok == "}":
            depth -= 1
    raise QueryError("cannot find the WHERE clause to bind parameters in")


def variables(text: str) -> set[str]:
    return {tok[1:] for kind, tok, _ in tokens(text) if kind == "var"}


# --- parameters -----------------------------------------------------------------------------


def parse_binding(item: str) -> tuple[str, str]:
    """'name=value' (the name may start with ?) -> (name, value)."""
    name, sep, value = item.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not _VAR_NAME.fullmatch(name):
        raise QueryError(
            f"--bind {item!r} is not NAME=VALUE",
            hint="for example --bind entity=nkr:kim-jong-un or --bind name=Kim",
        )
    return name, value


def to_term(value: str, prefixes: dict[str, str]) -> Term:
    """<iri> and prefix:local (a prefix the query declares or the project's) become IRIs;
    "quoted" text and anything else becomes a plain literal."""
    if value.startswith("<") and value.endswith(">"):
        body = value[1:-1]
        if not body or not _IRI_BODY.fullmatch(body) or ":" not in body:
            raise QueryError(f"{value!r} is not an absolute IRI")
        return ox.NamedNode(body)
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return ox.Literal(value[1:-1])
    match = _PREFIXED.fullmatch(value)
    if match:
        base = prefixes.get(match.group(1) or "")
        if base is None and match.group(1):
            from nkelections.rdf.namespaces import expand_curie  # imports rdflib: only here

            full = expand_curie(value)
            if full is not None:
                return ox.NamedNode(full)
        elif base is not None:
            return ox.NamedNode(base + match.group(2))
    return ox.Literal(value)


def bind(query: Query, bindings: dict[str, str]) -> Query:
    """The query with each ?name fixed to a value by a VALUES clause at the start of its WHERE
    pattern. Values are serialised as RDF terms (escaped), never pasted in as text."""
    if not bindings:
        return query
    known = variables(query.text)
    for name in bindings:
        if name not in known:
            raise QueryError(
                f"the query has no variable ?{name} to bind",
                where=query.name,
                hint="variables: " + ", ".join("?" + v for v in sorted(known)) if known else None,
            )
    terms = {name: to_term(value, query.prefixes) for name, value in bindings.items()}
    names = " ".join("?" + n for n in terms)
    row = " ".join(str(t) for t in terms.values())
    at = where_brace(query.text) + 1
    text = f"{query.text[:at]} VALUES ({names}) {{ ({row}) }}{query.text[at:]}"
    return Query(query.name, text, query.path)


# --- errors ---------------------------------------------------------------------------------


def syntax_error(query: Query, line: int, column: int, message: str) -> QueryError:
    """A one-line error naming the line, the column and the text there."""
    lines = query.text.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    at = text[max(column - 1, 0) :].strip()[:40] or "(end of line)"
    return QueryError(
        f"syntax error at line {line}, column {column}: {message}; "
        f"the line reads {text.strip()!r}, near {at!r}",
        where=query.name,
    )


def oxigraph_syntax_error(query: Query, exc: SyntaxError) -> QueryError:
    text = str(exc)
    match = re.search(r"at (\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)", text)
    if not match:
        return QueryError(f"syntax error: {text}", where=query.name)
    return syntax_error(query, int(match.group(1)), int(match.group(2)), match.group(3))


# --- engines ------------------------------------------------------------------------------


class Engine:
    """Something that answers SPARQL. Subclasses implement run()."""

    name = ""
    load_graphs = False  # whether FROM may fetch a graph from elsewhere (only rdflib's can)

    def run(self, query: Query) -> Result:
        raise NotImplementedError


class RdflibEngine(Engine):
    """The rdflib Dataset in memory; the default graph is the union of the named graphs.
    FROM and FROM NAMED name graphs of the dataset: rdflib would otherwise fetch each from
    the web or read it from a file (FROM <file:///etc/passwd>), unless load_graphs is set."""

    name = "rdflib"
    load_graphs = False

    def __init__(self, dataset):
        from rdflib import Dataset

        use_hash_join()
        self.dataset = Dataset(store=dataset.store, default_union=True)

    @classmethod
    def from_file(cls, path: Path) -> RdflibEngine:
        from rdflib import Dataset

        if not path.is_file():
            raise StoreError(f"{path} does not exist", hint="run `nkelections build` first")
        dataset = Dataset()
        dataset.parse(path, format="nquads")
        return cls(dataset)

    def run(self, query: Query) -> Result:
        import rdflib.plugins.sparql as rdflib_sparql
        from pyparsing import ParseException

        rdflib_sparql.SPARQL_LOAD_GRAPHS = self.load_graphs
        try:
            answer = self.dataset.query(query.text)
        except ParseException as exc:
            raise syntax_error(query, exc.lineno, exc.col, exc.msg) from exc
        except RecursionError:
            raise QueryError(
                "the query nests too deeply for rdflib",
                where=query.name,
                hint="simplify it, or use --engine oxigraph",
            ) from None
        except Exception as exc:  # rdflib raises bare Exceptions for unsupported features
            raise QueryError(f"rdflib could not run the query: {exc}", where=query.name) from exc
        form = query.form
        if form == "ASK":
            return Result(form, boolean=bool(answer.askAnswer))
        if form in ("CONSTRUCT", "DESCRIBE"):
            return Result(form, triples=[_triple(t) for t in cast(Iterable[tuple], answer)])
        names = [str(v) for v in answer.vars or []]
        rows = [
            tuple(from_rdflib(row[i]) for i in range(len(names)))
            for row in cast(Iterable[tuple], answer)
        ]  # rdflib's rows, typed for any form
        return Result(form, names, rows)


# rdflib evaluates a Join it cannot push down (the flag `lazy` unset: a side is a sub-select
# with DISTINCT or LIMIT, or a join itself, as in a chain of sub-selects) by comparing every
# row of one side with every row of the other (evaluate.evalJoin, evalutils._join): a chain of
# sub-selects took minutes on the seed graph (cq-32: 375 s; cq-35, cq-38 did not finish). The
# hook below gives those joins a hash join with the same answer, row for row and in the same
# order, so the queries written for Oxigraph's hash joins run on rdflib too (ADR 0008).
# CUSTOM_EVALS is process-wide (pySHACL evaluates with it too): the hook is therefore exact for
# any query, not only ours. It relies on rdflib's internals (CompValue "Join" with p1, p2 and
# lazy; FrozenDict.compatible and merge), hence the upper bound on rdflib in pyproject.toml.
HASH_JOIN = "nkelections-hash-join"


def use_hash_join() -> None:
    """Register the hash join with rdflib's SPARQL evaluator (once; idempotent)."""
    from rdflib.plugins.sparql import CUSTOM_EVALS

    CUSTOM_EVALS.setdefault(HASH_JOIN, _eval_join)


def _eval_join(ctx, part):
    """rdflib's CUSTOM_EVALS entry: the joins rdflib would nest as loops, joined by hashing."""
    if part.name != "Join" or part.lazy:
        raise NotImplementedError  # rdflib evaluates it as it would
    from rdflib.plugins.sparql.evaluate import evalLazyJoin, evalPart

    if part.p2.name == "BGP":
        # Triple patterns alone may be a cross product (labels of three things); read them for
        # each left row, its values put in, as rdflib does when it sets `lazy`: the same rows.
        return evalLazyJoin(ctx, part)
    # As rdflib does: the right side read once, as a set (a row repeated there is kept once).
    left = evalPart(ctx, part.p1)
    return hash_join(left, set(evalPart(ctx, part.p2)))


def hash_join(left: Iterable, right: Iterable) -> Iterable:
    """The rows of rdflib's evalutils._join(left, right), in its order, found by hashing.

    SPARQL joins compatible rows: a variable bound on both sides must have the same value; one
    unbound on either side matches anything. The right side is hashed on the variables bound in
    every one of its rows; a left row is looked up on those of them it binds (an index per such
    set of variables, built when first needed), and one binding none of them is compared with
    every right row. rdflib's compatible() still decides each pair, so the rows are exactly
    its own."""
    rows = list(right)
    if not rows:
        return
    keys = frozenset(rows[0]).intersection(*rows[1:])
    indexes: dict[tuple, dict[tuple, list]] = {}
    for row in left:
        bound = frozenset(row)  # the variables the row binds (FrozenDict iterates its own)
        on = tuple(k for k in keys if k in bound)
        if not on:
            candidates = rows
        else:
            index = indexes.get(on)
            if index is None:
                index = indexes[on] = {}
                for other in rows:
                    index.setdefault(tuple(other[k] for k in on), []).append(other)
            candidates = index.get(tuple(row[k] for k in on), [])
        for other in candidates:
            if row.compatible(other):
                yield row.merge(other)


def _triple(triple: tuple) -> ox.Triple:
    s, p, o = (from_rdflib(t) for t in triple)
    if s is None or isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode) or o is None:
        raise QueryError(f"rdflib gave a triple that is not RDF: {triple}")
    return ox.Triple(s, p, o)


def from_rdflib(term) -> Term | None:
    """An rdflib result term as pyoxigraph's (rdflib leaves an unbound variable None)."""
    from nkelections.rdf.terms import to_oxigraph  # imports rdflib: only the rdflib engine's path

    return None if term is None else to_oxigraph(term)


def from_oxigraph(answer, form: str) -> Result:
    """Turn pyoxigraph's lazy answer into a Result."""
    if isinstance(answer, ox.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return Result(form, triples=list(answer))
    names = [v.value for v in answer.variables]
    return Result(form, names, [tuple(sol[i] for i in range(len(names))) for sol in answer])


class EndpointEngine(Engine):
    """A SPARQL 1.1 endpoint over HTTP, through the one HTTP client. The answer is read as
    SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE) and parsed with pyoxigraph."""

    name = "endpoint"
    ACCEPT = {
        "SELECT": "application/sparql-results+json",
        "ASK": "application/sparql-results+json",
        "CONSTRUCT": "application/n-triples",
        "DESCRIBE": "application/n-triples",
    }

    def __init__(self, url: str, timeout: float = 30.0):
        self.url = http_url(url)
        self.timeout = timeout

    def run(self, query: Query) -> Result:
        form = query.form
        raw = self._fetch(query, form)
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                return Result(form, triples=list(ox.parse(raw, ox.RdfFormat.N_TRIPLES)))
            if form == "ASK":
                raw = json.dumps(ask_answer(json.loads(raw))).encode("utf-8")
            answer = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError, RecursionError) as exc:
            raise StoreError(
                f"{self.url} returned results that are not valid {self.ACCEPT[form]}: {exc}"
            ) from exc
        return from_oxigraph(answer, form)

    def _fetch(self, query: Query, form: str) -> bytes:
        # The query is sent as a form (SPARQL 1.1 Protocol, query via POST), with the Accept
        # header for the form we parsed: no guessing of the form from the text.
        from nkelections.http_client import HttpClient, HttpError, HttpStatusError

        http = HttpClient(self.timeout, retries=REMOTE_RETRIES)
        try:
            return http.form(self.url, [("query", query.text)], self.ACCEPT[form]).body
        except HttpStatusError as exc:
            if exc.status == 400:
                raise QueryError(
                    f"{self.url} rejected the query: HTTP 400 {exc.reason}{_detail(exc)}",
                    where=query.name,
                ) from exc
            raise StoreError(
                f"{self.url} answered with an error: HTTP {exc.status} {exc.reason}{_detail(exc)}"
            ) from exc
        except HttpError as exc:
            if "timed out" in exc.message or "failed after" in exc.message:
                raise StoreError(
                    f"{self.url} did not answer within {self.timeout:g} s ({exc.message})",
                    hint="raise --timeout or try later",
                ) from exc
            raise StoreError(exc.message, hint=exc.hint) from exc
        finally:
            http.close()


def http_url(url: str, option: str = "--endpoint") -> str:
    """url, when it is an absolute http(s) URL with a host and no space or control character
    anywhere (urllib would refuse it later with a traceback); else a one-line StoreError."""
    import urllib.parse

    hint = f"for example {option} http://127.0.0.1:7878/query"
    try:
        parts = urllib.parse.urlsplit(url or "")
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or too big
    except ValueError as exc:
        raise StoreError(f"{url!r} is not a usable URL: {exc}", hint=hint) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{url!r} is not an http(s) URL", hint=hint)
    if re.search(r"[\x00-\x20\x7f]", url):
        raise StoreError(
            f"{url!r} has a space or control character in it",
            hint="percent-encode it (a space is %20)",
        )
    return url


def ask_answer(doc) -> dict:
    """A SPARQL JSON answer to ASK, with Virtuoso 7's dialect made standard.

    Virtuoso answers ASK in JSON as a SELECT of one variable, __ASK_RETVAL: no rows for false,
    a row with 1 for true. Every other store sends {"boolean": ...}, which is kept as it is.
    Anything that is not a JSON object raises ValueError (callers report the endpoint).
    """
    if not isinstance(doc, dict):
        raise ValueError(f"the answer is a JSON {type(doc).__name__}, not an object")
    head = doc.get("head")
    if "boolean" in doc or not isinstance(head, dict) or head.get("vars") != ["__ASK_RETVAL"]:
        return doc
    rows = (doc.get("results") or {}).get("bindings") or []
    first = rows[0] if rows and isinstance(rows[0], dict) else {}
    value = (first.get("__ASK_RETVAL") or {}).get("value") if rows else "0"
    return {"head": {}, "boolean": value not in ("0", "false")}


def _detail(exc) -> str:
    from nkelections.http_client import detail

    return detail(exc.response)


# A remote query is not sent again: one that timed out would time out again.
REMOTE_RETRIES = 0


def run_query(engine: Engine, query: Query, bindings: dict[str, str] | None = None) -> Result:
    """Bind the parameters, then run the query on the engine."""
    return engine.run(bind(query, bindings or {}))
