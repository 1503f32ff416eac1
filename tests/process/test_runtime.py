"""Forked: work handed to a forked copy of the process, its value or error handed back.

Forked forks only while no other thread runs (else it runs fn in place), and a test process
may hold threads other tests left (servers, listeners, executors). So the tests of the fork
itself run in a process of their own, started fresh (spawn), where only its main thread runs:
they run whatever ran before them, instead of skipping."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from nkelections.errors import BuildError
from nkelections.process.runtime import Forked


def _fail(text: str) -> None:
    raise ValueError(text)


def _die() -> None:
    os._exit(3)


@pytest.fixture(scope="module")
def clean():
    """Runs a function of this module in a fresh process with one thread; its exceptions,
    failed asserts included, come back to the test."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:

        def run(fn):
            return pool.submit(fn).result(timeout=120)

        yield run


def _single_threaded() -> None:
    assert threading.active_count() == 1, threading.enumerate()


def _value_comes_back() -> None:
    _single_threaded()
    work = Forked(lambda n: (os.getpid(), list(range(n))), 5)
    pid, numbers = work.result()
    assert pid != os.getpid() and numbers == [0, 1, 2, 3, 4]
    assert work.result() == (pid, numbers)  # asked again, the same answer


def test_the_value_comes_back_from_another_process(clean):
    clean(_value_comes_back)


def test_a_large_value_does_not_block_the_child():
    text = "x" * (4 * 2**20)  # far more than a pipe's buffer
    assert Forked(str.upper, text).result() == text.upper()


def test_the_childs_exception_is_raised_in_the_parent():
    with pytest.raises(ValueError, match="bad input here"):
        Forked(_fail, "bad input here").result()


def _unpicklable_value() -> None:
    _single_threaded()
    with pytest.raises(BuildError, match="cannot hand back a lock"):
        Forked(threading.Lock).result()


def test_a_value_pickle_cannot_carry_is_one_clear_error(clean):
    clean(_unpicklable_value)


def _child_dies() -> None:
    _single_threaded()
    with pytest.raises(BuildError, match="died without an answer"):
        Forked(_die).result()


def test_a_child_that_dies_is_one_clear_error(clean):
    clean(_child_dies)


def test_with_other_threads_running_it_runs_here():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert Forked(os.getpid).result() == os.getpid()
    finally:
        stop.set()
        thread.join()


def _stop_ends_child() -> None:
    _single_threaded()
    work = Forked(time.sleep, 60)
    pid = work.pid
    assert pid, "it ran in place instead of forking"
    started = time.monotonic()
    work.stop()
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped, not a zombie


def test_stop_ends_a_child_still_running(clean):
    clean(_stop_ends_child)
