"""Text-file bytes: encoding detection, sampling, chunked transcoding to UTF-8, decoded lines."""

from __future__ import annotations

import codecs
import uuid
from collections.abc import Iterator
from pathlib import Path

import charset_normalizer

from microdrama.errors import ReadError

SAMPLE_BYTES = 1 << 20
_DETECT_BYTES = 64 << 10
CHUNK_BYTES = 1 << 20
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz"}
_CJK_CANDIDATES = ["gb18030", "gbk", "gb2312", "big5"]


def detect_encoding(path: Path) -> str:
    """Tell a text file's encoding from its bytes: utf-8, utf-8-sig, utf-16, gb18030 or big5."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        complete = not handle.read(1)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # Not final unless the sample is the whole file: a character cut at the edge is fine.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        _refuse_mixed(path, sample, complete)
    else:
        return "utf-8"
    sample = sample[:_DETECT_BYTES]
    if not complete or len(sample) == _DETECT_BYTES:
        # A newline byte never occurs inside a GB18030 or Big5 character, so cut there.
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    best = charset_normalizer.from_bytes(sample, cp_isolation=_CJK_CANDIDATES).best()
    if best is not None:
        name = codecs.lookup(best.encoding).name
        return "gb18030" if name in _GB_FAMILY else name
    try:
        sample.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(
            f"{path.name}: cannot tell the text encoding; save the file as UTF-8"
        ) from None
    return "gb18030"


def _refuse_mixed(path: Path, sample: bytes, complete: bool) -> None:
    """ReadError when most Chinese lines are UTF-8 and some are not: a file pasted together
    from two encodings, which no single decoding reads right (快手 would become garbage)."""
    lines = sample.split(b"\n")
    if not complete:
        lines = lines[:-1]  # the last line may be cut in the middle of a character
    valid, invalid = 0, []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            invalid.append(number)
        else:
            valid += 1
    # A real GBK file has few lines that happen to be valid UTF-8; this one has few that are not.
    if invalid and valid >= max(2, len(invalid)):
        shown = ", ".join(str(n) for n in invalid[:10]) + (" …" if len(invalid) > 10 else "")
        which = "line" if len(invalid) == 1 else "lines"
        raise ReadError(
            f"{path.name}: {which} {shown} {'is' if len(invalid) == 1 else 'are'} not UTF-8 "
            f"while the other {valid} lines with "
            "Chinese are: the file mixes two encodings (UTF-8 and GBK?); save it again as UTF-8"
        )


def sample_text(path: Path, encoding: str) -> str:
    """The file's first SAMPLE_BYTES decoded, undecodable bytes replaced."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)


def carriage_returns_only(path: Path) -> bool:
    """True for a text file whose lines end in CR alone (old Mac exports): readers want LF."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    return b"\r" in sample and b"\n" not in sample


def utf8_copy(path: Path, encoding: str, workdir: Path, *, cr_lines: bool = False) -> Path:
    """Transcode to a UTF-8 file in workdir chunk by chunk; undecodable bytes raise ReadError.

    With `cr_lines`, lone carriage returns end lines and become LF on the way.
    """
    target = workdir / f"{path.stem}-{uuid.uuid4().hex}.utf8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    try:
        with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
            while True:
                chunk = source.read(CHUNK_BYTES)
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    at = line + exc.object[: exc.start].count(b"\n")
                    raise ReadError(
                        f"{path.name}, line {at}: bytes that are not valid {encoding} text"
                    ) from None
                if cr_lines:
                    text = text.replace("\r", "\n")
                out.write(text)
                line += text.count("\n")
                if not chunk:
                    break
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def decoded_lines(path: Path, handle: Iterator[bytes]) -> Iterator[str]:
    """UTF-8 lines of a binary handle (BOM dropped); bad bytes raise ReadError with the line."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise ReadError(f"{path.name}, line {number}: bytes that are not valid UTF-8") from None
