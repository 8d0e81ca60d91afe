"""Inline math in seed prose: one splitting rule, used both to check it and to render it."""

from __future__ import annotations

import re

INLINE_MATH_RE = re.compile(r"\$([^$]+)\$")


def split_inline(text: str) -> list[tuple[str, str]]:
    """``text`` as ``('text', prose)`` and ``('math', tex)`` pieces, in order."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in INLINE_MATH_RE.finditer(text):
        if match.start() > position:
            pieces.append(("text", text[position : match.start()]))
        pieces.append(("math", match.group(1)))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return pieces
