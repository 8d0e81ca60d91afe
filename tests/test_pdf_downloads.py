"""The PDF names the EPUB and the site zip like the HTML offers them: by their published address,
only when the build knows that address, and only files the site will really serve.

A tiny printed book (tests/roots/test-pdf-downloads: the book's kexuebook.sty, latex_structure
and pdf_download) is built with Sphinx's LaTeX builder and xelatex; what a reader sees is read from
the PDF: its text (pdftotext) and its link annotations (pypdf).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import ROOT

pytestmark = pytest.mark.pdf

# A 1×1 grey PNG.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
                    "0000000a49444154789c636800000082008177cd72b60000000049454e44ae426082")
BASE = "https://example.org/~editor/kexue%20reader/"  # a tilde and an escaped space: the TeX must keep both


def build_pdf(make_app, source: Path, **settings: str) -> Path:
    app = make_app("latex", srcdir=source, freshenv=True, confoverrides=settings)
    app.build()
    clean = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "LATEXOPTS", "LATEXMKOPTS"}}
    result = subprocess.run(["make", "all-pdf"], cwd=app.outdir, capture_output=True, text=True, env=clean)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return Path(app.outdir) / "book.pdf"


def imprint_text(pdf: Path) -> str:
    """The text of the page after the title page (the imprint page), as pdftotext reads it."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())


def link_targets(pdf: Path) -> list[str]:
    """The URIs of the PDF's link annotations in order, each once (a link broken across lines is
    one annotation per line)."""
    uris = []
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                uris.append(str(action["/URI"]))
    return list(dict.fromkeys(uris))


@pytest.fixture
def source(rootdir, tmp_path) -> Path:
    book = Path(shutil.copytree(rootdir / "test-pdf-downloads", tmp_path / "book"))
    (book / "latex").mkdir()
    shutil.copy2(ROOT / "latex" / "kexuebook.sty", book / "latex")  # the book's own style, as it is
    return book


def test_with_an_address_the_imprint_page_links_the_book_and_each_current_download(make_app, source, tmp_path):
    stale_zip = tmp_path / "site.zip"
    stale_zip.write_bytes(b"PK" + bytes(4096))
    os.utime(stale_zip, (946684800, 946684800))  # 2000-01-01: older than the sources, the site will not serve it
    # A figure drawn into a folder outside the sources during the build (as the plot directive does)
    # is a build product, newer than the EPUB: it must not make the EPUB look stale.
    drawn = tmp_path / "plot_directive" / "figure.png"
    with (source / "chapter.rst").open("a", encoding="utf-8") as chapter:
        chapter.write(f"\n.. image:: {os.path.relpath(drawn, source)}\n")
    epub = tmp_path / "book.epub"
    epub.write_bytes(b"PK" + bytes(4096))  # written after the sources: current
    drawn.parent.mkdir()
    drawn.write_bytes(PNG)
    pdf = build_pdf(make_app, source, html_baseurl=BASE, kexuebook_epub_file=str(epub), kexuebook_site_zip_file=str(stale_zip), kexuebook_pdf_file="")

    assert link_targets(pdf) == [BASE, BASE + "_downloads/book.epub"]
    text = imprint_text(pdf)
    assert f"本书网页版：{BASE}" in text
    assert f"EPUB版：{BASE}_downloads/book.epub（EPUB3，公式为MathML）" in text
    assert "zip" not in text and "这本小书只有一章。" in text  # the colophon is still there
    assert "网页上的封面文字" not in text  # the web cover's text stays out of print


def test_with_an_address_and_a_current_zip_the_zip_is_linked_too(make_app, source, tmp_path):
    site_zip = tmp_path / "site.zip"
    site_zip.write_bytes(b"PK" + bytes(4096))
    pdf = build_pdf(make_app, source, html_baseurl=BASE.rstrip("/"), kexuebook_epub_file="", kexuebook_site_zip_file=str(site_zip), kexuebook_pdf_file="")
    assert link_targets(pdf) == [BASE, BASE + "_downloads/kexue-reader-html.zip"]
    assert f"网页版压缩包：{BASE}_downloads/kexue-reader-html.zip（解压后用浏览器打开其中的index.html，不联网也能阅读和搜索）" in imprint_text(pdf)


def test_without_an_address_the_pdf_names_no_download(make_app, source, tmp_path):
    epub = tmp_path / "book.epub"
    epub.write_bytes(b"PK" + bytes(4096))  # current, but the build does not know where it is published
    pdf = build_pdf(make_app, source, html_baseurl="", kexuebook_epub_file=str(epub), kexuebook_pdf_file="")
    assert link_targets(pdf) == []
    text = imprint_text(pdf)
    assert "这本小书只有一章。" in text
    assert not [word for word in ("EPUB", "网页版", "_downloads", "http", str(tmp_path)) if word in text]
