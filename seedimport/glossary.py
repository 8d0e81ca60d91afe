"""Glossary links in the excerpt: the first use of each term in the seed's prose links to it.

The terms are the book's own data, read from the glossary page (the unindented lines of its
``{glossary}`` block); the seed text itself is unchanged — a linked term reads exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .errors import SeedError

GLOSSARY_BLOCK_RE = re.compile(r"^(`{3,}|:{3,})\{glossary\}[^\n]*\n(.*?)^\1\s*$", re.MULTILINE | re.DOTALL)


def read_terms(path: Path) -> tuple[str, ...]:
    """The glossary's terms, longest first (a term is linked before the shorter terms inside it)."""
    if not path.is_file():
        return ()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SeedError(path, 0, "not UTF-8; expected the glossary page as UTF-8 text") from None
    terms: list[str] = []
    for match in GLOSSARY_BLOCK_RE.finditer(text):
        for line in match.group(2).splitlines():
            if line.strip() and not line[0].isspace() and not line.startswith(":"):
                terms.append(line.strip())
    return tuple(sorted(dict.fromkeys(terms), key=len, reverse=True))


class TermLinker:
    """Links each term once per excerpt, at its first use in prose (never in headings or math)."""

    def __init__(self, terms: Sequence[str]) -> None:
        self.pending = list(terms)

    def split(self, text: str) -> list[tuple[str, str]]:
        """``text`` as ('text', prose) and ('term', term) pieces."""
        pieces = [("text", text)]
        for term in list(self.pending):
            for index, (kind, value) in enumerate(pieces):
                if kind == "text" and term in value:
                    before, after = value.split(term, 1)
                    pieces[index : index + 1] = [("text", before), ("term", term), ("text", after)]
                    self.pending.remove(term)
                    break
        return [(kind, value) for kind, value in pieces if value]
