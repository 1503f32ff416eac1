"""Forked: work handed to a forked copy of the process, its value or error handed back."""

from __future__ import annotations

import os
import threading
import time

import pytest

from nkelections.errors import BuildError
from nkelections.process.runtime import Forked


def _fail(text: str) -> None:
    raise ValueError(text)


def _die() -> None:
    os._exit(3)


@pytest.fixture()
def forks():
    """Forked forks only while no other thread runs (else it runs fn in place)."""
    if threading.active_count() > 1:
        pytest.skip("another test left a thread running in this process")


def test_the_value_comes_back_from_another_process(forks):
    work = Forked(lambda n: (os.getpid(), list(range(n))), 5)
    pid, numbers = work.result()
    assert pid != os.getpid() and numbers == [0, 1, 2, 3, 4]
    assert work.result() == (pid, numbers)  # asked again, the same answer


def test_a_large_value_does_not_block_the_child():
    text = "x" * (4 * 2**20)  # far more than a pipe's buffer
    assert Forked(str.upper, text).result() == text.upper()


def test_the_childs_exception_is_raised_in_the_parent():
    with pytest.raises(ValueError, match="bad input here"):
        Forked(_fail, "bad input here").result()


def test_a_value_pickle_cannot_carry_is_one_clear_error(forks):
    # only a forked child pickles its value: run in place (threads running), nothing to refuse
    with pytest.raises(BuildError, match="cannot hand back a lock"):
        Forked(threading.Lock).result()


def test_a_child_that_dies_is_one_clear_error(forks):
    with pytest.raises(BuildError, match="died without an answer"):
        Forked(_die).result()


def test_with_other_threads_running_it_runs_here():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert Forked(os.getpid).result() == os.getpid()
    finally:
        stop.set()
        thread.join()


def test_stop_ends_a_child_still_running(forks):
    work = Forked(time.sleep, 60)
    pid = work.pid
    started = time.monotonic()
    work.stop()
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped, not a zombie
