"""The bytes of a listing to its lines: UTF-8 text, and nothing that is not text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from .errors import SeedError

MAX_FILE_BYTES = 10_000_000
MAX_LINE_CHARS = 20_000

# Characters that are not text: controls (C0, DEL, C1; a tab is text), line and paragraph
# separators (other tools split lines at them), bidirectional overrides (they reorder what the
# reader sees) and a byte order mark inside the text.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def _not_text(char: str) -> bool:
    if char == "\t":
        return False
    return unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in BIDI_CONTROLS


def decode(raw: bytes, path: Path | str) -> list[str]:
    """Bytes of a listing to its lines: UTF-8 (a BOM is dropped), CRLF or LF line ends."""
    if len(raw) > MAX_FILE_BYTES:
        raise SeedError(path, 0, f"file of {len(raw)} bytes; expected a listing of at most {MAX_FILE_BYTES}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        at = raw[: err.start].count(b"\n") + 1
        raise SeedError(path, at, f"expected UTF-8 text, found byte 0x{raw[err.start]:02x}") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise SeedError(path, number, f"line of {len(line)} characters; expected at most {MAX_LINE_CHARS}")
        column = next((i for i, char in enumerate(line) if _not_text(char)), None)
        if column is not None:
            name = unicodedata.name(line[column], "control character")
            raise SeedError(
                path, number, f"{name.lower()} U+{ord(line[column]):04X} at column {column + 1}; expected text"
            )
    return lines
