"""nkelections extract on a synthetic news brief (tests/fixtures/extract/, not a source)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nkelections.cli.main import main
from nkelections.sources.extract import extract, iso_date, render

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extract"
BRIEF = FIXTURES / "local-elections-brief.txt"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
# The spellings of the known entities the brief names, as data/entities/ gives them; kept
# here so that the test does not depend on curated data that is still growing.
NAMES = {
    "kim-jong-un": ["Kim Jong-un", "Kim, Jong-un", "Kim Jong Un"],
    "kcna": ["Korean Central News Agency", "KCNA"],
    "central-election-guidance-committee": ["Central Election Guidance Committee"],
    "kang-yun-sok": ["Kang Yun Sok"],
    "kinu": ["Korea Institute for National Unification", "KINU"],
    "north-korea": ["North Korea"],
    "election-2023-local": ["2023 North Korean local elections"],
}
KINDS = {
    "kim-jong-un": "Person",
    "kang-yun-sok": "Person",
    "kcna": "NewsAgency",
    "central-election-guidance-committee": "ElectionCommittee",
    "kinu": "ResearchInstitute",
    "north-korea": "Country",
    "election-2023-local": "Election",
}


@pytest.fixture(scope="module")
def extraction():
    return extract(BRIEF, NAMES)


def test_finds_the_figures_with_value_unit_and_measure(extraction):
    found = [[f.text, f.value, f.unit, f.measure] for p in extraction.proposals for f in p.figures]
    for figure in EXPECTED["figures"]:
        assert figure in found
    assert not [f for f in found if f[0] in ("63%", "858", "2023", "21")]


def test_finds_the_dates_and_the_posts(extraction):
    dates = [list(d) for p in extraction.proposals for d in p.dates]
    assert dates == EXPECTED["dates"]
    assert [post for p in extraction.proposals for post in p.posts] == EXPECTED["posts"]


def test_finds_the_known_entities(extraction):
    found = {e for p in extraction.proposals for e, _ in p.entities}
    assert found == set(EXPECTED["entities"])


def test_quotes_are_verbatim_and_the_yaml_is_a_statements_file(extraction):
    text = BRIEF.read_text(encoding="utf-8")
    doc = yaml.safe_load(render(extraction, KINDS))
    assert doc["document"] == "local-elections-brief"
    assert all(entry["quote"] in text for entry in doc["evidence"])
    figure_ids = {e["id"] for e in doc["entities"]}
    cited = {f for entry in doc["evidence"] for f in entry["facts"] if isinstance(f, str)}
    assert cited == figure_ids  # every proposed figure is quoted, none dangles
    turnout = [e for e in doc["entities"] if e["value"] == "99.63"]
    assert len(turnout) == 1 and turnout[0]["measure"] == "nkv:measure-turnout"


def test_iso_dates():
    assert iso_date("26 November 2023") == "2023-11-26"
    assert iso_date("November 27, 2023") == "2023-11-27"
    assert iso_date("19 October") is None


def test_cli_writes_the_proposals_atomically(tmp_path, capsys):
    out = tmp_path / "proposals.yaml"
    assert main(["extract", str(BRIEF), "--document-id", "brief", "--output", str(out)]) == 0
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["document"] == "brief" and doc["evidence"]
    assert "(kcna)" in out.read_text(encoding="utf-8")  # the curated entities are used
    assert not [p for p in tmp_path.iterdir() if p.name != "proposals.yaml"]


@pytest.mark.parametrize("content", [None, b"\xff\xfe not utf-8"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content):
    path = tmp_path / "new.txt"
    if content is not None:
        path.write_bytes(content)
    assert main(["extract", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and str(path) in captured.err


def test_bad_document_id_is_an_input_error(capsys):
    assert main(["extract", str(BRIEF), "--document-id", "Not A Slug"]) == 2
    assert "not a slug" in capsys.readouterr().err
