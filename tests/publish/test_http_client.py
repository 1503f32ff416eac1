"""The one HTTP client: redirects within the origin only, credentials only to it, size limits,
retries with back-off. Servers on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import http.server
import re
import threading
from pathlib import Path

import pytest

from nkelections.http_client import (
    CrossOriginRedirect,
    HttpClient,
    HttpError,
    HttpStatusError,
)

USER, PASSWORD = "admin", "secret"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


class _Server(http.server.BaseHTTPRequestHandler):
    """/moved: 302 to /here; /away: 307 to `elsewhere`; /big: 1,000 bytes; /busy: 503 with
    Retry-After 3, then 200; /here: 401 with a Basic challenge until authorised."""

    seen: list = []
    elsewhere = ""
    busy = 0

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.seen.append(
            (self.server.server_address[1], self.path, self.headers.get("Authorization"))
        )
        if self.path == "/moved":
            return self._answer(302, b"", Location="/here")
        if self.path == "/away":
            return self._answer(307, b"", Location=self.elsewhere + "/here")
        if self.path == "/big":
            return self._answer(200, b"x" * 1000)
        if self.path == "/busy":
            _Server.busy += 1
            return (
                self._answer(503, b"", **{"Retry-After": "3"})
                if _Server.busy == 1
                else self._answer(200, b"ok")
            )
        if self.headers.get("Authorization") != BASIC:
            return self._answer(401, b"who?", **{"WWW-Authenticate": 'Basic realm="r"'})
        return self._answer(200, b"here")

    def do_POST(self):  # noqa: N802 (http.server's naming)
        """/upload: keeps each body as received; the first is answered 503, as a busy store
        would, so that the client sends it again."""
        length = self.headers.get("Content-Length")
        body = self.rfile.read(int(length)) if length else b""
        self.seen.append((self.path, length, self.headers.get("Transfer-Encoding"), body))
        _Server.busy += 1
        self._answer(503 if _Server.busy == 1 else 200, b"", **{"Retry-After": "0"})

    def _answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def servers():
    started = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server) for _ in range(2)]
    for server in started:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    _Server.seen, _Server.busy = [], 0
    urls = [f"http://127.0.0.1:{s.server_address[1]}" for s in started]
    _Server.elsewhere = urls[1]
    yield urls
    for server in started:
        server.shutdown()
        server.server_close()


def test_a_redirect_within_the_origin_is_followed_with_the_credentials(servers):
    client = HttpClient(timeout=5, retries=0, credentials=(USER, PASSWORD))
    assert client.request("GET", servers[0] + "/moved").body == b"here"
    assert [p for _, p, _ in _Server.seen] == ["/moved", "/here", "/here"]
    assert _Server.seen[-1][2] == BASIC  # the challenge answered with Basic, as asked


def test_a_redirect_to_another_origin_is_not_followed(servers):
    client = HttpClient(timeout=5, retries=0, credentials=(USER, PASSWORD))
    with pytest.raises(CrossOriginRedirect) as failure:
        client.request("GET", servers[0] + "/away")
    assert "redirected to another origin" in failure.value.line()
    other = int(servers[1].rsplit(":", 1)[1])
    assert [port for port, _, _ in _Server.seen if port == other] == []


def test_an_answer_over_the_size_limit_is_refused(servers):
    assert HttpClient(timeout=5, max_bytes=1000).request("GET", servers[0] + "/big").body
    with pytest.raises(HttpError, match="more than 999 bytes"):
        HttpClient(timeout=5, max_bytes=999).request("GET", servers[0] + "/big")


def test_a_busy_server_is_asked_again_after_retry_after(servers):
    slept: list[float] = []
    client = HttpClient(timeout=5, retries=2, sleep=slept.append)
    assert client.request("GET", servers[0] + "/busy").body == b"ok" and slept == [3.0]
    _Server.busy = 0
    with pytest.raises(HttpStatusError) as failure:
        HttpClient(timeout=5, retries=0).request("GET", servers[0] + "/busy")
    assert failure.value.status == 503


def test_a_file_body_is_streamed_whole_and_again_on_a_retry(servers, tmp_path: Path):
    data = tmp_path / "graph.nt"
    data.write_bytes(b"<urn:s> <urn:p> <urn:o> .\n" * 200_000)  # 5 MB: several chunks
    client = HttpClient(timeout=5, retries=1, sleep=lambda _: None)
    assert client.request("POST", servers[0] + "/upload", data).status == 200
    expected = ("/upload", str(data.stat().st_size), None, data.read_bytes())
    assert _Server.seen == [expected, expected]  # a length, not chunked; the file read anew


def test_an_unreachable_server_is_one_line(servers):
    with pytest.raises(HttpError) as failure:
        HttpClient(timeout=5, retries=0).request("GET", "http://127.0.0.1:9/")
    assert failure.value.line().startswith("cannot reach") and "\n" not in failure.value.line()


class _Digest(http.server.BaseHTTPRequestHandler):
    """Virtuoso's way: a Digest challenge, and a large POST accepted only once authorised."""

    seen: list = []
    REALM, NONCE = "virtuoso", "abc123"

    def do_HEAD(self):  # noqa: N802 (http.server's naming)
        self._reply(200 if self._authorised() else 401)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.seen.append(self.headers.get("Authorization", "")[:6])
        if not self._authorised():
            # answer before the body, as Virtuoso does, and close: an unauthorised upload breaks
            self._reply(401, close=True)
            return
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._reply(200)

    def _authorised(self) -> bool:
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', self.headers.get("Authorization", "")))
        if not fields.get("response"):
            return False

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 (RFC 2617)

        ha1 = md5(f"{USER}:{self.REALM}:{PASSWORD}")
        ha2 = md5(f"{self.command}:{fields['uri']}")
        expected = md5(f"{ha1}:{self.NONCE}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
        return fields["response"] == expected

    def _reply(self, status: int, close: bool = False) -> None:
        self.send_response(status)
        if status == 401:
            self.send_header(
                "WWW-Authenticate", f'Digest realm="{self.REALM}", nonce="{self.NONCE}", qop="auth"'
            )
        self.send_header("Content-Length", "0")
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = close

    def log_message(self, *args):
        pass


def test_a_large_upload_to_a_digest_store_is_authorised_first_time(tmp_path: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Digest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Digest.seen = []
    try:
        client = HttpClient(timeout=5, retries=0, credentials=(USER, PASSWORD))
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud"
        assert client.request("POST", url, b"x" * 100_000).status == 200
        assert _Digest.seen == ["Digest"]  # the body went once, already authorised
        upload = tmp_path / "graph.nt"
        upload.write_bytes(b"x" * 100_000)
        fresh = HttpClient(timeout=5, retries=0, credentials=(USER, PASSWORD))
        assert fresh.request("POST", url, upload).status == 200  # a file body: the same
        assert _Digest.seen == ["Digest", "Digest"]
        with pytest.raises(HttpError):  # a 401, or the connection the store closed on it
            HttpClient(timeout=5, retries=0, credentials=(USER, "wrong")).request(
                "POST", url, b"x" * 100_000
            )
    finally:
        server.shutdown()
        server.server_close()
