"""The book's layout as a reader sees it on a phone (375×812) and a desktop (1280×800), light and
dark: display equations that fit or visibly scroll, figures at a legible scale, the chapter card,
navigation, Chinese line breaking beside math, the excerpt set apart, the chrome in Chinese.

Measured in Debian's Chromium (Playwright) on the book built once per session (conftest.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from helpers import ROOT

# The tests in Chromium are marked browser by conftest (they ask for the browser); the rest read the HTML.

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
MODES = ["light", "dark"]
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHAPTERS = [
    "chapters/probabilistic-models/mango",
    "chapters/probabilistic-models/vae",
    "chapters/losses/focal-loss",
    "chapters/regularization/mixup",
    "chapters/regularization/dropout-mlm-mae",
    "chapters/information-theory/min-entropy",
    "chapters/information-theory/forgetting",
    "chapters/tooling/ssh-tunnel",
]
WIDE_SEED_EQUATION = ("chapters/information-theory/forgetting", "equation-forgetting-seed-1")


def new_tab(browser, viewport: str, mode: str):
    # No service worker: the offline copy it fetches after the load is the offline tests'
    # business, and waiting it out (networkidle) doubled every page's time here.
    context = browser.new_context(viewport=VIEWPORTS[viewport], service_workers="block")
    context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    return context.new_page()


def go_to(page, server: str, path: str, mode: str):
    # Laid out as a reader sees it: the load event has run book.js's handlers (the scrollable
    # boxes marked) and every font the page uses is in.
    page.goto(f"{server}/{path}", wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    return page


@pytest.fixture
def open_page(browser, server):
    """A page of the book in the given viewport and colour mode: one tab per viewport and mode
    in a test, which goes from page to page as a reader does (the site's files stay in its cache)."""
    tabs: dict[tuple[str, str], object] = {}

    def open_(path: str, viewport: str = "phone", mode: str = "light"):
        if (viewport, mode) not in tabs:
            tabs[(viewport, mode)] = new_tab(browser, viewport, mode)
        return go_to(tabs[(viewport, mode)], server, path, mode)

    yield open_
    for page in tabs.values():
        page.context.close()


@pytest.fixture(scope="module")
def chapter_facts(browser, server):
    """What the checks of every chapter read (display equations, card, line breaks, figures), per
    viewport and mode: each chapter is opened once per viewport and mode, not once per check (32
    page loads instead of 128), and every probe reads the page as it loaded (none scrolls or
    changes it)."""
    facts: dict[tuple[str, str], dict[str, dict]] = {}
    tabs = []

    def of(viewport: str, mode: str) -> dict[str, dict]:
        if (viewport, mode) not in facts:
            tabs.append(page := new_tab(browser, viewport, mode))
            facts[(viewport, mode)] = {}
            for chapter in CHAPTERS:
                go_to(page, server, f"{chapter}.html", mode)
                facts[(viewport, mode)][chapter] = {
                    "equations": page.evaluate(EQUATIONS), "card": page.evaluate(CARD), "figures": page.evaluate(FIGURES),
                    "line_breaks": page.evaluate(LINE_BREAKS, [CLOSING_PUNCTUATION, OPENING_PUNCTUATION]),
                }
        return facts[(viewport, mode)]

    yield of
    for page in tabs:
        page.context.close()


def both(parametrized):
    """Every test of this module runs on the phone and the desktop, in both colour modes."""
    return pytest.mark.parametrize("mode", MODES)(pytest.mark.parametrize("viewport", list(VIEWPORTS))(parametrized))


# -- 1. display equations -------------------------------------------------------------------------

EQUATIONS = r"""() => [...document.querySelectorAll("article div.math")].map((m) => {
  const box = m.querySelector(":scope > .katex-display"), number = m.querySelector(":scope > .eqno");
  const b = box.getBoundingClientRect(), n = number ? number.getBoundingClientRect() : null;
  return {id: m.id, seed: !!m.closest('section[id$="-excerpt"]'),
          overflow: box.scrollWidth - box.clientWidth,
          box: [b.left, b.top, b.right, b.bottom], number: n && [n.left, n.top, n.right, n.bottom],
          tabIndex: box.tabIndex};
})"""


@both
def test_our_display_equations_never_overflow_and_the_number_never_covers_them(chapter_facts, viewport, mode):
    """Every display equation of our text fits the column; on a phone its number sits under it."""
    wide, misplaced, seen = {}, {}, 0
    for facts in chapter_facts(viewport, mode).values():
        for eq in facts["equations"]:
            if eq["seed"]:
                continue
            seen += 1
            if eq["overflow"] > 1:
                wide[eq["id"]] = eq["overflow"]
            box, number = eq["box"], eq["number"]
            below = number[1] >= box[3] - 1
            beside = number[0] >= box[2] - 1
            if not (below if viewport == "phone" else beside):
                misplaced[eq["id"]] = (box, number)
    assert seen >= 50, "the chapters' own display equations were measured"
    assert not wide, f"equations wider than the {viewport} column (px too wide): {wide}"
    assert not misplaced


def _edges(png: bytes) -> tuple[float, float]:
    """Mean luminance of a 4-px strip at the left and the right edge of the box's top padding."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width = image.width
    strip = lambda x0: [image.getpixel((x, y)) for x in range(x0, x0 + 4) for y in range(2)]
    left, right = strip(0), strip(width - 4)
    return sum(left) / len(left), sum(right) / len(right)


@both
def test_a_seed_equation_too_wide_for_the_phone_scrolls_with_a_visible_cue(open_page, viewport, mode):
    """The seed's (7.1) keeps its TeX: on a phone it scrolls in its box, shows an edge shadow on the
    side that has more to show, and the keyboard reaches and scrolls it."""
    chapter, eq_id = WIDE_SEED_EQUATION
    page = open_page(f"{chapter}.html", viewport, mode)
    box = page.locator(f"#{eq_id} > .katex-display")
    box.scroll_into_view_if_needed()
    overflow = box.evaluate("b => b.scrollWidth - b.clientWidth")
    if viewport == "desktop":
        assert overflow <= 1  # the desktop column holds it
        return
    assert overflow > 50
    # the colour behind the equation (the excerpt's tint), as luminance
    background = box.evaluate("""(box) => { const c = document.createElement('canvas').getContext('2d');
        c.fillStyle = getComputedStyle(box).getPropertyValue('--book-page');
        c.fillRect(0, 0, 1, 1); const [r, g, b] = c.getImageData(0, 0, 1, 1).data; return 0.299 * r + 0.587 * g + 0.114 * b; }""")
    left, right = _edges(box.screenshot())
    assert abs(left - background) < 4, "no shadow at the start: nothing to the left"
    assert abs(right - background) > 12, "a shadow at the right edge: more to the right"
    # Tab reaches the box (it is focusable), the arrow keys scroll it.
    assert box.evaluate("b => b.tabIndex") == 0
    box.focus()
    assert page.evaluate(f"document.activeElement === document.querySelector('#{eq_id} > .katex-display')")
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"(b => b.scrollLeft >= b.scrollWidth - b.clientWidth - 1)(document.querySelector('#{eq_id} > .katex-display'))", timeout=5000)
    left, right = _edges(box.screenshot())
    assert abs(left - background) > 12 and abs(right - background) < 4, "at the end the shadow moved to the left"
    assert box.evaluate("b => getComputedStyle(b).scrollbarWidth") == "thin"


# -- 3. the chapter opening -----------------------------------------------------------------------

CARD = r"""() => {
  const card = document.querySelector("article .chapter-card");
  const c = card.getBoundingClientRect();
  const lineHeight = (e) => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.5;
  const fields = [...card.querySelectorAll("dl.field-list > dt")].map((dt) => {
    const dd = dt.nextElementSibling, t = dt.getBoundingClientRect(), d = dd.getBoundingClientRect();
    const text = document.createRange(); text.selectNodeContents(dt);
    return {label: dt.textContent.trim(), lines: new Set([...text.getClientRects()].map((r) => Math.round(r.top))).size,
            above: t.bottom <= d.top + 1, beside: t.right <= d.left + 1 && Math.abs(t.top - d.top) < 4};
  });
  const links = [...card.querySelectorAll("a")].map((a) => a.getBoundingClientRect().right - c.right);
  const h1 = document.querySelector("article h1"), first = document.querySelector("article .chapter-card ~ section p");
  return {fields, overflow: card.scrollWidth - card.clientWidth, linkOverhang: Math.max(0, ...links),
          titleLines: Math.round(h1.getBoundingClientRect().height / lineHeight(h1)),
          titlePx: parseFloat(getComputedStyle(h1).fontSize),
          firstTextTop: first.getBoundingClientRect().top, screen: innerHeight};
}"""


@both
def test_the_chapter_card_is_readable_and_the_title_leaves_room_for_text(chapter_facts, viewport, mode):
    for chapter, facts in chapter_facts(viewport, mode).items():
        card = facts["card"]
        assert len(card["fields"]) >= 5, chapter
        wrapped = [f["label"] for f in card["fields"] if f["lines"] > 1]
        assert not wrapped, f"{chapter}: labels broken over lines: {wrapped}"
        layout = "above" if viewport == "phone" else "beside"
        assert all(f[layout] for f in card["fields"]), (chapter, card["fields"])
        assert card["overflow"] <= 1 and card["linkOverhang"] <= 1, (chapter, card)  # the URL breaks
        if viewport == "phone":
            assert card["titlePx"] <= 28 and card["titleLines"] <= 3, (chapter, card)
            # the first screen shows the chapter's own text, not only its title and card
            assert card["firstTextTop"] < card["screen"] - 60, (chapter, card)


# -- 5. navigation --------------------------------------------------------------------------------


def _pages(html_dir: Path) -> list[Path]:
    skip = ("_static", "_sources", "_images", "_downloads")
    return [p for p in sorted(html_dir.rglob("*.html")) if p.relative_to(html_dir).parts[0] not in skip]


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _target(page: Path, href: str, root: Path | None = None) -> Path:
    """The file a link opens; an absolute path (the 404 page's, sphinx-notfound-page) from the site's root."""
    path = href.split("#")[0]
    if path.startswith("/") and root is not None:
        return (root / path.lstrip("/")).resolve()
    return (page.parent / path).resolve() if path else page.resolve()  # "#": the page itself


def test_every_page_links_the_general_index_and_the_glossary(html_dir):
    missing = {}
    for page in _pages(html_dir):
        nav = _soup(page).select_one("nav.bd-docs-nav")
        targets = {_target(page, a["href"], html_dir) for a in nav.select("a[href]")} if nav else set()
        lacking = [name for name in ("genindex.html", "glossary.html") if (html_dir / name).resolve() not in targets]
        if lacking:
            missing[page.relative_to(html_dir).as_posix()] = lacking
    assert len(_pages(html_dir)) >= 15
    assert not missing


def test_the_cover_lists_every_chapter_under_its_part(html_dir):
    from kexuebook.catalog import load_catalog

    book = load_catalog(ROOT / "chapters" / "book.toml")
    cover = html_dir / "index.html"
    article = _soup(cover).select_one("article")
    listed = []
    for part_item in article.select(".toctree-wrapper li.toctree-l1"):
        link = part_item.select_one(":scope > a")
        chapters = [_target(cover, a["href"]) for a in part_item.select("li.toctree-l2 > a")]
        listed.append((_target(cover, link["href"]), link.get_text(), chapters))
    parts = [item for item in listed if item[0].name == "index.html" and item[0].parent.parent.name == "chapters"]
    numerals = "一二三四五"
    assert [p[1].split("\u3000")[0] for p in parts] == [f"第{numerals[i]}部分" for i in range(len(book.parts))]
    expected = [[(html_dir / f"{c.docname}.html").resolve() for c in book.chapters_of(part)] for part in book.parts]
    assert [p[2] for p in parts] == expected
    assert sum(len(p[2]) for p in parts) == 8


def test_part_pages_say_which_part_they_are(html_dir):
    from kexuebook.catalog import load_catalog

    book = load_catalog(ROOT / "chapters" / "book.toml")
    numerals = "一二三四五"
    for i, part in enumerate(book.parts):
        page = _soup(html_dir / "chapters" / part.slug / "index.html")
        heading = page.select_one("article h1").get_text().replace("#", "")
        assert heading.startswith(f"第{numerals[i]}部分\u3000"), heading
        assert page.select_one("title").get_text().startswith(f"第{numerals[i]}部分")


@both
def test_the_index_is_one_tap_away_from_a_chapter(open_page, viewport, mode):
    page = open_page(f"{CHAPTERS[2]}.html", viewport, mode)
    if viewport == "phone":
        page.locator("button.primary-toggle:visible").first.click()
        page.wait_for_function("document.querySelector('#pst-primary-sidebar-modal').open")
        scope = page.locator("#pst-primary-sidebar-modal")
    else:
        scope = page.locator(".bd-sidebar-primary")
    glossary = scope.locator("a.reference", has_text="术语表").first
    assert glossary.is_visible()
    link = scope.locator("a.book-index-link").first
    link.scroll_into_view_if_needed()
    assert link.is_visible() and link.inner_text() == "索引"
    link.click()
    page.wait_for_url(re.compile(r".*/genindex\.html$"))
    assert page.locator("article h1").first.inner_text().startswith("索引")


def test_no_pdf_no_link(html_dir):
    """The session's book is built without a PDF: no page offers one (never a dead link)."""
    assert not [p for p in _pages(html_dir) if _soup(p).select("a.book-pdf-link, a.pdf-download-link")]
    assert not (html_dir / "_downloads" / "book.pdf").exists()


def test_a_current_pdf_is_offered_from_every_page(synthetic_book, tmp_path):
    """On the small synthetic book (the book's configuration and theme, two made-up chapters):
    which pages carry the link is the theme's doing, not the chapters'."""
    from helpers import sphinx_build

    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a stand-in, newer than every source\n%%EOF\n")
    out = tmp_path / "html"
    sphinx_build("html", synthetic_book, out, "-D", f"kexuebook_pdf_file={pdf}")
    pages = _pages(out)
    offered = {}
    for page in pages:
        links = _soup(page).select("nav.bd-docs-nav a.book-pdf-link")
        offered[page.relative_to(out).as_posix()] = [_target(page, a["href"], out) for a in links]
    assert all(len(targets) == 1 for targets in offered.values()), {k: v for k, v in offered.items() if len(v) != 1}
    assert {t for targets in offered.values() for t in targets} == {(out / "_downloads" / "book.pdf").resolve()}
    assert (out / "_downloads" / "book.pdf").read_bytes() == pdf.read_bytes()
    # The 404 page is served at any depth: its link is absolute from the book's address.
    assert _soup(out / "404.html").select_one("nav.bd-docs-nav a.book-pdf-link")["href"] == "/_downloads/book.pdf"
    assert len(pages) >= 8  # cover, preface, five part pages, chapters, glossary, index, 404, search
    text = _soup(out / "chapters" / "probabilistic-models" / "synthetic-0001.html").select_one("a.book-pdf-link").get_text()
    assert text.startswith("下载PDF版（A4，") and text.endswith("MB）"), text


# -- 6. typography and chrome ---------------------------------------------------------------------

# For every character of closing punctuation in the article: does it begin a line?  For every
# opening one: does a line end right after it?  (Rects of single characters, in reading order.)
LINE_BREAKS = r"""(pairs) => {
  const [closing, opening] = pairs;
  const bad = [];
  const blocks = document.querySelectorAll("article p, article li, article dd, article figcaption, article td");
  for (const block of blocks) {
    if (block.querySelector("p, li")) continue;  // the innermost blocks only
    const items = [];  // [rect, char or null, node] in reading order
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          for (let i = 0; i < child.length; i++) {
            if (/\s/.test(child.data[i])) continue;
            const r = document.createRange(); r.setStart(child, i); r.setEnd(child, i + 1);
            const rect = r.getClientRects()[0];
            if (rect) items.push({rect, ch: child.data[i], math: false});
          }
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (child.classList.contains("katex")) {
            const rects = child.querySelector(".katex-html").getClientRects();
            if (rects.length) items.push({rect: rects[rects.length - 1], first: rects[0], ch: null, math: true});
          } else if (!child.classList.contains("katex-mathml")) walk(child);
        }
      }
    };
    walk(block);
    for (let k = 1; k < items.length; k++) {
      const prev = items[k - 1], cur = items[k];
      const newLine = (cur.math ? cur.first : cur.rect).top >= prev.rect.bottom - 2;
      if (!newLine) continue;
      const context = (prev.math ? "⟨math⟩" : prev.ch) + "⏎" + (cur.math ? "⟨math⟩" : cur.ch);
      if (cur.ch && closing.includes(cur.ch) && (prev.math || k < 2 || items[k - 2].math)) bad.push("starts: " + context);
      if (prev.ch && opening.includes(prev.ch) && cur.math) bad.push("ends: " + context);
      if (cur.ch && closing.includes(cur.ch) && prev.math) bad.push("after math: " + context);
    }
  }
  return [...new Set(bad)];
}"""
CLOSING_PUNCTUATION = "，。、：；！？）》」』】〕〉”’…"
OPENING_PUNCTUATION = "（《「『【〔〈“‘"


def test_every_inline_formula_is_kept_with_the_punctuation_after_it(html_dir):
    """In the HTML itself, whatever the width: figure captions too, where rST's escaped space
    (\\ :math:`p`\\ 。) stands between the formula and its punctuation in the source."""
    loose = {}
    for page in _pages(html_dir):
        for math in _soup(page).select("article span.math"):
            after = math.next_sibling
            text = after if isinstance(after, str) else ""
            if text[:1] and text[0] in "，。、：；！？）" and "math-punct" not in (math.parent.get("class") or []):
                loose.setdefault(page.relative_to(html_dir).as_posix(), []).append(math.get_text()[:20] + text[:6])
    assert not loose


@both
def test_chinese_line_breaking_rules_hold_beside_inline_math(chapter_facts, viewport, mode):
    problems = {chapter: facts["line_breaks"] for chapter, facts in chapter_facts(viewport, mode).items() if facts["line_breaks"]}
    assert not problems


EXCERPT = r"""() => {
  const excerpt = document.querySelector("article section[id$='-excerpt']");
  const ours = document.querySelector("article section[id$='-excerpt'] ~ section");
  const style = (e) => getComputedStyle(e);
  const seedP = excerpt.querySelector(":scope > p, :scope section > p"), ourP = ours.querySelector("p");
  const seedH = excerpt.querySelector("section h3"), ourH = ours.querySelector("h3");
  const box = style(excerpt);
  return {
    background: box.backgroundColor, page: style(document.querySelector(".bd-article")).backgroundColor,
    body: style(document.body).backgroundColor,
    rule: Math.max(parseFloat(box.borderLeftWidth), parseFloat(box.borderTopWidth)),
    seedFont: style(seedP).fontFamily, ourFont: style(ourP).fontFamily,
    seedHeading: seedH && [style(seedH).fontFamily, style(seedH).color, style(seedH).fontWeight],
    ourHeading: ourH && [style(ourH).fontFamily, style(ourH).color, style(ourH).fontWeight],
  };
}"""


@both
def test_the_seed_excerpt_is_set_apart_from_our_text(open_page, viewport, mode):
    page = open_page("chapters/probabilistic-models/vae.html", viewport, mode)
    facts = page.evaluate(EXCERPT)
    assert facts["background"] not in (facts["body"], "rgba(0, 0, 0, 0)"), facts  # a tint
    assert facts["rule"] >= 3, facts  # and a rule at its edge
    assert facts["seedFont"] != facts["ourFont"] and "Serif" in facts["seedFont"], facts
    assert facts["seedHeading"] and facts["ourHeading"], facts
    assert facts["seedHeading"][0] != facts["ourHeading"][0] and facts["seedHeading"][1] != facts["ourHeading"][1], facts


CHROME = r"""() => {
  const article = document.querySelector("article.bd-article");
  const outside = (e) => !article || !article.contains(e) || e.matches(".headerlink");
  const attributes = [];
  for (const e of document.querySelectorAll("[title], [aria-label], [placeholder], [data-bs-original-title]")) {
    if (!outside(e)) continue;
    for (const name of ["title", "aria-label", "placeholder", "data-bs-original-title"]) {
      const v = e.getAttribute(name);
      if (v) attributes.push(v);
    }
  }
  const footer = document.querySelector("footer.bd-footer-content, .bd-footer-content") || document.querySelector("footer");
  return {attributes, footer: footer ? footer.innerText.trim().split(/\n+/).map((s) => s.trim()).filter(Boolean) : []};
}"""
CJK = re.compile(r"[\u3400-\u9fff]")


@both
def test_the_chrome_speaks_chinese_with_full_width_punctuation(open_page, viewport, mode):
    for name in ["index.html", f"{CHAPTERS[6]}.html", "chapters/losses/index.html", "genindex.html", "glossary.html"]:
        page = open_page(name, viewport, mode)
        chrome = page.evaluate(CHROME)
        english = sorted({v for v in chrome["attributes"] if not CJK.search(v) and re.search(r"[A-Za-z]{2,}", v)})
        assert not english, f"{name}: UI strings left in English: {english}"
        assert chrome["footer"] == ["作者：苏剑林（原文）；本书编者（注解）", "© 原文 苏剑林，CC BY-NC-SA；注解与编排 本书编者，CC BY-NC-SA 4.0。"], chrome["footer"]


def test_a_tap_leaves_no_tooltip_over_the_header(browser, server):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/{CHAPTERS[1]}.html", wait_until="networkidle")
    button = page.locator("button.primary-toggle:visible").first
    button.tap()
    page.wait_for_function("document.querySelector('#pst-primary-sidebar-modal').open")
    page.keyboard.press("Escape")  # the drawer closes; the focus returns to the button
    page.wait_for_function("!document.querySelector('#pst-primary-sidebar-modal').open")
    page.wait_for_timeout(900)  # past Bootstrap's 500 ms show delay
    assert page.locator(".tooltip.show").count() == 0
    page.locator(".theme-switch-button:visible").first.tap()  # any button with a tooltip
    page.wait_for_timeout(900)
    assert page.locator(".tooltip.show").count() == 0
    context.close()


def test_a_mouse_still_gets_the_tooltip(open_page):
    page = open_page(f"{CHAPTERS[1]}.html", "desktop")
    page.locator("button.primary-toggle:visible").first.hover()
    page.wait_for_selector(".tooltip.show", timeout=3000)
    assert "全书目录" in page.locator(".tooltip.show").inner_text()


@pytest.mark.parametrize("mode", MODES)
def test_the_sidebar_title_breaks_only_after_its_colon(open_page, mode):
    page = open_page(f"{CHAPTERS[1]}.html", "desktop", mode)
    starts = page.evaluate("""() => {
        const title = document.querySelector('.bd-sidebar-primary .logo__title'), text = title.firstChild;
        const tops = [];
        for (let i = 0; i < text.length; i++) {
            const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
            const rect = r.getClientRects()[0]; if (rect) tops.push([i, rect.top]);
        }
        return [text.data, tops.filter(([i, top], k) => k === 0 || top > tops[k - 1][1] + 2).map(([i]) => i)];
    }""")
    text, line_starts = starts
    assert set(line_starts) <= {0, text.index("：") + 1}, (text, line_starts)


# -- 2. figures -----------------------------------------------------------------------------------

TEXT_SCALE = re.compile(r"scale\(([0-9.]+) -\1\)")  # matplotlib draws a glyph run at size = 100 × scale (pt)
VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) [0-9.]+"')


def _smallest_text_pt(svg: str) -> tuple[float, float]:
    """Smallest text size in the SVG's own units (pt), and the width of its viewBox."""
    sizes = [100 * float(s) for s in TEXT_SCALE.findall(svg)]
    return min(sizes), float(VIEWBOX.search(svg).group(1))


FIGURES = """() => [...document.querySelectorAll('article figure img.book-figure')].map((img) => ({
    src: img.getAttribute('src'), width: img.getBoundingClientRect().width,
    link: img.closest('a') && img.closest('a').getAttribute('href'),
    background: getComputedStyle(img).backgroundColor,
    fits: img.getBoundingClientRect().right <= document.documentElement.clientWidth}))"""


@both
def test_figures_are_legible_at_their_rendered_scale_and_link_their_full_size_svg(chapter_facts, html_dir, viewport, mode):
    measured = {}
    for chapter, facts in chapter_facts(viewport, mode).items():
        for figure in facts["figures"]:
            svg = (html_dir / chapter).parent / figure["src"]
            smallest_pt, viewbox = _smallest_text_pt(svg.read_text(encoding="utf-8"))
            px = smallest_pt * figure["width"] / viewbox  # 1 unit of the viewBox is drawn this wide
            measured[svg.name] = round(px, 1)
            assert px >= 10.8, f"{svg.name}: smallest text {px:.1f} px on the {viewport}"
            assert figure["fits"], svg.name
            assert figure["link"] and ((html_dir / chapter).parent / figure["link"]).resolve() == svg.resolve(), figure
            if mode == "dark":
                assert figure["background"] == "rgb(255, 255, 255)", figure  # dark text keeps its white card
    assert len(measured) >= 7, measured
    print(viewport, mode, "smallest figure text (px):", measured)


GRAPHVIZ_FONT = re.compile(r'font-size="([0-9.]+)"')
GRAPHVIZ_VIEWBOX = re.compile(r'viewBox="[0-9.]+ [0-9.]+ ([0-9.]+) [0-9.]+"')


@both
def test_the_diagram_is_legible_at_its_rendered_scale(open_page, html_dir, viewport, mode):
    """The SSH diagram (graphviz) is drawn for the column too: one column of boxes, short labels."""
    chapter = "chapters/tooling/ssh-tunnel"
    page = open_page(f"{chapter}.html", viewport, mode)
    # html_a11y writes the diagram as <img> (an <object> would bypass the offline service worker).
    diagram = page.evaluate("""() => { const o = document.querySelector('article figure img.graphviz');
        return {data: o.getAttribute('src'), width: o.getBoundingClientRect().width,
                fits: o.getBoundingClientRect().right <= document.documentElement.clientWidth}; }""")
    svg = ((html_dir / chapter).parent / diagram["data"]).read_text(encoding="utf-8")
    smallest = min(float(size) for size in GRAPHVIZ_FONT.findall(svg))
    px = smallest * diagram["width"] / float(GRAPHVIZ_VIEWBOX.search(svg).group(1))
    assert px >= 10.8 and diagram["fits"], (px, diagram)
