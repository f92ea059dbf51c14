"""Script parsers (pure): Chinese scripts, Fountain and Final Draft into one document model."""

from microdrama.script.parse.detect import (
    FORMATS,
    parse_bytes,
    parse_file,
    parse_text,
    sniff_format,
)

__all__ = ["FORMATS", "parse_bytes", "parse_file", "parse_text", "sniff_format"]
