"""A lint on our own prose: full-width punctuation in Chinese sentences, no space between CJK
and Latin or digits (the seed's own convention).  Generated seed files are exempt (verbatim)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import ROOT

HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
# Markup whose inside is not prose: math, roles, code, links, URLs, HTML comments.
NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\{[a-z:\-]+\}`[^`]*`|`[^`]*`|<[^>]*>|\]\([^)]*\)|https?://\S+")
RULES = [
    (re.compile(f"{HAN} +[A-Za-z0-9]|[A-Za-z0-9] +{HAN}"), "space between CJK and Latin/digits"),
    (re.compile(f"{HAN} +\u2063|\u2063 +{HAN}"), "space between CJK and math or a role"),
    (re.compile(f"{HAN}[,;:?!]|[,;:?!(]{HAN}|{HAN}\\)"), "ASCII punctuation in a Chinese sentence"),
    (re.compile(f"{HAN}\\.(?!\\.)|{HAN}\\.\\.\\."), "ASCII full stop or ellipsis in a Chinese sentence"),
]


def our_sources() -> list[Path]:
    pages = [ROOT / n for n in ("index.md", "preface.md", "glossary.md", "bibliography.md", "404.md")]
    return [p for p in pages if p.exists()] + sorted(p for p in (ROOT / "chapters").glob("*/*.md"))


def prose_lines(path: Path):
    """(line number, text) of the prose lines of a MyST file: outside fences, directives' options."""
    fence = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        opener = re.match(r"^(`{3,}|:{3,})", stripped)
        if opener:
            token = opener.group(1)
            if fence is None:
                fence = token
                # an admonition/glossary body is prose; code, math, plot and eval-rst are not
                fence_is_prose = bool(re.match(r"^(`{3,}|:{3,})\{(note|tip|admonition|glossary|container|important|seealso)\}", stripped))
                prose_fence = fence_is_prose
            elif stripped == fence:
                fence = None
            continue
        if fence is not None and not prose_fence:
            continue
        if not stripped or stripped.startswith(("%", ":", "(", "..")):
            continue
        yield number, NOT_PROSE.sub("\u2063", line)  # a neutral mark: neither CJK nor Latin


@pytest.mark.parametrize("path", our_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_our_prose_follows_the_books_typography(path):
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {message}: …{text[max(0, m.start() - 8) : m.end() + 8]}…"
        for number, text in prose_lines(path)
        for pattern, message in RULES
        for m in pattern.finditer(text)
    ]
    assert not problems, "\n".join(problems)


def test_the_lint_catches_what_it_should(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("在 NLP 中,我们这样做.\n$a, b$ 与`x, y`不算\n", encoding="utf-8")
    found = [m for _, text in prose_lines(bad) for pattern, _ in RULES for m in pattern.finditer(text)]
    assert len(found) == 5  # two spaces, comma, full stop, space after math; inside math and code skipped
