"""Derived page data kept by page text (kexuebook/sphinx/html/page_results.py): kept across
builds, and derived on every core when many pages are new."""

from __future__ import annotations

import os
from pathlib import Path

from kexuebook.sphinx.html import page_results
from kexuebook.sphinx.html.page_results import PageResults, page_key

CODE = Path(page_results.__file__)


def words_and_pid(text: str, context: str) -> tuple[str, int]:
    return f"{context}:{len(text.split())}", os.getpid()


def test_a_page_differing_only_in_asset_versions_has_the_same_key():
    page = '<link href="_static/styles/site.css?v=1a2b3c4d" rel="stylesheet"><p>正文</p>'
    assert page_key(page, b"code") == page_key(page.replace("1a2b3c4d", "ffff0000"), b"code")
    assert page_key(page, b"code") != page_key(page.replace("正文", "改了"), b"code")
    assert page_key(page, b"code") != page_key(page, b"other code")


def test_results_are_kept_for_the_next_build_and_many_new_pages_use_every_core(tmp_path, monkeypatch):
    monkeypatch.setattr(page_results.threading, "active_count", lambda: 1)  # as in a sphinx-build process
    pages = [(f"第{n}页 " * n, f"page{n}") for n in range(1, 9)]
    results = PageResults(tmp_path, "words", CODE, words_and_pid)
    derived = results.get_all(pages)
    assert [value for value, _ in derived] == [f"page{n}:{n}" for n in range(1, 9)]
    if (os.cpu_count() or 1) > 1:
        assert {pid for _, pid in derived} - {os.getpid()}, "derived in worker processes"
    results.save()

    def never(text: str, context: str) -> tuple[str, int]:
        raise AssertionError(f"{context} derived again")

    again = PageResults(tmp_path, "words", CODE, never)
    assert again.get_all(pages) == derived
    assert again.get_all(pages[:2]) == derived[:2]
