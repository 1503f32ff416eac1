"""The benchmark's generator: deterministic, and its output builds with the real pipeline."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nkelections.build.pipeline import Paths, build_graph
from nkelections.rdf.namespaces import DATA_GRAPH, NKE, NKV, OA, ORG, RDF, SCHEMA

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.002


def _generator():
    if "bench_generate" not in sys.modules:  # dataclasses need the module registered
        path = ROOT / "bench" / "generate.py"
        spec = importlib.util.spec_from_file_location("bench_generate", path)
        sys.modules["bench_generate"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["bench_generate"])
    return sys.modules["bench_generate"]


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("bench") / "root"
    return out, _generator().generate(out, SCALE)


def test_two_runs_are_byte_identical(generated, tmp_path):
    out, _ = generated
    _generator().generate(tmp_path / "again", SCALE)
    first, second = _files(out), _files(tmp_path / "again")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_another_seed_gives_other_data(generated, tmp_path):
    out, _ = generated
    _generator().generate(tmp_path / "other", SCALE, seed=7)
    texts = "data/entities/places.yaml"
    assert _files(out)[texts] != _files(tmp_path / "other")[texts]


def test_scale_sets_the_number_of_deputies():
    gen = _generator()
    assert gen.plan(1.0).deputies == 27_858
    assert gen.plan(0.1).deputies == 2_786
    election = gen.plan(SCALE)
    levels = {a.level for a in election.assemblies}
    assert levels == {"provincial", "city", "county"}
    assert all(a.seats >= 1 for a in election.assemblies)


def test_output_builds_and_every_quote_round_trips(generated):
    out, election = generated
    result = build_graph(Paths(out))
    g = result.dataset.graph(DATA_GRAPH)
    members = set(g.subjects(RDF.type, ORG.Membership))
    assert len(members) == election.deputies
    people = {o for m in members for o in g.objects(m, ORG.member)}
    assert len(people) == election.deputies
    located = {o for m in members for o in g.objects(m, SCHEMA.location)}
    assert len(located) == election.deputies  # one constituency per deputy
    texts = {s: str(o) for s, o in g.subject_objects(SCHEMA.text)}
    checked = 0
    for evidence in g.subjects(RDF.type, NKE.Evidence):
        target = g.value(evidence, OA.hasTarget)
        text = texts[g.value(target, OA.hasSource)]
        selectors = list(g.objects(target, OA.hasSelector))
        exact = next(str(o) for s in selectors for o in g.objects(s, OA.exact))
        start = next(int(o) for s in selectors for o in g.objects(s, OA.start))
        end = next(int(o) for s in selectors for o in g.objects(s, OA.end))
        assert text[start:end] == exact
        checked += 1
    # one line per deputy, one header per assembly, the summary sentence and one per level
    assert checked == election.deputies + len(election.assemblies) + 1 + 2
    for member in members:
        assert (member, RDF.type, NKE.Fact) in g  # quoted memberships are facts


def _figures(g, measure: str) -> dict:
    """Figures of one measure, by their location (None for level- and election-wide ones)."""
    found: dict = {}
    for figure in g.subjects(NKE.measure, NKV[measure]):
        place = g.value(figure, SCHEMA.location)
        found.setdefault(place, []).append(g.value(figure, NKE.value).toPython())
    return found


def test_every_constituency_has_both_shares_and_they_add_up(generated):
    out, election = generated
    g = build_graph(Paths(out)).dataset.graph(DATA_GRAPH)
    shares_for, against = _figures(g, "measure-share-for"), _figures(g, "measure-share-against")
    assert set(shares_for) == set(against)
    assert len(shares_for) == election.deputies + 1  # every constituency, and no location
    assert len(shares_for[None]) == len(against[None]) == 2  # one per level scope
    for place, values in shares_for.items():
        if place is not None:
            assert len(values) == len(against[place]) == 1
            assert values[0] + against[place][0] == 100
    turnouts = _figures(g, "measure-turnout")
    assert len(turnouts) == len(election.assemblies)  # one per assembly, at its place
    assert None not in turnouts
