"""Read files nobody here wrote in a child process, with a memory cap and a time limit.

A parser that meets a pathological file (a regex that backtracks for minutes, a structure
that inflates in memory) then fails that one request with a clear error; the server, its
other requests and its memory are untouched. Children come from a fork server that has the
readers imported already, so a child starts in milliseconds and never inherits the server's
threads; the fork server preloads the module of the first function it runs.
"""

from __future__ import annotations

import multiprocessing
import pickle
import resource
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from microdrama.errors import LimitExceeded, ReadError

T = TypeVar("T")
MEMORY_BYTES = 1536 << 20
SECONDS = 60.0
_POLL_SECONDS = 0.05
_context: Any = None
# Modules the fork server imports before its first child (`preload`), so that no child pays
# for importing them; the module of the first function run is added too.
_PRELOAD: list[str] = []


def preload(*modules: str) -> None:
    """Have the fork server import these modules before it forks its first child."""
    _PRELOAD.extend(m for m in modules if m not in _PRELOAD)


def _fork_server(function: Callable[..., Any]) -> Any:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, so that every child starts with them loaded.
        context.set_forkserver_preload([*_PRELOAD, function.__module__])
        _context = context
    return _context


def _resident_bytes(pid: int) -> int:
    """The resident set of a process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, IndexError, ValueError):
        return 0


def run_limited(
    function: Callable[..., T],
    /,
    *args: Any,
    memory_bytes: int = MEMORY_BYTES,
    seconds: float = SECONDS,
    **kwargs: Any,
) -> T:
    """`function(*args, **kwargs)` in a child process; LimitExceeded past either limit.

    The memory limit is on the child's resident set, watched from here: the fork server has
    threaded native libraries loaded (Polars, Arrow), which reserve far more address space than
    they touch, so a cap on address space would refuse even a small file.
    The function and its arguments and result cross by pickle; an error the function raises
    is raised here (as a ReadError carrying its message when it cannot be pickled).
    """
    context = _fork_server(function)
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(sending, function, args, kwargs), daemon=True)
    child.start()
    sending.close()
    try:
        started = time.monotonic()
        while not receiving.poll(_POLL_SECONDS):
            if time.monotonic() - started >= seconds:
                child.kill()
                raise LimitExceeded(f"reading it took more than {seconds:.0f} seconds")
            if child.pid is not None and _resident_bytes(child.pid) > memory_bytes:
                child.kill()
                raise LimitExceeded(
                    f"reading it needed more than {memory_bytes >> 20} MB of memory"
                )
        try:
            ok, value = receiving.recv()
        except EOFError:
            # The child died without answering: out of its memory, or a reader that crashed.
            child.join(timeout=5)
            raise LimitExceeded(
                f"reading it stopped the reader (exit code {child.exitcode}): the file is "
                f"malformed or needs more than {memory_bytes >> 20} MB of memory"
            ) from None
    finally:
        receiving.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def _run(
    sending: Connection,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    try:
        outcome: tuple[bool, Any] = (True, function(*args, **kwargs))
    except MemoryError:
        outcome = (False, LimitExceeded("reading it ran out of memory"))
    except BaseException as exc:  # the parent raises it; the child only carries it over
        outcome = (False, exc)
    try:
        pickle.loads(pickle.dumps(outcome))  # what the parent could not unpickle goes plain
    except Exception:
        error = outcome[1] if not outcome[0] else None
        outcome = (False, ReadError(str(error) if error else "the result cannot be sent"))
    try:
        sending.send(outcome)
    finally:
        sending.close()
