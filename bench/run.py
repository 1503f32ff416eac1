"""The benchmark: our pipeline and the engines users would pick instead, at several scales.

`python bench/run.py` (what `make bench` runs) generates the synthetic election at each scale
(bench/generate.py), then times, each in a child process of its own: the build, validation,
every competency query of queries/ (federated-*.rq need the internet and are skipped) on the
on-disk store `nkelections query` opens, loading into an Oxigraph server and the network
export, next to Apache Jena (riot, shacl, TDB2 and ARQ) and the Oxigraph CLI on the same files
(its bulk load of the very N-Quads the build wrote is the build's reference). It reports
medians, peak memory (the child's ru_maxrss from wait4) and our time as a ratio of theirs, and
writes bench/RESULTS.md.

A step of ours whose command does not exist yet is reported as "not available"; a step that
overruns its time limit, or the whole run's budget, is reported as such, never left out.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402
from inprocess import BOUND, parameter  # noqa: E402

VENV = PROJECT / ".venv" / "bin"
NKE = str(VENV / "nkelections")
OXIGRAPH = str(VENV / "oxigraph")
RUNS = {0.1: 3, 1.0: 2, 3.0: 1}  # repetitions per scale: fewer where each run is long
LONG_RUN = 20.0  # a step whose first run takes longer is not repeated (n=1)
STEP_LIMIT = {0.1: 120, 1.0: 240, 3.0: 600}  # seconds before a step is stopped (3x: network ~300 s)
# Jena SHACL holds the whole graph in its heap: with 3 GB at 3x it spent its time collecting
# garbage and was stopped at 600 s, so the validate ratio and the same-results check were lost.
JENA_SHACL_HEAP = {3.0: "8g"}
JENA_SHACL_LIMIT = {1.0: 400, 3.0: 1200}  # seconds (1x took 181 s; 3x with 8 GB, 721 s)
# Share of the whole budget for each scale. 1x, where the targets are, gets the most; 3x then has
# about enough left to build, which is what the growth table needs most.
SCALE_SHARE = {0.1: 0.2, 1.0: 0.55, 3.0: 0.25}
# The per-query comparison with the Oxigraph CLI and Jena (the last step, a reference, not a
# target) takes at most this share of a scale's budget: unchecked, it ran until the scale's
# budget ended, and 3x, which needs every second for its own steps, got none of the rest.
COMPARE_SHARE = 0.2
SEED_SHARE = 0.04  # the real graph's build and queries: about 45 s of the budget
DEFAULT_ENGINE = "oxigraph"  # what `nkelections query` opens: the on-disk store
QUERY_LIMIT = 30.0  # seconds before one query (in process or as a process) is stopped
SERVE_QUERY = 0.05  # seconds in process: the queries light enough for the serving mix
SERVE_CLIENTS = (10, 100)
SERVE_SECONDS = 10.0  # of load, per server and client count
# Serve is compared at 1x only: it takes a fixed ~110 s at any scale (load for SERVE_SECONDS per
# server and client count), which at 0.1x and 3x would leave 3x without time for its steps.
SERVE_SCALES = (1.0,)
COMMAND = "make bench"
BUDGET = 1140  # seconds: make bench ends within 20 minutes
FULL_BUDGET = 4500  # make bench-full: every step at 3x too (Jena SHACL alone ~12 min there)
# A query with a parameter asks its question of one value: its row ("query NAME") times it bound
# (bench/inprocess.py says to which value) and the targets count that. Its unbound form answers
# it for every value at once, a bulk export of up to one row per fact; it is timed and shown
# in a row of its own with this suffix, outside the targets.
UNBOUND = ", unbound"
OXIGRAPH_LOAD = "Oxigraph CLI bulk load"  # the reference the build and `load --bulk` are ratios of


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    peak_kib: int = 0
    status: str = "ok"  # ok, failed, timed out, not available, skipped
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and self.status == "ok" else None


@dataclass
class Row:
    step: str
    ours: Timing
    theirs: dict[str, Timing] = field(default_factory=dict)
    # a query's runs in process on the embedded store, or why it has none ("stopped after ...")
    embedded: list[float] | str | None = None
    bound: dict[str, str] | None = None  # the parameter a query's row is bound to, if any


class Budget:
    def __init__(self, seconds: float, parent: Budget | None = None):
        self.deadline = time.monotonic() + seconds
        if parent is not None:
            self.deadline = min(self.deadline, parent.deadline)

    def left(self) -> float:
        return self.deadline - time.monotonic()


def run_child(
    argv: list[str], limit: float, env: dict | None = None, stdout=subprocess.DEVNULL
) -> tuple[float, int, int]:
    """Run argv; (wall seconds, peak RSS in KiB, exit code). Raises TimeoutError."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=stdout, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = start + limit
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise TimeoutError(f"stopped after {limit:.0f} s")
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        last = err.strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"exit {proc.returncode}: {last[0][:160]}")
    return elapsed, usage.ru_maxrss, proc.returncode


def measure(
    argv: list[str],
    runs: int,
    limit: float,
    budget: Budget,
    env=None,
    before=None,
    output: Path | None = None,
) -> Timing:
    """Run argv up to runs times (once when a run is long); output keeps the last stdout."""
    timing = Timing()
    for _ in range(runs):
        if timing.seconds and timing.seconds[0] > LONG_RUN:
            timing.note = f"n=1: a run took over {LONG_RUN:.0f} s"
            break
        if budget.left() < 5:
            if timing.seconds:  # the runs that finished stand; say why there are no more
                timing.note = f"n={len(timing.seconds)}: run budget spent"
            else:
                timing.status, timing.note = "skipped", "run budget spent"
            break
        if before:
            before()
        try:
            with open(output or os.devnull, "wb") as out:
                seconds, peak, _ = run_child(argv, min(limit, budget.left()), env, out)
        except TimeoutError as exc:
            if timing.seconds:  # keep the runs that finished, and say one did not
                timing.note = f"run {len(timing.seconds) + 1} {exc}"
            else:
                timing.status, timing.note = "timed out", str(exc)
            break
        except RuntimeError as exc:
            timing.status, timing.note = "failed", str(exc)
            break
        timing.seconds.append(seconds)
        timing.peak_kib = max(timing.peak_kib, peak)
    return timing


def stream_child(
    argv: list[str], quiet_limit: float, budget: Budget, env=None, first_limit: float | None = None
) -> tuple[list[dict], int, str | None]:
    """Run a child that prints JSON lines, {"start": name} before each piece of work; stop it
    when one piece runs longer than quiet_limit (the first line may take first_limit) or the
    budget ends. Returns the lines, the
    child's peak RSS in KiB and the piece it was stopped in (None when it ended by itself)."""
    import json
    import select

    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
    )
    lines, current, buffer = [], None, b""
    since = time.monotonic()
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            for raw in filter(None, complete):
                line = json.loads(raw)
                lines.append(line)
                current = line.get("start")
                since = time.monotonic()
        elif time.monotonic() - since > min(
            quiet_limit if lines else first_limit or quiet_limit, max(budget.left(), 0)
        ):
            os.killpg(proc.pid, signal.SIGKILL)
            _, _, usage = os.wait4(proc.pid, 0)
            return lines, usage.ru_maxrss, current or "opening the store"
    _, _, usage = os.wait4(proc.pid, 0)
    return lines, usage.ru_maxrss, None


def have_command(name: str) -> bool:
    return (PROJECT / "src" / "nkelections" / "cli" / f"{name}.py").exists()


def unavailable(why: str) -> Timing:
    return Timing(status="not available", note=why)


def jena_command(tool: str, *args: str, heap: str = "3g") -> list[str] | None:
    import jena  # bench/jena.py

    return jena.command(tool, *args, heap=heap) if jena.available() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the steps ---------------------------------------------------------------------------


class Scale:
    def __init__(
        self,
        scale: float,
        work: Path,
        total: Budget,
        share: float,
        runs: int | None,
        previous: tuple[float, float] | None = None,
    ):
        self.scale = scale
        self.previous = previous  # (scale, build seconds) of the last scale that built
        self.root = work / f"scale-{scale:g}"
        self.dist = self.root / "dist"
        self.runs = runs or RUNS.get(scale, 1)
        self.allotted = total.left() * share
        self.budget = Budget(self.allotted, total)
        self.limit = STEP_LIMIT.get(scale, 300)
        self.env = {**os.environ, "NKELECTIONS_ROOT": str(self.root)}
        self.rows: list[Row] = []
        self.info: dict[str, str] = {}
        self.ox_store = self.root / "oxigraph-cli-store"
        self.ox_loaded = False  # whether ox_store holds the built N-Quads
        self.ox_reference: Timing | None = None  # the Oxigraph CLI's bulk load, timed once
        self.bound: dict[str, dict[str, str]] = {}  # query -> the value its bound form had

    def query_text(self, name: str) -> str:
        return (PROJECT / "queries" / f"{name}.rq").read_text(encoding="utf-8")

    def query_file(self, name: str, bound: dict[str, str] | None) -> Path:
        """The query's file, or for a bound form a copy with its VALUES clause (what
        `nkelections query --bind` runs), so that every engine runs the same text."""
        path = PROJECT / "queries" / f"{name}.rq"
        if not bound:
            return path
        from nkelections.query.sparql import bind, load_query

        text = bind(load_query(str(path), path.parent), bound).text
        copy = self.root / "bound-queries" / path.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(text, encoding="utf-8")
        return copy

    def time(self, argv, runs=None, before=None, output=None, limit=None) -> Timing:
        return measure(
            argv, runs or self.runs, limit or self.limit, self.budget, self.env, before, output
        )

    def prepare(self) -> None:
        election = generate.generate(self.root, self.scale)
        self.info["deputies"] = f"{election.deputies:,}"

    # Our steps, which the targets are about, come first; the references that are not a
    # ratio of a target (Jena's parse, the per-query comparison) take what is left.
    STEPS = (
        "build",
        "index",
        "validate",
        "queries",
        "serve",
        "load",
        "network",
        "parse",
        "compare_queries",
    )

    def run_all(self, progress: tqdm) -> list[Row]:
        self.prepare()
        for step in self.STEPS:
            progress.set_description(f"{self.scale:g}x {step}")
            getattr(self, step)()
            progress.update(1)
        return self.rows

    def build(self) -> None:
        if self.previous:
            scale, seconds = self.previous
            expected = seconds * self.scale / scale  # at least linear
            if expected > self.limit:
                self.rows.append(
                    Row(
                        "build (curated YAML and texts to dist/)",
                        Timing(
                            status="skipped",
                            note=f"{seconds:.0f} s at {scale:g}× means at least "
                            f"{expected:.0f} s here, over the {self.limit} s limit",
                        ),
                    )
                )
                return
        ours = self.time([NKE, "build", "--quiet"])
        row = Row("build (curated YAML and texts to dist/)", ours)
        self.rows.append(row)
        summary = self.dist / "summary.json"
        if summary.exists():
            import json

            self.info["triples"] = f"{json.loads(summary.read_text())['triples']:,}"
        if ours.status == "ok" and self.nquads() is not None:
            row.theirs[OXIGRAPH_LOAD] = self.oxigraph_load()

    def oxigraph_load(self) -> Timing:
        """The Oxigraph CLI's bulk load of the very N-Quads the build wrote: the floor the
        build's target is a ratio of (at most 2x), and the load step's reference. Timed here,
        right after the build, so that the ratio is there whenever the build is; its last
        store is the one the Oxigraph CLI answers the queries from (compare_queries)."""

        def clear() -> None:
            shutil.rmtree(self.ox_store, ignore_errors=True)

        found = self.time(
            [OXIGRAPH, "load", "--location", str(self.ox_store), "--file", str(self.nquads())],
            before=clear,
        )
        self.ox_loaded = found.status == "ok"
        self.ox_reference = found
        return found

    def index(self) -> None:
        """The on-disk store `nkelections query` reads, made from the built N-Quads (the build
        leaves none; the first query would make it)."""
        if self.nquads() is None:
            self.rows.append(Row("index the embedded store", unavailable("no built graph")))
            return
        ours = self.time([NKE, "index", "--quiet"])
        self.rows.append(Row("index the embedded store (N-Quads to dist/store/)", ours))

    def nquads(self) -> Path | None:
        path = self.dist / "nkelections.nq"
        return path if path.exists() else None

    def parse(self) -> None:
        data = self.nquads()
        riot = jena_command("riot", "--count", str(data)) if data else None
        row = Row("parse N-Quads (reference, not our step)", Timing(status="not ours"))
        row.theirs["Jena riot"] = self.time(riot) if riot else unavailable("no Jena or no data")
        self.rows.append(row)

    def validate(self) -> None:
        data, shapes = self.nquads(), self.root / "ontology" / "shapes.ttl"
        if data is None or not shapes.exists():
            why = "no built graph" if data is None else "no ontology/shapes.ttl"
            self.rows.append(Row("validate (SHACL)", unavailable(why)))
            return
        reports = {"ours": self.root / "report-ours.ttl", "Jena": self.root / "report-jena.ttl"}
        ours = (
            self.time([NKE, "validate", "--format", "turtle"], output=reports["ours"])
            if have_command("validate")
            else unavailable("no `nkelections validate` command yet")
        )
        merged = self.dist / "nkelections.nt"
        jena = jena_command(
            "shacl",
            "validate",
            "--shapes",
            str(shapes),
            "--data",
            str(merged),
            heap=JENA_SHACL_HEAP.get(self.scale, "3g"),
        )
        theirs = (
            self.time(jena, output=reports["Jena"], limit=JENA_SHACL_LIMIT.get(self.scale))
            if jena
            else unavailable("no Jena")
        )
        finished = {"ours": ours.status == "ok", "Jena": theirs.status == "ok"}
        counts = {
            name: _results(path)
            for name, path in reports.items()
            if path.exists() and finished[name]
        }
        if counts:
            verdict = (
                ("same" if len(set(counts.values())) == 1 else "DIFFERENT")
                if len(counts) == 2
                else "nothing to compare: only these finished"
            )
            ours.note = (
                ours.note
                + " results: "
                + ", ".join(f"{name} {n}" for name, n in counts.items())
                + f" ({verdict})"
            ).strip()
        self.rows.append(Row("validate (SHACL, whole graph)", ours, {"Jena shacl": theirs}))

    def query_names(self) -> list[str]:
        return sorted(
            p.stem
            for p in (PROJECT / "queries").glob("*.rq")
            if not p.name.startswith("federated-")
        )

    def queries(self) -> None:
        """Every competency query in one process on the on-disk store (dist/store/, what
        `nkelections query` opens), start-up excluded: what the 1 s / 0.05 s targets are
        about. A copy of the store held in memory (engine oxigraph-memory) peaked at 5 GiB at
        1x, over the memory target, so the bench measures what a user runs."""
        names = self.query_names()
        if not names or self.nquads() is None:
            self.rows.append(Row("queries", unavailable("no queries/ or no built graph")))
            return
        embedded = self.in_process(names, DEFAULT_ENGINE)
        for row in query_rows(names, embedded, self.bound):
            row.ours = Timing(
                status="skipped",
                note="compared in its bound form"
                if row.step.endswith(UNBOUND)
                else "the comparison ran out of the budget",
            )
            self.rows.append(row)

    def serve(self) -> None:
        """`nkelections serve` beside `oxigraph serve-read-only` on the same store and mix
        (bench/serve_compare.py): the SELECT and ASK queries that answer within SERVE_QUERY
        seconds in process here, and resource pages, at 10 and 100 clients (at 1x only)."""
        if self.scale not in SERVE_SCALES:
            note = "compared at 1× only (SERVE_SCALES): its fixed ~110 s go to the other steps"
            self.rows.append(Row("serve", Timing(status="skipped", note=note)))
            return
        rows = [r for r in self.rows if r.step.startswith("query ") and r.bound is None]
        quick = [
            r.step.removeprefix("query ").removesuffix(UNBOUND)
            for r in rows
            if isinstance(r.embedded, list) and statistics.median(r.embedded) <= SERVE_QUERY
        ]
        files = [PROJECT / "queries" / f"{n}.rq" for n in quick]
        files = [f for f in files if _results_format(f) != "turtle"]
        needed = len(SERVE_CLIENTS) * 2 * (SERVE_SECONDS + 10) + 30
        if (
            not files
            or not (self.dist / "store" / "CURRENT").exists()
            or self.budget.left() < needed
        ):
            why = "run budget spent" if self.budget.left() < needed else "no store or queries"
            self.rows.append(Row("serve", Timing(status="skipped", note=why)))
            return
        argv = [
            str(VENV / "python"),
            str(BENCH / "serve_compare.py"),
            str(self.dist),
            *map(str, files),
            "--clients",
            *map(str, SERVE_CLIENTS),
            "--seconds",
            str(SERVE_SECONDS),
            "--port",
            str(free_port()),
        ]
        try:
            out = subprocess.run(
                argv, capture_output=True, text=True, env=self.env, timeout=needed + 60, check=True
            ).stdout
        except (subprocess.SubprocessError, OSError) as exc:
            self.rows.append(Row("serve", Timing(status="failed", note=str(exc)[:160])))
            return
        import json

        found = json.loads(out)
        for ours, theirs in zip(found["ours"], found["oxigraph"], strict=True):
            self.rows.extend(_serve_rows(ours, theirs, len(found["queries"])))

    def compare_queries(self) -> None:
        """The same queries run by the Oxigraph CLI and by Jena's ARQ on TDB2, each a whole
        process on an on-disk store; our side of the ratio is `nkelections query` on ours."""
        names, data = self.query_names(), self.nquads()
        if not names or data is None:
            return
        self.budget = Budget(COMPARE_SHARE * self.allotted, self.budget)
        ox_store = self.ox_store
        tdb = self.root / "jena-tdb2"
        loaded = self.bulk_load(tdb, data)
        for name in names:
            if self.budget.left() < 5:
                break
            row = next(r for r in self.rows if r.step == f"query {name}")
            query = self.query_file(name, row.bound)
            row.ours = self.time(
                _query_command(query),
                runs=1,
                limit=QUERY_LIMIT,
            )
            # the data is in named graphs: each engine is asked for their union as the default
            # graph, as our store and server give it (without, both answer from an empty graph)
            if loaded.get("oxigraph"):
                row.theirs["Oxigraph CLI"] = self.time(
                    [
                        OXIGRAPH,
                        "query",
                        "--location",
                        str(ox_store),
                        "--union-default-graph",
                        "--query-file",
                        str(query),
                        "--results-format",
                        _results_format(query).replace("turtle", "ttl"),
                    ],
                    runs=1,
                    limit=QUERY_LIMIT,
                )
            tdbquery = jena_command(
                "tdbquery",
                "--loc",
                str(tdb),
                "--set",
                "tdb:unionDefaultGraph=true",
                "--query",
                str(query),
            )
            if loaded.get("jena") and tdbquery:
                row.theirs["Jena ARQ on TDB2"] = self.time(tdbquery, runs=1, limit=QUERY_LIMIT)

    def in_process(self, names: list[str], engine: str) -> dict[str, list[float] | str]:
        """Each query's runs inside one process (start-up excluded). A query that runs over
        QUERY_LIMIT is stopped and recorded as such; a new process goes on with the next."""
        done: dict[str, list[float] | str] = {}  # by query, and query + BOUND for its bound form
        opened, peak, todo = [], 0, list(names)
        parameterised = {n for n in names if parameter(self.query_text(n)) is not None}
        while todo and self.budget.left() > 5:
            picked = {k: v for bound in self.bound.values() for k, v in bound.items()}
            argv = [
                str(VENV / "python"),
                str(BENCH / "inprocess.py"),
                str(self.dist),
                str(self.runs),
                engine,
                *(f"--picked={k}={v}" for k, v in sorted(picked.items())),
                *(f"--bound-only={n}" for n in todo if n in done),
                *(str(PROJECT / "queries" / f"{n}.rq") for n in todo),
            ]
            lines, kib, stuck = stream_child(
                argv, QUERY_LIMIT, self.budget, self.env, first_limit=self.limit
            )
            peak = max(peak, kib)
            for line in lines:
                if "open" in line:
                    opened.append(line["open"])
                elif "seconds" in line:
                    done[line["query"]] = line["seconds"]
                    if "bound" in line:
                        self.bound[line["query"].removesuffix(BOUND)] = line["bound"]
            if stuck is None or stuck.removesuffix(BOUND) not in todo:
                break  # ended, or stopped while opening the store
            done[stuck] = f"stopped after {QUERY_LIMIT:.0f} s"
            # a query stopped unbound is asked again for its bound form alone
            todo = [
                n for n in todo if n not in done or (n in parameterised and n + BOUND not in done)
            ]
        answered = sum(1 for v in done.values() if isinstance(v, list))
        if opened:
            timing = Timing(seconds=[sum(opened)], peak_kib=peak)
            timing.note = (
                f"engine {engine}, its store loaded in {min(opened):.2f} s; "
                f"{self.runs} runs of each query; {answered} of {len(names) + len(parameterised)} "
                f"queries and bound forms answered, {len(done) - answered} stopped after "
                f"{QUERY_LIMIT:.0f} s"
            )
        else:  # no process got as far as opening the store
            timing = Timing(
                status="skipped",
                peak_kib=peak,
                note="run budget spent" if self.budget.left() <= 5 else "the store did not open",
            )
        # the label names the step alone: the growth table matches rows across scales by it
        self.rows.append(
            Row(f"load the store for {len(names)} queries in one process ({engine})", timing)
        )
        return done

    def bulk_load(self, tdb: Path, data: Path) -> dict[str, bool]:
        """Their bulk loaders: the store each engine queries afterwards. Oxigraph's was
        loaded and timed after the build (oxigraph_load); Jena's is timed once here."""
        loaded = {}
        if not self.ox_loaded:
            self.oxigraph_load()
        ox = self.ox_reference or unavailable("no built graph")
        loaded["oxigraph"] = self.ox_loaded
        loader = jena_command("tdbloader", "--loc", str(tdb), str(data))
        jena = self.time(loader, runs=1) if loader else unavailable("no Jena")
        loaded["jena"] = jena.status == "ok"
        self.rows.append(
            Row(
                "bulk load into an on-disk store (reference)",
                Timing(status="not ours"),
                {"Oxigraph CLI load": ox, "Jena tdb2.tdbloader": jena},
            )
        )
        return loaded

    def load(self) -> None:
        data = self.nquads()
        if data is None or not have_command("load"):
            why = "no built graph" if data is None else "no `nkelections load` command yet"
            self.rows.append(Row("load into the Oxigraph server", unavailable(why)))
            return
        with FreshServer() as server:
            # Each run loads into an empty server, as a first load does; --bulk asks the
            # server for its bulk loader, the one the Oxigraph CLI uses.
            ours = self.time(
                [
                    NKE,
                    "load",
                    "--endpoint",
                    server.endpoint,
                    "--bulk",
                    "--timeout",
                    str(self.limit),
                ],
                before=server.restart,
            )
        # the reference is the Oxigraph CLI's bulk load timed after the build: the same
        # command on the same file, not timed a second time
        theirs = self.ox_reference or self.oxigraph_load()
        self.rows.append(
            Row(
                "load into the Oxigraph server (`load --bulk`, empty store)",
                ours,
                {OXIGRAPH_LOAD: theirs},
            )
        )

    def network(self) -> None:
        if not have_command("network") or self.nquads() is None:
            why = "no built graph" if have_command("network") else "no `nkelections network`"
            self.rows.append(Row("network export", unavailable(why)))
            return
        out = self.root / "network-out"
        ours = self.time(
            [
                NKE,
                "network",
                "--input",
                str(self.nquads()),
                "--out",
                str(out),
                "--no-pictures",
                "--no-explorer",
                "--quiet",
            ]
        )
        self.rows.append(Row("network export (GraphML, GEXF, JSON, DOT)", ours))


class Seed(Scale):
    """The real graph of the five texts: `nkelections query` as a user runs it, start-up
    included (target: at most 0.3 s of wall time)."""

    def prepare(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        for name in ("ontology", "data"):
            shutil.copytree(PROJECT / name, self.root / name)
        self.info["deputies"] = "the five source texts"

    STEPS = ("build", "index", "seed_queries")

    def seed_queries(self) -> None:
        """Each query as a user runs it, a whole `nkelections query` process on the default
        engine (the on-disk store), and in process on that engine."""
        names = self.query_names()
        embedded = self.in_process(names, DEFAULT_ENGINE)
        for row in query_rows(names, embedded, self.bound):
            name = row.step.removeprefix("query ").removesuffix(UNBOUND)
            query = self.query_file(name, row.bound)
            row.ours = self.time(_query_command(query), limit=QUERY_LIMIT)
            self.rows.append(row)


def query_rows(
    names: list[str], embedded: dict[str, list[float] | str], bound: dict[str, dict[str, str]]
) -> list[Row]:
    """A row per query; a parameterised one's row is its bound form, and its unbound form
    follows in a row of its own (UNBOUND)."""
    rows = []
    for name in names:
        text = (PROJECT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        if parameter(text) is None:
            rows.append(Row(f"query {name}", Timing(), embedded=embedded.get(name)))
            continue
        form = embedded.get(name + BOUND, "not reached")
        rows.append(Row(f"query {name}", Timing(), embedded=form, bound=bound.get(name)))
        rows.append(Row(f"query {name}{UNBOUND}", Timing(), embedded=embedded.get(name)))
    return rows


def _query_command(query: Path) -> list[str]:
    """`nkelections query FILE` as a user runs it; its --timeout is over QUERY_LIMIT, so the
    bench's own limit is what stops a slow query."""
    return [
        NKE,
        "query",
        str(query),
        "--format",
        _results_format(query),
        "--timeout",
        str(QUERY_LIMIT + 30),
    ]


def _serve_rows(ours: dict, theirs: dict, queries: int) -> list[Row]:
    """Two rows per client count: p50 and p99 latency, the throughputs in the note."""
    ratio = ours["throughput"] / theirs["throughput"] if theirs["throughput"] else 0
    note = (
        f"throughput: ours {ours['throughput']:.0f} req/s, Oxigraph "
        f"{theirs['throughput']:.0f} req/s ({ratio:.2f}× Oxigraph's); wrong or failed "
        f"answers: ours {ours['errors']}, Oxigraph {theirs['errors']}; mix: {queries} "
        "queries and one resource page"
    )
    rows = []
    for p in ("p50", "p99"):
        mine = Timing(seconds=[ours[p]], note=note if p == "p50" else "")
        if ours["errors"] and not ours["ok"]:
            mine = Timing(status="failed", note="; ".join(ours["first_errors"])[:160])
        other = Timing(seconds=[theirs[p]])
        rows.append(
            Row(
                f"serve, {ours['clients']} clients: {p} latency",
                mine,
                {"oxigraph serve-read-only": other},
            )
        )
    return rows


def _results(report: Path) -> int:
    """How many results a SHACL report in Turtle holds (both engines write sh:ValidationResult)."""
    return len(re.findall(r"\bsh:ValidationResult\b", report.read_text(encoding="utf-8")))


def _results_format(query: Path) -> str:
    text = re.sub(r"#[^\n]*", "", query.read_text(encoding="utf-8")).upper()
    if re.search(r"\b(CONSTRUCT|DESCRIBE)\b", text):
        return "turtle"
    return "json" if re.search(r"\bASK\b", text) else "csv"


class FreshServer:
    """An Oxigraph server on 127.0.0.1 over an empty store; restart() empties it again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/query"
        self.process: subprocess.Popen | None = None
        self.location: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> FreshServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def restart(self) -> None:
        self.stop()
        self.location = tempfile.TemporaryDirectory(prefix="bench-ox-")
        self.process = subprocess.Popen(
            [
                OXIGRAPH,
                "serve",
                "--location",
                self.location.name,
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
        if self.location:
            self.location.cleanup()
            self.location = None


def _wait_port(port: int, seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the Oxigraph server did not listen on port {port}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the pipeline against Jena and Oxigraph at several scales."
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0, 3.0])
    parser.add_argument(
        "--runs", type=int, help="runs per step (default: 3 at 0.1x, 2 at 1x, 1 at 3x)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET,
        help="seconds for the whole run (default 1140: make bench must end within 20 minutes)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="where generated data goes (default: a temporary folder, removed at the end)",
    )
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    import report

    budget = Budget(args.budget)
    work = args.work or Path(tempfile.mkdtemp(prefix="nkelections-bench-"))
    results, info, previous = {}, {}, None
    try:
        with tqdm(
            total=len(Seed.STEPS) + len(Scale.STEPS) * len(args.scales), unit="step"
        ) as progress:
            seed = Seed(report.SEED, work, budget, SEED_SHARE, args.runs or RUNS[0.1])
            results[report.SEED] = seed.run_all(progress)
            info[report.SEED] = seed.info
            shutil.rmtree(seed.root, ignore_errors=True)
            for scale in args.scales:
                share = SCALE_SHARE.get(scale, 1 / len(args.scales))
                left = sum(
                    SCALE_SHARE.get(s, 1 / len(args.scales))
                    for s in args.scales[args.scales.index(scale) :]
                )
                runner = Scale(scale, work, budget, share / left, args.runs, previous)
                results[scale] = runner.run_all(progress)
                built = runner.rows[0].ours.median if runner.rows else None
                previous = (scale, built) if built else previous
                info[scale] = runner.info
                report.write(args.results, _command(args.budget), results, info, VENV, [])
                shutil.rmtree(runner.root, ignore_errors=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.results}")
    return 0


def _command(budget: float) -> str:
    """The command RESULTS.md names as the one that wrote it."""
    known = {BUDGET: COMMAND, FULL_BUDGET: "make bench-full"}
    return known.get(budget, f"python bench/run.py --budget {budget:g}")


if __name__ == "__main__":
    sys.exit(main())
