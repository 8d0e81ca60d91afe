"""cjk_linebreak on a tiny book (tests/roots/test-cjk-linebreak): a formula and the punctuation
beside it share one span, and every character of the paragraph is printed once, in order.

A docutils Text node is a str, so two lone "，" nodes are equal; the extension must move the one
beside the formula, not the first equal one in the paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup


def paragraphs(outdir: Path) -> list[BeautifulSoup]:
    page = BeautifulSoup((outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    return page.select("div.body p")


def printed(paragraph) -> str:
    """The paragraph as read: each formula by its TeX source, the rest as text."""
    parts = []
    for piece in paragraph.descendants:
        if getattr(piece, "name", None) == "span" and "math" in (piece.get("class") or []):
            parts.append(f"<{piece.get_text()}>")
        elif isinstance(piece, str) and not any(
                "math" in (parent.get("class") or []) for parent in piece.parents if parent.name == "span"):
            parts.append(str(piece))
    return "".join(parts)


@pytest.mark.sphinx("html", testroot="cjk-linebreak")
def test_repeated_punctuation_stays_where_it_was(app):
    app.build()
    assert app.warning.getvalue() == ""
    first, second = paragraphs(Path(app.outdir))[:2]
    assert printed(first) == r"甲，<\(a\)>取1，<\(b\)>，<\(c\)>结束。"
    assert printed(second) == r"乙。（丙。（<\(d\)>）完。"
    groups = [group.get_text() for group in first.select("span.math-punct") + second.select("span.math-punct")]
    assert groups == [r"\(b\)，", r"（\(d\)）"]
