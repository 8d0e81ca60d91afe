"""Reference previews follow an incremental build (kexuebook/sphinx/html/ref_previews.py derives them only from the
pages the build wrote): an edited page's previews change, an untouched page's file is not redone."""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from helpers import sphinx_build
from kexuebook.sphinx.html import ref_previews

PAGES = {
    "index": "封面\n====\n\n.. toctree::\n\n   one\n   two\n",
    "one": "第一章\n======\n\n旧的第一段。\n",
    "two": "第二章\n======\n\n第二章的第一段。\n",
}


def build(source: Path, **overrides) -> Path:
    app = SphinxTestApp("html", srcdir=source, confoverrides=overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir) / "_static" / "previews"


def test_an_edited_page_gets_new_previews_and_an_untouched_one_is_not_parsed_again(tmp_path, monkeypatch):
    source = tmp_path / "book"
    source.mkdir()
    (source / "conf.py").write_text("extensions = ['kexuebook.sphinx.html.ref_previews']\n", encoding="utf-8")
    for name, text in PAGES.items():
        (source / f"{name}.rst").write_text(text, encoding="utf-8")
    previews = build(source)
    assert "旧的第一段" in json.loads((previews / "one.json").read_text(encoding="utf-8"))[""]
    before = (previews / "two.json").read_bytes()

    parsed = []
    page_previews = ref_previews.page_previews
    monkeypatch.setattr(ref_previews, "page_previews", lambda html, docname: parsed.append(docname) or page_previews(html, docname))
    (source / "one.rst").write_text("第一章\n======\n\n新的第一段。\n", encoding="utf-8")
    previews = build(source)
    lead = json.loads((previews / "one.json").read_text(encoding="utf-8"))[""]
    assert "新的第一段" in lead and "旧的第一段" not in lead
    assert "one" in parsed and "two" not in parsed, "a page this build did not write is not parsed again"
    assert (previews / "two.json").read_bytes() == before


def test_after_an_edit_no_page_is_rewritten_behind_its_previews(tmp_path):
    """The stylesheet bundle versions its link as Sphinx does, so the pages an edit makes Sphinx
    write already link the right version: none is rewritten after its previews were derived
    (the next build would take it for changed), and a build with nothing changed writes nothing.
    (sphinx-build, not SphinxTestApp: in one process sphinx-book-theme's options read as changed
    config at each build, and Sphinx then writes every page.)"""
    source, site = tmp_path / "book", tmp_path / "html"
    source.mkdir()
    (source / "conf.py").write_text(
        "extensions = ['kexuebook.sphinx.html.ref_previews', 'kexuebook.sphinx.html.css_bundle']\n"
        "html_theme = 'sphinx_book_theme'\nhtml_static_path = ['_static']\n", encoding="utf-8")
    (source / "_static").mkdir()
    (source / "_static" / "book-previews.css").write_text(".book-preview { color: red }\n", encoding="utf-8")
    for name, text in PAGES.items():
        (source / f"{name}.rst").write_text(text, encoding="utf-8")
    sphinx_build("html", source, site)
    (source / "one.rst").write_text("第一章\n======\n\n新的第一段。\n", encoding="utf-8")
    sphinx_build("html", source, site)
    previews = site / "_static" / "previews"
    written = {name: (site / f"{name}.html").stat().st_mtime_ns for name in PAGES}
    for name in PAGES:
        assert (previews / f"{name}.json").stat().st_mtime_ns >= written[name], f"{name}.html was rewritten after its previews"
    sphinx_build("html", source, site)
    assert {name: (site / f"{name}.html").stat().st_mtime_ns for name in PAGES} == written
