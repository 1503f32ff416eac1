"""The hostile-input catalogue (tests/hostile/*.yaml): every case runs the real command in its
own process (forked from a server that has imported the package, see clirun.py) and must end in
one line on stderr, no traceback, the expected exit code, and no connection to the trap
listener on 127.0.0.1."""

from __future__ import annotations

import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml

import clirun

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "tests" / "hostile"
COMMAND_OF = {"query": ["query"], "validate": ["validate"], "cli": []}
EXPANSIONS = {
    "nest": lambda n: "{" * n + "}" * n,
    "plus": lambda n: "+".join(["1"] * n),
    "paren": lambda n: "(" * n + "1" + ")" * n,
    "path": lambda n: "/".join(["<urn:x:p>"] * n),
}


def cases() -> list:
    found = []
    for path in sorted(CATALOGUE.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append(pytest.param(path.stem, case, id=f"{path.stem}:{case['id']}"))
    return found


class _Odd(http.server.BaseHTTPRequestHandler):
    """An endpoint that answers every query with a JSON list."""

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def odd():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Odd)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hdist(dist, tmp_path_factory) -> Path:
    """A private dist/ (queries index it into dist/store on first use)."""
    out = tmp_path_factory.mktemp("hdist")
    for name in ("nkelections.nq", "context.jsonld"):
        shutil.copy(dist / name, out / name)
    return out


def _fill(text: str, values: dict) -> str:
    text = re.sub(r"\{(nest|plus|paren|path):(\d+)\}", lambda m: EXPANSIONS[m[1]](int(m[2])), text)
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _prepare(case: dict, tmp: Path, values: dict) -> list[str]:
    """The files the case needs, and the extra arguments that name them."""
    extra = []
    name = case.get("name", "input.ttl" if "validate" in values["kind"] else "input.rq")
    if "file" in case or "bytes" in case:
        target = tmp / name
        if "bytes" in case:
            target.write_bytes(case["bytes"].encode("latin-1"))
        else:
            target.write_text(_fill(case["file"], values), encoding="utf-8")
        if values["kind"] != "cli":
            extra.append(str(target))
    if "folder" in case:
        (tmp / case["folder"]).mkdir()
        extra.append(str(tmp / case["folder"]))
    if "touch" in case:
        (tmp / case["touch"]).write_text("")
    return extra


@pytest.mark.parametrize("kind,case", cases())
def test_hostile_case(kind, case, trap, odd, hdist, tmp_path):
    values = {"trap": trap[0], "odd": odd, "dist": hdist, "tmp": tmp_path, "kind": kind}
    files = _prepare(case, tmp_path, values)
    args = [_fill(a, values) for a in case.get("args", [])]
    argv = [*COMMAND_OF[kind], *files, *args]
    if kind == "query" and "--endpoint" not in args:
        argv += ["--dist", str(hdist)]
    proc = clirun.run(argv, cwd=ROOT, timeout=180)
    err = proc.stderr.decode("utf-8", "replace")
    expected = case.get("exit", 2)
    assert proc.returncode in (expected if isinstance(expected, list) else [expected]), err
    assert "Traceback" not in err
    if "error" in case:
        assert len(err.strip().splitlines()) == 1, err
        assert case["error"] in err, err
    if "stdout" in case:
        assert proc.stdout.decode() == case["stdout"]
    assert trap[1] == [], f"{case['id']} made a connection to the trap"
