"""nkelections coverage on a tiny corpus built in tmp, so that the real data can change freely."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from nkelections.build.pipeline import Paths, build_graph
from nkelections.build.serialize import write_outputs
from nkelections.cli.main import main
from nkelections.errors import CurationError
from nkelections.qc.coverage import RULES, check_coverage, find_candidates, load_waivers
from nkelections.sources.corpus import load_corpus

TEXT = (
    "Page header CO 1-2\n"
    "The Central Election Guidance Committee said turnout was 99.63% on 26 November 2023. "
    "Another 42 people came on Tuesday. He said \u201cvote early\u201d.\n"
    "Trailer: 777 stories from Big News Network\n"
)
EXCLUDED_FROM = TEXT.index("Trailer")
ENTITIES = """entities:
  - id: cegc
    type: ElectionCommittee
    label: Central Election Guidance Committee
  - id: election-x
    type: Election
    label: the test election
"""
# The text credits the quote to the committee its sentence names (the credit rule, decision
# 0004: tiny.txt names no author or publisher to fall back on).
STATEMENTS = """document: tiny
evidence:
  - quote: "turnout was 99.63% on 26 November 2023"
    stated_by: cegc
    facts:
      - [election-x, electionDate, "2023-11-26"]
"""


def make_project(base: Path, waivers: str | None = None, statements: str = STATEMENTS) -> Path:
    """A project whose data/ holds one text, one entity file and one statement file."""
    shutil.rmtree(base / "data")
    sources = base / "data" / "sources"
    sources.mkdir(parents=True)
    (sources / "tiny.txt").write_text(TEXT, encoding="utf-8")
    digest = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    (sources / "manifest.yaml").write_text(
        "documents:\n  - id: tiny\n    file: tiny.txt\n    sha256: " + digest + "\n"
        "    title: Tiny\n    kind: news-article\n    language: en\n    exclude:\n"
        f"      - start: {EXCLUDED_FROM}\n        end: {len(TEXT)}\n        begins: Trailer\n"
        "        reason: an unrelated trailer\n",
        encoding="utf-8",
    )
    (base / "data" / "entities").mkdir()
    (base / "data" / "entities" / "all.yaml").write_text(ENTITIES, encoding="utf-8")
    (base / "data" / "statements").mkdir()
    (base / "data" / "statements" / "tiny.yaml").write_text(statements, encoding="utf-8")
    if waivers is not None:
        (base / "data" / "coverage-waivers.yaml").write_text(waivers, encoding="utf-8")
    return base


def report_for(base: Path):
    paths = Paths(base)
    corpus = load_corpus(paths.sources, base)
    waivers = load_waivers(paths.data / "coverage-waivers.yaml", corpus, base)
    return check_coverage(corpus, build_graph(paths).dataset, waivers)


def write_dist(base: Path) -> None:
    """What `nkelections build` writes, which `coverage` reads."""
    write_outputs(build_graph(Paths(base)).quads, base / "dist")


def by_text(report) -> dict[str, str]:
    return {c.text: c.status for d in report.documents for c in d.candidates}


def test_uncovered_number_is_listed_and_quoted_ones_are_covered(project_copy):
    report = report_for(make_project(project_copy))
    status = by_text(report)
    assert status["42"] == "uncovered"
    assert status["99.63%"] == "quote"
    assert status["26 November 2023"] == "quote"
    assert status["Central Election Guidance Committee"] == "mention"
    assert status["Tuesday"] == "uncovered"
    assert status["\u201cvote early\u201d"] == "uncovered"
    assert not report.complete and report.ok < report.total


def test_excluded_ranges_are_never_candidates(project_copy):
    report = report_for(make_project(project_copy))
    assert all(c.end <= EXCLUDED_FROM for d in report.documents for c in d.candidates)
    assert "777" not in by_text(report) and "Big News Network" not in by_text(report)


def test_waivers_waive_every_occurrence_and_stale_ones_are_reported(project_copy):
    waivers = """waivers:
  - document: tiny
    text: "CO 1-2"
    reason: page header
  - document: tiny
    text: "no longer in the text"
    reason: gone
  - document: tiny
    text: "99.63%"
    reason: covered by a quote already
"""
    report = report_for(make_project(project_copy, waivers))
    assert by_text(report)["1-2"] == "waived"
    stale = {s.text: s.why for s in report.stale}
    assert set(stale) == {"no longer in the text", "99.63%"}
    assert "no longer found" in stale["no longer in the text"]
    assert "covered" in stale["99.63%"]


def test_full_coverage_exits_0_and_gaps_exit_1(project_copy, monkeypatch, capsys):
    monkeypatch.setenv("NKELECTIONS_ROOT", str(project_copy))
    make_project(project_copy)
    assert main(["coverage"]) == 2  # nothing built yet: one line says to build first
    assert "nkelections build" in capsys.readouterr().err
    write_dist(project_copy)
    assert main(["coverage"]) == 1
    out = capsys.readouterr().out
    assert "'42'" in out and "candidates covered or waived" in out
    waive_all = "waivers:\n" + "".join(
        f"  - document: tiny\n    text: {json.dumps(t)}\n    reason: test\n"
        for t in (
            "Page header CO 1-2",
            "Another 42 people came on Tuesday",
            "\u201cvote early\u201d",
        )
    )
    make_project(project_copy, waive_all)
    assert main(["coverage", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["percent"] == 100.0 and doc["covered_or_waived"] == doc["candidates"] > 0


def test_bad_waivers_file_is_an_input_error(project_copy, monkeypatch, capsys):
    monkeypatch.setenv("NKELECTIONS_ROOT", str(project_copy))
    make_project(project_copy, "waivers:\n  - document: nowhere\n    text: x\n    reason: r\n")
    write_dist(project_copy)
    assert main(["coverage"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nowhere" in err[0]
    too_many = "waivers:\n" + "  - {document: tiny, text: x, reason: r}\n" * 11
    make_project(project_copy, too_many)
    with pytest.raises(CurationError, match="more than the 10"):
        report_for(project_copy)


@pytest.mark.parametrize(
    "rule, text, expected",
    [
        ("date", "It was held on 26 November 2023 here.", "26 November 2023"),
        ("date", "On November 27, 2023, it said", "November 27, 2023"),
        ("date", "On 19 October, the committee", "19 October"),
        ("date", "recorded on July 21, 2019.", "July 21, 2019"),
        ("date", "since November 1956 that", "November 1956"),
        ("percentage", "a 0.35%p decrease", "0.35%p"),
        ("percentage", "below 100 percent in two", "100 percent"),
        ("number", "a total of 27,858 deputies", "27,858"),
        ("year", "since 1956, when", "1956"),
        ("post", "consisting of Kang Yun Sok as chairman, Jon", "Kang Yun Sok as chairman"),
        (
            "name",
            "The Standing Committee of the Supreme People's Assembly issued",
            "Standing Committee of the Supreme People's Assembly",
        ),
        ("name", "By Timothy H.J. Nerozzi Fox", "Timothy H.J. Nerozzi Fox"),
        ("quoted-speech", 'it said "rare revelation" and', '"rare revelation"'),
        ("quoted-speech", "a \u2018mobile election\u2019 for", "\u2018mobile election\u2019"),
        ("footnote", "the election law\u00b9) In", "\u00b9)"),
        ("footnote", "system\u00b2\u207e for", "\u00b2\u207e"),
    ],
)
def test_rules_find_their_candidates(rule, text, expected):
    assert [
        m.group("c") if "c" in RULES[rule].groupindex else m.group()
        for m in RULES[rule].finditer(text)
    ] == [expected]


def test_a_candidate_inside_another_is_not_listed_twice():
    from nkelections.sources.corpus import Document

    doc = Document(
        id="d",
        file="d.txt",
        text="On 26 November 2023, 99.63% voted.",
        sha256="",
        title="",
        kind="news-article",
        language="en",
    )
    found = [(c.rule, c.text) for c in find_candidates(doc)]
    assert found == [("date", "26 November 2023"), ("percentage", "99.63%")]


def test_demonyms_and_sentence_openers_are_not_names():
    from nkelections.sources.corpus import Document

    doc = Document(
        id="d",
        file="d.txt",
        text="The North Korean authorities met Kim Jong Un.",
        sha256="",
        title="",
        kind="news-article",
        language="en",
    )
    assert [(c.rule, c.text) for c in find_candidates(doc)] == [("name", "Kim Jong Un")]
