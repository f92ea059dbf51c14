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
_context: Any = None


def _fork_server(function: Callable[..., Any]) -> Any:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, so that every child starts with it loaded.
        context.set_forkserver_preload([function.__module__])
        _context = context
    return _context


def run_limited(
    function: Callable[..., T],
    /,
    *args: Any,
    memory_bytes: int = MEMORY_BYTES,
    seconds: float = SECONDS,
    **kwargs: Any,
) -> T:
    """`function(*args, **kwargs)` in a child process; LimitExceeded past either limit.

    The function and its arguments and result cross by pickle; an error the function raises
    is raised here (as a ReadError carrying its message when it cannot be pickled).
    """
    context = _fork_server(function)
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_run, args=(sending, memory_bytes, function, args, kwargs), daemon=True
    )
    child.start()
    sending.close()
    try:
        if not receiving.poll(seconds):
            child.kill()
            raise LimitExceeded(f"reading it took more than {seconds:.0f} seconds")
        try:
            ok, value = receiving.recv()
        except EOFError:
            raise LimitExceeded(
                f"reading it needed more than {memory_bytes >> 20} MB of memory"
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
