"""The importer's model of a listing: articles made of typed blocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """The kind of a seed line; the values are the oracle's names (tests/seed-line-kinds.tsv)."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    LINK_TITLE = "link-title"
    MATH_TAGGED = "display-math-tagged"
    MATH_DOLLARS = "display-math"
    MATH_EQUATION_ENV = "display-math-equation-env"
    CHROME = "chrome"


MATH_KINDS = frozenset({Kind.MATH_TAGGED, Kind.MATH_DOLLARS, Kind.MATH_EQUATION_ENV})


@dataclass(frozen=True)
class Block:
    """One block of an article's body.

    ``text`` is the seed text as scraped (for math: the TeX inside the delimiters, with any
    ``\\tag`` removed); ``tag`` is the author's equation number, when the seed gives one.
    """

    kind: Kind
    text: str
    line: int
    tag: str | None = None


@dataclass(frozen=True)
class Article:
    """One article of a listing: its byline facts and its body blocks, in order."""

    title: str
    author: str
    date: dt.date
    readers: int
    title_line: int
    blocks: tuple[Block, ...] = field(default_factory=tuple)
