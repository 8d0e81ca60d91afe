"""The HTML book offers the PDF, but only a current one: never a stale file, never a dead link.

When ``pdf_download_file`` (default ``_build/latex/book.pdf``, what ``make latexpdf`` writes)
exists and is newer than every source file of the book, the HTML build copies it to
``_downloads/book.pdf``, the cover gets a download link and every page's navigation another
(the template variable ``book_pdf``, see _templates/sbt-sidebar-nav.html); otherwise there is no
link and no copy (an old copy is removed).  Whether the PDF is offered is decided before Sphinx
reads the sources; when the answer differs from the previous build's, every page is read and
written again, so an incremental ``make html`` also drops the links as soon as the PDF goes stale.
``make book`` builds the PDF and then the HTML.
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
# Folders of the repository that are not sources of the book (HTML-only assets included).
NOT_SOURCES = {"_build", ".venv", "node_modules", ".git", "tests", "tools", "_static", "seeds", "__pycache__"}
TOP_LEVEL_SUFFIXES = {".py", ".bib", ".toml"}
SOURCE_SUFFIXES = {".md", ".rst", ".py", ".bib", ".toml", ".sty", ".tex", ".txt", ".csv", ".json", ".svg", ".png", ".jpg"}


@dataclass(frozen=True)
class Offer:
    """What the cover offers: the PDF's path and size, or nothing (``path`` is None)."""

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
    return sorted(f for f in files if f.is_file())


def current_offer(app: Sphinx, env: BuildEnvironment) -> Offer:
    pdf = Path(app.srcdir, app.config.pdf_download_file)
    if not pdf.is_file():
        return Offer()
    stat = pdf.stat()
    newest = max((f.stat().st_mtime_ns for f in book_sources(app, env)), default=0)
    if stat.st_mtime_ns <= newest:
        logger.info("pdf_download: %s is older than the sources; the HTML does not offer it", pdf)
        return Offer()
    return Offer(str(pdf), stat.st_size, stat.st_mtime_ns)


def decide(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Decide before reading; re-read every page when the offer changed since the last build."""
    if app.builder.format != "html":
        return []
    offer = current_offer(app, env)
    app._pdf_offer = offer  # type: ignore[attr-defined]
    previous = getattr(env, "pdf_download_offer", None)
    env.pdf_download_offer = offer  # type: ignore[attr-defined]
    return sorted(env.found_docs - changed - added) if previous != offer else []


def add_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    offer: Offer = getattr(app, "_pdf_offer", Offer())
    if app.builder.format != "html" or docname != app.config.root_doc or offer.path is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    here = posixpath.dirname(app.builder.get_target_uri(docname))
    link = nodes.reference("", "下载本书PDF版", refuri=posixpath.relpath(TARGET, here or "."), classes=["pdf-download-link"])
    paragraph = nodes.paragraph("", "", link, nodes.Text(f"（A4，{offer.size / 1e6:.1f} MB，与本网站同一版本）"), classes=["pdf-download"])
    # After the cover's text, before its tables of contents.
    first_toc = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.compound)), len(section.children))
    section.insert(first_toc, paragraph)


def offer_on_every_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The PDF's address from this page and its size in MB, for the navigation's link."""
    offer: Offer = getattr(app, "_pdf_offer", Offer())
    if offer.path is None:
        return
    here = posixpath.dirname(app.builder.get_target_uri(pagename))
    context["book_pdf"] = {"url": posixpath.relpath(TARGET, here or "."), "size": f"{offer.size / 1e6:.1f}"}


def copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    offer: Offer = getattr(app, "_pdf_offer", Offer())
    target = Path(app.outdir, TARGET)
    if offer.path is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(offer.path, target)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Where `make latexpdf` leaves the PDF, relative to the source folder. Changing it rebuilds
    # nothing by itself: the offer is checked on every build.
    app.add_config_value("pdf_download_file", "_build/latex/book.pdf", "", str)
    app.connect("env-get-outdated", decide)
    app.connect("doctree-resolved", add_link)
    app.connect("html-page-context", offer_on_every_page)
    app.connect("build-finished", copy_pdf)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
