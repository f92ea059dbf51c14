"""Import readers (pure): platform and vendor exports opened as all-text lazy tables."""

from microdrama.errors import ReadError
from microdrama.ingest.readers.detect import detect_format, open_table
from microdrama.ingest.readers.encoding import detect_encoding
from microdrama.ingest.readers.table import ROW, FileFormat, SourceTable

__all__ = [
    "ROW",
    "FileFormat",
    "ReadError",
    "SourceTable",
    "detect_encoding",
    "detect_format",
    "open_table",
]
