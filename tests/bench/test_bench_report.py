"""bench/report.py: the verdicts RESULTS.md gives, from rows made here (no benchmark is run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        import report
        import run

        yield run, report
    finally:
        sys.path.remove(str(BENCH))


def _query_rows(run, *seconds):
    return [run.Row(f"query cq-{i:02d}", run.Timing(seconds=[s])) for i, s in enumerate(seconds)]


def test_seed_target_is_met_only_when_every_query_is_within_it(bench):
    run, report = bench
    met = report.seed_verdicts(_query_rows(run, 0.1, 0.2, 0.3))
    missed = report.seed_verdicts(_query_rows(run, 0.1, 0.2, 0.31))
    assert ": met (median 0.20 s, slowest 0.30 s)" in met[0]
    assert "**missed**" in missed[0] and "slowest 0.31 s" in missed[0]


def test_seed_target_is_not_measured_when_a_query_timed_out(bench):
    run, report = bench
    rows = _query_rows(run, 0.1) + [run.Row("query cq-99", run.Timing(status="timed out"))]
    assert "not measured" in report.seed_verdicts(rows)[0]


def test_the_seed_graph_has_its_own_section_and_stays_out_of_the_growth_fit(bench, tmp_path):
    run, report = bench
    results = {
        report.SEED: _query_rows(run, 0.1),
        0.1: _query_rows(run, 0.2),
        1.0: _query_rows(run, 2.0),
    }
    info = {
        report.SEED: {"deputies": "the five source texts", "triples": "11,214"},
        0.1: {"deputies": "2,786"},
        1.0: {"deputies": "27,858"},
    }
    out = tmp_path / "RESULTS.md"
    report.write(out, "make bench", results, info, Path(sys.executable).parent, [])
    text = out.read_text(encoding="utf-8")
    assert "## Seed graph: the five source texts, 11,214 triples" in text
    growth = text.split("## How cost grows with scale (ours)")[1]
    assert "| query cq-00 | 0.20 s | 2.00 s | 1.00 | linear or better |" in growth
    assert "Scale 0×" not in text


def _embedded_rows(run, *runs):
    return [
        run.Row(f"query cq-{i:02d}", run.Timing(status="skipped"), embedded=r)
        for i, r in enumerate(runs)
    ]


def test_a_query_stopped_at_the_limit_misses_the_per_query_target(bench):
    run, report = bench
    answered = report.verdicts(_embedded_rows(run, [0.01], [0.5]))
    stopped = report.verdicts(_embedded_rows(run, [0.01], "stopped after 30 s"))
    each = next(v for v in answered if v.startswith("- each query"))
    assert ": met (slowest 0.500 s; over 1 s: none)" in each
    each = next(v for v in stopped if v.startswith("- each query"))
    assert "**missed**" in each and "stopped at the time limit: cq-01" in each
    median = next(v for v in stopped if v.startswith("- median query"))
    assert "**missed**" in median  # the stopped query counts as the slowest


def test_stream_child_stops_the_piece_that_runs_too_long(bench):
    run, _ = bench
    script = (
        "import json, time\n"
        "for name, pause in (('quick', 0), ('stuck', 60)):\n"
        "    print(json.dumps({'start': name}), flush=True)\n"
        "    time.sleep(pause)\n"
        "    print(json.dumps({'query': name, 'seconds': [pause]}), flush=True)\n"
    )
    lines, peak, stuck = run.stream_child([sys.executable, "-c", script], 1.0, run.Budget(30))
    assert stuck == "stuck"
    assert {"query": "quick", "seconds": [0]} in lines and peak > 0


def test_growth_table_keeps_a_column_per_scale_when_a_step_did_not_finish(bench):
    run, report = bench
    step = "load into the Oxigraph server"

    def rows(timing):
        return [run.Row(step, timing, {"Oxigraph CLI": run.Timing(seconds=[1.0])})]

    lines = report.growth(
        {
            0.1: rows(run.Timing(seconds=[2.0])),
            1.0: rows(run.Timing(seconds=[20.0])),
            3.0: rows(run.Timing(status="skipped", note="run budget spent")),
        }
    )
    header, row = lines[0], next(line for line in lines if line.startswith(f"| {step} "))
    assert row.count("|") == header.count("|")
    assert "| 2.00 s | 20.00 s | — | 1.00 |" in row


def test_validate_ratio_says_which_side_did_not_finish(bench):
    run, report = bench
    val = run.Row(
        "validate (SHACL, whole graph)",
        run.Timing(seconds=[100.0]),
        {"Jena shacl": run.Timing(status="timed out")},
    )
    line = next(v for v in report.verdicts([val]) if "validate ratio" in v)
    assert line.endswith("not measured (Jena shacl timed out)")


def test_median_query_target_is_the_issues_0_05_s(bench):
    run, report = bench
    met = report.verdicts(_embedded_rows(run, [0.01], [0.05], [0.2]))
    missed = report.verdicts(_embedded_rows(run, [0.01], [0.06], [0.2]))
    assert next(v for v in met if v.startswith("- median query at most 0.05 s")).count(": met")
    assert "**missed**" in next(v for v in missed if v.startswith("- median query"))


def _build_row(run, ours: float, oxigraph: float):
    return run.Row(
        "build (curated YAML and texts to dist/)",
        run.Timing(seconds=[ours]),
        {run.OXIGRAPH_LOAD: run.Timing(seconds=[oxigraph])},
    )


def test_build_target_is_twice_the_oxigraph_bulk_load_of_its_output(bench):
    run, report = bench
    met = report.verdicts([_build_row(run, 20.0, 10.0)])[0]
    missed = report.verdicts([_build_row(run, 25.0, 10.0)])[0]
    assert met.startswith("- build at most 2× the Oxigraph CLI's bulk load") and ": met" in met
    assert "**missed** (2.50: 25.0 s against 10.0 s)" in missed


def test_peak_memory_target_is_2_gib_at_1x_and_4_gib_at_3x(bench):
    run, report = bench
    rows = [run.Row("network export", run.Timing(seconds=[1.0], peak_kib=3 * report.GIB))]
    at_1x = next(v for v in report.verdicts(rows, 1.0) if "peak memory" in v)
    at_3x = next(v for v in report.verdicts(rows, 3.0) if "peak memory" in v)
    assert "at most 2 GiB: **missed** (3.00 GiB, network export)" in at_1x
    assert "at most 4 GiB: met" in at_3x


def test_how_to_read_this_states_the_issues_targets(bench, tmp_path):
    run, report = bench
    out = tmp_path / "RESULTS.md"
    report.write(out, "make bench", {1.0: _query_rows(run, 0.1)}, {1.0: {}}, Path("."), [])
    targets = out.read_text(encoding="utf-8").split("## How to read this")[1]
    for stated in ("at most 1 s", "at most 0.05 s", "2 GiB at 1×", "4 GiB at 3×"):
        assert stated in targets
    assert "2× the Oxigraph CLI's bulk load" in targets and "0.5× Jena SHACL" in targets


def test_runs_that_finished_stand_when_the_budget_ends(bench):
    run, _ = bench
    budget = run.Budget(6.5)  # room for one run, not for a second
    argv = [sys.executable, "-c", "import time; time.sleep(2)"]
    timing = run.measure(argv, 3, 30, budget)
    assert timing.status == "ok" and len(timing.seconds) == 1
    assert "run budget spent" in timing.note


def test_query_targets_are_set_at_1x_and_only_shown_at_3x(bench):
    run, report = bench
    rows = _embedded_rows(run, [0.01], [1.2])
    for row in rows:
        row.ours = run.Timing(seconds=[1.7])  # `nkelections query` as a whole process
    at_1x = report.verdicts(rows, 1.0)
    at_3x = report.verdicts(rows, 3.0)
    assert "**missed** (slowest 1.200 s; over 1 s: cq-01)" in next(
        v for v in at_1x if v.startswith("- each query")
    )
    assert "at most 1.5 s as a whole process (start-up included): **missed**" in next(
        v for v in at_1x if "`nkelections query`" in v
    )
    shown = [v for v in at_3x if "query" in v and "unbound" not in v]
    assert shown and all("(shown, not a target at 3×)" in v for v in shown)
    assert not any("missed" in v or ": met" in v for v in shown)
