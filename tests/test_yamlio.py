"""The curated-YAML reader: the fast path (rapidyaml) gives what PyYAML gives, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkelections.errors import CurationError
from nkelections.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[1]

TRICKY = {
    "nulls": "a: ~\nb: null\nc:\nd: NULL\ne: 'null'\nf: \"\"\ng: [~, x]\n",
    "scalars": "a: 99.63\nb: 2023-11-26\nc: yes\nd: 'it''s'\ne: \"tab\\tand \\u2019\"\n"
               "f: >\n  folded\n  text\ng: |\n  literal\n  text\nh: plain\n  continued\n",
    "nesting": "entities:\n  - id: a\n    facts:\n      - [x, y, \"z: w\"]\n      - {id: b}\n",
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


@pytest.mark.parametrize("text, message", [
    ("a: [1, 2\n", "invalid YAML"), ("a: 1\na: 2\n", "appears twice")])
def test_bad_yaml_gets_pyyamls_one_line_with_its_line_number(text, message, tmp_path, capfd):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CurationError, match=message) as failure:
        load_yaml(path, lines=False)
    assert ":2:" in str(failure.value)
    assert capfd.readouterr().err == ""  # rapidyaml's own complaint is not let through
