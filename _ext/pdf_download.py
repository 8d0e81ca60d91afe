"""The HTML book offers the PDF, but only a current one: never a stale file, never a dead link.

When ``pdf_download_file`` (default ``_build/latex/book.pdf``, what ``make latexpdf`` writes)
exists and is newer than every source file of the book, the HTML build copies it to
``_downloads/book.pdf``, the cover gets a download link and every page's navigation another
(the template variable ``book_pdf``, see _templates/sbt-sidebar-nav.html); otherwise there is no
link and no copy (an old copy is removed).  Whether the PDF is offered is decided before Sphinx
reads the sources; when the answer differs from the previous build's, every page is read and
written again, so an incremental ``make html`` also drops the links as soon as the PDF goes stale.
``make book`` builds the PDF and then the HTML.

The site's zip (``site_zip_file``, what ``make site-zip`` writes) is offered beside it by the same
rule, as ``_downloads/kexue-reader-html.zip``; it is made from the HTML too, so the site's own
assets and templates count among its sources.
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

logger = logging.getLogger(__name__)

TARGET = "_downloads/book.pdf"  # where the site serves it, relative to the HTML output folder
ZIP_TARGET = "_downloads/kexue-reader-html.zip"
HTML_ONLY_SOURCES = ("_static", "_templates", "_ext")  # what the zip is made from besides the PDF's sources
# Folders of the repository that are not sources of the book (HTML-only assets included).
NOT_SOURCES = {"_build", ".venv", "node_modules", ".git", "tests", "tools", "_static", "seeds", "__pycache__"}
TOP_LEVEL_SUFFIXES = {".py", ".bib", ".toml"}
SOURCE_SUFFIXES = {".md", ".rst", ".py", ".bib", ".toml", ".sty", ".tex", ".txt", ".csv", ".json", ".svg", ".png", ".jpg"}


@dataclass(frozen=True)
class Offer:
    """One file the cover offers: its path and size, or nothing (``path`` is None)."""

    path: str | None = None
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True)
class Offers:
    pdf: Offer = Offer()
    zip: Offer = Offer()


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
    return sorted(f for f in files if f.is_file())


def html_sources(app: Sphinx) -> list[Path]:
    return sorted(p for folder in HTML_ONLY_SOURCES for p in Path(app.srcdir, folder).rglob("*") if p.is_file())


def current_file(path: str, sources: list[Path]) -> Offer:
    """``path`` if it exists and is newer than every source, else no offer."""
    if not path or not Path(path).is_file():
        return Offer()
    stat = Path(path).stat()
    newest = max((f.stat().st_mtime_ns for f in sources), default=0)
    if stat.st_mtime_ns <= newest:
        logger.info("pdf_download: %s is older than the sources; the HTML does not offer it", path)
        return Offer()
    return Offer(str(path), stat.st_size, stat.st_mtime_ns)


def current_offer(app: Sphinx, env: BuildEnvironment) -> Offers:
    sources = book_sources(app, env)
    files = {name: str(Path(app.srcdir, value)) if value else "" for name, value in
             (("pdf", app.config.pdf_download_file), ("zip", app.config.site_zip_file))}
    return Offers(pdf=current_file(files["pdf"], sources), zip=current_file(files["zip"], sources + html_sources(app)))


def decide(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Decide before reading; re-read every page when the offer changed since the last build."""
    if app.builder.format != "html":
        return []
    offer = current_offer(app, env)
    app._pdf_offer = offer  # type: ignore[attr-defined]
    previous = getattr(env, "pdf_download_offer", None)
    env.pdf_download_offer = offer  # type: ignore[attr-defined]
    return sorted(env.found_docs - changed - added) if previous != offer else []


def _download(target: str, here: str, label: str, note: str, kind: str) -> nodes.paragraph:
    link = nodes.reference("", label, refuri=posixpath.relpath(target, here or "."), classes=[f"{kind}-download-link"])
    return nodes.paragraph("", "", link, nodes.Text(note), classes=[f"{kind}-download"])


def add_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    offers: Offers = getattr(app, "_pdf_offer", Offers())
    if app.builder.format != "html" or docname != app.config.root_doc:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    here = posixpath.dirname(app.builder.get_target_uri(docname))
    paragraphs = []
    if offers.pdf.path is not None:
        paragraphs.append(_download(TARGET, here, "下载本书PDF版", f"（A4，{offers.pdf.size / 1e6:.1f} MB，与本网站同一版本）", "pdf"))
    if offers.zip.path is not None:
        note = f"（zip，{offers.zip.size / 1e6:.1f} MB，与本网站同一版本）：解压后用浏览器打开其中的index.html，不联网也能阅读和搜索。"
        paragraphs.append(_download(ZIP_TARGET, here, "下载网页版", note, "zip"))
    # After the cover's text, before its tables of contents.
    first_toc = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.compound)), len(section.children))
    section[first_toc:first_toc] = paragraphs


def offer_on_every_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The PDF's address from this page and its size in MB, for the navigation's link."""
    offer = getattr(app, "_pdf_offer", Offers()).pdf
    if offer.path is None:
        return
    # The page's own pathto: relative, but absolute from the book's address on the 404 page
    # (sphinx-notfound-page's, set before this hook), which is served at any depth.
    context["book_pdf"] = {"url": context["pathto"](TARGET, resource=True), "size": f"{offer.size / 1e6:.1f}"}


def copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    offers: Offers = getattr(app, "_pdf_offer", Offers())
    for offer, where in ((offers.pdf, TARGET), (offers.zip, ZIP_TARGET)):
        target = Path(app.outdir, where)
        if offer.path is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(offer.path, target)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Where `make latexpdf` leaves the PDF, relative to the source folder. Changing it rebuilds
    # nothing by itself: the offer is checked on every build.
    app.add_config_value("pdf_download_file", "_build/latex/book.pdf", "", str)
    app.add_config_value("site_zip_file", "_build/zip/kexue-reader-html.zip", "", str)  # `make site-zip`
    app.connect("env-get-outdated", decide)
    app.connect("doctree-resolved", add_link)
    app.connect("html-page-context", offer_on_every_page)
    app.connect("build-finished", copy_pdf)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
