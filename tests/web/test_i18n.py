"""The Chinese catalogue translates every message the code marks for translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

import microdrama

LOCALE = Path(microdrama.__file__).resolve().parent / "locale"


def test_every_message_has_a_chinese_translation() -> None:
    with (LOCALE / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")

    missing = [m.id for m in catalog if m.id and not m.string]
    assert missing == []
    assert len(catalog) > 100
