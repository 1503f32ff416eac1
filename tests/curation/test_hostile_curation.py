"""A catalogue of hostile curation inputs: each case breaks a copy of data/ one way and names
the one line the readers must answer with (its file, its line and words of its message).

The cases run the readers the build runs (manifest, entities, statements, Wikidata links,
coverage waivers) on the broken copy; a few of them also run `nkelections build` end to end
for the exit code, the single stderr line and the untouched dist/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nkelections.build.pipeline import Paths
from nkelections.build.statements import load_curation
from nkelections.curation.links import load_links
from nkelections.curation.ontology import Ontology
from nkelections.errors import NkeError
from nkelections.qc.coverage import load_waivers
from nkelections.sources.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "data/sources/manifest.yaml"
ENTITIES = "data/entities/zz-hostile.yaml"
STATEMENTS = "data/statements/zz-hostile.yaml"
WIKIDATA = "data/wikidata.yaml"
WAIVERS = "data/coverage-waivers.yaml"
MARK = "#HERE"  # ends the line a case expects its error on; removed before the file is read


def _replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {name}: update the case"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _entity(body: str):
    """A new entity file holding `body` under entities:."""

    def apply(root: Path) -> None:
        (root / ENTITIES).write_text("entities:\n" + body, encoding="utf-8")

    return ENTITIES, apply


def _evidence(body: str, document: str = "kinu-co-23-37"):
    def apply(root: Path) -> None:
        (root / STATEMENTS).write_text(
            f"document: {document}\nevidence:\n" + body, encoding="utf-8"
        )

    return STATEMENTS, apply


def _in(name: str, old: str, new: str):
    return name, lambda root: _replace(root, name, old, new)


def _whole(name: str, data: bytes | str):
    def apply(root: Path) -> None:
        path = root / name
        path.unlink(missing_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    return name, apply


def _symlink_loop(root: Path) -> None:
    os.symlink("loop.yaml", root / "data/entities/loop.yaml")


def _directory(root: Path) -> None:
    (root / "data/statements/dir.yaml").mkdir()


def _fifo(root: Path) -> None:
    os.mkfifo(root / "data/entities/fifo.yaml")


def _huge(root: Path) -> None:
    with open(root / ENTITIES, "wb") as out:
        out.write(b"entities:\n  - id: big\n    type: Person\n    label: '")
        out.write(b"x" * (50 * 2**20))
        out.write(b"'\n")


KIM = "  - id: kim-2\n    type: Person\n    label: Kim\n"
FACT = "  - quote: a quote\n    facts: [kinu]\n"
BOMB = (
    "entities:\n  - id: bomb\n    type: Person\n    label: x\n"
    + "    aliases: &a0 [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"    x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))
)

# case -> (file the error names, how the copy is broken, words of the message)
CASES = {
    # the manifest
    "published-yesterday": (
        *_in(MANIFEST, 'published: "2023-11-28"', f'published: "yesterday" {MARK}'),
        "'published': 'yesterday'",
    ),
    "published-impossible": (
        *_in(MANIFEST, 'published: "2023-11-28"', f'published: "2023-02-30" {MARK}'),
        "not a real date",
    ),
    "authors-a-string": (
        *_in(MANIFEST, "authors: [park-young-ja]", f"authors: park-young-ja {MARK}"),
        "'authors' must be a list",
    ),
    "publisher-a-list": (
        *_in(MANIFEST, "publisher: kinu\n", f"publisher: [kinu] {MARK}\n"),
        "'publisher' must be a single text, not a list",
    ),
    "title-a-list": (
        *_in(MANIFEST, "title: 2023 North Korean local elections", f"title: [x] {MARK}"),
        "'title' must be a single text",
    ),
    "unknown-publisher": (
        *_in(MANIFEST, "publisher: kinu\n", f"publisher: kinuu {MARK}\n"),
        "unknown entity 'kinuu' (hint: did you mean kinu",
    ),
    "unknown-author": (
        *_in(MANIFEST, "authors: [park-young-ja]", f"authors: [park-young-jae] {MARK}"),
        "unknown entity",
    ),
    "manifest-unknown-key": (
        *_in(
            MANIFEST,
            "    language: en\n",  # the first document's; its other keys may come in any order
            f"    languag: en {MARK}\n    language: en\n",
        ),
        "unknown key 'languag' (hint: did you mean language",
    ),
    "file-outside-sources": (
        *_in(
            MANIFEST,
            "file: kinu-co-23-37-analysis-of-local-elections.txt",
            f"file: ../../../etc/passwd {MARK}",
        ),
        "not a file name",
    ),
    "exclude-start-not-a-number": (
        *_in(MANIFEST, "start: 2818", f"start: x2818 {MARK}"),
        "'start': 'x2818' is not a whole number",
    ),
    "manifest-entry-a-string": (
        *_in(MANIFEST, "documents:\n", f"documents:\n  - x {MARK}\n"),
        "'documents', item 1 must be a mapping, not a text",
    ),
    "description-in-manifest-a-list": (
        *_in(
            MANIFEST,
            "published_basis: The copyright",
            f"published_basis: [a] {MARK}\n    x: The copyright",
        ),
        "'published_basis' must be a single text",
    ),
    # entity files
    "impossible-entity-date": (
        *_entity(KIM.replace("Person", "Election") + f"    electionDate: '2023-11-31' {MARK}\n"),
        "'electionDate': '2023-11-31' is not a real date",
    ),
    "aliases-a-mapping": (
        *_entity(KIM + f"    aliases: {{a: b}} {MARK}\n"),
        "'aliases' must be a list, not a mapping",
    ),
    "entity-a-string": (*_entity(f"  - kim-2 {MARK}\n"), "must be a mapping, not a text"),
    "description-a-list": (
        *_entity(KIM + f"    description: [a, b] {MARK}\n"),
        "'description' must be a single text, not a list of 2",
    ),
    "note-a-mapping": (*_entity(KIM + f"    note: {{a: b}} {MARK}\n"), "'note' must be a single"),
    "type-a-mapping": (
        *_entity(f"  - id: kim-2\n    type: {{a: b}} {MARK}\n    label: Kim\n"),
        "'type'",
    ),
    "unknown-class": (
        *_entity(f"  - id: kim-2\n    type: Persn {MARK}\n    label: Kim\n"),
        "unknown class 'Persn' (hint: did you mean Person",
    ),
    "id-with-newline": (
        *_entity(f'  - id: "kim-2\\n" {MARK}\n    type: Person\n    label: K\n'),
        "is not an id",
    ),
    "lone-surrogate": (
        *_entity(f'  - id: kim-2\n    type: Person\n    label: "K\\udc80" {MARK}\n'),
        "invalid YAML",
    ),
    "control-character": (
        *_entity(f'  - id: kim-2\n    type: Person\n    label: "K\\x07" {MARK}\n'),
        "control character",
    ),
    "unknown-property": (
        *_entity(KIM + f"    jurisdictoin: north-korea {MARK}\n"),
        "unknown property 'jurisdictoin' (hint: did you mean jurisdiction",
    ),
    "property-value-a-mapping": (
        *_entity(KIM + f"    country: {{a: b}} {MARK}\n"),
        "needs a single value, not a mapping",
    ),
    "object-value-not-an-id": (
        *_entity(KIM + f"    country: North Korea {MARK}\n"),
        "neither an entity id nor a concept",
    ),
    "no-label": (*_entity(f"  - id: kim-2 {MARK}\n    type: Person\n"), "'label' is missing"),
    # statement files
    "impossible-stated-on": (
        *_evidence(FACT + f'    stated_on: "2023-02-30" {MARK}\n'),
        "'stated_on': '2023-02-30' is not a real date",
    ),
    "stated-by-a-list": (
        *_evidence(FACT + f"    stated_by: [kinu, yonhap] {MARK}\n"),
        "'stated_by' must be a single text, not a list of 2",
    ),
    "document-a-list": (
        *_whole(STATEMENTS, f"document: [kinu-co-23-37] {MARK}\nevidence: []\n"),
        "'document' must be a single text",
    ),
    "unknown-document": (
        *_whole(STATEMENTS, f"document: kinu {MARK}\nevidence: []\n"),
        "unknown document 'kinu'",
    ),
    "evidence-note-a-mapping": (
        *_evidence(FACT + f"    note: {{a: b}} {MARK}\n"),
        "'note' must be a single text, not a mapping",
    ),
    "year-inferred-a-list": (
        *_evidence(
            "  - quote: q\n    facts:\n      - subject: kinu\n        property: country\n"
            f"        value: north-korea\n        year_inferred: [x] {MARK}\n"
        ),
        "'year_inferred' is ['x']: not 'true' or 'false'",
    ),
    "fact-a-number-list": (
        *_evidence(f"  - quote: q\n    facts: [[a, b]] {MARK}\n"),
        "'facts', item 1 has too few items (item 3 is missing)",
    ),
    "fact-empty": (*_evidence(f"  - quote: q\n    facts: [~] {MARK}\n"), "a fact is an entity id"),
    "impossible-date-in-triple": (
        *_evidence(
            f"  - quote: q\n    facts: [[election-2023-local, electionDate, '2023-11-31']] {MARK}\n"
        ),
        "'2023-11-31' is not a real date",
    ),
    "occurrence-zero": (
        *_evidence(FACT + f"    occurrence: '0' {MARK}\n"),
        "is not a whole number from 1",
    ),
    "evidence-unknown-key": (
        *_evidence(FACT + f"    stated_bye: kinu {MARK}\n"),
        "unknown key 'stated_bye' (hint: did you mean stated_by",
    ),
    "no-quote": (*_evidence(f"  - facts: [kinu] {MARK}\n"), "'quote' is missing"),
    "no-facts": (*_evidence(f"  - quote: q\n    facts: [] {MARK}\n"), "'facts'"),
    # data/wikidata.yaml
    "seen-at-javascript": (
        *_in(
            WIKIDATA,
            "links:\n",
            "links:\n  - entity: kinu\n    qid: Q1\n"
            f'    seen_at: "javascript:alert(1)//" {MARK}\n'
            "    title: t\n    snippet: Q1\n",
        ),
        "is not an http(s) address",
    ),
    "qid-not-an-item": (
        *_in(WIKIDATA, "qid: Q423", f"qid: Q0423 {MARK}"),
        "is not a Wikidata item id",
    ),
    "link-unknown-entity": (
        *_in(WIKIDATA, "entity: north-korea\n", f"entity: north-koreaa {MARK}\n"),
        "unknown entity 'north-koreaa'",
    ),
    "abstention-unknown-entity": (
        *_in(WIKIDATA, "  - entity: kcna\n", f"  - entity: kcnaa {MARK}\n"),
        "unknown entity 'kcnaa'",
    ),
    "context-country-unknown": (
        *_in(
            WIKIDATA,
            "context_countries: [north-korea,",
            f"context_countries: [north-koria, {MARK}\n ",
        ),
        "unknown entity 'north-koria'",
    ),
    "linker-kind-unknown": (
        *_in(WIKIDATA, "linker_classes:\n", f"linker_classes:\n  persons: [] {MARK}\n"),
        "'persons'",
    ),
    # data/coverage-waivers.yaml
    "waiver-unknown-document": (
        *_in(WAIVERS, "  - document: kinu-co-23-37", f"  - document: kinu-co {MARK}"),
        "unknown document 'kinu-co'",
    ),
    "waiver-start-not-a-number": (
        *_in(WAIVERS, '    text: "CO 23-37"', f'    text: "CO 23-37"\n    start: [1] {MARK}'),
        "'start' must be a single text",
    ),
    # whole files
    "latin-1-file": (
        *_whole(
            ENTITIES,
            b"entities:\n  - id: cafe\n    type: Place\n"
            + b"    label: caf\xe9 "
            + MARK.encode()
            + b"\n",
        ),
        "is not UTF-8",
    ),
    "utf-16-file": (*_whole(ENTITIES, ("entities: []\n").encode("utf-16")), "is UTF-16"),
    "binary-file": (
        *_whole(STATEMENTS, b"document: \x01\x02\xfe\xff " + MARK.encode()),
        "is not UTF-8",
    ),
    "nul-byte": (
        *_whole(STATEMENTS, f"document: kinu-co-23-37\nevidence: \x00 {MARK}\n"),
        "control character",
    ),
    "deep-nesting": (
        *_whole(ENTITIES, "entities:\n  " + "[" * 3000 + "]" * 3000 + f" {MARK}\n"),
        "nest deeper than",
    ),
    "alias-bomb": (
        *_whole(ENTITIES, BOMB.replace("]\n    x7:", f"] {MARK}\n    x7:")),
        "aliases expand this value",
    ),
    "two-documents": (*_whole(ENTITIES, f"entities: []\n--- {MARK}\nentities: []\n"), "second one"),
    "empty-entity-file": (*_whole(ENTITIES, ""), "the file must be a mapping, not empty"),
    "complex-key": (*_whole(ENTITIES, f"? [a] {MARK}\n: b\n"), "a key must be a plain text"),
}
# Errors that name a file but no line (the file as a whole is wrong).
WHOLE_FILE = {
    "symlink-loop": ("data/entities/loop.yaml", _symlink_loop, "Too many levels of symbolic"),
    "directory": ("data/statements/dir.yaml", _directory, "not a regular file"),
    "fifo": ("data/entities/fifo.yaml", _fifo, "not a regular file"),
    "50-mb-literal": (ENTITIES, _huge, "more than the"),
}


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load(ROOT / "ontology" / "nkelections.ttl")


def _read_all(root: Path, ontology: Ontology) -> None:
    """What the build reads, in its order (build.py _build), with line numbers."""
    paths = Paths(root)
    corpus = load_corpus(paths.sources, root)
    curation = load_curation(paths.data, corpus, ontology, root)
    load_links(paths.data / "wikidata.yaml", set(curation.entities) | set(corpus.documents), root)
    load_waivers(paths.data / "coverage-waivers.yaml", corpus, root)


def _marked_line(path: Path) -> int:
    """The line holding MARK, which is then taken out of the file."""
    raw = path.read_bytes()
    at = raw.find(MARK.encode())
    if at < 0:
        raw16 = raw.decode("utf-16", errors="ignore") if raw[:2] == b"\xff\xfe" else ""
        assert MARK not in raw16
        return 0
    path.write_bytes(raw.replace(b" " + MARK.encode(), b"").replace(MARK.encode(), b""))
    return raw[:at].count(b"\n") + 1


def _failure(root: Path, ontology: Ontology) -> str:
    with pytest.raises(NkeError) as failure:
        _read_all(root, ontology)
    line = failure.value.line()
    assert "\n" not in line and "Traceback" not in line
    return line


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_curation_gets_one_line_naming_file_and_line(case, project_copy, ontology):
    name, breaker, words = CASES[case]
    breaker(project_copy)
    line = _marked_line(project_copy / name)
    message = _failure(project_copy, ontology)
    where = f"{name}:{line}: " if line else f"{name}: "
    assert message.startswith(where), message
    assert words in message, message


@pytest.mark.parametrize("case", sorted(WHOLE_FILE))
def test_hostile_files_get_one_line_naming_the_file(case, project_copy, ontology):
    name, breaker, words = WHOLE_FILE[case]
    breaker(project_copy)
    message = _failure(project_copy, ontology)
    assert message.startswith(f"{name}: "), message
    assert words in message, message


def test_the_real_data_passes_the_schema(ontology):
    _read_all(ROOT, ontology)


@pytest.mark.parametrize(
    "case",
    ["authors-a-string", "impossible-stated-on", "alias-bomb", "utf-16-file", "50-mb-literal"],
)
def test_build_answers_hostile_data_with_one_line_and_leaves_dist_alone(case, project_copy):
    name, breaker, words = {**CASES, **WHOLE_FILE}[case]
    breaker(project_copy)
    _marked_line(project_copy / name)
    dist = project_copy / "dist"
    dist.mkdir()
    (dist / "nkelections.ttl").write_text("previous build\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "nkelections", "build", "--dist", str(dist)],
        cwd=project_copy,
        env={**os.environ, "NKELECTIONS_ROOT": str(project_copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and f"{name}:" in lines[0] and words in lines[0], run.stderr
    assert sorted(p.name for p in dist.iterdir()) == ["nkelections.ttl"]
    assert (dist / "nkelections.ttl").read_text(encoding="utf-8") == "previous build\n"


PROPERTIES = """properties:
  point in time:
    pid: P585
    label: point in time
    seen_at: https://example.org/p585
    snippet: P585 point in time
statements:
  nke:electionDate: point in time
"""


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        (None, None, 0, None),
        ("pid: P585", "pid: 585", 3, "'pid': '585' is not a Wikidata property id"),
        ("https://example.org/p585", "javascript:x", 5, "is not an http(s) address"),
        ("nke:electionDate: point in time", "nke:electionDate: pit", 8, "'pit' is no key"),
    ],
)
def test_wikidata_properties_file_is_checked(tmp_path, old, new, line, words):
    """data/wikidata-properties.yaml (i24's map of Wikidata properties) has its model too."""
    from nkelections.curation.check import read_checked
    from nkelections.curation.schema import WikidataPropertiesFile

    path = tmp_path / "wikidata-properties.yaml"
    path.write_text(PROPERTIES.replace(old, new) if old else PROPERTIES, encoding="utf-8")
    if words is None:
        assert read_checked(path, WikidataPropertiesFile, tmp_path)["statements"]
        return
    with pytest.raises(NkeError) as failure:
        read_checked(path, WikidataPropertiesFile, tmp_path)
    assert failure.value.line().startswith(f"wikidata-properties.yaml:{line}: ")
    assert words in failure.value.line()
