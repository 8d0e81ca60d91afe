"""The book's search as a reader uses it, in Chromium: the glossary as the query set.

Every glossary entry gives its term, its other name (English for a Chinese term) and an
abbreviation in brackets; each of them, typed as a query, must find the chapter that treats the
term first within the first three results, and list the glossary too.  The right chapter is read
from the built pages, not from the search code: following the rel=next chain from the cover, the
first chapter (a page with a chapter card) that links the entry (the book links a term where it
introduces it), or, for a term no chapter links, the first whose text uses one of its names.
Recall and ranks are printed.

Also: the field's icon never covers the typed text, the hits' contrast, readable excerpts, and a
quiet console with no request to another host, on a phone and a desktop, light and dark.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import PageWatch, article_text

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
MODES = ["light", "dark"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "_build" / "screenshots"
OTHER_NAME = re.compile(r"^(?P<name>[^。（）]+?)(?:（(?P<abbr>[^（）。]+)）)?。")
# The three compounds and the chapter each must find (the glossary names them).
COMPOUNDS = {"焦点损失": "chapters/losses/focal-loss", "证据下界": "chapters/information-theory/forgetting", "后验概率": "chapters/probabilistic-models/mango"}


@dataclass(frozen=True)
class Entry:
    anchor: str  # the glossary's id of the term
    names: tuple[str, ...]


def soup(html_dir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / name).read_text(encoding="utf-8"), "html.parser")


@functools.cache
def glossary(html_dir: Path) -> tuple[Entry, ...]:
    entries = []
    for dt in soup(html_dir, "glossary.html").select("dl.glossary > dt"):
        for link in dt.select(".headerlink"):
            link.decompose()
        term = dt.get_text().strip()
        found = OTHER_NAME.match(dt.find_next_sibling("dd").get_text().strip())
        assert found, f"glossary entry {term!r}: its definition does not open with its other name"
        names = [term, found["name"].strip(), (found["abbr"] or "").strip()]
        unique = {n.lower(): n for n in reversed(names) if n}
        entries.append(Entry(dt["id"], tuple(reversed(unique.values()))))
    return tuple(entries)


@dataclass(frozen=True)
class Chapter:
    path: str
    glossary_links: frozenset[str]  # the glossary anchors its article links
    text: str  # its article's text, NFKC


@functools.cache
def chapters_in_reading_order(html_dir: Path) -> tuple[Chapter, ...]:
    """The pages with a chapter card, following rel=next from the cover; each page read once."""
    order, chapters, path = [], [], "index.html"
    while path and path not in order:
        order.append(path)
        page = soup(html_dir, path)
        following = page.select_one("link[rel=next]")
        if page.select_one(".chapter-card"):
            links = frozenset(a.get("href", "").split("#")[-1] for a in page.select("article a[href*='glossary.html#']"))
            chapters.append(Chapter(path, links, unicodedata.normalize("NFKC", article_text(page))))
        path = urllib.parse.urljoin(path, following["href"]) if following else None
    return tuple(chapters)


def uses(name: str, text: str) -> bool:
    if re.fullmatch(r"[\x00-\x7f–]+", name):
        return re.search(rf"(?<![a-z0-9]){re.escape(name.lower())}(?![a-z0-9])", text.lower()) is not None
    return name in text


def first_chapter(entry: Entry, chapters: tuple[Chapter, ...]) -> str:
    for chapter in chapters:
        if entry.anchor in chapter.glossary_links:
            return chapter.path
    for chapter in chapters:
        if any(uses(name, chapter.text) for name in entry.names):
            return chapter.path
    raise AssertionError(f"no chapter uses {entry.names}")


def search(page, server: str, query: str) -> list[str]:
    """The result pages of a query, best first (paths without anchors)."""
    page.goto(f"{server}/search.html?q={urllib.parse.quote(query)}")
    page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent.length > 0", timeout=20000)
    links = page.eval_on_selector_all("#search-results ul.search li > a", "links => links.map(a => a.getAttribute('href'))")
    return [link.split("#")[0] for link in links]


def search_again(page, query: str) -> list[str]:
    """:func:`search` in the search page already open: the query run as the page runs its ``?q=``
    (searchtools' ``Search.performSearch``) with the address showing it (book-search.js ranks by
    the address's ``q``), without loading the page, the index and the dictionary again for each of
    a hundred queries."""
    page.evaluate("query => { history.replaceState(null, '', '?q=' + encodeURIComponent(query)); Search.stopPulse();"
                  " document.getElementById('search-results').replaceChildren(); Search.performSearch(query); }", query)
    page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent.length > 0", timeout=20000)
    links = page.eval_on_selector_all("#search-results ul.search li > a", "links => links.map(a => a.getAttribute('href'))")
    return [link.split("#")[0] for link in links]


@pytest.fixture
def open_page(browser, server):
    contexts = []

    def make(viewport: dict, mode: str):
        context = browser.new_context(viewport=viewport, color_scheme=mode)
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        contexts.append(context)
        page = context.new_page()
        return page, PageWatch(page, server, count_aborted=False)

    yield make
    for context in contexts:
        context.close()


# -- recall over the glossary ---------------------------------------------------------------------


def test_every_glossary_name_finds_its_first_chapter(browser, server, html_dir):
    entries = glossary(html_dir)
    chapters = chapters_in_reading_order(html_dir)
    assert len(entries) >= 40 and len(chapters) == 8, (len(entries), [c.path for c in chapters])
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    watch = PageWatch(page, server, count_aborted=False)
    rows, misses = [], []
    for entry in entries:
        right = first_chapter(entry, chapters)
        for query in entry.names:
            results = search_again(page, query) if rows else search(page, server, query)
            rank = results.index(right) + 1 if right in results else None
            listed = "glossary.html" in results
            rows.append((query, right, rank, listed))
            if rank is None or rank > 3 or not listed:
                misses.append((query, right, rank, listed, results[:5]))
    context.close()
    found = [r for r in rows if r[2] is not None]
    ranks = [r[2] for r in found]
    print(f"\nglossary search: {len(rows)} queries from {len(entries)} entries; recall {len(found)}/{len(rows)} = {len(found) / len(rows):.0%}")
    print("rank of the right chapter: " + ", ".join(f"{k}: {ranks.count(k)}" for k in sorted(set(ranks))) + f"; mean {sum(ranks) / max(len(ranks), 1):.2f}")
    print(f"glossary listed for {sum(r[3] for r in rows)}/{len(rows)}")
    for query, right, rank, listed in rows:
        print(f"  {query:<36} {right:<48} rank {rank}  glossary {'yes' if listed else 'NO'}")
    assert not misses
    assert not watch.problems


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_compounds_of_indexed_words_find_their_chapters(open_page, server, device, mode):
    page, watch = open_page(VIEWPORTS[device], mode)
    for query, chapter in COMPOUNDS.items():
        results = search(page, server, query)
        assert f"{chapter}.html" in results[:3], (query, results[:5])
        assert "glossary.html" in results, (query, results)
    assert not watch.problems


# -- the field ------------------------------------------------------------------------------------

FIELD_GEOMETRY = """(form) => {
  const icon = form.querySelector('.fa-magnifying-glass'), input = form.querySelector('input');
  const style = getComputedStyle(input), box = input.getBoundingClientRect();
  const textStart = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
  return {iconRight: icon.getBoundingClientRect().right, iconWidth: icon.getBoundingClientRect().width, textStart};
}"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_icon_never_covers_the_typed_text(open_page, server, device, mode):
    page, watch = open_page(VIEWPORTS[device], mode)
    page.goto(f"{server}/search.html?q=x", wait_until="networkidle")
    field = page.locator(".bd-search-container form.bd-search")
    geometry = field.evaluate(FIELD_GEOMETRY)
    assert geometry["iconWidth"] > 0 and geometry["textStart"] >= geometry["iconRight"], geometry
    # The dialog: Ctrl-K on a desktop, the header's magnifier on a phone.
    page.goto(f"{server}/index.html", wait_until="networkidle")
    if device == "desktop":
        page.keyboard.press("Control+k")
    else:
        page.locator("button.search-button__button:visible").first.click()
    page.wait_for_function("document.querySelector('#pst-search-dialog').open")
    dialog = page.locator("#pst-search-dialog form.bd-search")
    page.keyboard.type("焦点损失")
    geometry = dialog.evaluate(FIELD_GEOMETRY)
    assert geometry["iconWidth"] > 0 and geometry["textStart"] >= geometry["iconRight"], geometry
    if device == "phone":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"search-dialog-phone-{mode}.png"))
    assert not watch.problems


# -- results --------------------------------------------------------------------------------------

CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  return [...document.querySelectorAll('span.highlighted')].filter((e) => e.getClientRects().length).map((e) => {
    const s = getComputedStyle(e), a = lum(rgb(s.color)), b = lum(rgb(s.backgroundColor));
    return {text: e.textContent, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), background: s.backgroundColor};
  });
}"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_results_are_readable_and_hits_meet_aa_contrast(open_page, server, html_dir, device, mode):
    page, watch = open_page(VIEWPORTS[device], mode)
    query = "证据下界"
    entry = next((e for e in glossary(html_dir) if query in e.names), None)
    assert entry, f"the glossary has no entry named {query}"
    # The book's rule, read from the built pages: the first chapter in reading order that links it.
    right = first_chapter(entry, chapters_in_reading_order(html_dir))
    results = search(page, server, query)
    assert results[0] == right, (right, results)
    page.wait_for_function("document.querySelectorAll('#search-results li p.context').length >= 2", timeout=20000)
    page.wait_for_timeout(300)
    excerpts = page.eval_on_selector_all("#search-results li p.context", "ps => ps.map(p => p.textContent)")
    # KaTeX's flattened glyphs (∬p~(x)…) and TeX never reach an excerpt.
    assert not [e for e in excerpts if re.search(r"[∬∑∫∥]|\\[a-z]+|p~", e)], excerpts
    hits = page.evaluate(CONTRAST)
    assert hits and all(h["ratio"] >= 4.5 for h in hits), hits
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-results-{device}-{mode}.png"))
    # ... and on the page a result opens
    page.locator("#search-results ul.search li > a").first.click()
    page.wait_for_selector("article span.highlighted")
    hits = page.evaluate(CONTRAST)
    assert hits and all(h["ratio"] >= 4.5 for h in hits), hits
    assert not watch.problems


def test_an_excerpt_shows_an_equation_by_its_number(open_page, server):
    """The forgetting chapter's excerpt around the ELBO names its display equation by number, not by glyphs."""
    page, watch = open_page(DESKTOP, "light")
    search(page, server, "证据下界")
    page.wait_for_function("[...document.querySelectorAll('#search-results li p.context')].some(p => p.textContent.includes('〔式('))", timeout=20000)
    assert not watch.problems


def test_a_changed_searchtools_stops_the_search_with_a_clear_error(open_page, server, html_dir):
    """The one reach past Sphinx's public hooks fails loudly when searchtools.js changes."""
    page, _ = open_page(DESKTOP, "light")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    original = (html_dir / "_static" / "searchtools.js").read_text(encoding="utf-8")
    changed = original.replace("htmlToText: (htmlString, anchor) =>", "pageToText: (htmlString, anchor) =>")
    assert changed != original
    page.route("**/_static/searchtools.js*", lambda route: route.fulfill(body=changed, content_type="text/javascript"))
    page.goto(f"{server}/search.html?q={urllib.parse.quote('焦点损失')}", wait_until="networkidle")
    assert any("book-search.js: Sphinx's searchtools.js has no Search.htmlToText" in error for error in errors), errors
