"""Reference previews follow an incremental build (kexuebook/sphinx/html/ref_previews.py derives them only from the
pages the build wrote): an edited page's previews change, an untouched page's file is not redone."""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from helpers import sphinx_build
from kexuebook.sphinx.html import css_bundle, ref_previews

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


def write_bundled_book(source: Path) -> None:
    """The pages with the previews and the stylesheet bundle, on the book's theme."""
    source.mkdir()
    (source / "conf.py").write_text(
        "extensions = ['kexuebook.sphinx.html.ref_previews', 'kexuebook.sphinx.html.css_bundle']\n"
        "html_theme = 'sphinx_book_theme'\nhtml_static_path = ['_static']\n", encoding="utf-8")
    (source / "_static").mkdir()
    (source / "_static" / "book-previews.css").write_text(".book-preview { color: red }\n", encoding="utf-8")
    for name, text in PAGES.items():
        (source / f"{name}.rst").write_text(text, encoding="utf-8")


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


def test_after_an_edit_a_build_with_nothing_changed_writes_no_page_and_no_preview(tmp_path):
    """The stylesheet bundle versions its link as Sphinx does, so the pages an edit makes Sphinx
    write already link the right version, and a build with nothing changed writes nothing: no
    page, no preview file.
    (sphinx-build, not SphinxTestApp: in one process sphinx-book-theme's options read as changed
    config at each build, and Sphinx then writes every page.)"""
    source, site = tmp_path / "book", tmp_path / "html"
    write_bundled_book(source)
    sphinx_build("html", source, site)
    (source / "one.rst").write_text("第一章\n======\n\n新的第一段。\n", encoding="utf-8")
    sphinx_build("html", source, site)
    previews = site / "_static" / "previews"
    assert "新的第一段" in json.loads((previews / "one.json").read_text(encoding="utf-8"))[""]
    written = {path: path.stat().st_mtime_ns for name in PAGES for path in (site / f"{name}.html", previews / f"{name}.json")}
    sphinx_build("html", source, site)
    assert {path: path.stat().st_mtime_ns for path in written} == written


def test_a_rebuild_after_a_cold_build_parses_no_page_again(tmp_path, monkeypatch):
    """A cold build writes the pages before the stylesheet bundle exists, and the bundle's cut then
    writes its version into every page's link, after the previews were derived.  Those pages are
    newer than their previews but hold the same text: the next build parses none of them (it
    parsed every page when freshness was read from the files' times)."""
    source = tmp_path / "book"
    write_bundled_book(source)
    previews = build(source)
    site = previews.parent.parent
    links = [css_bundle.BUNDLE_LINK.search((site / f"{name}.html").read_text(encoding="utf-8")) for name in PAGES]
    assert all(link and link.group(2) for link in links), "every page links the bundle with its version"
    before = {name: (previews / f"{name}.json").read_bytes() for name in PAGES}

    parsed = []
    page_previews = ref_previews.page_previews
    monkeypatch.setattr(ref_previews, "page_previews", lambda html, docname: parsed.append(docname) or page_previews(html, docname))
    previews = build(source)
    assert parsed == []
    assert {name: (previews / f"{name}.json").read_bytes() for name in PAGES} == before
