"""jieba's model and the book's search dictionary load only when a page is indexed (issue 18).

On a small synthetic book (tools/synth_book.py, two articles): the first HTML build loads them
(jieba reports building its prefix dictionary) and the index keeps a dictionary word whole; a
rebuild that writes no page and a LaTeX build never load them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helpers import build_in_place, synthetic_book_at

pytestmark = pytest.mark.workflow  # a synthetic book of its own (conftest: left out of make test-fast)

JIEBA_LOADED = "Prefix dict has been built"  # jieba's log line (stderr) when its model is loaded
CHAPTER = "chapters/probabilistic-models/synthetic-0001"
WORD = "信息瓶颈"  # in kexuebook/sphinx/html/zh-search-dict.txt; jieba's own dictionary splits it


def build(book: Path, builder: str) -> subprocess.CompletedProcess:
    return build_in_place(book, builder)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = synthetic_book_at(tmp_path_factory.mktemp("search-loading") / "book")
    with (root / f"{CHAPTER}.md").open("a", encoding="utf-8") as chapter:
        chapter.write(f"\n\n本节顺带提到{WORD}。\n")
    return root


def test_the_first_html_build_loads_the_dictionary(book):
    result = build(book, "html")
    assert result.stderr.count(JIEBA_LOADED) == 1
    index = (book / "_build" / "html" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1 : index.rindex(")")])["terms"]
    assert WORD in terms, "the book's dictionary keeps the word whole"


def test_a_rebuild_that_writes_no_page_loads_nothing(book):
    result = build(book, "html")
    assert "no targets are out of date" in result.stdout
    assert JIEBA_LOADED not in result.stderr


def test_a_latex_build_loads_nothing(book):
    result = build(book, "latex")
    assert JIEBA_LOADED not in result.stderr
