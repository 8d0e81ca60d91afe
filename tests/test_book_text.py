"""Book-level text from the catalog: the subtitle and the cover count the chapters book.toml lists.

The whole flow (a ninth article, then the cover, the HTML title and the PDF's \\booksubtitle say
九) is in test_editor_workflow.py; here the pieces: numerals, the subtitle, the {book} role.
"""

from __future__ import annotations

import dataclasses

import pytest

from helpers import ROOT
from kexuebook.catalog import load_catalog
from kexuebook.importer.numerals import chinese_numeral


@pytest.mark.parametrize(
    "n, text",
    [(1, "一"), (8, "八"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"), (100, "一百"), (101, "一百零一"),
     (110, "一百一十"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (2019, "二千零一十九"), (10000, "一万"),
     (10001, "一万零一"), (12345, "一万二千三百四十五"), (100000, "十万")],
)
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


@pytest.mark.parametrize("n, text", [(2, "两"), (12, "十二"), (22, "二十二"), (200, "两百"), (2000, "两千"), (8, "八")])
def test_a_count_before_a_measure_word_says_liang(n, text):
    assert chinese_numeral(n, count=True) == text


def test_the_subtitle_counts_the_chapters():
    book = load_catalog(ROOT / "chapters" / "book.toml")
    assert book.subtitle == f"机器学习{chinese_numeral(len(book.chapters))}篇注解"
    nine = dataclasses.replace(book, chapters=(*book.chapters, book.chapters[0]))
    assert nine.subtitle == "机器学习九篇注解" and nine.full_title == "科学空间选读：机器学习九篇注解"
    assert dataclasses.replace(book, subtitle_form="").full_title == "科学空间选读"

