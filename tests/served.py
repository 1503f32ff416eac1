"""`nkelections serve` on 127.0.0.1 for the tests, always stopped afterwards: conftest's
`server` fixture serves dist/ with the defaults below; a module that tests limits serves it with
its own (test_serve)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nkelections.publish.serve import Config, make_server


@contextmanager
def running(config: Config) -> Iterator[tuple]:
    """(server, site) for `config`, serving in a thread for the time of the with-block."""
    httpd, site = make_server(config)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd, site
    finally:
        httpd.shutdown()
        httpd.server_close()
        site.close()


@contextmanager
def serving(dist: Path, timeout: float = 10, limit: int = 1000, **config) -> Iterator[str]:
    """The base URL of dist/ served on a free port, for the time of the with-block (`config`:
    other fields of Config)."""
    with running(Config(dist, port=0, timeout=timeout, limit=limit, **config)) as (httpd, _):
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
