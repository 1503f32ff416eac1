"""`python -m nkelections ARGS` for the tests, without starting a new interpreter each time.

A fresh interpreter costs most of a short command's run: starting Python and importing rdflib,
pyshacl and pyoxigraph take about a second of CPU, and the hostile catalogues run dozens of
commands. Here a forkserver (started once per test process, with the command modules imported)
forks a child for each run. The child is still a process of its own, with one thread: a crash, a
hang or an exhausted limit stays in it, and the test reads its exit code and the bytes it wrote
to stdout and stderr, as from `subprocess.run`. Arguments that are bytes (what a shell passes
that is not UTF-8) still need the real interpreter, which decodes them.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PRELOAD = [
    "nkelections.cli.main",
    "nkelections.cli.query",
    "nkelections.cli.validate",
    "nkelections.cli.build",
    "nkelections.cli.network",
    "rdflib",
    "pyshacl",
    "pyoxigraph",
]
_server: list = []


def _context():
    if not _server:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _server.append(context)
    return _server[0]


def run(
    args: list[str], *, cwd: Path, env: dict | None = None, timeout: float = 180, text: bool = False
) -> subprocess.CompletedProcess:
    """Run `nkelections ARGS` in a child process; raises subprocess.TimeoutExpired as
    subprocess.run does when it outlives `timeout` (the child is killed)."""
    environment = dict(os.environ if env is None else env)
    with tempfile.TemporaryDirectory(prefix="nke-cli-") as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        child = _context().Process(
            target=_child, args=(list(args), str(cwd), environment, str(out), str(err))
        )
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.kill()
            child.join()
            raise subprocess.TimeoutExpired(["nkelections", *args], timeout)
        # (a child that died before it opened them leaves no files)
        stdout, stderr = (p.read_bytes() if p.exists() else b"" for p in (out, err))
    if text:  # as subprocess.run(text=True) reads them: universal newlines
        stdout, stderr = _text(stdout, "strict"), _text(stderr, "replace")
    return subprocess.CompletedProcess(["nkelections", *args], child.exitcode, stdout, stderr)


def _text(data: bytes, errors: str) -> str:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors).read()


def _child(args: list[str], cwd: str, environment: dict, out: str, err: str) -> None:
    """In the child: stdout and stderr into the files, as Python opens them in UTF-8 mode,
    then what `python -m nkelections` does. An exception that escapes is printed with its
    traceback by multiprocessing and gives exit code 1, as the interpreter would."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environment)
    for fd, path in ((1, out), (2, err)):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(handle, fd)
        os.close(handle)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - the child's for its life
    sys.stdout = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    from nkelections.cli.main import main

    try:
        raise SystemExit(main(args))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
