"""sandbox.run_isolated: the child has no network, a time limit, and its crashes, recursion and
errors come back as one QueryError each."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from nkelections.errors import QueryError, StoreError
from nkelections.process.sandbox import run_isolated


def namespaces_available() -> bool:
    code = "from nkelections.process.sandbox import cut_off_network as c; raise SystemExit(not c())"
    return subprocess.run([sys.executable, "-c", code], timeout=30).returncode == 0


def _connect(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        return "connected"


def test_the_child_reaches_no_address():
    if not namespaces_available():
        pytest.skip("this system gives no private network namespace")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        with pytest.raises(QueryError, match="unreachable|refused"):
            run_isolated(_connect, (port,), timeout=10)
        with pytest.raises(TimeoutError):
            listener.accept()
        assert run_isolated(_connect, (port,), timeout=10, network=True) == "connected"


def _segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def _recurse(n=0):
    return _recurse(n + 1)


def _fail():
    raise StoreError("a store error, as it was raised")


@pytest.mark.parametrize(
    "fn,args,message",
    [
        (time.sleep, (30,), "ran over the time limit of 1 s"),
        (_segfault, (), "crashed the engine (killed by SIGSEGV)"),
        (_recurse, (), "nests too deeply"),
        (_fail, (), "a store error, as it was raised"),
        (dict, ([1],), "the engine failed: TypeError"),
    ],
)
def test_failures_are_one_error(fn, args, message):
    started = time.monotonic()
    with pytest.raises((QueryError, StoreError)) as error:
        run_isolated(fn, args, timeout=1)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert time.monotonic() - started < 10


def test_a_value_comes_back():
    assert run_isolated(sum, ([1, 2, 3],), timeout=10) == 6
