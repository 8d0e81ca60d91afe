"""The EPUB 3 book: valid (EPUBCheck), the seed word for word, math as MathML, the HTML's numbers.

One EPUB build per session, read from the packed .epub itself (what a reader opens).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import ROOT, normalise, phrases, seed_articles, seed_prose, sphinx_build
from kexuebook.catalog import load_catalog
from kexuebook.importer.render import equation_label

pytestmark = pytest.mark.epub

CATALOG = load_catalog(ROOT / "chapters" / "book.toml")
ARTICLES = seed_articles()
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")  # Debian's epubcheck (make test installs it)
SUMMARY = re.compile(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings")


def xhtml(epub: Path, name: str) -> BeautifulSoup:
    with zipfile.ZipFile(epub) as book:
        return BeautifulSoup(book.read(name).decode("utf-8"), "html.parser")


def chapter_page(epub: Path, chapter) -> BeautifulSoup:
    return xhtml(epub, f"{chapter.docname}.xhtml")


def test_epubcheck_reports_no_error_and_no_warning(epub):
    if not EPUBCHECK.is_file():
        pytest.fail(f"{EPUBCHECK} is missing: `make test` installs Debian's epubcheck")
    result = subprocess.run(["java", "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True)
    output = result.stdout + result.stderr
    summary = SUMMARY.search(output)
    assert summary is not None, output[-2000:]
    assert summary.groups() == ("0", "0", "0"), output[-6000:]
    assert result.returncode == 0


def test_two_builds_in_other_folders_give_the_same_bytes(epub, book_copy, tmp_path):
    """The sources' date (SOURCE_DATE_EPOCH, as conf.py takes it from the last commit) dates the
    EPUB, not the clock; paths do not leak into it."""
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    sphinx_build("epub", book_copy, tmp_path / "epub", doctrees=tmp_path / "doctrees", env={"SOURCE_DATE_EPOCH": epoch})
    assert (tmp_path / "epub" / "book.epub").read_bytes() == epub.read_bytes()


def test_package_metadata(epub):
    with zipfile.ZipFile(epub) as book:
        opf = book.read("content.opf").decode("utf-8")
        cover = re.search(r'<item id="[^"]+" href="([^"]+)" media-type="image/png" properties="cover-image" />', opf)
        assert cover is not None and book.getinfo(cover[1]).file_size > 10_000, "a drawn cover image"
    assert "<dc:language>zh-CN</dc:language>" in opf
    assert "<dc:title>科学空间选读：机器学习八篇注解</dc:title>" in opf
    assert "苏剑林" in re.search(r"<dc:creator>([^<]*)</dc:creator>", opf)[1]
    assert "CC BY-NC-SA 4.0" in re.search(r"<dc:rights>([^<]*)</dc:rights>", opf)[1]
    version = re.search(r'<meta property="ibooks:version">([^<]*)</meta>', opf)[1]
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}", version), version


@pytest.mark.parametrize("chapter", CATALOG.chapters, ids=lambda c: c.slug)
def test_every_seed_phrase_in_order(epub, chapter):
    soup = chapter_page(epub, chapter)
    for hidden in soup.select("math, .headerlink, style"):
        hidden.decompose()
    body = normalise(soup.body.get_text(" "))
    position = 0
    for block in seed_prose(ARTICLES[chapter.slug]):
        for phrase in phrases(block):
            found = body.find(phrase, position)
            assert found >= 0, f"seed phrase missing or out of order: {phrase[:60]}"
            position = found + len(phrase)


def test_math_is_mathml_only(epub):
    with zipfile.ZipFile(epub) as book:
        pages = [name for name in book.namelist() if name.endswith(".xhtml") and name != "nav.xhtml"]
    seen = 0
    for name in pages:
        soup = xhtml(epub, name)
        assert not soup.select(".katex-html"), f"{name}: KaTeX's HTML rendering in the EPUB"
        for math in soup.select("span.math, div.math"):
            assert math.find("math") is not None, f"{name}: math without MathML: {math.get_text()[:60]}"
            shown = BeautifulSoup(str(math), "html.parser")
            for hidden in shown.select("math, .eqno"):
                hidden.decompose()
            assert not shown.get_text(strip=True), f"{name}: raw TeX beside the MathML: {shown.get_text()[:60]}"
            seen += 1
    assert seen > 100, "the book's equations are in the EPUB"


def test_chapters_numbered_1_to_8_and_tagged_seed_equations_keep_their_tags(epub):
    numbers = [chapter_page(epub, c).select_one("h1 .section-number").get_text(strip=True) for c in CATALOG.chapters]
    assert numbers == [f"{n}." for n in range(1, 9)]
    nav = xhtml(epub, "nav.xhtml")
    for chapter in CATALOG.chapters:  # the reader's table of contents numbers them as the pages do
        entry = nav.select_one(f'a[href="{chapter.docname}.xhtml"]')
        assert entry is not None and entry.get_text().startswith(f"{chapter.number}. "), entry
        guide = nav.select_one(f'a[href^="{chapter.docname}.xhtml#"]')
        assert guide is not None and guide.get_text().startswith(f"{chapter.number}.1. "), guide
    chapter = next(c for c in CATALOG.chapters if c.slug == "min-entropy")
    soup = chapter_page(epub, chapter)
    tagged = [b for b in ARTICLES["min-entropy"].blocks if b.tag]
    assert tagged
    for block in tagged:
        node = soup.select_one(f"#equation-{equation_label(chapter, block, 0)}")
        assert node is not None
        assert node.select_one(".eqno").get_text(strip=True) == f"({block.tag})"
    forgetting = next(c for c in CATALOG.chapters if c.slug == "forgetting")
    assert chapter_page(epub, forgetting).select_one(".eqno").get_text(strip=True) == f"({forgetting.number}.1)"


def test_figures_are_svg_and_no_site_additions(epub):
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
    figures = [n for n in names if n.startswith("_images/")]
    assert figures and all(n.endswith(".svg") for n in figures)
    for chapter in CATALOG.chapters:  # each chapter's figure, numbered as in the HTML and the PDF
        page = chapter_page(epub, chapter)
        assert page.select_one("figure img[src$='.svg'], figure object[data$='.svg']") is not None, chapter.slug
        assert page.select_one("figcaption .caption-number").get_text(strip=True) == f"图{chapter.number}.1", chapter.slug  # numfig_format: no space, as in print
    assert "robots.txt" not in names and "404.xhtml" not in names
    cover = xhtml(epub, "index.xhtml")
    assert "下载本书PDF版" not in cover.get_text() and not cover.select('meta[name="description"]')


# -- the HTML book offers the EPUB (pdf_download), on a tiny book ------------------------------------


def _epub_link(outdir: Path):
    cover = BeautifulSoup((outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    return cover.select_one("a.epub-download-link")


def test_html_offers_a_current_epub_and_never_a_stale_or_missing_one(make_app, rootdir, tmp_path):
    source = tmp_path / "book"
    shutil.copytree(rootdir / "test-downloads", source)
    current = tmp_path / "book.epub"
    current.write_bytes(b"PK" + bytes(4096))  # written after the sources: newer than every one
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(b"%PDF-1.7" + bytes(4096))
    settings = {"kexuebook_pdf_file": str(tmp_path / "no.pdf")}

    make_app("html", srcdir=source, confoverrides={"kexuebook_pdf_file": str(pdf), "kexuebook_epub_file": str(current)}).build()
    outdir = source / "_build" / "html"
    link = _epub_link(outdir)
    assert link is not None and "EPUB" in link.get_text()
    assert (outdir / link["href"]).read_bytes() == current.read_bytes()
    cover = BeautifulSoup((outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [next(c for c in a["class"] if c.endswith("-download-link")) for a in cover.select("p.book-download a")] == ["pdf-download-link", "epub-download-link"]

    os.utime(current, (946684800, 946684800))  # 2000-01-01: older than the sources
    make_app("html", srcdir=source, confoverrides={**settings, "kexuebook_epub_file": str(current)}).build()  # incremental
    assert _epub_link(outdir) is None, "a stale EPUB is not offered"
    assert not (outdir / "_downloads" / "book.epub").exists(), "and no stale copy stays in the site"

    make_app("html", srcdir=source, confoverrides={**settings, "kexuebook_epub_file": str(tmp_path / "missing.epub")}).build()
    assert _epub_link(outdir) is None
