"""page_meta with sphinxext-opengraph and sphinx-notfound-page, on a tiny book (tests/roots/test-page-meta)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

PAGES = ["index", "qa/index", "qa/chapter"]


def soup(outdir: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def meta(page: BeautifulSoup, **attrs) -> str | None:
    tag = page.find("meta", attrs=attrs)
    return tag["content"] if tag else None


@pytest.mark.sphinx("html", testroot="page-meta")
def test_titles_and_descriptions_are_escaped_once(app):
    app.build()
    assert app.warning.getvalue() == ""
    outdir = Path(app.outdir)
    for name in PAGES:
        raw = (outdir / f"{name}.html").read_text(encoding="utf-8")
        assert "&amp;amp;" not in raw and "&amp;lt;" not in raw, name
        page = soup(outdir, name)
        assert meta(page, property="og:title") == page.title.get_text().split(" — ")[0], name
        assert meta(page, property="og:description") == meta(page, name="description"), name
        assert meta(page, property="og:site_name") == "小书", name
    chapter, part = soup(outdir, "qa/chapter"), soup(outdir, "qa/index")
    assert meta(chapter, property="og:title") == "第一章 a<b> & c"
    assert meta(chapter, name="description") == '这一章讲Q&A与"引号"。'  # the guide, in Chinese
    assert meta(part, name="description") == "问答 Q&A：第一章 a<b> & c。"  # a table of contents
    assert meta(soup(outdir, "index"), property="og:type") == "book"
    assert meta(chapter, property="og:type") == "article"


def local_targets(page: BeautifulSoup) -> list[str]:
    """Every address the page loads or links to, except in-page anchors."""
    refs = [tag.get("href") or tag.get("src") for tag in page.find_all(["a", "link", "script", "img"])]
    return [ref for ref in refs if ref and not ref.startswith(("#", "mailto:", "data:"))]


ADDRESS = "https://example.org/some/book/"


@pytest.mark.parametrize("address", [
    pytest.param("", marks=pytest.mark.sphinx("html", testroot="page-meta", srcdir="page-meta-at-root"), id="site-root"),
    pytest.param(ADDRESS, marks=pytest.mark.sphinx("html", testroot="page-meta", srcdir="page-meta-at-address",
                                                   confoverrides={"html_baseurl": ADDRESS}), id="html_baseurl"),
])
def test_the_404_page_works_at_any_depth(app, address):
    """Shown for a missing address deep in the site, the 404 page's styles, scripts and links
    all reach files of the book: under its address (html_baseurl), or at the site's root."""
    app.build()
    assert app.warning.getvalue() == ""
    outdir = Path(app.outdir)
    page = soup(outdir, "404")
    assert page.title.get_text().startswith("页面未找到")
    assert page.select_one("article h1").get_text() == "页面未找到"
    root = address or "https://example.org/"
    missing = urljoin(root, "chapters/deep/no-such-page.html")
    targets = local_targets(page)
    assert any("回到封面" in a.get_text() for a in page.select("article a")), "the page links the cover"
    for ref in targets:
        url = urljoin(missing, ref)
        assert url.startswith(root), (ref, url)
        path = urlsplit(url).path[len(urlsplit(root).path):] or "index.html"
        assert (outdir / path).is_file(), (ref, url)
    # Outside every toctree: no page of the book links it.
    for name in PAGES:
        assert not [ref for ref in local_targets(soup(outdir, name)) if "404" in ref], name
