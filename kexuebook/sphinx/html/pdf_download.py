"""The HTML book offers the PDF and the EPUB, but only current ones: never a stale file, never a dead link.

For each download (:data:`DOWNLOADS`): when its file (``kexuebook_pdf_file``, default
``_build/latex/book.pdf``, what ``make latexpdf`` writes; ``kexuebook_epub_file``, default
``_build/epub/book.epub``, what ``make epub`` writes) exists and is newer than every source file
of the book, the HTML build copies it to ``_downloads/`` and the cover gets a download link (the PDF also
in every page's navigation: the template variable ``book_pdf``, see _themes/kexue/sbt-sidebar-nav.html);
otherwise there is no link and no copy (an old copy is removed).  What is offered is decided
before Sphinx reads the sources; when the answer differs from the previous build's, every page is
read and written again, so an incremental ``make html`` also drops a link as soon as its file
goes stale.  ``make book`` builds the PDF, the EPUB and the zip, then the HTML.

The site's zip (``kexuebook_site_zip_file``, what ``make site-zip`` writes) is offered by the same rule; it
is made from the HTML too, so the site's own assets, theme and extensions count among its sources.

The PDF names the same files on its imprint page, by their published address (``html_baseurl``),
and only when the build knows that address: see :func:`printed_addresses`.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import is_html_site

logger = logging.getLogger(__name__)

# Folders of the repository that are not sources of the book (HTML-only assets included).
NOT_SOURCES = {"_build", ".venv", "node_modules", ".git", "tests", "tools", "_static", "_themes", "seeds", "__pycache__"}
TOP_LEVEL_SUFFIXES = {".py", ".bib", ".toml"}
SOURCE_SUFFIXES = {".md", ".rst", ".py", ".bib", ".toml", ".sty", ".tex", ".txt", ".csv", ".json", ".svg", ".png", ".jpg"}


@dataclass(frozen=True)
class Download:
    """A file of the book the site offers: where the build finds it and how the cover names it."""

    key: str  # names the link's class: <key>-download-link
    config: str  # the config value naming the file, relative to the source folder
    default: str
    target: str  # where the site serves it, relative to the HTML output folder
    label: str
    kind: str  # what the note after the link says the file is
    extra_sources: tuple[str, ...] = ()  # folders it is also made from (the zip: the site's assets)
    after: str = ""  # what the note says after the size
    printed: str = ""  # its line on the PDF's imprint page, {url} its address ("": not listed there)


DOWNLOADS = (
    Download("pdf", "kexuebook_pdf_file", "_build/latex/book.pdf", "_downloads/book.pdf", "下载本书PDF版", "A4"),
    Download("epub", "kexuebook_epub_file", "_build/epub/book.epub", "_downloads/book.epub", "下载本书EPUB版", "EPUB 3，公式为MathML",
             printed="EPUB版：{url}（EPUB 3，公式为MathML）"),
    Download("zip", "kexuebook_site_zip_file", "_build/zip/kexue-reader-html.zip", "_downloads/kexue-reader-html.zip", "下载网页版", "zip",
             extra_sources=("_static", "_themes", "kexuebook"), after="：解压后用浏览器打开其中的index.html，不联网也能阅读和搜索。",
             printed="网页版压缩包：{url}（解压后用浏览器打开其中的index.html，不联网也能阅读和搜索）"),
)


@dataclass(frozen=True)
class Offer:
    """What the cover offers of one download: its path and size, or nothing (``path`` is None)."""

    path: str | None = None
    size: int = 0
    mtime_ns: int = 0


def book_sources(app: Sphinx, env: BuildEnvironment) -> list[Path]:
    """Every file the PDF is made from: documents, their includes, configuration, extensions."""
    srcdir = Path(app.srcdir)
    files = {Path(env.doc2path(docname)) for docname in env.found_docs}
    files |= {srcdir / dep for deps in env.dependencies.values() for dep in deps}
    files |= {Path(app.confdir) / "conf.py"}
    files |= {Path(app.confdir) / name for name in app.config.latex_additional_files}
    # Everything else under the source folder: included files (also before any build has recorded
    # them), figure scripts, data, the catalog, the extensions and the packages they import; but
    # at the top level only the book's pages, conf.py and references.bib (not README.md,
    # package.json, requirements*.txt ...).
    for folder, dirnames, filenames in os.walk(srcdir):
        dirnames[:] = [d for d in dirnames if d not in NOT_SOURCES and not d.startswith(".")]
        for name in filenames:
            path = Path(folder) / name
            if path.suffix not in SOURCE_SUFFIXES:
                continue
            if Path(folder) == srcdir and path.suffix not in TOP_LEVEL_SUFFIXES and path.stem not in env.found_docs:
                continue
            files.add(path)
    # A dependency outside the sources is a build product (a figure the plot directive drew into the
    # build folder): drawn during this very build, it would make every download look stale.
    inside = srcdir.resolve()
    return sorted(f for f in files if f.is_file() and _is_source(f.resolve(), inside))


def _is_source(path: Path, srcdir: Path) -> bool:
    return srcdir in path.parents and not NOT_SOURCES.intersection(path.relative_to(srcdir).parts[:-1])


def current_offers(app: Sphinx, env: BuildEnvironment) -> tuple[Offer, ...]:
    """One offer per download (in :data:`DOWNLOADS`' order); the sources are listed once."""
    sources: list[Path] | None = None
    offers = []
    for download in DOWNLOADS:
        value = getattr(app.config, download.config)
        path = Path(app.srcdir, value)
        if not value or not path.is_file():
            offers.append(Offer())
            continue
        if sources is None:
            sources = book_sources(app, env)
        extra = [p for folder in download.extra_sources for p in Path(app.srcdir, folder).rglob("*") if p.is_file()]
        newest = max((f.stat().st_mtime_ns for f in [*sources, *extra]), default=0)
        stat = path.stat()
        if stat.st_mtime_ns <= newest:
            logger.info("pdf_download: %s is older than the sources; the HTML does not offer it", path)
            offers.append(Offer())
        else:
            offers.append(Offer(str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(offers)


def decide(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Decide before reading; re-read every page when the offers changed since the last build."""
    if not is_html_site(app.builder):
        return []
    offers = current_offers(app, env)
    app._download_offers = offers  # type: ignore[attr-defined]
    previous = getattr(env, "download_offers", None)
    env.download_offers = offers  # type: ignore[attr-defined]
    return sorted(env.found_docs - changed - added) if previous != offers else []


def _offers(app: Sphinx) -> tuple[Offer, ...]:
    return getattr(app, "_download_offers", ()) or tuple(Offer() for _ in DOWNLOADS)


def add_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not is_html_site(app.builder) or docname != app.config.root_doc:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    here = posixpath.dirname(app.builder.get_target_uri(docname))
    # After the cover's text, before its tables of contents.
    at = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.compound)), len(section.children))
    for download, offer in zip(DOWNLOADS, _offers(app), strict=True):
        if offer.path is None:
            continue
        href = posixpath.relpath(download.target, here or ".")
        link = nodes.reference("", download.label, refuri=href, classes=[f"{download.key}-download-link"])
        note = nodes.Text(f"（{download.kind}，{offer.size / 1e6:.1f} MB，与本网站同一版本）{download.after}")
        section.insert(at, nodes.paragraph("", "", link, note, classes=[f"{download.key}-download", "book-download"]))
        at += 1


def offer_on_every_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The PDF's address from this page and its size in MB, for the navigation's link."""
    pdf = next(offer for download, offer in zip(DOWNLOADS, _offers(app), strict=True) if download.key == "pdf")
    if pdf.path is None or not is_html_site(app.builder):
        return
    # The page's own pathto: relative, but absolute from the book's address on the 404 page
    # (sphinx-notfound-page's, set before this hook), which is served at any depth.
    target = next(download.target for download in DOWNLOADS if download.key == "pdf")
    context["book_pdf"] = {"url": context["pathto"](target, resource=True), "size": f"{pdf.size / 1e6:.1f}"}


def tex_url(url: str) -> str:
    """``\\url{…}`` inside a macro's definition: only ``%`` and ``#`` need their backslash there."""
    if any(c in url for c in "\\{}") or any(c.isspace() for c in url):
        raise ValueError(f"pdf_download: html_baseurl {url!r} holds a character an address cannot hold unescaped")
    return r"\url{" + url.replace("%", r"\%").replace("#", r"\#") + "}"


def printed_addresses(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The PDF's imprint page names the book's address and the files published with it.

    A PDF can link only an absolute address: with ``html_baseurl`` (the host's build, see
    site_address.py) the imprint page lists the web book and each download that is current now
    (:func:`current_offers`, the HTML's own rule).  ``make book`` and the hosts build the EPUB and
    the zip before the PDF and the HTML after it, from the same sources: the HTML then offers
    exactly what the PDF names.  Without an address the page names nothing (no dead link, no
    local path).  ``\\bookonline`` is printed by ``\\bookimprintpage`` (latex/kexuebook.sty)."""
    if app.builder.name != "latex" or docname != app.config.root_doc or not app.config.html_baseurl:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    base = app.config.html_baseurl.rstrip("/") + "/"
    lines = [rf"本书网页版：{tex_url(base)}\par"]
    for download, offer in zip(DOWNLOADS, current_offers(app, app.env), strict=True):
        if offer.path is not None and download.printed:
            lines.append(download.printed.format(url=tex_url(base + download.target)) + r"\par")
    section.insert(1, nodes.raw("", "\\renewcommand{\\bookonline}{%\n" + "\n".join(lines) + "}\n", format="latex"))


def copy_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_html_site(app.builder):
        return
    for download, offer in zip(DOWNLOADS, _offers(app), strict=True):
        target = Path(app.outdir, download.target)
        if offer.path is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(offer.path, target)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Where `make latexpdf` and `make epub` leave the files, relative to the source folder.
    # Changing them rebuilds nothing by itself: the offers are checked on every build.
    for download in DOWNLOADS:
        app.add_config_value(download.config, download.default, "", str)
    app.connect("env-get-outdated", decide)
    app.connect("doctree-resolved", add_links)
    app.connect("doctree-resolved", printed_addresses)
    app.connect("html-page-context", offer_on_every_page)
    app.connect("build-finished", copy_downloads)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
