"""Untrusted reading in a child process: results and errors come back, limits hold."""

from __future__ import annotations

import time

import pytest

from microdrama.errors import LimitExceeded, ScriptFormatError
from microdrama.sandbox import run_limited
from microdrama.script import service


def slow(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def greedy(megabytes: int) -> int:
    hog = bytearray(megabytes << 20)
    return len(hog)


def hold(megabytes: int, seconds: float) -> int:
    """Touch every page of `megabytes` and keep them for a while (resident, not only reserved)."""
    hog = bytearray(megabytes << 20)
    hog[::4096] = b"x" * len(range(0, len(hog), 4096))
    time.sleep(seconds)
    return len(hog)


def test_a_result_and_an_error_of_the_function_come_back_as_they_are() -> None:
    analysis = run_limited(
        service.analyse, "第1集\n1-1 日 内 家\n甲：你好\n".encode(), filename="s.txt"
    )
    assert analysis.name == "s.txt" and analysis.script.episodes
    with pytest.raises(ScriptFormatError, match="broken.docx"):
        run_limited(service.analyse, b"PK\x03\x04 not really a docx", filename="broken.docx")


def test_a_file_that_takes_too_long_is_stopped_and_the_caller_goes_on() -> None:
    with pytest.raises(LimitExceeded, match="more than 1 seconds"):
        run_limited(slow, 30, seconds=1)
    assert run_limited(slow, 0) == "done"


def test_a_file_that_needs_too_much_memory_fails_its_own_request() -> None:
    with pytest.raises(LimitExceeded, match="MB"):
        run_limited(greedy, 2048, memory_bytes=512 << 20)
    assert run_limited(greedy, 16, memory_bytes=512 << 20) == 16 << 20


def test_the_resident_limit_stops_a_child_that_touches_too_much_memory() -> None:
    # Threaded native readers reserve more address space than they use: only what is resident
    # counts, watched from the parent.
    with pytest.raises(LimitExceeded, match="512 MB"):
        run_limited(hold, 1024, 5.0, memory_bytes=512 << 20, resident=True)
    assert run_limited(hold, 16, 0.0, memory_bytes=512 << 20, resident=True) == 16 << 20


def test_the_resident_mode_keeps_its_time_limit() -> None:
    with pytest.raises(LimitExceeded, match="more than 1 seconds"):
        run_limited(slow, 30, seconds=1, resident=True)
