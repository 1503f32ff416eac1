"""Property-based fuzzing (hypothesis) of the curation reader and of the command line.

The reader: a small project made from the real curated data (the manifest and its texts, the
entities they name and what those point at, a statement file, the Wikidata and waiver files),
then one value anywhere in one file replaced by random YAML (or a key dropped or added, or the
file replaced by random text). Whatever the input, the readers the build runs either accept it
or raise NkeError with one line naming a curated file; any other exception fails the test.

The command line: random arguments for every subcommand, from its own options and hostile
values (non-UTF-8 bytes, line breaks, huge and negative numbers, folders, devices). Every
command is parsed; build, extract, coverage and link also run their own argument checks up to
the first expensive step. Each run must end with exit 0, 1 or 2, and an error is one line.

The example counts are bounded so that each test takes well under 20 s; `pytest
--hypothesis-show-statistics tests/cli/test_fuzz.py` shows how many cases ran.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import io
import os
import shutil
import subprocess
import sys
import unicodedata
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal

from nkelections.build.pipeline import Paths
from nkelections.build.statements import load_curation
from nkelections.cli import main as cli
from nkelections.curation.links import load_links
from nkelections.curation.ontology import Ontology
from nkelections.errors import NkeError
from nkelections.qc.coverage import load_waivers
from nkelections.sources.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    "manifest": "data/sources/manifest.yaml",
    "entities": "data/entities/small.yaml",
    "statements": "data/statements/small.yaml",
    "wikidata": "data/wikidata.yaml",
    "waivers": "data/coverage-waivers.yaml",
}
FUZZ = settings(
    max_examples=150,
    deadline=5000,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _strings(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # all strings


def _entities_needed(manifest: dict) -> list[dict]:
    """The real entities the manifest names, and every entity those point at."""
    entities = {
        e["id"]: e
        for p in sorted((ROOT / "data" / "entities").glob("*.yaml"))
        for e in _strings(p)["entities"]
    }
    wanted = {d.get("publisher") for d in manifest["documents"]} | {"north-korea"}
    wanted |= {a for d in manifest["documents"] for a in d.get("authors") or []}
    todo, chosen = sorted(w for w in wanted if w), {}
    while todo:
        ident = todo.pop()
        if ident in chosen or ident not in entities:
            continue
        chosen[ident] = entities[ident]
        for key, value in entities[ident].items():
            if key not in ("id", "label", "description", "note", "aliases"):
                todo.extend(
                    v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
                )
    return [chosen[i] for i in sorted(chosen)]


def _base_files() -> dict[str, object]:
    manifest = _strings(ROOT / FILES["manifest"])
    quote = "Korea Institute for National Unification"
    return {
        "manifest": manifest,
        "entities": {"entities": _entities_needed(manifest)},
        "statements": {
            "document": "kinu-co-23-37",
            "evidence": [
                {
                    "quote": quote,
                    "occurrence": "1",
                    "stated_by": "park-young-ja",
                    "stated_on": "2023-11-27",
                    "note": "a note",
                    "facts": [
                        ["kinu-co-23-37", "dcterms:publisher", "kinu"],
                        "kinu",
                        {
                            "subject": "kinu-co-23-37",
                            "property": "dcterms:creator",
                            "value": "park-young-ja",
                            "id": "stmt-a",
                            "year_inferred": "true",
                        },
                    ],
                }
            ],
        },
        "wikidata": {
            "links": [
                link
                for link in _strings(ROOT / FILES["wikidata"])["links"]
                if link["entity"] == "north-korea"
            ],
            "abstentions": [{"entity": "kinu", "reason": "none seen"}],
            "linker_classes": {
                "person": [{"qid": "Q5", "label": "human", "seen_at": "https://example.org/q5"}]
            },
            "context_countries": ["north-korea"],
        },
        "waivers": _strings(ROOT / FILES["waivers"]),
    }


BASE = _base_files()


def _dumped(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


# The files as written, dumped once: PyYAML's emitter took most of each example's time when
# every example dumped its file again to put it back (and once more to copy it).
BASE_TEXT = {kind: _dumped(doc) for kind, doc in BASE.items()}


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load(ROOT / "ontology" / "nkelections.ttl")


@pytest.fixture(scope="module")
def small_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "data" / "sources", root / "data" / "sources")
    for folder in ("entities", "statements"):
        (root / "data" / folder).mkdir()
    _write_all(root, BASE)
    return root


def _write_all(root: Path, kinds) -> None:
    for kind in kinds:
        (root / FILES[kind]).write_text(BASE_TEXT[kind], encoding="utf-8")


def _read_all(root: Path, ontology: Ontology) -> None:
    """What the build reads, in its order (see build._build), lines kept; what is accepted
    must be well formed (no list where a text belongs, no impossible date, no odd link)."""
    paths = Paths(root)
    corpus = load_corpus(paths.sources, root)
    curation = load_curation(paths.data, corpus, ontology, root)
    known = set(curation.entities) | set(corpus.documents)
    links = load_links(paths.data / "wikidata.yaml", known, root)
    waivers = load_waivers(paths.data / "coverage-waivers.yaml", corpus, root)
    _assert_well_formed(corpus, curation, links, waivers, known)


def _texts(*values) -> bool:
    """None, or texts without control characters, surrogates or line separators."""
    return all(
        v is None
        or isinstance(v, str)
        and not any(
            unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") and c not in "\t\n\r" for c in v
        )
        for v in values
    )


def _assert_well_formed(corpus, curation, links, waivers, known: set[str]) -> None:
    for doc in corpus:
        assert _texts(
            doc.id,
            doc.title,
            doc.kind,
            doc.language,
            doc.publisher,
            doc.published,
            doc.published_year,
            doc.series_number,
        ), doc
        assert doc.publisher in known | {None} and set(doc.authors) <= known, doc
        if doc.published:
            date.fromisoformat(doc.published)
    for entity in curation.entities.values():
        assert _texts(entity.id, entity.label, *entity.aliases), entity
        assert isinstance(entity.description, str | None) and isinstance(entity.note, str | None)
        for attribute in entity.attributes:
            _well_formed_term(attribute.value)
    for evidence in curation.evidence:
        assert isinstance(evidence.quote, str) and isinstance(evidence.note, str | None)
        assert _texts(evidence.reported_in), evidence
        assert all(_texts(credit.role, credit.agent, credit.span) for credit in evidence.credits), (
            evidence
        )
        if evidence.stated_on is not None:
            _well_formed_term(evidence.stated_on)
        for fact in evidence.facts:
            if not isinstance(fact, str):
                assert isinstance(fact.year_inferred, bool) and _texts(fact.subject, fact.note)
                _well_formed_term(fact.value)
    for link in links.links:
        assert link.seen_at.startswith(("http://", "https://")) and _texts(link.title), link
    for waiver in waivers:
        assert _texts(waiver.document, waiver.reason, waiver.text), waiver


def _well_formed_term(term) -> None:
    """A literal the build would write: its lexical form valid for its datatype."""
    if isinstance(term, Literal) and term.datatype is not None:
        assert term.ill_typed is not True, term
        if str(term.datatype).endswith("#date"):
            date.fromisoformat(str(term))


def _paths(value, prefix=()):
    """Every place in a YAML value: (path, value) for it and everything inside it."""
    yield prefix, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


HOSTILE_STRINGS = [
    "2023-02-30",
    "2023-11-31",
    "yesterday",
    "javascript:alert(1)//",
    "true",
    "false",
    "Q0",
    "",
    " ",
    "kinu",
    "park-young-ja",
    "nkv:nothing",
    "dcterms:publisher",
    "x\n",
    "0",
    "-1",
    "99.63",
    "1e309",
    "nan",
    "\ud800",
    "\x00",
    "\u202e",
    "\x85",
    "\u2028",
    "a" * 300,
    "http://a b",
    "file:///etc/passwd",
    "*x",
    "&x",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(HOSTILE_STRINGS),
)
KEYS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            "id",
            "type",
            "label",
            "aliases",
            "quote",
            "facts",
            "document",
            "entity",
            "qid",
            "seen_at",
            "published",
            "authors",
            "publisher",
            "stated_by",
            "note",
            "year_inferred",
            "value",
            "country",
            "electionDate",
            "unknownKey",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=6,
)


def _edit(doc, path: tuple, how: str, value, key):
    """doc with the value at path replaced by value, dropped, or given a new key."""
    if not path:
        return value if how == "replace" else doc
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if how == "replace":
        parent[path[-1]] = value
    elif how == "drop":
        del parent[path[-1]]
    elif isinstance(parent[path[-1]], dict):
        parent[path[-1]][key] = value
    return doc


def _expect_one_line_or_nothing(root: Path, ontology: Ontology) -> None:
    try:
        _read_all(root, ontology)
    except NkeError as exc:
        line = exc.line()
        assert "\n" not in line and "\r" not in line, line
        assert exc.where and exc.where.split(":")[0] in {*FILES.values(), "data/sources"} | {
            f"data/sources/{d['file']}" for d in BASE["manifest"]["documents"]
        }, line


@FUZZ
@given(
    data=st.data(),
    kind=st.sampled_from(sorted(FILES)),
    how=st.sampled_from(["replace", "replace", "drop", "add"]),
    value=VALUES,
    key=KEYS,
)
def test_fuzzed_curated_values_give_one_line_or_pass(
    small_project, ontology, data, kind, how, value, key
):
    doc = copy.deepcopy(BASE[kind])
    path, _ = data.draw(st.sampled_from(list(_paths(doc))), label="path")
    edited = _edit(doc, path, how, value, key)
    try:
        text = _dumped(edited)
    except yaml.YAMLError:
        text = "x: 1\n"
    target = small_project / FILES[kind]
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        _expect_one_line_or_nothing(small_project, ontology)
    finally:
        _write_all(small_project, [kind])


@settings(FUZZ, max_examples=150)
@given(
    kind=st.sampled_from(sorted(FILES)),
    raw=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.lists(
            st.sampled_from(
                [
                    "[",
                    "]",
                    "{",
                    "}",
                    "- ",
                    ": ",
                    "&a ",
                    "*a",
                    "!!str ",
                    "? ",
                    "\n",
                    "  ",
                    "---\n",
                    "'",
                    '"',
                    "x",
                    "#",
                    "|\n",
                    ">\n",
                    "\t",
                    "%YAML 1.1\n",
                ]
            ),
            max_size=60,
        ).map(lambda parts: "".join(parts).encode()),
    ),
)
def test_fuzzed_file_contents_give_one_line_or_pass(small_project, ontology, kind, raw):
    target = small_project / FILES[kind]
    target.write_bytes(raw)
    try:
        _expect_one_line_or_nothing(small_project, ontology)
    finally:
        _write_all(small_project, [kind])


def test_the_small_project_reads(small_project, ontology):
    _read_all(small_project, ontology)


# --- the command line --------------------------------------------------------------------------


class _Reached(BaseException):  # noqa: N818 - not an error: run_guarded must let it through
    """The command got past its own argument checks to the expensive step."""


# The first expensive step of the commands whose argument handling is tested past parsing.
EXPENSIVE = {
    # pyLODE's process, started before the build
    "build": ("nkelections.process.runtime", "Forked"),
    # the built dataset in dist/, which the commands after `build` read
    "coverage": ("nkelections.rdf.built", "open_dataset"),
    "link": ("nkelections.rdf.built", "open_dataset"),
    # Ontology.load, then the curated data
    "extract": ("nkelections.curation.ontology", "Ontology"),
}


def _parser(name: str) -> argparse.ArgumentParser:
    parser = cli.OneLineParser(prog=f"nkelections {name}")
    parser.add_argument("-v", "--verbose", action="store_true")
    importlib.import_module(f"nkelections.cli.{name}").add_arguments(parser)
    return parser


def _options(name: str) -> list[str]:
    return sorted(
        o for a in _parser(name)._actions for o in a.option_strings if o not in ("-h", "--help")
    )


def _argv_values(tmp: Path):
    folder, afile = str(tmp), str(ROOT / "README.md")
    return st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            [
                "-1",
                "0",
                "70000",
                "1e309",
                "nan",
                "-",
                "--",
                "",
                " ",
                "x\ny",
                "http://a b",
                "javascript:x",
                "file:///etc/passwd",
                "http://127.0.0.1:9/",
                folder,
                afile,
                "/dev/null",
                "/dev/zero",
                str(tmp / "missing" / "x"),
                os.fsdecode(b"\xff\xfe"),
                "\x00",
                "cq-01",
                "select * {}",
            ]
        ),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def _run_main(argv: list[str], monkeypatch) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        try:
            code = cli.main(argv)
        except SystemExit as done:  # argparse: --help, --version or a usage error
            code = done.code if isinstance(done.code, int) else 2
    return code, err.getvalue()


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_fuzzed_command_lines_exit_0_1_2_with_one_line(name, tmp_path, monkeypatch):
    options = _options(name)
    module = importlib.import_module(f"nkelections.cli.{name}")
    if name in EXPENSIVE:
        target, attribute = EXPENSIVE[name]
        monkeypatch.setattr(importlib.import_module(target), attribute, _Unreachable)
    else:  # the others (serve, query, load, validate, ...) are parsed only
        monkeypatch.setattr(module, "run", _raise_reached)
    monkeypatch.setenv("NKELECTIONS_ROOT", str(ROOT))
    monkeypatch.chdir(tmp_path)
    seen = {"runs": 0}

    @settings(FUZZ, max_examples=60)
    @given(st.lists(st.one_of(st.sampled_from(options), _argv_values(tmp_path)), max_size=6))
    def fuzz(tokens):
        seen["runs"] += 1
        try:
            code, err = _run_main([name, *tokens], monkeypatch)
        except _Reached:
            return
        assert code in (0, 1, 2), (tokens, code, err)
        assert "internal error" not in err and "Traceback" not in err, (tokens, err)
        if code:
            assert len(err.splitlines()) == 1, (tokens, err)

    fuzz()
    assert seen["runs"] >= 30


def _raise_reached(*args, **kwargs):
    raise _Reached


class _Unreachable:
    """Stands for a function or class whose first use means the checks are behind us."""

    def __init__(self, *args, **kwargs):
        raise _Reached

    load = staticmethod(_raise_reached)


def test_non_utf8_arguments_are_one_line(monkeypatch):
    code, err = _run_main(["query", "-e", os.fsdecode(b"SELECT \xff")], monkeypatch)
    assert code == 2 and err.count("\n") == 1 and "not valid UTF-8" in err and "\\xff" in err


def test_non_utf8_bytes_on_a_real_command_line_give_one_line():
    """The bytes as a shell passes them, through the real interpreter: no traceback."""
    for argv in (
        [b"query", b"-e", b"SELECT \xff"],
        [b"extract", b"\xfe.txt"],
        [b"serve", b"--port", b"\xff"],
        [b"\xff"],
    ):
        run = subprocess.run(
            [sys.executable, "-m", "nkelections", *argv],
            capture_output=True,
            timeout=60,
            env={**os.environ, "NKELECTIONS_ROOT": str(ROOT)},
        )
        err = run.stderr.decode("utf-8", "replace")
        assert run.returncode == 2 and "Traceback" not in err, (argv, err)
        assert len(err.splitlines()) == 1, (argv, err)
