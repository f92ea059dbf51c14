"""Uploaded files saved under the data directory in bounded chunks, refused past the size limit."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

from fastapi import UploadFile

from microdrama.config import Settings
from microdrama.errors import TooLarge

CHUNK_BYTES = 1 << 20


# File systems take 255 bytes a name; Chinese characters are three bytes each in UTF-8.
MAX_NAME_BYTES = 200


def safe_file_name(given: str | None) -> str:
    """The upload's own name, fit to keep on disk: no folders, no `..`, no control
    characters, at most MAX_NAME_BYTES bytes (cut before the extension)."""
    name = "".join(ch for ch in (given or "") if ch.isprintable())
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    if not name:
        return "upload"
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = name, ""
    while len((stem + (f".{suffix}" if suffix else "")).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem or "upload") + (f".{suffix}" if suffix else "")


def save_upload(
    upload: UploadFile, settings: Settings, *, instead: str = "import it with the command line"
) -> Path:
    """Copy an upload into a fresh folder, keeping its file name; TooLarge past the limit.

    The copy stops at the first chunk over the limit, so an oversized upload never fills the
    disk; `instead` tells the user what to do with such a file.
    """
    limit = settings.max_upload_mb * 1024 * 1024
    folder = settings.data_dir / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    name = safe_file_name(upload.filename)
    target = folder / name
    written = 0
    with target.open("wb") as handle:
        while chunk := upload.file.read(CHUNK_BYTES):
            written += len(chunk)
            if written > limit:
                break
            handle.write(chunk)
    if written > limit:
        shutil.rmtree(folder, ignore_errors=True)
        raise TooLarge(f"{name} is larger than {settings.max_upload_mb} MB; {instead}")
    return target


def remove_stale_uploads(settings: Settings, *, older_than_seconds: float = 24 * 3600) -> int:
    """Remove uploads never confirmed (or left by a killed request) after a day; how many."""
    root = settings.data_dir / "uploads"
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    stale = [folder for folder in root.iterdir() if folder.stat().st_mtime < cutoff]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return len(stale)
