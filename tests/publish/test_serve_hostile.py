"""`serve` under attack, on 127.0.0.1, with a listener that fails the test if anything ever
connects to it: SERVICE hidden behind a CR-ended comment, SERVICE SILENT, a query that takes
long to parse next to one that must answer at once, bodies with lying Content-Lengths, deep
nesting, a worker that crashes, and clients that go away."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import threading
import time
import types

import pytest

import clirun
from nkelections.publish.serve import Config, make_server
from served import running


@pytest.fixture(scope="module")
def server(dist, trap):
    httpd, site = make_server(Config(dist, port=0, timeout=4, limit=50, workers=2))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], site
    httpd.shutdown()
    httpd.server_close()
    site.close()
    assert trap[1] == [], "serve connected to the trap listener"


def send(port: int, raw: bytes, timeout: float = 30) -> tuple[int, str]:
    """One raw HTTP exchange: the status and the body, or (0, why) when nothing came."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(raw)
        data = b""
        try:
            while chunk := conn.recv(65536):
                data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = re.search(rb"Content-Length: (\d+)", head)
                if length and len(body) >= int(length[1]):
                    break
        except TimeoutError:
            return 0, "no answer"
    if not data:
        return 0, "closed"
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def post(port: int, query: str, accept: str = "application/sparql-results+json"):
    body = query.encode()
    return send(
        port,
        b"POST /sparql HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
        b"Content-Type: application/sparql-query\r\nAccept: "
        + accept.encode()
        + b"\r\nContent-Length: %d\r\n\r\n" % len(body)
        + body,
    )


def service_probes(trap_port: int) -> list[str]:
    url = f"http://127.0.0.1:{trap_port}/sparql"
    return [
        f"SELECT ?leak WHERE {{ #\r SERVICE <{url}> {{ ?s ?p ?leak }}\n}}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * {{ optional {{ sErViCe\tsilent <{url}> {{?s ?p ?o}} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # a comment\r\n  SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


@pytest.mark.parametrize("index", range(7))
def test_service_is_refused_and_nothing_is_contacted(server, trap, index):
    port, _ = server
    started = time.perf_counter()
    status, body = post(port, service_probes(trap[0])[index])
    assert status == 403 and "SERVICE is refused" in body
    assert trap[1] == []
    assert time.perf_counter() - started < 3


def test_service_in_comments_strings_and_names_is_no_service(server):
    port, _ = server
    status, body = post(
        port,
        "PREFIX service: <urn:x:>\nSELECT ?service WHERE { "
        'BIND("SERVICE <http://127.0.0.1:1/>" AS ?service) }'
        " # SERVICE <x> {}",
    )
    assert status == 200 and "SERVICE" in body


def test_workers_have_no_network(server, trap):
    """Even a SERVICE the check missed could reach nothing: the workers' network is cut."""
    from process.test_sandbox import namespaces_available  # tests/ is on the path

    if not namespaces_available():
        pytest.skip("this system gives no private network namespace")
    _, site = server
    assert not site.pool.networked


def test_a_slow_parse_does_not_hold_up_a_quick_ask(server):
    port, _ = server
    bind = "SELECT * WHERE { BIND(" + "+".join(["1"] * 30000) + " AS ?x) }"
    slow = threading.Thread(target=post, args=(port, bind))
    slow.start()
    time.sleep(0.3)
    started = time.perf_counter()
    status, body = post(port, "ASK { ?s ?p ?o }")
    quick = time.perf_counter() - started
    slow.join()
    assert status == 200 and "true" in body
    assert quick < 1.0


@pytest.mark.parametrize(
    "length,status",
    [
        (b"-1", 400),
        (b"abc", 400),
        (b"1e3", 400),
        (b"+5", 400),
        (b"\xd9\xa1", 400),
        (b"99999999999", 413),
        (str(2 << 20).encode(), 413),
    ],
)
def test_every_bad_content_length_is_refused(server, length, status):
    port, _ = server
    got, body = send(
        port,
        b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: "
        b"application/sparql-query\r\nContent-Length: " + length + b"\r\n\r\nASK {}",
    )
    assert got == status, body


def test_missing_and_chunked_lengths_are_refused(server):
    port, _ = server
    head = b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
    assert send(port, head + b"\r\nASK {}")[0] == 411
    assert (
        send(port, head + b"Transfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n")[0] == 411
    )
    assert send(port, head + b"Content-Length: 6\r\nContent-Length: 60\r\n\r\nASK {}")[0] == 400


def test_a_body_shorter_than_its_length_times_out_into_one_log_line(server, capfd):
    port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/"
            b"sparql-query\r\nContent-Length: 100\r\n\r\nASK"
        )
        conn.shutdown(socket.SHUT_WR)
        assert conn.recv(100).startswith(b"HTTP/1.1 400")
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 20000 + "}" * 20000,
        "SELECT * WHERE { ?s " + "/".join(["<urn:x:p>"] * 3000) + " ?o }",
        "SELECT * WHERE { FILTER(" + "(" * 50000 + "1" + ")" * 50000 + ") }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    ],
)
def test_hostile_shapes_get_an_answer_and_the_server_goes_on(server, query):
    port, _ = server
    status, body = post(port, query)
    assert status in (200, 400, 500, 503) and body.strip(), body
    assert post(port, "ASK { ?s ?p ?o }")[0] == 200


def test_a_crashed_worker_is_reported_as_a_crash_and_replaced(server):
    port, site = server
    answers: list = []
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    thread = threading.Thread(target=lambda: answers.append(post(port, runaway)))
    before = {p.pid for p in site.pool._all}
    thread.start()
    time.sleep(1)
    busy = [p for p in site.pool._all if p.pid in before]
    for process in busy:  # one of them runs the query; a segfault there is a crash
        if process not in [w[0] for w in list(site.pool._idle.queue)]:
            os.kill(process.pid, signal.SIGSEGV)
    thread.join()
    status, body = answers[0]
    assert status == 500 and "crashed" in body and "SIGSEGV" in body
    deadline = time.monotonic() + 60
    while len(site.pool._all) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(site.pool._all) == 2
    assert post(port, "ASK { ?s ?p ?o }")[0] == 200


def test_clients_that_go_away_cost_one_log_line_each(server, capfd):
    port, _ = server
    for _ in range(5):
        conn = socket.create_connection(("127.0.0.1", port))
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        conn.sendall(
            b"GET /sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D "
            b"HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        conn.close()  # reset before the answer is written
    time.sleep(1.5)
    assert post(port, "ASK { ?s ?p ?o }")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


def test_head_and_get_update(server):
    port, _ = server
    status, body = send(port, b"HEAD /sparql HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status == 200 and body == ""
    status, body = send(
        port, b"GET /sparql?update=CLEAR%20ALL HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert status == 403 and "read-only" in body


def test_idle_connections_are_closed_after_the_read_timeout(dist, capfd):
    """A connection silent for --read-timeout seconds (1 here, 20 by default) is closed,
    idle or in the middle of a request's body, and leaves one log line at most."""
    from nkelections.publish import serve

    assert Config(dist).read_timeout == serve.READ_TIMEOUT == 20
    cut_short = b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nASK"
    with running(Config(dist, port=0, workers=1, read_timeout=1)) as (httpd, _):
        port = httpd.server_address[1]
        for sent in (b"", cut_short):
            # the server closes it without an answer, well before the default's 20 s
            # (recv raises TimeoutError after 10 s)
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(sent)
                started = time.monotonic()
                assert conn.recv(10) == b""
                assert time.monotonic() - started >= 0.9
    assert "Traceback" not in capfd.readouterr().err


def test_read_and_queue_timeouts_go_from_the_command_line_to_the_server(dist, monkeypatch, capsys):
    from nkelections.cli.main import main
    from nkelections.publish import serve

    configs: list[Config] = []

    def fake_server(config):
        configs.append(config)
        return _Stopped(), _Stopped()

    monkeypatch.setattr(serve, "make_server", fake_server)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # leave pytest's SIGTERM be
    assert main(["serve", "--dist", str(dist), "--read-timeout", "1.5"]) == 0
    assert main(["serve", "--dist", str(dist)]) == 0
    assert main(["serve", "--dist", str(dist), "--queue-timeout", "7"]) == 0
    assert [c.read_timeout for c in configs] == [1.5, 20, 20]
    assert [c.queue_timeout for c in configs] == [60, 60, 7]
    assert "--read-timeout" in _help("serve") and "silent" in _help("serve")
    assert "--queue-timeout" in _help("serve") and "free worker" in _help("serve")


class _Stopped:
    """What `serve` needs of a server and its site, the server stopped (Ctrl-C) at once."""

    server_address = ("127.0.0.1", 1)
    pool = types.SimpleNamespace(networked=False)

    def serve_forever(self) -> None:
        raise KeyboardInterrupt

    def server_close(self) -> None:
        pass

    def close(self) -> None:
        pass


def _help(command: str) -> str:
    from nkelections.cli.main import main

    out = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(out):
        main([command, "--help"])
    return out.getvalue()


def test_serve_on_broken_nquads_is_one_line(tmp_path, root):
    (tmp_path / "nkelections.nq").write_text("<urn:a> <urn:b> .\n")
    proc = clirun.run(
        ["serve", "--dist", str(tmp_path), "--port", "0"], cwd=root, timeout=60, text=True
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "nkelections.nq" in proc.stderr


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--port", "70000"], "--port"),
        (["--port", "-1"], "--port"),
        (["--timeout", "-1"], "--timeout"),
        (["--timeout", "nan"], "--timeout"),
        (["--read-timeout", "0"], "--read-timeout"),
        (["--read-timeout", "nan"], "--read-timeout"),
        (["--read-timeout", "1e9"], "--read-timeout"),
        (["--queue-timeout", "0"], "--queue-timeout"),
        (["--queue-timeout", "inf"], "--queue-timeout"),
        (["--workers", "100000"], "--workers"),
        (["--workers", "0"], "--workers"),
        (["--limit", "-1"], "--limit"),
        (["--limit", "x"], "--limit"),
    ],
)
def test_serve_arguments_are_checked_in_one_line(args, needle, capsys):
    from nkelections.cli.main import main

    with pytest.raises(SystemExit) as exit_:
        main(["serve", *args])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and needle in err


def test_connections_beyond_the_limit_are_closed_and_the_server_goes_on(dist, capfd):
    """The server counts its own connections (not the process's threads, which other work
    starts and ends): with 5 open, the next is closed at once, and when they go it serves."""
    with running(Config(dist, port=0, workers=1)) as (httpd, _):
        httpd.max_connections = 5
        port = httpd.server_address[1]
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
        try:
            time.sleep(0.5)
            extra = socket.create_connection(("127.0.0.1", port), timeout=5)
            assert extra.recv(10) == b""  # closed at once, not held
            extra.close()
        finally:
            for conn in idle:
                conn.close()
        time.sleep(0.5)
        assert post(port, "ASK { ?s ?p ?o }")[0] == 200
    assert capfd.readouterr().err.count("5 are open") >= 35


def test_a_form_with_too_many_fields_is_400(server):
    port, _ = server
    body = "&".join(["a="] * 50000).encode()
    status, text = send(
        port,
        b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/"
        b"x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body) + body,
    )
    assert status == 400 and "cannot be read" in text
    status, _ = send(
        port,
        b"GET /sparql?" + b"&".join([b"a=1"] * 500) + b" HTTP/1.1\r\n"
        b"Host: t\r\nConnection: close\r\n\r\n",
    )
    assert status == 400


def test_a_query_that_segfaults_oxigraph_is_a_500_crash_not_a_time_out(dist):
    """260,000 nested groups (520 KB) overflow even the workers' large stack."""
    with running(Config(dist, port=0, timeout=60, workers=1)) as (httpd, _):
        port = httpd.server_address[1]
        status, body = post(port, "SELECT * WHERE " + "{" * 260000 + "}" * 260000)
        assert status == 500 and "crashed its worker" in body, body
        assert "SIGSEGV" in body or "SIGBUS" in body
        assert post(port, "ASK { ?s ?p ?o }")[0] == 200  # waits for the replacement
