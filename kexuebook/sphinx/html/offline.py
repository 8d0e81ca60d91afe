"""HTML: the book reads offline after one visit, and installs on a phone like an app.

After the HTML build this writes into the site:

- ``sw.js``, the service worker (``service-worker.js`` beside this module) with its precache list: every page
  and every file the pages load (see :mod:`precache`), each with a hash of its bytes, and a cache
  version hashed from that list;
- ``manifest.webmanifest`` (name, language, colours, icons) and the icons, rendered with CairoSVG
  from ``html_favicon`` at the sizes phones ask for; the theme colour is the favicon's own
  background colour.

Every page gets ``<link rel="manifest">`` and ``<meta name="theme-color">``, and loads
``_static/offline.js``, which registers the worker (over http(s) only: a page opened from a
``file://`` folder has no service worker).  All addresses are relative: the book works at any
base path.

The live preview sets ``kexuebook_offline_worker = False``: a worker serving stored pages would show the
editor the page before the edit.  Such a build loads no registration script and writes a retiring
``sw.js`` instead, which deletes the book's caches and unregisters itself, so that a worker left
at the same address by an earlier build steps down at the next page load.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from html import escape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.html import precache
from kexuebook.sphinx.html.page_results import PageResults
from kexuebook.sphinx.html.precache import Entry, cache_version, page_urls, precache_entries
from kexuebook.sphinx.outputs import writes_html_pages

logger = logging.getLogger(__name__)

WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
ICON_SIZES = (192, 512)  # what Android asks of an installable web app
ICON_DIR = "_static/icons"
TEMPLATE = Path(__file__).with_name("service-worker.js")
RETIRING_WORKER = """\
/* The book's service worker, retired: this build (a live preview) reads from the server only. */
"use strict";
const PREFIX = `kexue-reader ${new URL("./", self.location.href).href} `;
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(PREFIX)).map((name) => caches.delete(name))))
      .then(() => self.registration.unregister()),
  );
});
"""
BACKGROUND = "#ffffff"
FIRST_FILL = re.compile(r'<rect\b[^>]*\bfill="(#[0-9a-fA-F]{3,8})"')


def favicon(app: Sphinx) -> Path:
    path = Path(app.confdir, app.config.html_favicon or "")
    if not path.is_file() or path.suffix != ".svg":
        raise ExtensionError(f"offline: html_favicon must name an SVG file (the app icons are drawn from it), not {path}")
    return path


def theme_colour(svg: str, path: Path) -> str:
    match = FIRST_FILL.search(svg)
    if match is None:
        raise ExtensionError(f'{path}: expected a <rect fill="#rrggbb"> background (the app\'s theme colour)')
    return match.group(1).lower()


def short_name(title: str) -> str:
    """The title before its subtitle (科学空间选读：… → 科学空间选读), for the home screen."""
    return re.split(r"[：:]", title, maxsplit=1)[0].strip()


def icon_paths() -> list[str]:
    return [f"{ICON_DIR}/icon-{size}.png" for size in ICON_SIZES]


def write_icons(svg: bytes, outdir: Path, kept: Path | None = None) -> None:
    """The app icons drawn from the favicon; drawn once per favicon when ``kept`` (a folder outside
    the site) holds them: cairo is then not even imported (0.2 s of every build's start)."""
    for size, path in zip(ICON_SIZES, icon_paths(), strict=True):
        target = outdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        drawn = kept / f"{hashlib.sha256(svg).hexdigest()[:16]}-{size}.png" if kept else None
        if drawn is not None and drawn.is_file():
            target.write_bytes(drawn.read_bytes())
            continue
        import cairosvg  # only when drawn: see above

        png = cairosvg.svg2png(bytestring=svg, output_width=size, output_height=size)
        target.write_bytes(png)
        if drawn is not None:  # whole or not at all: a build stopped here keeps no half icon
            drawn.parent.mkdir(parents=True, exist_ok=True)
            drawn.with_suffix(".tmp").write_bytes(png)
            drawn.with_suffix(".tmp").replace(drawn)


def web_manifest(app: Sphinx, colour: str) -> dict:
    title = app.config.html_title or app.config.project
    return {
        "name": title,
        "short_name": short_name(title),
        "lang": (app.config.language or "").replace("_", "-"),
        "dir": "ltr",
        "start_url": f"{app.config.root_doc}.html",
        "scope": "./",
        "display": "standalone",
        "theme_color": colour,
        "background_color": BACKGROUND,
        "icons": [{"src": path, "sizes": f"{size}x{size}", "type": "image/png"} for size, path in zip(ICON_SIZES, icon_paths(), strict=True)]
        + [{"src": f"_static/{favicon(app).name}", "sizes": "any", "type": "image/svg+xml"}],
    }


def worker_source(entries: list[Entry]) -> str:
    listing = "[\n" + ",\n".join(json.dumps([e.path, e.revision], ensure_ascii=False) for e in entries) + "\n]"
    source = TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in (("/* precache */ []", listing), ('/* version */ ""', json.dumps(cache_version(entries)))):
        if placeholder not in source:
            raise ExtensionError(f"{TEMPLATE}: the placeholder {placeholder!r} is missing")
        source = source.replace(placeholder, value)
    return source


def write_worker(outdir: Path, extra: list[str], urls_of: Callable[[str], list[str]] = page_urls) -> list[Entry]:
    """Write sw.js for the site in ``outdir`` as it is now; returns what it precaches."""
    entries = precache_entries(outdir, extra, urls_of)
    (outdir / WORKER).write_text(worker_source(entries), encoding="utf-8")
    return entries


@functools.cache
def favicon_colour(path: Path) -> str:
    return theme_colour(path.read_text(encoding="utf-8"), path)


def add_registration(app: Sphinx) -> None:
    if app.config.kexuebook_offline_worker:
        app.add_js_file("offline.js", loading_method="defer")


def add_head_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    colour = favicon_colour(favicon(app))
    href = context["pathto"](MANIFEST, 1)
    context["metatags"] = context.get("metatags", "") + (
        f'\n    <link rel="manifest" href="{escape(href)}" />\n    <meta name="theme-color" content="{colour}" />'
    )


def write_offline_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not writes_html_pages(app.builder):
        return
    outdir = Path(app.outdir)
    svg = favicon(app)
    write_icons(svg.read_bytes(), outdir, Path(app.doctreedir) / "icons")
    manifest = web_manifest(app, favicon_colour(svg))
    (outdir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not app.config.kexuebook_offline_worker:
        (outdir / WORKER).write_text(RETIRING_WORKER, encoding="utf-8")
        return
    # A page read by an earlier build with the same text is not parsed again (page_results.py).
    urls = PageResults(app.doctreedir, "precache-urls", Path(precache.__file__), page_urls)
    # On every core at once (a cold build); then each page's URLs are found where precache_entries looks.
    urls.get_all([((outdir / page).read_text(encoding="utf-8"), "") for page in precache.site_pages(outdir)])
    entries = write_worker(outdir, [MANIFEST, *icon_paths()], urls.get)
    urls.save()
    logger.info("offline: sw.js precaches %d files, %.1f MB", len(entries), sum(e.size for e in entries) / 1e6)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("kexuebook_offline_worker", True, "html", bool)  # False in the live preview
    app.connect("builder-inited", add_registration)
    app.connect("html-page-context", add_head_links)
    # Late: the precache list is read from the finished site, after the other extensions have
    # copied their files (KaTeX's fonts, the PDF) at build-finished.
    app.connect("build-finished", write_offline_files, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
