"""Real SPARQL stores for the tests, started on 127.0.0.1 and always stopped afterwards.

Oxigraph comes from PyPI (`oxigraph`, in the venv); Virtuoso from Debian
(`virtuoso-opensource-7-bin`). A store that is not installed gives a skip reason instead.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_DBA = ("dba", "dba")  # the password of a fresh Virtuoso database

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/db.db
ErrorLogFile = {dir}/db.log
TransactionFile = {dir}/db.trx
xa_persistent_file = {dir}/db.pxa
[TempDatabase]
DatabaseFile = {dir}/temp.db
TransactionFile = {dir}/temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 10
CheckpointInterval = 0
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass
class Running:
    name: str
    query: str  # the SPARQL query endpoint
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def skip_reason(name: str) -> str | None:
    if name == "oxigraph" and not OXIGRAPH.exists():
        return f"the Oxigraph server is not installed ({OXIGRAPH}; pip install oxigraph)"
    if name == "virtuoso" and not VIRTUOSO:
        return "Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)"
    return None


@contextmanager
def oxigraph(directory: Path):
    port = free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/query?query=ASK%7B%7D", process, 30)
        yield Running("oxigraph", base + "/query", process)
    finally:
        stop(process)


@contextmanager
def virtuoso(directory: Path):
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port))
    log = open(directory / "stdout.log", "wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{http_port}"
        wait_http(base + "/sparql?query=ASK%7B%7D", process, 90)
        yield Running("virtuoso", base + "/sparql", process)
    finally:
        stop(process)
        log.close()


STARTERS = {"oxigraph": oxigraph, "virtuoso": virtuoso}


def graphs_of(nquads: Path) -> dict[str, list]:
    """The named graphs of an N-Quads file, by IRI, as pyoxigraph triples: the tests' own
    reading of what a load must put into a store."""
    import pyoxigraph as ox

    found: dict[str, list] = {}
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        found.setdefault(quad.graph_name.value, []).append(quad.triple)
    return dict(sorted(found.items()))
