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


def reserve(megabytes: int) -> int:
    """Map `megabytes` of address space without touching it."""
    import mmap

    region = mmap.mmap(-1, megabytes << 20)
    size = len(region) >> 20
    region.close()
    return size


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
    with pytest.raises(LimitExceeded, match="512 MB"):
        run_limited(hold, 1024, 5.0, memory_bytes=512 << 20)
    assert run_limited(greedy, 16, memory_bytes=512 << 20) == 16 << 20


def test_memory_the_child_only_reserves_does_not_count() -> None:
    # Threaded native readers reserve more address space than they use: only what is resident
    # counts. A mapping of 4 GB that is never touched is no reason to stop a reader.
    assert run_limited(reserve, 4096, memory_bytes=512 << 20) == 4096
