"""page_meta: a page title is text in every place the theme prints it (a tiny Sphinx project)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

CONF = """
extensions = ["myst_parser", "kexuebook.sphinx.html.page_meta"]
html_theme = "sphinx_book_theme"
"""


def test_a_title_with_markup_characters_stays_text(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").write_text("# 当 a\\<b\\> 且 c\\&d 时\n\n正文。\n", encoding="utf-8")  # escaped: text, as seed titles are
    app = SphinxTestApp("html", srcdir=source, builddir=tmp_path / "out")
    try:
        app.build()
    finally:
        app.cleanup()
    soup = BeautifulSoup((tmp_path / "out" / "html" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("b") is None, "the title's <b> became an element"
    assert soup.select_one("#jb-print-docs-body h1").get_text() == "当 a<b> 且 c&d 时"
