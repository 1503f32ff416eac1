"""The linker's inputs that do not come from data/: its answer cache on disk and the answers of
the endpoint. A corrupt or foreign cache file, and values that are not strings, are one
LinkError line, never a traceback further on."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading

import pytest

from nkelections.errors import LinkError
from nkelections.wikidata.propose import Client, candidate_query

QUERY = candidate_query(["North Korea"])
ENDPOINT = "http://127.0.0.1:9/sparql"  # never asked: every case here is answered first


def _cache_file(tmp_path, endpoint=ENDPOINT):
    key = hashlib.sha256(f"{endpoint}\n{QUERY}".encode()).hexdigest()
    return tmp_path / f"{key}.json"


@pytest.mark.parametrize(
    "content, words",
    [
        (b"{not json", "cannot read the cached answer"),
        (b"\xff\xfe\x00", "cannot read the cached answer"),
        (b'{"item": "x"}', "is not a list of rows of strings"),
        (b"[1, 2]", "is not a list of rows of strings"),
        (b'[{"item": 5}]', "is not a list of rows of strings (0/item"),
        (b'[{"item": null}]', "is not a list of rows of strings"),
        (b'[{"item": ["a"]}]', "is not a list of rows of strings"),
    ],
)
def test_a_corrupt_or_foreign_cache_file_is_one_line(tmp_path, content, words):
    _cache_file(tmp_path).write_bytes(content)
    with pytest.raises(LinkError) as failure:
        Client(ENDPOINT, tmp_path).select(QUERY)
    line = failure.value.line()
    assert words in line and "\n" not in line and "--no-cache" in line, line


def test_a_cache_entry_that_is_a_folder_is_one_line(tmp_path):
    _cache_file(tmp_path).mkdir()
    with pytest.raises(LinkError, match="cannot read the cached answer"):
        Client(ENDPOINT, tmp_path).select(QUERY)


class _Answers(http.server.BaseHTTPRequestHandler):
    body: bytes = b""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def answering():
    """An endpoint on 127.0.0.1 that answers every query with _Answers.body."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "binding",
    [
        {"item": {"type": "uri", "value": 5}},
        {"item": {"type": "uri", "value": None}},
        {"item": {"type": "uri", "value": {"nested": "x"}}},
        {"label": {"type": "literal", "value": ["a", "b"]}},
    ],
)
def test_non_string_values_in_an_answer_are_one_line(answering, tmp_path, binding):
    _Answers.body = json.dumps(
        {"head": {"vars": list(binding)}, "results": {"bindings": [binding]}}
    ).encode()
    with pytest.raises(LinkError) as failure:
        Client(answering, tmp_path).select(QUERY)
    line = failure.value.line()
    assert "is not a list of rows of strings" in line and "\n" not in line, line
    assert not list(tmp_path.iterdir())  # nothing cached from a bad answer


@pytest.mark.parametrize(
    "body", [b"[]", b'{"results": 5}', b"not json at all", b'{"results": {"bindings": [5]}}']
)
def test_answers_of_another_shape_are_one_line(answering, tmp_path, body):
    _Answers.body = body
    with pytest.raises(LinkError) as failure:
        Client(answering, tmp_path).select(QUERY)
    assert "\n" not in failure.value.line()


def test_a_good_answer_is_cached_and_read_back(answering, tmp_path):
    _Answers.body = json.dumps(
        {
            "head": {"vars": ["item"]},
            "results": {"bindings": [{"item": {"type": "uri", "value": "http://example.org/Q1"}}]},
        }
    ).encode()
    rows = Client(answering, tmp_path).select(QUERY)
    assert rows == [{"item": "http://example.org/Q1"}]
    assert json.loads(_cache_file(tmp_path, answering).read_text()) == rows
