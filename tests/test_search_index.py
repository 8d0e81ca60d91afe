"""The search index as built: glossary names as synonyms, the search page's data, bad glossary input.

The browser tests (test_browser_search.py) prove what a reader finds; these read the built files.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from conftest import NO_PDF
from helpers import ROOT, sphinx_build


def search_index(html_dir) -> dict:
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def pages_of(index: dict, word: str) -> set[str]:
    found = index["terms"].get(word, [])
    return {index["docnames"][i] for i in ([found] if isinstance(found, int) else found)}


def test_a_chapter_is_indexed_under_every_name_of_a_term_it_uses(html_dir):
    """The focal-loss chapter says "focal loss", never 焦点损失: it is found by both."""
    chapter = "chapters/losses/focal-loss"
    text = (html_dir / f"{chapter}.html").read_text(encoding="utf-8")
    article = BeautifulSoup(text, "html.parser").select_one("article").get_text()
    assert "焦点" not in article  # the synonym comes from the glossary, not from the page
    index = search_index(html_dir)
    assert chapter in pages_of(index, "焦点") and chapter in pages_of(index, "损失")


def test_the_search_page_carries_the_dictionary_and_the_reading_order(html_dir):
    page = BeautifulSoup((html_dir / "search.html").read_text(encoding="utf-8"), "html.parser")
    data = json.loads(page.select_one("script#book-search-data").string)
    dictionary = [line.split()[0] for line in (ROOT / "kexuebook" / "sphinx" / "html" / "zh-search-dict.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert data["dictionary"] == dictionary
    assert data["order"][0] == "index" and len(data["order"]) == len(set(data["order"]))
    chapters = [d for d in data["order"] if data["kinds"].get(d) == "chapter"]
    assert len(chapters) == 8 and chapters[0].endswith("/mango")
    focal = next(e for e in data["glossary"] if e["names"][0] == "focal loss")
    assert focal["names"] == ["focal loss", "焦点损失"] and "chapters/losses/focal-loss" in focal["pages"]


def test_a_glossary_entry_without_its_other_name_stops_the_build(synthetic_book, tmp_path):
    """On the small synthetic book, which carries the book's glossary and its check."""
    glossary = synthetic_book / "glossary.md"
    text = glossary.read_text(encoding="utf-8")
    broken = text.replace("  generative model。", "  学习数据分布本身的模型，", 1)
    assert broken != text
    glossary.write_text(broken, encoding="utf-8")
    with pytest.raises(AssertionError) as failure:
        sphinx_build("html", synthetic_book, tmp_path / "html", *NO_PDF)
    message = str(failure.value)
    assert re.search(r"glossary\.md:\d+: WARNING: glossary term '生成模型': expected its definition to open with", message), message[-2000:]
