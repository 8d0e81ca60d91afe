"""A second build in the same Sphinx application (the live preview's, tools/livehtml.py) writes
pages as the first did: the stylesheet bundle (css_bundle.py) and the deferred scripts
(deferred_scripts.py) leave the builder's own asset lists as they found them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from helpers import ROOT

CONF = f"""
extensions = ['kexuebook.sphinx.html.deferred_scripts', 'kexuebook.sphinx.html.css_bundle']
html_theme = 'kexue'  # the book's child theme, which links no stylesheet of its own
html_theme_path = [{str(ROOT / "_themes")!r}]
"""


def assets(page: Path) -> tuple[Counter, Counter]:
    """How many times the page loads each script and each stylesheet."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    scripts = Counter(tag["src"].split("?")[0] for tag in soup.find_all("script", src=True))
    sheets = Counter(tag["href"].split("?")[0] for tag in soup.find_all("link", rel="stylesheet"))
    return scripts, sheets


def test_a_second_build_in_the_same_application_links_each_asset_once(tmp_path):
    source = tmp_path / "book"
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.rst").write_text("封面\n====\n\n第一段。\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=source)
    try:
        app.build()
        page, bundle = Path(app.outdir) / "index.html", Path(app.outdir) / "_static" / "styles" / "site.css"
        first, first_bundle = assets(page), bundle.read_text(encoding="utf-8")
        assert first[1] == Counter({"_static/styles/site.css": 1}), first[1]
        for build in range(2):
            (source / "index.rst").write_text(f"封面\n====\n\n第{build + 2}段。\n", encoding="utf-8")
            app.build()
            assert f"第{build + 2}段" in page.read_text(encoding="utf-8")
            assert assets(page) == first, "a warm rebuild links the scripts or stylesheets again"
            assert bundle.read_text(encoding="utf-8") == first_bundle, "the bundle took in its own earlier cut"
    finally:
        app.cleanup()
