"""`nkelections query`: names, paths and -e, formats, errors, the store, start-up, README."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph

import clirun
from nkelections.errors import StoreError
from nkelections.query import embedded
from nkelections.query.embedded import write_store

ROOT = Path(__file__).resolve().parents[2]
README_SECTION = re.compile(r"<!-- section:query -->(.*?)<!-- /section:query -->", re.S)


@pytest.fixture(scope="session")
def qdist(dist, built, tmp_path_factory) -> Path:
    """A dist/ with the N-Quads and the embedded store, as `nkelections build` leaves it."""
    out = tmp_path_factory.mktemp("qdist")
    shutil.copy(dist / "nkelections.nq", out / "nkelections.nq")
    write_store(built.dataset, out / "store")
    return out


def nke(*args: str, dist: Path | None = None) -> subprocess.CompletedProcess:
    """`nkelections query ARGS` in a process of its own (forked: see clirun.py)."""
    argv = ["query", *args]
    if dist is not None:
        argv += ["--dist", str(dist)]
    return clirun.run(argv, cwd=ROOT, text=True, timeout=120)


def assert_usage_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


def test_list_shows_every_competency_question():
    proc = nke("--list")
    assert proc.returncode == 0
    names = sorted(p.stem for p in (ROOT / "queries").glob("cq-*.rq"))
    listed = [line.split()[0] for line in proc.stdout.splitlines()]
    assert listed == names
    assert "Which elections does the graph know" in proc.stdout
    assert "[--bind fact=...]" in proc.stdout


def test_name_path_and_text_give_the_same_answer(qdist):
    path = ROOT / "queries" / "cq-04-turnout-comparison.rq"
    outputs = {
        nke("cq-04-turnout-comparison", dist=qdist).stdout,
        nke("cq-04-turnout-comparison.rq", dist=qdist).stdout,
        nke(str(path), dist=qdist).stdout,
        nke("-e", path.read_text(encoding="utf-8"), dist=qdist).stdout,
    }
    assert len(outputs) == 1 and "turnout" in outputs.pop()


def test_select_formats(qdist):
    name = "cq-01-elections"
    data = json.loads(nke(name, "--format", "json", dist=qdist).stdout)
    variables = data["head"]["vars"]
    assert variables[:2] == ["election", "label"] and data["results"]["bindings"]
    rows = list(csv.reader(io.StringIO(nke(name, "--format", "csv", dist=qdist).stdout)))
    assert rows[0] == variables and len(rows) == len(data["results"]["bindings"]) + 1
    tsv = nke(name, "--format", "tsv", dist=qdist).stdout.splitlines()
    assert tsv[0].split("\t") == ["?" + v for v in variables]
    root = ET.fromstring(nke(name, "--format", "xml", dist=qdist).stdout)
    assert root.tag.endswith("sparql")
    table = nke(name, dist=qdist).stdout.splitlines()
    assert table[0].split() == variables and table[-1].startswith("(")


def test_ask_formats(qdist):
    name = "cq-44-ask-fact-without-evidence"
    assert nke(name, dist=qdist).stdout == "no\n"
    assert json.loads(nke(name, "-f", "json", dist=qdist).stdout)["boolean"] is False


def test_graph_formats(qdist):
    name = "cq-51-construct-wikidata-links"
    turtle = Graph().parse(data=nke(name, dist=qdist).stdout, format="turtle")
    jsonld = Graph().parse(data=nke(name, "-f", "jsonld", dist=qdist).stdout, format="json-ld")
    assert len(turtle) == len(jsonld) > 0
    assert_usage_error(nke(name, "-f", "csv", dist=qdist), "does not fit a CONSTRUCT")
    assert_usage_error(nke("cq-01-elections", "-f", "turtle", dist=qdist), "does not fit")


def test_bind_from_the_command_line(qdist):
    proc = nke("cq-47-ask-election-on-date", "--bind", "date=1900-01-01", dist=qdist)
    assert proc.stdout == "no\n"
    assert_usage_error(
        nke("cq-47-ask-election-on-date", "--bind", "nodate", dist=qdist), "is not NAME=VALUE"
    )
    assert_usage_error(
        nke("cq-47-ask-election-on-date", "--bind", "x=1", dist=qdist), "no variable ?x"
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_syntax_error_names_line_column_and_text(qdist, engine):
    proc = nke(
        "-e", "PREFIX x: <urn:x:>\nSELECT ?s WHERE {\n  ?s ?p \n}", "--engine", engine, dist=qdist
    )
    assert_usage_error(proc, "syntax error at line ")
    assert re.search(r"line [34], column \d+", proc.stderr)
    assert "the line reads" in proc.stderr


def test_unknown_name_suggests_the_closest(qdist):
    assert_usage_error(nke("cq-01-election", dist=qdist), "no query named", "cq-01-elections")
    assert_usage_error(nke("disagreements", dist=qdist), "cq-33-disagreements")


def test_a_missing_store_is_indexed_by_the_first_query(qdist, tmp_path):
    shutil.copy(qdist / "nkelections.nq", tmp_path / "nkelections.nq")
    assert nke("cq-01-elections", dist=tmp_path).stdout == nke("cq-01-elections", dist=qdist).stdout
    assert (tmp_path / "store" / "CURRENT").is_file()
    assert_usage_error(nke("cq-01-elections", dist=tmp_path / "empty"), "nkelections build")


def test_where_the_store_cannot_be_written_the_quads_are_read_into_memory(
    qdist, tmp_path, monkeypatch
):
    def refuse(dist):
        raise StoreError("cannot write the store") from OSError(30, "Read-only file system")

    shutil.copy(qdist / "nkelections.nq", tmp_path / "nkelections.nq")
    monkeypatch.setattr(embedded, "index_dist", refuse)
    engine = embedded.OxigraphEngine.from_dist(tmp_path)
    assert engine.source == str(tmp_path / "nkelections.nq")
    assert len(engine.store) == len(embedded.OxigraphEngine.from_dist(qdist).store)


def test_default_path_does_not_import_rdflib(qdist):
    code = (
        "import sys; from nkelections.cli.main import main; "
        f"rc = main(['query', 'cq-01-elections', '--dist', {str(qdist)!r}]); "
        "print('RDFLIB' if 'rdflib' in sys.modules else 'CLEAN', rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.splitlines()[-1] == "CLEAN 0", proc.stdout + proc.stderr


# --- endpoints that fail ---------------------------------------------------------------------


class _Bad(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        if self.path.startswith("/garbage"):
            body, status = b"this is not json", 200
        else:
            body, status = b"internal trouble", 500
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def bad_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bad)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_endpoint_errors_are_one_line(bad_server):
    assert_usage_error(nke("cq-01-elections", "--endpoint", bad_server + "/garbage"), "not valid")
    assert_usage_error(nke("cq-01-elections", "--endpoint", bad_server + "/error"), "error")
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert_usage_error(
        nke("cq-01-elections", "--endpoint", f"http://127.0.0.1:{port}/q", "--timeout", "5"),
        "cannot reach",
    )
    assert_usage_error(nke("cq-01-elections", "--endpoint", "ftp://x"), "not an http(s) URL")


# --- the README's worked examples ------------------------------------------------------------


def readme_examples() -> list[tuple[str, str]]:
    """(command, output) pairs from ```console blocks of the README's query section."""
    section = README_SECTION.search((ROOT / "README.md").read_text(encoding="utf-8"))
    examples = []
    for block in re.findall(r"```console\n(.*?)```", section.group(1) if section else "", re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command, output))
    return examples


def test_readme_has_three_examples():
    assert len(readme_examples()) >= 3


@pytest.mark.parametrize("command,output", readme_examples(), ids=lambda v: v[:40])
def test_readme_example_output_is_real(command, output, qdist):
    argv = shlex.split(command)
    assert argv[:2] == ["nkelections", "query"]
    proc = nke(*argv[2:], dist=qdist)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == output, f"README output is stale; real output:\n{proc.stdout}"


def test_table_cuts_long_cells_and_says_so_wide_shows_them_whole(qdist):
    query = "SELECT ?t WHERE { ?d <http://purl.org/dc/terms/title> ?t } ORDER BY DESC(STRLEN(?t))"
    cut = nke("-e", query, dist=qdist)
    assert cut.returncode == 0, cut.stderr
    assert "\u2026" in cut.stdout and "--format wide shows them whole" in cut.stdout
    whole = nke("-e", query, "--format", "wide", dist=qdist)
    assert whole.returncode == 0, whole.stderr
    longest = (
        "Analysis of North Korea's Elections to the Provincial, City, and County People's "
        "Assemblies"
    )
    assert longest in whole.stdout and "\u2026" not in whole.stdout


TERMINATED_MID_INDEX = """
import os, signal, sys
from nkelections.cli.main import main
from nkelections.query import embedded

loading = embedded._bulk_load_in_chunks

def load_then_terminated(store, nquads):
    loading(store, nquads)
    os.kill(os.getpid(), signal.SIGTERM)  # as `timeout` would, with the store half made

embedded._bulk_load_in_chunks = load_then_terminated
sys.exit(main(["index", "--dist", sys.argv[1]]))
"""


def test_a_terminated_index_leaves_no_half_made_store(dist, tmp_path):
    """SIGTERM (`timeout`, `kill`) while the store is being made: the command says so in one
    line, exits 143 and removes the staging folder, as after Ctrl-C (killed at once, it left
    a store-sized folder behind each time)."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "dist"
    copy.mkdir()
    shutil.copy(dist / "nkelections.nq", copy)
    done = subprocess.run(
        [sys.executable, "-c", TERMINATED_MID_INDEX, str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 143, done.stderr
    assert done.stderr.strip() == "nkelections index: terminated"
    assert sorted(p.name for p in copy.iterdir()) == ["nkelections.nq"]
