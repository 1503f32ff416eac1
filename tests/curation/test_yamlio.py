"""The curated-YAML reader: the fast path (rapidyaml) gives what PyYAML gives, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkelections.curation import yamlio
from nkelections.curation.yamlio import load_yaml
from nkelections.errors import CurationError

ROOT = Path(__file__).resolve().parents[2]

TRICKY = {
    "nulls": "a: ~\nb: null\nc:\nd: NULL\ne: 'null'\nf: \"\"\ng: [~, x]\n",
    "scalars": "a: 99.63\nb: 2023-11-26\nc: yes\nd: 'it''s'\ne: \"tab\\tand \\u2019\"\n"
    "f: >\n  folded\n  text\ng: |\n  literal\n  text\nh: plain\n  continued\n",
    "nesting": 'entities:\n  - id: a\n    facts:\n      - [x, y, "z: w"]\n      - {id: b}\n',
    "anchors": "a: &x 1\nb: *x\n",
    "tags": "a: !!str 1\nb: !!int 2\n",
    "top-level list": "- a\n- b\n",
}


@pytest.mark.parametrize("path", sorted((ROOT / "data").rglob("*.yaml")), ids=lambda p: p.name)
def test_fast_reader_matches_pyyaml_on_the_curated_files(path):
    assert load_yaml(path, lines=False) == load_yaml(path)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_fast_reader_matches_pyyaml_on_tricky_yaml(name, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(TRICKY[name], encoding="utf-8")
    assert load_yaml(path, lines=False) == load_yaml(path)


@pytest.mark.parametrize(
    "text, message", [("a: [1, 2\n", "invalid YAML"), ("a: 1\na: 2\n", "appears twice")]
)
def test_bad_yaml_gets_pyyamls_one_line_with_its_line_number(text, message, tmp_path, capfd):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CurationError, match=message) as failure:
        load_yaml(path, lines=False)
    assert ":2:" in str(failure.value)
    assert capfd.readouterr().err == ""  # rapidyaml's own complaint is not let through


def test_keys_and_items_remember_their_lines(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n\nb:\n  - x\n  -\n    c: 2\n  - [y, z]\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.key_lines == {"a": 1, "b": 3}
    assert doc["b"].item_lines == [4, 6, 7]
    assert doc["b"][1].line == 6 and doc["b"][1].key_lines == {"c": 6}


def test_an_alias_is_the_anchored_value_itself(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: &x [1, 2]\nb: *x\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc["b"] is doc["a"] and doc["b"] == ["1", "2"]


@pytest.mark.parametrize("depth, ok", [(yamlio.MAX_DEPTH - 1, True), (yamlio.MAX_DEPTH + 1, False)])
def test_nesting_is_limited(tmp_path, depth, ok):
    path = tmp_path / "x.yaml"
    path.write_text("[" * depth + "]" * depth + "\n", encoding="utf-8")
    for lines in (True, False):
        if ok:
            assert load_yaml(path, lines=lines) is not None
        else:
            with pytest.raises(CurationError, match="nest deeper"):
                load_yaml(path, lines=lines)


def test_alias_expansion_is_counted_before_anything_walks_it(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 1000)
    path = tmp_path / "x.yaml"
    levels = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 4)
    )
    path.write_text(levels, encoding="utf-8")
    with pytest.raises(CurationError, match="aliases expand") as failure:
        load_yaml(path, lines=False)
    assert ":4:" in str(failure.value)  # a3 = 9 x a2 (91 values each) passes 1000
    path.write_text(levels.rsplit("a3:", 1)[0], encoding="utf-8")
    doc = load_yaml(path)
    assert doc["a2"][0] is doc["a2"][8] is doc["a1"]


def test_too_many_values_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 100)
    path = tmp_path / "x.yaml"
    path.write_text("[" + "[], " * 200 + "]\n", encoding="utf-8")
    monkeypatch.setattr(yamlio.yaml, "parse", lambda *a, **k: pytest.fail("parsed"))
    monkeypatch.setattr(yamlio.ryml, "parse_in_arena", lambda *a, **k: pytest.fail("parsed"))
    for lines in (True, False):
        with pytest.raises(CurationError, match="more than the 100 allowed"):
            load_yaml(path, lines=lines)
