"""HTML: one stylesheet per site, holding only the rules the built pages use.

The themes link eleven stylesheets (pydata-sphinx-theme's alone is 376 KB, most of it Bootstrap
and Font Awesome rules no page uses), each one blocking the first paint.  Here every page links
one file instead, ``_static/styles/site.css``, written after the build:

1. the local stylesheets every page links, in the page's order (the theme's own first, then
   Sphinx's list), concatenated, with ``@import`` inlined and each ``url()`` rebased to the
   bundle's folder;
2. cut by PurgeCSS (``css-purge.mjs`` beside this module) against every built page and every script those pages
   load, plus a small safelist for what scripts build out of pieces (the tooltip's placement
   class); selectors on the colour-mode attributes are kept whole, and so are the custom
   properties scripts read;
3. fonts: WOFF2 sources only, ``font-display: swap`` for KaTeX's faces; the icon fonts cut to
   the icons the bundle uses (icon_font.py).

Each page's link then gets ``?v=`` and the bundle's checksum, the one Sphinx gives its own assets,
so that a browser never keeps an old cut against new pages, and a page Sphinx writes while the
bundle stays the same already carries it: an edit rewrites only the pages Sphinx wrote.  This
runs before the service worker's precache list is made (offline.py), which reads the finished
pages: it lists the bundle, not the sources.  The sources stay in ``_static`` (the EPUB and the
theme's own files name them) but no page loads them.  ``kexuebook_css_bundle = False`` links the themes' stylesheets one by one, as they ship.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import subprocess
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _CascadingStyleSheet
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.html.icon_font import subset_icon_fonts
from kexuebook.sphinx.html.page_results import PageResults
from kexuebook.sphinx.html.precache import NOT_PAGES
from kexuebook.sphinx.html.ref_previews import PREVIEW_DIR
from kexuebook.sphinx.outputs import is_html_site
from kexuebook.sphinx.private_parts import expect

logger = logging.getLogger(__name__)

BUNDLE = "_static/styles/site.css"
THIS_MODULE = Path(__file__)
# pydata-sphinx-theme links these itself, before Sphinx's list (its head_pre_assets macro, which
# _themes/kexue/layout.html leaves out): they come first here.
THEME_STYLESHEETS = ("_static/styles/theme.css", "_static/styles/pydata-sphinx-theme.css")
PURGE_SCRIPT = Path(__file__).with_name("css-purge.mjs")
# Class names that scripts assemble at run time, so no page or script spells them out whole.
SAFELIST = {
    "standard": [r"^bs-tooltip-", r"^tooltip"],  # Bootstrap: "bs-tooltip-" + placement
    "greedy": [],
}
# Attributes that scripts set at run time, every selector on them kept: the colour mode on <html>;
# Bootstrap's data-bs-popper="static" on a menu it does not place itself (the colour-mode menu).
DYNAMIC_ATTRIBUTES = ["data-theme", "data-mode", "data-bs-theme", "data-bs-popper"]
# Loaded as data, not code: its words (every word of the book) name no class.
NOT_CONTENT = ("searchindex.js",)
# A custom property a script reads (Bootstrap: getPropertyValue("--bs-position")) is no var() of
# the stylesheet, and must not be cut as unused.
SCRIPT_READS_PROPERTY = re.compile(r"""getPropertyValue\(\s*["'](--[\w-]+)["']\s*\)""")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(['"])([^'"]+)\1\s*\)?\s*;""")
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
# Sphinx's ?v= on an asset link: the page's link, not what a selector could match (it changes
# with each cut, and with it the cache key below).
ASSET_VERSION = re.compile(r"\?v=[0-9a-f]+$")
BUNDLE_LINK = re.compile(r'(href="[^"]*' + re.escape(BUNDLE.rsplit("/", 1)[1]) + r')(\?v=[0-9a-f]*)?"')


def _is_local_stylesheet(css: _CascadingStyleSheet) -> bool:
    attributes = css.attributes
    return ("://" not in str(css.filename) and attributes.get("rel", "stylesheet") == "stylesheet"
            and attributes.get("media", "all") == "all" and "id" not in attributes)


def _bundling(app: Sphinx) -> bool:
    return is_html_site(app.builder) and app.config.kexuebook_css_bundle


def link_stylesheets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page links the theme's stylesheets and Sphinx's list: as one bundle, or one by one."""
    if not is_html_site(app.builder) or "css_files" not in context:
        return
    # A new list: the page is rendered from the context's (sorted by priority after), and the one
    # there is the builder's own, which the next build starts from in a warm application (the
    # live preview's): changed in place, the bundle listed itself and grew with every build.
    css_files = context["css_files"]
    theme = [_CascadingStyleSheet(name, priority=0) for name in THEME_STYLESHEETS]
    if not app.config.kexuebook_css_bundle:
        context["css_files"] = theme + css_files
        return
    context["css_files"] = [_CascadingStyleSheet(BUNDLE, priority=0)] + [css for css in css_files if not _is_local_stylesheet(css)]


def bundle_sources(app: Sphinx) -> list[str]:
    """The stylesheets the bundle replaces, in the order a page linked them (Sphinx's private
    ``builder._orig_css_files``: the list before a page's own additions; README, Maintenance notes)."""
    expect(app.builder, "_orig_css_files", distribution="sphinx")
    listed = sorted(app.builder._orig_css_files, key=lambda css: css.priority)  # type: ignore[attr-defined]
    return [*THEME_STYLESHEETS, *(str(css.filename) for css in listed if _is_local_stylesheet(css))]


def _rebased(css: str, source: str) -> str:
    """``css`` of the file ``source`` with its relative URLs made relative to the bundle."""
    def rebase(match: re.Match) -> str:
        url = match.group(2).strip()
        if url.startswith(("data:", "#", "/")) or "://" in url:
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), url))
        return f'url("{posixpath.relpath(target, posixpath.dirname(BUNDLE))}")'
    return CSS_URL.sub(rebase, css)


def read_stylesheet(outdir: Path, source: str, seen: frozenset[str] = frozenset()) -> str:
    """One stylesheet of the site with its @imports inlined, its URLs rebased to the bundle."""
    path = outdir / source
    if not path.is_file():
        raise ExtensionError(f"css_bundle: {source} is linked by the pages but not in the site (expected it in {outdir})")
    css = SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    if source in seen:
        raise ExtensionError(f"css_bundle: {source} imports itself")

    def inline(match: re.Match) -> str:
        imported = posixpath.normpath(posixpath.join(posixpath.dirname(source), match.group(2)))
        return read_stylesheet(outdir, imported, seen | {source})
    css = CSS_IMPORT.sub(inline, css)
    return f"/* {source} */\n" + _rebased(css, source)


def _pages(outdir: Path) -> list[Path]:
    return sorted(p for p in outdir.rglob("*.html") if not p.relative_to(outdir).as_posix().startswith(NOT_PAGES))


class _PageSelectors(HTMLParser):
    """What of a page a selector can match: tags, classes, ids, attribute names and values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        self.names: set[str] = set()
        self.values: set[str] = set()
        self.scripts: list[str] = []  # the src of each <script>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "table":
            # A browser puts rows written straight into a table into a <tbody> it makes itself
            # (docutils writes one, Sphinx's general index none): `table > tbody > tr` matches.
            self.tags.add("tbody")
        if tag == "script":
            self.scripts += [value for name, value in attrs if name == "src" and value]
        for name, value in attrs:
            self.names.add(name)
            if value is None:
                continue
            if name == "class":
                self.classes.update(value.split())
                # li[class^=toctree-l] (the theme's contents lists) matches the value, word by word
                self.values.update([value, *value.split()])
                continue
            if name == "id":
                self.ids.add(value)
            value = ASSET_VERSION.sub("", value)
            self.values.update([value, *value.split()])

    handle_startendtag = handle_starttag


@dataclass(frozen=True)
class Selectors:
    """What a page (or a page's previews) holds that a selector can match, and the scripts it loads."""

    tags: frozenset[str]
    classes: frozenset[str]
    ids: frozenset[str]
    names: frozenset[str]
    values: frozenset[str]
    scripts: tuple[str, ...]


def html_selectors(html: str, _context: str = "") -> Selectors:
    parser = _PageSelectors()
    parser.feed(html)
    parser.close()
    return Selectors(frozenset(parser.tags), frozenset(parser.classes), frozenset(parser.ids),
                     frozenset(parser.names), frozenset(parser.values), tuple(parser.scripts))


def preview_selectors(preview_json: str, _context: str = "") -> Selectors:
    """What the fragments of a page's previews hold (ref_previews.py's JSON: HTML that
    book-previews.js puts into the page)."""
    return html_selectors("".join(json.loads(preview_json).values()))


def purge_content(outdir: Path, pages: list[Path], doctreedir: Path) -> list[dict[str, str]]:
    """What the pages and their previews hold (one "selectors" item), and every script a page
    loads (where scripts name the classes they add).  A page read by an earlier build with the
    same text is not parsed again (page_results.py)."""
    of_pages = PageResults(doctreedir, "css-selectors", THIS_MODULE, html_selectors)
    of_previews = PageResults(doctreedir, "css-preview-selectors", THIS_MODULE, preview_selectors)
    parsed = of_pages.get_all([(page.read_text(encoding="utf-8"), "") for page in pages])
    previews = of_previews.get_all([(path.read_text(encoding="utf-8"), "") for path in sorted((outdir / PREVIEW_DIR).glob("**/*.json"))])
    of_pages.save()
    of_previews.save()
    everything = parsed + previews
    selectors = {
        "tags": sorted(set().union(*(p.tags for p in everything))),
        "classes": sorted(set().union(*(p.classes for p in everything))),
        "ids": sorted(set().union(*(p.ids for p in everything))),
        "attributes": {"names": sorted(set().union(*(p.names for p in everything))), "values": sorted(set().union(*(p.values for p in everything)))},
        "undetermined": [],
    }
    scripts = set()
    for page, found in zip(pages, parsed, strict=True):
        for src in found.scripts:
            path = urlsplit(src).path
            if "://" in src or path.startswith("/") or posixpath.basename(path) in NOT_CONTENT:
                continue
            script = posixpath.normpath(posixpath.join(posixpath.dirname(page.relative_to(outdir).as_posix()), path))
            if (outdir / script).is_file():
                scripts.add(script)
    return [{"raw": json.dumps(selectors), "extension": "selectors"}] + [
        {"raw": (outdir / s).read_text(encoding="utf-8"), "extension": "js"} for s in sorted(scripts)]


def purge(css: str, content: list[dict[str, str]], srcdir: Path, cache: Path) -> str:
    """The cut stylesheet; kept in ``cache`` with a hash of all it was cut from, so a build whose
    pages hold the same classes (an edit of the text) does not run PurgeCSS again."""
    key = hashlib.sha256(json.dumps([css, content, SAFELIST, DYNAMIC_ATTRIBUTES, PURGE_SCRIPT.read_text(encoding="utf-8")]).encode()).hexdigest()
    if cache.is_file() and cache.read_text(encoding="utf-8").startswith(f"/* {key} */\n"):
        return cache.read_text(encoding="utf-8").split("\n", 1)[1]
    read = sorted({name for item in content if item["extension"] == "js" for name in SCRIPT_READS_PROPERTY.findall(item["raw"])})
    request = {"css": css, "content": content, "safelist": {**SAFELIST, "variables": read}, "dynamicAttributes": DYNAMIC_ATTRIBUTES}
    result = subprocess.run(["node", str(PURGE_SCRIPT)], input=json.dumps(request), capture_output=True,
                            text=True, encoding="utf-8", cwd=srcdir)
    if result.returncode != 0:
        raise ExtensionError(f"css_bundle: {PURGE_SCRIPT.name} failed (run `npm ci`; make html does):\n{result.stderr[-2000:]}")
    purged = json.loads(result.stdout)["css"]
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(f"/* {key} */\n{purged}", encoding="utf-8")
    return purged


def bundle_version(bundle: bytes) -> str:
    """The version Sphinx itself puts on a local asset's link when the file is there as the page
    is written (sphinx.builders.html._assets._file_checksum: the CRC32 of the file without its
    carriage returns). Should Sphinx change it, pages are rewritten each build, never wrong."""
    checksum = zlib.crc32(bundle.replace(b"\r", b""))
    return f"{checksum:08x}"


def link_versions(pages: list[Path], version: str) -> None:
    """Each page's link to the bundle carries its version (a page already linking it is not rewritten)."""
    for page in pages:
        html = page.read_text(encoding="utf-8")
        linked = BUNDLE_LINK.sub(lambda m: f'{m.group(1)}?v={version}"', html)
        if linked != html:
            page.write_text(linked, encoding="utf-8")


def write_bundle(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not _bundling(app):
        return
    outdir = Path(app.outdir)
    pages = _pages(outdir)
    css = "\n".join(read_stylesheet(outdir, source) for source in bundle_sources(app))
    purged = purge(css, purge_content(outdir, pages, Path(app.doctreedir)), Path(app.srcdir), Path(app.doctreedir) / "css-bundle.css")
    bundle = subset_icon_fonts(purged, BUNDLE, outdir)
    (outdir / BUNDLE).write_text(bundle, encoding="utf-8")
    link_versions(pages, bundle_version(bundle.encode()))
    logger.info("css_bundle: %s, %.0f KB of %.0f KB", BUNDLE, len(bundle.encode()) / 1024, len(css.encode()) / 1024)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("kexuebook_css_bundle", True, "html", bool)
    app.connect("html-page-context", link_stylesheets, priority=950)
    # After the other extensions copied their files (KaTeX's stylesheet, at the default 500), and
    # before offline.py lists the finished site for the service worker (900).
    app.connect("build-finished", write_bundle, priority=800)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
