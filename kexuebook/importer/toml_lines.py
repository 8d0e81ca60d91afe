"""Where each table and key of a TOML file is written, so an error can name its line.

Python's ``tomllib`` gives values, not positions.  This reads the text line by line as TOML lays
it out (``[table]``, ``[[array]]`` headers, ``key = value`` lines) and records the line of each
path: ``("chapters", 3)`` is the fourth ``[[chapters]]`` header, ``("chapters", 3, "archive")`` its
``archive`` key.  Lines inside multi-line strings are skipped; a path not found falls back to its
nearest recorded parent, and to 0 (no line) when there is none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_NAME = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_DOTTED = rf"{_NAME}(?:\s*\.\s*{_NAME})*"
HEADER_RE = re.compile(rf"^\s*(\[\[|\[)\s*({_DOTTED})\s*(\]\]|\])")
KEY_RE = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART_RE = re.compile(_NAME)


def _names(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART_RE.findall(dotted))


def key_lines(text: str) -> dict[Path, int]:
    """The 1-based line of every table header and key of ``text`` (the first, where repeated)."""
    found: dict[Path, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: Path = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = HEADER_RE.match(line)
        if header:
            names = _names(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(names, 0)
                counts[names] = index + 1
                found.setdefault(names, number)
                table = (*names, index)
            else:
                table = names
            found.setdefault(table, number)
            continue
        key = KEY_RE.match(line)
        if key:
            found.setdefault((*table, *_names(key.group(1))), number)
        for quotes in ('"""', "'''"):
            if line.count(quotes) % 2:
                in_string = quotes
                break
    return found


def line_of(lines: dict[Path, int], path: Sequence[str | int]) -> int:
    """The line of ``path``, or of its nearest parent that has one (0 when none has)."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 0
