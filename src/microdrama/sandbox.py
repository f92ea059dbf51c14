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
    resident: bool = False,
    **kwargs: Any,
) -> T:
    """`function(*args, **kwargs)` in a child process; LimitExceeded past either limit.

    The memory limit caps the child's address space, or with `resident` its resident set,
    watched from here: threaded native libraries (Polars, Arrow) reserve far more address
    space than they touch, so for them only the resident set is a fair measure.
    The function and its arguments and result cross by pickle; an error the function raises
    is raised here (as a ReadError carrying its message when it cannot be pickled).
    """
    context = _fork_server(function)
    receiving, sending = context.Pipe(duplex=False)
    cap = 0 if resident else memory_bytes
    child = context.Process(target=_run, args=(sending, cap, function, args, kwargs), daemon=True)
    child.start()
    sending.close()
    too_big = LimitExceeded(f"reading it needed more than {memory_bytes >> 20} MB of memory")
    try:
        waited = 0.0
        while not receiving.poll(_POLL_SECONDS if resident else seconds):
            waited += _POLL_SECONDS
            if not resident or waited >= seconds:
                child.kill()
                raise LimitExceeded(f"reading it took more than {seconds:.0f} seconds")
            if child.pid is not None and _resident_bytes(child.pid) > memory_bytes:
                child.kill()
                raise too_big
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
    memory_bytes: int,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        outcome: tuple[bool, Any] = (True, function(*args, **kwargs))
    except MemoryError:
        outcome = (False, LimitExceeded(f"reading it needed more than {memory_bytes >> 20} MB"))
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
