"""A rebuild's search index keeps the index entries of the pages it did not write
(kexuebook/sphinx/html/search_index_entries.py; Sphinx lost them: sphinx-doc/sphinx issue 12599).
A tiny project (tests/roots/test-search-index-entries: two chapters with index entries) built by
sphinx.testing, then rebuilt in a new application after one chapter is edited."""

from __future__ import annotations

import json

import pytest


def index_entries(app) -> dict:
    text = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    frozen = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))
    return {entry: [(frozen["docnames"][doc], target, main) for doc, target, main in places] for entry, places in frozen["indexentries"].items()}


@pytest.mark.sphinx("html", testroot="search-index-entries", freshenv=True)
def test_a_rebuild_keeps_the_index_entries_of_the_pages_it_did_not_write(app, make_app, tmp_path):
    app.build()
    cold = index_entries(app)
    assert {entry: [doc for doc, _, _ in places] for entry, places in cold.items()} == {"信息瓶颈": ["one"], "dropout": ["one"], "变分自编码器": ["two"]}
    two = app.srcdir / "two.rst"
    two.write_text(two.read_text(encoding="utf-8").replace("第二章讲变分自编码器。", "第二章又加了一句。"), encoding="utf-8")
    again = make_app("html", srcdir=app.srcdir)  # a new process, as the next make html is
    again.build()
    assert "又加了一句" in (again.outdir / "two.html").read_text(encoding="utf-8")
    assert index_entries(again) == cold
    # the same bytes as a cold build of the edited sources (no word left behind with no page)
    fresh = make_app("html", srcdir=app.srcdir, builddir=tmp_path / "fresh")
    fresh.build()
    assert (again.outdir / "searchindex.js").read_text(encoding="utf-8") == (fresh.outdir / "searchindex.js").read_text(encoding="utf-8")
