"""Read a listing page: decide the kind of every line and build the articles.

The listing format (see BOOK-DESIGN.md, "The seed format"): a title line, then a byline
``By AUTHOR | YYYY-MM-DD | N位读者 | 引用`` glued to the first body segment, then body lines, one
block each, and page chrome.  Heuristics decide each line; ``overrides`` (data, keyed by line
number) decide the few that no rule can.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .decode import decode
from .errors import SeedError
from .inline import split_inline
from .model import MATH_KINDS, Article, Block, Kind
from .texguard import check_tex

MAX_HEADING_CHARS = 20
BYLINE_RE = re.compile(
    r"^By (?P<author>[^|]+?) \| (?P<date>[^|]+?) \| (?P<readers>[^|]+?)位读者 \| 引用(?P<rest>.*)$"
)
BYLINE_FORMAT = "'By AUTHOR | YYYY-MM-DD | N位读者 | 引用' followed by the first paragraph"
LINK_TITLE_RE = re.compile(r"^《[^《》]+》$")
TAG_RE = re.compile(r"\\tag\{([^{}]*)\}")
TAG_TEXT_RE = re.compile(r"[0-9A-Za-z.\-]+")
# A heading is short and has no sentence punctuation anywhere in it.
SENTENCE_PUNCT = set("。，,：:；;！!？?…、")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What makes a line starting "By " a byline even when it does not parse: a date or a reader count.
BYLINE_SIGN_RE = re.compile(r"[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}|[0-9]{8}|位读者")
# The earliest time zone: a date that is today anywhere on Earth is not in the future.
EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))


def today() -> dt.date:
    """The latest date that is today somewhere (a byline after it is in the future)."""
    return dt.datetime.now(EARLIEST_ZONE).date()


@dataclass(frozen=True)
class LineKind:
    """The kind of one physical line, as the oracle names it (``byline+paragraph`` ...)."""

    line: int
    kind: str


def looks_like_byline(line: str) -> bool:
    """A line that is meant as a byline, well formed or not: it is parsed as one, never as text.

    Width is folded first, so a full-width '｜' or 'Ｂｙ' byline is still seen (and refused).
    """
    folded = unicodedata.normalize("NFKC", line).strip()
    return folded.startswith("By ") and (folded.count(" | ") >= 2 or bool(BYLINE_SIGN_RE.search(folded)))


def _byline_problem(line: str) -> str:
    """What is wrong with a byline that does not parse, as precisely as can be said."""
    if "｜" in line:
        return "a full-width '｜' where an ASCII '|' belongs"
    if not line.startswith("By "):
        return "'By' not in ASCII letters"
    if line.count("|") != line.count(" | "):
        return "a '|' without a space on each side"
    if line.count(" | ") < 3:
        return f"{line.count(' | ')} of the three ' | ' separators"
    if "位读者" not in line:
        return "no reader count 'N位读者'"
    if " | 引用" not in line:
        return "no '引用' after the last ' | '"
    return "the parts are not in order"


def classify_segment(text: str) -> Kind:
    """The kind of one body segment by the format's rules (no overrides)."""
    stripped = text.strip()
    if stripped.startswith("$$"):
        return Kind.MATH_TAGGED if TAG_RE.search(stripped) else Kind.MATH_DOLLARS
    if stripped.startswith("\\begin{equation}"):
        return Kind.MATH_EQUATION_ENV
    if LINK_TITLE_RE.match(stripped):
        return Kind.LINK_TITLE
    if (
        len(stripped) <= MAX_HEADING_CHARS
        and "$" not in stripped
        and not SENTENCE_PUNCT.intersection(stripped)
        and not stripped.endswith(".")
    ):
        return Kind.HEADING
    return Kind.PARAGRAPH


def _parse_byline(line: str, path: Path | str, number: int) -> tuple[str, dt.date, int, str]:
    match = BYLINE_RE.match(line)
    if not match:
        raise SeedError(path, number, f"malformed byline ({_byline_problem(line)}); expected {BYLINE_FORMAT}")
    author = match["author"].strip()
    if not author:
        raise SeedError(path, number, f"empty author in byline; expected {BYLINE_FORMAT}")
    date_text = match["date"].strip()
    try:
        if not DATE_RE.fullmatch(date_text):
            raise ValueError(date_text)
        date = dt.date.fromisoformat(date_text)
    except ValueError:
        raise SeedError(path, number, f"bad date {date_text!r} in byline; expected a real date as YYYY-MM-DD") from None
    if date > today():
        raise SeedError(path, number, f"date {date_text} in byline is in the future; expected the article's date of publication")
    readers_text = match["readers"].strip()
    if not readers_text.isascii() or not readers_text.isdigit():
        raise SeedError(path, number, f"bad reader count {readers_text!r}; expected a whole number ≥ 0")
    return author, date, int(readers_text), match["rest"]


def _math_block(kind: Kind, source: str, path: Path | str, number: int) -> Block:
    """Strip the display delimiters, pull out the author's ``\\tag``, and check the TeX."""
    if kind is Kind.MATH_EQUATION_ENV:
        body = source.strip()[len("\\begin{equation}") : -len("\\end{equation}")]
    else:
        body = source.strip()[2:-2]
    tags = TAG_RE.findall(body)
    if len(tags) > 1:
        raise SeedError(path, number, "more than one \\tag in one equation; expected at most one")
    tag = tags[0].strip() if tags else None
    if tag is not None and not TAG_TEXT_RE.fullmatch(tag):
        raise SeedError(path, number, f"equation tag {tag!r}; expected digits, letters, '.' or '-'")
    body = TAG_RE.sub("", body).strip()
    if not body:
        raise SeedError(path, number, "empty display equation; expected TeX between the delimiters")
    check_tex(body, path, number)
    return Block(kind, body, number, tag)


def _collect_math(lines: Sequence[str], start: int, kind: Kind, path: Path | str) -> tuple[str, int]:
    """The full source of a display equation starting at ``lines[start]``, and the index after it.

    An equation never runs over a blank line, a byline or the next article's title: where one
    would, its closing delimiter is missing.
    """
    closing = "$$" if kind is not Kind.MATH_EQUATION_ENV else "\\end{equation}"
    first = lines[start].strip()
    opening_len = 2 if closing == "$$" else len("\\begin{equation}")
    if len(first) >= opening_len + len(closing) and first.endswith(closing):
        return first, start + 1
    parts = [first]
    for index in range(start + 1, len(lines)):
        line = lines[index].strip()
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if not line or looks_like_byline(line) or looks_like_byline(next_line):
            break
        parts.append(line)
        if line.endswith(closing):
            return "\n".join(parts), index + 1
    raise SeedError(path, start + 1, f"unterminated display equation; expected a closing {closing} before the next blank line or article")


def _check_inline(text: str, path: Path | str, number: int) -> None:
    """Prose may hold inline math ``$...$``; every formula in it passes the TeX allowlist."""
    if "$$" in text:
        raise SeedError(path, number, "'$$' inside a line of text; expected inline math as $...$ and display math on a line of its own")
    if text.count("$") % 2:
        raise SeedError(path, number, "unbalanced '$' in text; expected inline math as $...$")
    for kind, value in split_inline(text):
        if kind == "math":
            check_tex(value, path, number)


def _tag_key(tag: str) -> str:
    """Tags that would share an HTML id or label (2.1, 2-1, 2_1) share a key."""
    return re.sub(r"[^0-9a-z]+", "-", tag.lower())


def parse_listing(
    lines: Sequence[str],
    path: Path | str,
    overrides: Mapping[int, str] | None = None,
    chrome_lines: frozenset[str] = frozenset(),
) -> tuple[list[Article], list[LineKind]]:
    """Parse a decoded listing into articles, and the kind of every line (for the oracle)."""
    overrides = overrides or {}
    articles: list[Article] = []
    kinds: list[LineKind] = []
    header: dict | None = None
    blocks: list[Block] = []
    tags: dict[str, int] = {}
    seen_titles: dict[str, int] = {}

    def finish() -> None:
        if header is None:
            return
        if not blocks:
            raise SeedError(path, header["title_line"], f"article {header['title']!r} has no body; expected text after its byline")
        articles.append(Article(blocks=tuple(blocks), **header))

    def body_block(kind: Kind, text: str, number: int) -> Block:
        if kind in MATH_KINDS:
            block = _math_block(kind, text, path, number)
            if block.tag is not None:
                key = _tag_key(block.tag)
                if key in tags:
                    raise SeedError(path, number, f"equation tag ({block.tag}) used twice in one article (first at line {tags[key]}); expected each number once")
                tags[key] = number
            return block
        _check_inline(text, path, number)
        return Block(kind, text.strip(), number)

    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            index += 1
            continue
        if stripped in chrome_lines:
            kinds.append(LineKind(number, Kind.CHROME.value))
            index += 1
            continue
        if looks_like_byline(stripped):
            raise SeedError(path, number, "byline without a title line before it; expected the article's title")
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if looks_like_byline(next_line):
            finish()
            if stripped in seen_titles:
                raise SeedError(path, number, f"duplicate title {stripped!r} (first at line {seen_titles[stripped]}); expected each article once")
            seen_titles[stripped] = number
            if "<" in stripped:
                # sphinx-book-theme prints a page's title unescaped (its print header), so a '<'
                # in a chapter title could open an HTML element: refused, not imported.
                raise SeedError(path, number, "'<' in an article title; expected a title without '<' (the HTML theme prints titles unescaped)")
            _check_inline(stripped, path, number)
            author, date, readers, rest = _parse_byline(next_line.strip(), path, number + 1)
            header = dict(title=stripped, author=author, date=date, readers=readers, title_line=number)
            blocks = []
            tags = {}
            kinds.append(LineKind(number, Kind.TITLE.value))
            if rest.strip():
                kind = Kind(overrides.get(number + 1, classify_segment(rest)))
                if kind in MATH_KINDS:
                    raise SeedError(path, number + 1, "display equation glued to the byline; expected text")
                blocks.append(body_block(kind, rest, number + 1))
                kinds.append(LineKind(number + 1, f"byline+{kind.value}"))
            else:
                kinds.append(LineKind(number + 1, "byline"))
            index += 2
            continue
        if header is None:
            raise SeedError(path, number, f"expected an article title followed by a byline {BYLINE_FORMAT}")
        kind = Kind(overrides.get(number, classify_segment(stripped)))
        if kind in MATH_KINDS:
            source, index = _collect_math(lines, index, kind, path)
            blocks.append(body_block(kind, source, number))
            kinds.extend(LineKind(n, kind.value) for n in range(number, index + 1))
            continue
        blocks.append(body_block(kind, stripped, number))
        kinds.append(LineKind(number, kind.value))
        index += 1
    finish()
    if not articles:
        raise SeedError(path, 1, "no article found; expected a title line followed by a byline")
    return articles, kinds


def read_listing(
    path: Path,
    overrides: Mapping[int, str] | None = None,
    chrome_lines: frozenset[str] = frozenset(),
) -> tuple[list[Article], list[LineKind]]:
    """Read and parse one listing file."""
    return parse_listing(decode(path.read_bytes(), path), path, overrides, chrome_lines)
