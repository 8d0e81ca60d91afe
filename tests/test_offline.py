"""Offline after one visit: the service worker, its precache list, the web app manifest.

The browser tests serve a copy of the built book under a deep base path (/deep/base/), as a
project site on a static host would be, so an address that assumes the host's root fails here.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
from pathlib import Path

import pytest
from PIL import Image

from helpers import CHAPTER_FACTS, ROOT, page
from tools.local_server import QuietHandler, serve

BASE = "/deep/base/"
UNVISITED_CHAPTER = "chapters/losses/focal-loss.html"  # a figure and inline and display math
QUERY = "自编码器"
QUERY_HIT = "chapters/probabilistic-models/vae.html"
SW_READY = ("navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller"
            " || new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', () => ok(true))))")
CACHE_NAMES = "caches.keys()"
NEXT_CACHE = """async (old) => {
  for (let i = 0; i < 200; i++) {
    const names = await caches.keys();
    if (names.length === 1 && names[0] !== old) return names;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return caches.keys();
}"""



# -- the precache list, read from the built site -------------------------------------------------
def worker_listing(site: Path) -> dict[str, str]:
    source = (site / "sw.js").read_text(encoding="utf-8")
    listing = re.search(r"const PRECACHE = (\[.*?\]);\n", source, re.S)
    assert listing, "sw.js holds its precache list"
    return dict(json.loads(listing.group(1)))


# The 404 page's links start at the book's address (page_meta sets sphinx-notfound-page's prefix
# from html_baseurl; the site root when none is set, as in these builds): it is checked at its
# address by test_html_meta, not under this test's base path.
NOT_FOUND_PAGE = "404.html"


def linked_file(site: Path, page_name: str, url: str) -> Path:
    """The file a page's URL names: a root-absolute URL starts at the site's root."""
    return (site / url.lstrip("/")) if url.startswith("/") else (site / Path(page_name).parent / url)


def pages_of(site: Path) -> set[str]:
    names = (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return {name for name in names if not name.startswith(("_static/", "_sources/", "_images/", "_downloads/"))}


def test_every_page_figure_font_and_the_search_index_are_precached(html_dir):
    listing = worker_listing(html_dir)
    assert pages_of(html_dir) <= set(listing), sorted(pages_of(html_dir) - set(listing))
    figures = {p.relative_to(html_dir).as_posix() for p in (html_dir / "_images").iterdir()}
    assert figures and figures <= set(listing)
    katex_fonts = {p.relative_to(html_dir).as_posix() for p in (html_dir / "_static/katex/fonts").glob("*.woff2")}
    assert katex_fonts and katex_fonts <= set(listing)
    assert {"searchindex.js", "_static/searchtools.js", "_static/language_data.js", "manifest.webmanifest"} <= set(listing)
    stylesheets = {linked_file(html_dir, "index.html", link["href"].split("?")[0]).relative_to(html_dir).as_posix()
                   for link in page(html_dir, "index").find_all("link", rel="stylesheet")}
    assert stylesheets and stylesheets <= set(listing), "the stylesheet that holds KaTeX's rules (css_bundle)"
    # The downloads and what no page loads stay out: the page sources, the theme's unused icon script.
    assert not [p for p in listing if p.startswith(("_downloads/", "_sources/")) or p.endswith((".pdf", ".zip", ".epub"))]
    assert "_static/scripts/fontawesome.js" not in listing and (html_dir / "_static/scripts/fontawesome.js").is_file()


def test_each_revision_is_the_hash_of_the_file_and_the_cache_is_named_by_them(html_dir):
    import hashlib

    from kexuebook.sphinx.html.precache import Entry, cache_version

    listing = worker_listing(html_dir)
    for path, revision in listing.items():
        assert hashlib.sha256((html_dir / path).read_bytes()).hexdigest()[:16] == revision, path
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', (html_dir / "sw.js").read_text(encoding="utf-8"))
    assert version and version.group(1) == cache_version([Entry(p, r, 0) for p, r in listing.items()])


def test_every_page_links_the_manifest_and_registers_the_worker(html_dir):
    for name in sorted(pages_of(html_dir)):
        soup = page(html_dir, name.removesuffix(".html"))
        manifest = soup.select_one('link[rel="manifest"]')
        assert manifest is not None, name
        assert linked_file(html_dir, name, manifest["href"]).resolve() == (html_dir / "manifest.webmanifest").resolve(), name
        assert soup.select_one('meta[name="theme-color"]')["content"] == "#1c5a8c"
        scripts = [s["src"].split("?")[0] for s in soup.select("script[src]")]
        assert any(linked_file(html_dir, name, s).resolve() == (html_dir / "_static/offline.js").resolve() for s in scripts), name


def test_the_manifest_makes_an_installable_app(html_dir):
    manifest = json.loads((html_dir / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "科学空间选读：机器学习八篇注解" and manifest["short_name"] == "科学空间选读"
    assert manifest["lang"] == "zh-CN" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "index.html" and manifest["scope"] == "./"  # relative: any base path
    assert manifest["theme_color"] == "#1c5a8c"  # the favicon's background
    sizes = {}
    for icon in manifest["icons"]:
        assert not icon["src"].startswith(("/", "http")), icon
        if icon["type"] == "image/png":
            with Image.open(html_dir / icon["src"]) as image:
                sizes[icon["sizes"]] = image.size
                # The icon is the favicon drawn large: its corner pixel is transparent (rounded), its
                # edge midpoint the favicon's blue.
                assert image.convert("RGBA").getpixel((0, 0))[3] == 0
                assert image.convert("RGB").getpixel((image.width // 2, 2)) == (0x1C, 0x5A, 0x8C)
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}


def test_the_icons_are_drawn_once_per_favicon(tmp_path, monkeypatch):
    """A rebuild copies the icons it drew before, without cairo (not imported: 0.2 s of a build);
    a changed favicon is drawn again."""
    import sys

    from kexuebook.sphinx.html.offline import icon_paths, write_icons

    favicon = (ROOT / "_static" / "favicon.svg").read_bytes()
    kept, first, second = tmp_path / "kept", tmp_path / "first", tmp_path / "second"
    write_icons(favicon, first, kept)
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # importing it now fails
    write_icons(favicon, second, kept)
    assert all((second / path).read_bytes() == (first / path).read_bytes() for path in icon_paths())
    with pytest.raises(ImportError):
        write_icons(favicon.replace(b"#1c5a8c", b"#8c1c5a"), tmp_path / "third", kept)


# -- in Chromium ---------------------------------------------------------------------------------
class _RevalidatingHandler(QuietHandler):
    """Asks browsers to revalidate every file (as a host can): what a test sees after a change is
    then the worker's doing, not the HTTP cache's guess from Last-Modified."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


@pytest.fixture
def hosted(html_dir, tmp_path):
    """A copy of the book served under BASE; yields (site folder, URL of the book)."""
    root = tmp_path / "host"
    site = root / BASE.strip("/")
    shutil.copytree(html_dir, site)
    with serve(root, _RevalidatingHandler) as base:
        yield site, f"{base}{BASE}"


def visit_cover(browser, url: str):
    context = browser.new_context(viewport={"width": 375, "height": 812}, service_workers="allow")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"{m.type}: {m.text}"))
    tab.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    tab.goto(url + "index.html", wait_until="load")
    assert tab.evaluate(SW_READY), "the worker controls the cover"
    return context, tab, problems


@pytest.mark.browser
def test_after_visiting_the_cover_the_book_reads_and_searches_offline(browser, hosted):
    site, url = hosted
    context, tab, problems = visit_cover(browser, url)
    context.set_offline(True)
    failed: list[str] = []
    # ERR_ABORTED: a load the next navigation cancelled (a favicon, say), not one the cache missed.
    tab.on("requestfailed", lambda r: "ERR_ABORTED" in (r.failure or "") or failed.append(f"{r.url} ({r.failure})"))

    tab.goto(url + UNVISITED_CHAPTER, wait_until="load")
    facts = tab.evaluate(CHAPTER_FACTS)
    assert "Focal" in facts["title"] or "focal" in facts["title"], facts
    assert facts["math"] > 0 and facts["untypeset"] == 0 and facts["katexFont"] and facts["katexCss"], facts
    assert facts["images"] > 0 and not facts["brokenImages"], facts
    figure = tab.locator("article figure").first
    figure.scroll_into_view_if_needed()
    tab.screenshot(path=str(site.parent / "offline-chapter.png"))  # for a reader's eyes: figure and math, offline

    tab.goto(f"{url}search.html?q={urllib.parse.quote(QUERY)}", wait_until="load")
    tab.wait_for_function("!document.querySelector('#search-results h2')?.textContent.includes('正在搜索')"
                          " && document.querySelectorAll('#search-results ul.search li').length > 0", timeout=15000)
    links = tab.eval_on_selector_all("#search-results ul.search li > a", "as => as.map(a => a.getAttribute('href'))")
    assert links[0].split("#")[0] == QUERY_HIT, links
    tab.wait_for_selector("#search-results ul.search li p.context", timeout=15000)  # the excerpt: the page, from the cache

    for name in sorted(pages_of(site) - {NOT_FOUND_PAGE}):  # and every other page, with all it loads
        tab.goto(url + name, wait_until="load")
        assert tab.evaluate("document.documentElement.lang") == "zh-CN", name
        unloaded = """async () => {
          for (const image of document.images) { image.scrollIntoView(); await image.decode().catch(() => {}); }
          return [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src);
        }"""  # lazy figures load once brought into view
        assert tab.evaluate(unloaded) == [], name
    assert not failed, failed
    assert not problems, problems
    context.close()


@pytest.mark.browser
def test_a_new_build_replaces_the_cache(browser, hosted):
    """A changed page reaches a reader who visited before: new list, new cache, the old one gone."""
    from kexuebook.sphinx.html.offline import MANIFEST, icon_paths, write_worker

    site, url = hosted
    context, tab, _ = visit_cover(browser, url)
    first = tab.evaluate(CACHE_NAMES)
    assert len(first) == 1 and urllib.parse.unquote(url) in first[0], first

    # "The next build": one chapter changed, the worker written again from the site as it is now.
    chapter = site / UNVISITED_CHAPTER
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("</article>", '<p id="next-build">新的一版</p></article>', 1), encoding="utf-8")
    write_worker(site, [MANIFEST, *icon_paths()])
    tab.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    after = tab.evaluate(NEXT_CACHE, first[0])
    assert len(after) == 1 and after[0] != first[0] and urllib.parse.unquote(url) in after[0], (first, after)

    context.set_offline(True)
    tab.goto(url + UNVISITED_CHAPTER, wait_until="load")
    assert tab.locator("#next-build").inner_text() == "新的一版"
    context.close()


@pytest.mark.browser
def test_chromium_finds_the_book_installable(browser, hosted):
    """Chromium's own installability check (DevTools protocol): manifest, icons, worker, scope."""
    site, url = hosted

    def installability_errors(tab) -> set[str]:
        devtools = tab.context.new_cdp_session(tab)
        manifest = devtools.send("Page.getAppManifest")
        assert manifest["url"] == url + "manifest.webmanifest" and not manifest["errors"], manifest["errors"]
        # A Playwright context is a private window, which Chromium never installs from: not the book's doing.
        return {e["errorId"] for e in devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]} - {"in-incognito"}

    context, tab, problems = visit_cover(browser, url)
    assert installability_errors(tab) == set()
    assert not problems, problems
    context.close()

    # The check sees a missing icon: a manifest without them is refused (a new reader, no worker yet).
    written = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    (site / "manifest.webmanifest").write_text(json.dumps({**written, "icons": []}), encoding="utf-8")
    context = browser.new_context(service_workers="block")
    tab = context.new_page()
    tab.goto(url + "index.html", wait_until="load")
    assert "manifest-missing-suitable-icon" in installability_errors(tab)
    context.close()


@pytest.mark.browser
def test_a_preview_build_retires_a_worker_left_by_an_earlier_build(browser, hosted):
    """The live preview (kexuebook_offline_worker = False) must show the page as edited, not a stored one."""
    from kexuebook.sphinx.html.offline import RETIRING_WORKER

    site, url = hosted
    context, tab, _ = visit_cover(browser, url)
    assert tab.evaluate(CACHE_NAMES)
    chapter = site / UNVISITED_CHAPTER
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("</article>", '<p id="edited">刚改的</p></article>', 1), encoding="utf-8")
    (site / "sw.js").write_text(RETIRING_WORKER, encoding="utf-8")
    tab.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    state = tab.evaluate("""async () => {
      const state = async () => ({ caches: await caches.keys(), registered: !!(await navigator.serviceWorker.getRegistration()) });
      for (let i = 0; i < 400; i++) {
        const now = await state();
        if (!now.registered && now.caches.length === 0) return now;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return state();
    }""")
    assert state == {"caches": [], "registered": False}, "the retiring worker deletes the caches and unregisters"
    tab.goto(url + UNVISITED_CHAPTER, wait_until="load")
    assert tab.locator("#edited").inner_text() == "刚改的"
    context.close()


def tiny_book(tmp_path: Path, overrides: dict) -> Path:
    from sphinx.testing.util import SphinxTestApp

    source = tmp_path / "src"
    (source / "_static").mkdir(parents=True)
    shutil.copyfile(ROOT / "_static" / "favicon.svg", source / "_static" / "favicon.svg")
    shutil.copyfile(ROOT / "_static" / "offline.js", source / "_static" / "offline.js")
    (source / "conf.py").write_text(
        "extensions = ['kexuebook.sphinx.html.offline']\n"
        "html_static_path = ['_static']\nhtml_favicon = '_static/favicon.svg'\nproject = '书名：副题'\n", encoding="utf-8")
    (source / "index.rst").write_text("Cover\n=====\n\nText.\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=source, builddir=tmp_path / "out", confoverrides=overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return tmp_path / "out" / "html"


@pytest.mark.parametrize("worker", [True, False])
def test_the_live_preview_registers_no_worker(tmp_path, worker):
    out = tiny_book(tmp_path, {"kexuebook_offline_worker": worker})
    cover = (out / "index.html").read_text(encoding="utf-8")
    assert ("offline.js" in cover) is worker
    assert ("const PRECACHE" in (out / "sw.js").read_text(encoding="utf-8")) is worker
    assert json.loads((out / "manifest.webmanifest").read_text(encoding="utf-8"))["short_name"] == "书名"


def autobuild_overrides() -> dict[str, str]:
    """The -D settings `make livehtml-autobuild` gives sphinx-autobuild, from make's dry run."""
    import shlex
    import subprocess

    from helpers import ROOT

    dry_run = subprocess.run(["make", "-n", "--no-print-directory", "livehtml-autobuild"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    words = shlex.split(next(line for line in dry_run.splitlines() if "sphinx-autobuild " in line))
    return dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word == "-D")


def test_the_autobuild_preview_builds_without_a_worker(tmp_path):
    """Built with the settings `make livehtml-autobuild` passes: no page registers a worker, and
    the worker file is the retiring one (`make livehtml`'s own preview: tests/test_livehtml.py)."""
    from kexuebook.sphinx.html.offline import RETIRING_WORKER

    out = tiny_book(tmp_path, autobuild_overrides())
    assert "offline.js" not in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "sw.js").read_text(encoding="utf-8") == RETIRING_WORKER
