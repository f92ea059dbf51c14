"""Staging folders: a running import's is never touched, a dead one's is removed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from microdrama.ingest.staging import HELD, remove_abandoned, staging_folder

HOLD_AND_DIE = """
import os, signal, sys
from microdrama.ingest.staging import staging_folder
with staging_folder(__import__("pathlib").Path(sys.argv[1])) as folder:
    (folder / "staged.parquet").write_bytes(b"x")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_held_folder_stays_and_a_dead_processs_folder_goes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", HOLD_AND_DIE, str(tmp_path)], check=False, timeout=60)
    (dead,) = list(tmp_path.iterdir())
    assert (dead / "staged.parquet").exists()
    with staging_folder(tmp_path) as mine:
        assert remove_abandoned(tmp_path) == [dead]
        assert mine.exists() and (mine / HELD).exists()
    assert not mine.exists() and list(tmp_path.iterdir()) == []


def test_a_folder_without_its_lock_file_is_given_a_grace_period(tmp_path: Path) -> None:
    fresh = tmp_path / "import-fresh"
    old = tmp_path / "import-old"
    other = tmp_path / "not-ours"
    for folder in (fresh, old, other):
        folder.mkdir()
    stale = time.time() - 3600
    os.utime(old, (stale, stale))
    os.utime(other, (stale, stale))
    assert remove_abandoned(tmp_path, grace_seconds=60) == [old]
    assert fresh.exists() and other.exists()
