"""Where a report goes: the folder checked first, the files staged beside it, then swapped in."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from microdrama.errors import ReportError
from microdrama.reports.messages import OUT_IS_FILE, OUT_NOT_A_REPORT, OUT_UNWRITABLE

MANIFEST = "manifest.json"
# What a report owns in its folder, the manifest last: a folder with a manifest is complete.
OWNED = ("data", "report.html", "report.pdf", MANIFEST)


def is_report(folder: Path) -> bool:
    """Whether the folder holds a report written by this module (its manifest says so)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and str(manifest.get("schema_version", "")).startswith(
        "report-"
    )


def check_out(out: Path) -> None:
    """ReportError unless `out` is new, empty or an earlier report's folder."""
    if out.exists() and not out.is_dir():
        raise ReportError(OUT_IS_FILE, out=out)
    if out.is_dir() and any(out.iterdir()) and not is_report(out):
        raise ReportError(OUT_NOT_A_REPORT, out=out)


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A fresh folder beside `out` to write the report into; gone afterwards, whatever happens."""
    check_out(out)
    target = out.absolute()
    # Beside the target, so that the swap is a rename on one file system.
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as exc:
        raise ReportError(OUT_UNWRITABLE, out=out, reason=exc.strerror or exc) from exc
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out: Path) -> None:
    """Put the staged report in place of `out`: a new folder whole, else the owned entries."""
    check_out(out)  # again: something may have been put there while the report was built
    target = out.absolute()
    try:
        if not target.exists():
            staging.rename(target)
            return
        old = staging / ".replaced"
        old.mkdir()
        for name in OWNED:
            if (target / name).is_dir():
                # A folder cannot be replaced in one step: move the old one aside first.
                (target / name).rename(old / name)
            # Files are replaced atomically; data/ leaves no stale CSV behind.
            os.replace(staging / name, target / name)
    except OSError as exc:
        raise ReportError(OUT_UNWRITABLE, out=out, reason=exc.strerror or exc) from exc
