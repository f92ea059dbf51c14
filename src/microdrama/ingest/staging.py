"""Scratch folders of running imports, and the removal of those a killed process left behind.

A running import holds an exclusive `flock` on a file inside its folder. The kernel lets go of
it when the process ends, however it ends, so a folder whose lock can be taken belongs to
nobody and can go; a folder of a running import is never touched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HELD = ".held"
PREFIXES = ("import-", "producer-")


@contextmanager
def staging_folder(root: Path, *, prefix: str = "import-") -> Iterator[Path]:
    """A fresh folder under `root`, held for the block and removed after it."""
    folder = root / f"{prefix}{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    descriptor = os.open(folder / HELD, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield folder
    finally:
        os.close(descriptor)
        shutil.rmtree(folder, ignore_errors=True)


def remove_abandoned(root: Path, *, grace_seconds: float = 60.0) -> list[Path]:
    """Remove the staging folders under `root` that no living process holds; return them.

    A folder without its lock file is given `grace_seconds` (it may be being created).
    """
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or not folder.name.startswith(PREFIXES):
            continue
        if _held(folder, grace_seconds):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _held(folder: Path, grace_seconds: float) -> bool:
    marker = folder / HELD
    try:
        descriptor = os.open(marker, os.O_RDWR)
    except FileNotFoundError:
        return time.time() - folder.stat().st_mtime < grace_seconds
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False
