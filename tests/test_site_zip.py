"""The site as a zip: `make site-zip`, read from file:// in Chromium, offered on the cover."""

from __future__ import annotations

import os
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import CHAPTER_FACTS, PageWatch

ZIP_NAME = "kexue-reader-html.zip"
CHAPTER = "chapters/losses/focal-loss.html"
QUERY, QUERY_HIT = "自编码器", "chapters/probabilistic-models/vae.html"



@pytest.fixture(scope="module")
def zip_path(site_zip_build) -> Path:
    return site_zip_build / "zip" / ZIP_NAME


@pytest.fixture(scope="module")
def unpacked(zip_path, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target / ZIP_NAME.removesuffix(".zip")


def test_the_zip_holds_the_whole_site_in_one_folder(zip_path, site_zip_build):
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert all(n.startswith("kexue-reader-html/") for n in names)
    inside = {n.removeprefix("kexue-reader-html/") for n in names}
    assert {"index.html", "search.html", "searchindex.js", CHAPTER, "_static/katex/katex.min.css"} <= inside
    assert not [n for n in inside if n.startswith("_downloads/") or n.endswith((".buildinfo", ".pdf", ".zip"))]
    site = site_zip_build / "site"
    built = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != ".buildinfo"}
    assert inside == built


def test_packing_is_reproducible(site_zip_build, tmp_path):
    from tools.site_zip import write_zip

    epoch = 1700000000
    first, second = tmp_path / "a" / ZIP_NAME, tmp_path / "b" / ZIP_NAME
    write_zip(site_zip_build / "site", first, epoch)
    os.utime(site_zip_build / "site" / "index.html")  # a file's own date is not packed
    time.sleep(0.01)
    write_zip(site_zip_build / "site", second, epoch)
    assert first.read_bytes() == second.read_bytes()


def test_packing_a_folder_that_is_not_a_built_site_fails_clearly(tmp_path):
    from tools.site_zip import write_zip

    with pytest.raises(SystemExit, match=r"no index\.html"):
        write_zip(tmp_path, tmp_path / "out" / ZIP_NAME, 0)
    assert not (tmp_path / "out" / ZIP_NAME).exists()


def test_the_zip_offers_no_downloads_of_its_own(unpacked):
    cover = (unpacked / "index.html").read_text(encoding="utf-8")
    assert "_downloads/" not in cover


@pytest.mark.browser
def test_the_unzipped_book_reads_and_searches_from_file_urls(browser, unpacked):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    tab = context.new_page()
    watch = PageWatch(tab, unpacked.as_uri())  # anything not under the unpacked folder is foreign
    base = unpacked.as_uri() + "/"

    tab.goto(base + "index.html", wait_until="load")
    assert tab.evaluate("document.documentElement.lang") == "zh-CN"
    tab.goto(base + CHAPTER, wait_until="load")
    facts = tab.evaluate(CHAPTER_FACTS)
    assert facts["math"] > 0 and facts["untypeset"] == 0 and facts["katexFont"], facts  # (from file:// a page cannot read its stylesheets' rules)
    assert facts["images"] > 0 and not facts["brokenImages"], facts

    tab.goto(f"{base}search.html?q={urllib.parse.quote(QUERY)}", wait_until="load")
    tab.wait_for_function("!document.querySelector('#search-results h2')?.textContent.includes('正在搜索')"
                          " && document.querySelectorAll('#search-results ul.search li').length > 0", timeout=15000)
    links = tab.eval_on_selector_all("#search-results ul.search li > a", "as => as.map(a => a.getAttribute('href'))")
    assert links[0].split("#")[0] == QUERY_HIT, links
    tab.locator("#search-results ul.search li > a").first.click()
    tab.wait_for_url(f"{base}{QUERY_HIT}*")
    assert QUERY in tab.inner_text("article")
    assert not watch.problems, watch.problems
    context.close()


# -- the cover offers the zip only when it is current (the rule of the PDF) -------------------------
def tiny_book(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    (source / "_static").mkdir(parents=True)
    (source / "conf.py").write_text("extensions = ['kexuebook.sphinx.html.pdf_download']\n", encoding="utf-8")
    (source / "index.rst").write_text("Cover\n=====\n\nText.\n\n.. toctree::\n\n   page\n", encoding="utf-8")
    (source / "page.rst").write_text("Page\n====\n\nText.\n", encoding="utf-8")
    return source


def build_cover(source: Path, out: Path, zip_file: Path) -> str:
    app = SphinxTestApp("html", srcdir=source, builddir=out, confoverrides={"kexuebook_site_zip_file": str(zip_file), "kexuebook_pdf_file": ""})
    try:
        app.build()
    finally:
        app.cleanup()
    return (out / "html" / "index.html").read_text(encoding="utf-8")


def test_the_cover_offers_a_current_zip_and_drops_a_stale_one(tmp_path):
    from bs4 import BeautifulSoup

    source = tiny_book(tmp_path)
    zip_file = tmp_path / "made" / ZIP_NAME
    zip_file.parent.mkdir()
    zip_file.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip, newer than every source
    out = tmp_path / "out"
    link = BeautifulSoup(build_cover(source, out, zip_file), "html.parser").select_one("a.zip-download-link")
    assert link is not None and link["href"] == f"_downloads/{ZIP_NAME}"
    assert (out / "html" / link["href"]).read_bytes() == zip_file.read_bytes()
    assert "解压后用浏览器打开" in link.parent.get_text()

    time.sleep(0.01)
    (source / "_static" / "book.css").write_text("p {}\n", encoding="utf-8")  # a site asset changed: the zip is stale
    html = build_cover(source, out, zip_file)
    assert "zip-download-link" not in html and not (out / "html" / "_downloads" / ZIP_NAME).exists()
