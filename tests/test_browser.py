"""The reader's experience of the HTML book in a real browser (Debian's Chromium via Playwright).

One browser for the whole run; one context per mode and viewport.  Every page is visited once
on a desktop and once on a phone; the checks of those visits share the records of a module
fixture.  Screenshots of the cover, a math chapter and the search results (desktop and phone,
light and dark) are written to _build/screenshots/ for people to look at.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest

from conftest import PUBLISHED_ENV
from helpers import ROOT, PageWatch
from tools.local_server import QuietHandler, serve

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "_build" / "screenshots"
MATH_CHAPTER = "chapters/information-theory/min-entropy"
FIGURE_CHAPTER = "chapters/losses/focal-loss"
VAE = "chapters/probabilistic-models/vae"
FIRST_VISIT = "try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}"

# What the visible text of an article must not contain once math is typeset.
RAW_TEX = ["$", "\\begin", "\\frac", "\\(", "\\["]

PAGE_FACTS = r"""() => {
  const article = document.querySelector("article.bd-article") || document.body;
  const maths = [...article.querySelectorAll(".math")];
  const clone = article.cloneNode(true);
  clone.querySelectorAll(".katex-mathml, script, style, .headerlink, pre, code").forEach((e) => e.remove());
  const text = clone.textContent;
  const body = article.querySelector("p");
  return {
    math: maths.length,
    untypeset: maths.filter((m) => !m.querySelector(".katex")).map((m) => m.outerHTML.slice(0, 160)),
    rawTex: %s.filter((s) => text.includes(s)),
    eqnos: [...article.querySelectorAll("div.math > .eqno")].map((e) => e.firstChild.textContent.trim()),
    displayMath: article.querySelectorAll("div.math").length,
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    bodyFontPx: body ? parseFloat(getComputedStyle(body).fontSize) : null,
    lang: document.documentElement.lang,
    // wide boxes must scroll themselves, not push the page sideways
    unscrollable: [...article.querySelectorAll("div.math, .katex-display, .table-wrapper, table, pre")]
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && !["auto", "scroll"].includes(getComputedStyle(e).overflowX))
      .map((e) => e.tagName + "." + e.className),
    // an equation number beside its equation (under it on a phone), never over it
    numberOverlaps: [...article.querySelectorAll("div.math")].filter((m) => {
      const number = m.querySelector(":scope > .eqno"), display = m.querySelector(":scope > .katex-display");
      if (!number || !display) return false;
      const n = number.getBoundingClientRect(), d = display.getBoundingClientRect();
      return n.left < d.right - 1 && n.right > d.left + 1 && n.top < d.bottom - 1 && n.bottom > d.top + 1;
    }).map((m) => m.id),
  };
}""" % json.dumps(RAW_TEX)


def html_pages(html_dir: Path) -> list[str]:
    """Every HTML page of the book, as a path relative to its root."""
    skip = ("_static/", "_sources/", "_images/", ".doctrees/")
    return sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html") if not p.relative_to(html_dir).as_posix().startswith(skip))


def visit_all(browser, server: str, html_dir: Path, viewport: dict) -> dict[str, dict]:
    context = browser.new_context(viewport=viewport)
    context.add_init_script(FIRST_VISIT)  # every page is a reader's first visit (no stored mode)
    page = context.new_page()
    watch = PageWatch(page, server)
    records = {}
    for name in html_pages(html_dir):
        watch.reset()
        page.goto(f"{server}/{name}", wait_until="networkidle")
        facts = page.evaluate(PAGE_FACTS)
        facts.update(console=watch.console, failed=watch.failed, foreign=watch.foreign)
        records[name] = facts
    context.close()
    return records


@pytest.fixture(scope="module")
def desktop_visits(browser, server, html_dir):
    return visit_all(browser, server, html_dir, DESKTOP)


@pytest.fixture(scope="module")
def phone_visits(browser, server, html_dir):
    return visit_all(browser, server, html_dir, PHONE)


@pytest.fixture
def context_factory(browser):
    contexts = []

    def make(viewport=DESKTOP, mode: str | None = None, **options):
        context = browser.new_context(viewport=viewport, **options)
        if mode:  # a reader who chose this mode earlier (the theme keeps it in localStorage)
            context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


# -- every page -------------------------------------------------------------------------------------


def test_book_has_pages(desktop_visits):
    names = set(desktop_visits)
    assert {"index.html", "search.html", "404.html", f"{VAE}.html", f"{MATH_CHAPTER}.html"} <= names
    assert len(names) >= 15


@pytest.mark.parametrize("visits", ["desktop_visits", "phone_visits"])
def test_no_console_errors_or_warnings(visits, request):
    problems = {name: r["console"] for name, r in request.getfixturevalue(visits).items() if r["console"]}
    assert not problems


@pytest.mark.parametrize("visits", ["desktop_visits", "phone_visits"])
def test_no_failed_requests(visits, request):
    problems = {name: r["failed"] for name, r in request.getfixturevalue(visits).items() if r["failed"]}
    assert not problems


@pytest.mark.parametrize("visits", ["desktop_visits", "phone_visits"])
def test_no_request_leaves_the_local_server(visits, request):
    problems = {name: r["foreign"] for name, r in request.getfixturevalue(visits).items() if r["foreign"]}
    assert not problems


def test_math_is_typeset_on_every_page(desktop_visits):
    with_math = {name: r for name, r in desktop_visits.items() if r["math"]}
    assert len(with_math) >= 6, "the chapters have formulas"
    untypeset = {name: r["untypeset"] for name, r in with_math.items() if r["untypeset"]}
    raw = {name: r["rawTex"] for name, r in desktop_visits.items() if r["rawTex"]}
    assert not untypeset
    assert not raw


def test_display_equations_show_their_numbers(desktop_visits):
    for name, r in desktop_visits.items():
        if r["displayMath"]:
            assert r["eqnos"], f"{name}: display equations without numbers"
    assert desktop_visits[f"{MATH_CHAPTER}.html"]["eqnos"][:2] == ["(2.1)", "(2.2)"]


def test_pages_are_in_chinese(desktop_visits):
    assert {r["lang"] for r in desktop_visits.values()} == {"zh-CN"}


def test_no_page_scrolls_sideways_on_a_phone(phone_visits):
    wide = {name: (r["scrollWidth"], r["innerWidth"]) for name, r in phone_visits.items() if r["scrollWidth"] > r["innerWidth"]}
    assert not wide


def test_wide_content_scrolls_in_its_own_box_on_a_phone(phone_visits):
    assert not {name: r["unscrollable"] for name, r in phone_visits.items() if r["unscrollable"]}


def test_a_too_wide_equation_scrolls_by_itself_and_takes_the_focus(context_factory, server):
    """However wide an equation, the page stays put; its box scrolls and the keyboard can reach it."""
    page = context_factory(viewport=PHONE).new_page()
    page.goto(f"{server}/{MATH_CHAPTER}.html", wait_until="networkidle")
    page.evaluate("""() => {
        const eq = document.querySelector('#equation-min-entropy-tag-2-1 .katex-display > .katex');
        eq.style.display = 'inline-block'; eq.style.minWidth = '900px';
        window.dispatchEvent(new Event('resize'));
    }""")
    scroller = "#equation-min-entropy-tag-2-1 .katex-display"
    page.wait_for_function(f"document.querySelector('{scroller}').tabIndex === 0")
    box = page.evaluate(f"""() => {{ const b = document.querySelector('{scroller}');
        return [b.scrollWidth > b.clientWidth, getComputedStyle(b).overflowX, document.scrollingElement.scrollWidth, innerWidth]; }}""")
    assert box[0] and box[1] == "auto" and box[2] <= box[3], box
    focusable_hidden = page.evaluate("document.querySelectorAll('[aria-hidden=true] [tabindex], [aria-hidden=true][tabindex]').length")
    assert focusable_hidden == 0


@pytest.mark.parametrize("visits", ["desktop_visits", "phone_visits"])
def test_equation_numbers_do_not_cover_equations(visits, request):
    assert not {name: r["numberOverlaps"] for name, r in request.getfixturevalue(visits).items() if r["numberOverlaps"]}


def test_body_text_is_readable_without_zoom_on_a_phone(phone_visits):
    small = {name: r["bodyFontPx"] for name, r in phone_visits.items() if r["bodyFontPx"] is not None and r["bodyFontPx"] < 16}
    assert not small


# -- equations ----------------------------------------------------------------------------------


def test_equation_reference_lands_on_the_equation(context_factory, server):
    page = context_factory().new_page()
    page.goto(f"{server}/{MATH_CHAPTER}.html", wait_until="networkidle")
    link = page.locator('article a.reference.internal[href="#equation-min-entropy-tag-2-2"]').first
    assert link.inner_text().strip() == "(2.2)"
    link.click()
    page.wait_for_function("location.hash === '#equation-min-entropy-tag-2-2'")
    target = page.evaluate("""() => {
        const t = document.querySelector(':target');
        const box = t.getBoundingClientRect();
        return {id: t.id, top: box.top, bottom: box.bottom, height: innerHeight,
                number: t.querySelector('.eqno').firstChild.textContent.trim()};
    }""")
    assert target["id"] == "equation-min-entropy-tag-2-2"
    assert target["number"] == "(2.2)"
    assert 0 <= target["top"] < target["height"] and target["bottom"] <= target["height"], target  # in view


# -- search -------------------------------------------------------------------------------------

SEARCHES = {
    "自编码器": VAE,
    "芒果": "chapters/probabilistic-models/mango",
    "mixup": "chapters/regularization/mixup",
    "focal": "chapters/losses/focal-loss",
    "dropout": "chapters/regularization/dropout-mlm-mae",
}


def search(page, server: str, query: str) -> list[str]:
    """The result links of a query on the search page, best first."""
    page.goto(f"{server}/search.html?q={urllib.parse.quote(query)}")
    page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent.length > 0")
    page.wait_for_function("!document.querySelector('#search-results h2')?.textContent.includes('正在搜索')")
    return page.eval_on_selector_all("#search-results ul.search li > a", "links => links.map(a => a.getAttribute('href'))")


@pytest.fixture(scope="module")
def search_page(browser, server):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    # one tab goes from query to query: a fetch of the page it leaves (Chromium once aborted one
    # for bibliography.html) is the test's doing, not the book's
    watch = PageWatch(page, server, count_aborted=False)
    yield page, watch
    context.close()


@pytest.mark.parametrize("query", list(SEARCHES))
def test_search_finds_the_chapter_first(search_page, server, query):
    page, watch = search_page
    watch.reset()
    links = search(page, server, query)
    assert links, f"no result for {query}"
    assert links[0].split("#")[0].split("?")[0] == f"{SEARCHES[query]}.html", links[:5]
    assert "搜索完成" in page.inner_text("#search-results .search-summary")
    assert not watch.console and not watch.failed


def test_search_result_highlights_the_hit_on_the_target_page(search_page, server):
    page, _ = search_page
    search(page, server, "自编码器")
    page.locator("#search-results ul.search li > a").first.click()
    page.wait_for_url(re.compile(r".*/probabilistic-models/vae\.html.*"))
    page.wait_for_selector("article span.highlighted")
    assert "自编码器" in page.locator("article span.highlighted").first.inner_text()


def test_highlight_parameter_marks_the_term(search_page, server):
    page, _ = search_page
    page.evaluate("localStorage.clear()")
    page.goto(f"{server}/{FIGURE_CHAPTER}.html?highlight=focal")
    page.wait_for_selector("article span.highlighted")
    assert page.locator("article span.highlighted").first.inner_text().lower() == "focal"


def test_search_box_submits_a_chinese_query(context_factory, server):
    page = context_factory().new_page()
    page.goto(f"{server}/index.html", wait_until="networkidle")
    page.locator("button.search-button__button:visible").first.click()
    field = page.locator("#pst-search-dialog input[name=q]")
    field.fill("芒果")
    field.press("Enter")
    page.wait_for_url(re.compile(r".*search\.html\?q=.*"))
    page.wait_for_selector("#search-results ul.search li > a")
    assert page.locator("#search-results ul.search li > a").first.get_attribute("href").startswith("chapters/probabilistic-models/mango.html")


def test_empty_query_says_so(search_page, server):
    page, _ = search_page
    page.goto(f"{server}/search.html", wait_until="networkidle")
    message = page.locator("#search-results .search-empty")
    assert message.is_visible()
    assert "请在上面的搜索框输入" in message.inner_text()


def test_nonsense_query_says_nothing_was_found(search_page, server):
    page, _ = search_page
    assert search(page, server, "qzxwvkjh") == []
    summary = page.inner_text("#search-results .search-summary")
    assert "没有找到相关页面" in summary


# -- colour modes -------------------------------------------------------------------------------


def test_theme_toggle_switches_and_persists_across_pages(context_factory, server):
    page = context_factory(color_scheme="light").new_page()
    watch = PageWatch(page, server)
    page.goto(f"{server}/index.html", wait_until="networkidle")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    for mode in ("dark", "light", "dark"):
        page.locator(".theme-switch-button:visible").first.click()
        page.locator(f".dropdown-menu.show .theme-change-button[data-mode={mode}]").click()
        assert page.evaluate("document.documentElement.dataset.theme") == mode
    page.locator("a.right-next").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("preface.html")
    assert page.evaluate("[document.documentElement.dataset.mode, document.documentElement.dataset.theme]") == ["dark", "dark"]
    page.goto(f"{server}/{VAE}.html", wait_until="networkidle")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert not watch.console


def test_auto_mode_follows_the_system_setting(context_factory, server):
    context = context_factory(color_scheme="dark")
    context.add_init_script(FIRST_VISIT)
    page = context.new_page()
    page.goto(f"{server}/index.html", wait_until="networkidle")
    assert page.evaluate("[document.documentElement.dataset.mode, document.documentElement.dataset.theme]") == ["auto", "dark"]
    # ... from the head of the page on, before the theme's own script (here withheld) runs
    page.route("**/pydata-sphinx-theme.js*", lambda route: route.abort())
    page.goto(f"{server}/{VAE}.html", wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("name", ["index", FIGURE_CHAPTER])
def test_color_contrast_passes_axe(context_factory, server, mode, name):
    page = context_factory(mode=mode).new_page()
    page.goto(f"{server}/{name}.html", wait_until="networkidle")
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}});
        return {version: axe.version, passes: r.passes.length,
                violations: r.violations.flatMap(v => v.nodes.map(n => [n.target.join(' '), n.failureSummary]))};
    }""")
    assert result["passes"] == 1, result  # the rule ran and found text to check
    assert not result["violations"]


AXE_PAGES = ["index", VAE, FIGURE_CHAPTER, MATH_CHAPTER, "chapters/tooling/ssh-tunnel", "glossary", "search", "404"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_accessibility_problem(context_factory, server, viewport):
    """Beyond contrast: all of axe-core's WCAG 2.1 A/AA and best-practice rules, on pages of every kind."""
    # No service worker: its offline copy, fetched after the load, is no part of a page's DOM.
    page = context_factory(viewport=viewport, service_workers="block").new_page()
    problems = {}
    for name in AXE_PAGES:
        page.goto(f"{server}/{name}.html", wait_until="load")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations
            .map(v => `${v.id}: ${v.nodes.length} × ${v.nodes[0].target.join(' ')}`)""")
        if violations:
            problems[name] = violations
    assert not problems


def test_figures_sit_on_white_in_dark_mode(context_factory, server):
    page = context_factory(mode="dark").new_page()
    page.goto(f"{server}/{FIGURE_CHAPTER}.html", wait_until="networkidle")
    backgrounds = page.eval_on_selector_all("article figure img", "imgs => imgs.map(i => getComputedStyle(i).backgroundColor)")
    assert backgrounds and set(backgrounds) == {"rgb(255, 255, 255)"}
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"


# -- phone and keyboard -------------------------------------------------------------------------


def test_navigation_drawer_opens_and_closes_on_a_phone(context_factory, server):
    page = context_factory(viewport=PHONE).new_page()
    page.goto(f"{server}/{VAE}.html", wait_until="networkidle")
    drawer = page.locator("#pst-primary-sidebar-modal")
    # The visible button is sphinx-book-theme's; the themes listen on a hidden one (_static/book.js).
    assert page.locator("button.primary-toggle:visible").first.get_attribute("aria-label") == "全书目录"
    assert not page.locator(".bd-sidebar-primary a.reference", has_text="变分自编码器").first.is_visible()
    page.locator("button.primary-toggle:visible").first.click()
    page.wait_for_function("document.querySelector('#pst-primary-sidebar-modal').open")
    assert drawer.locator("a.reference", has_text="模型与选芒果").first.is_visible()
    page.mouse.click(PHONE["width"] - 15, PHONE["height"] // 2)  # a tap beside the drawer closes it
    page.wait_for_function("!document.querySelector('#pst-primary-sidebar-modal').open")
    page.locator("button.primary-toggle:visible").first.click()
    page.wait_for_function("document.querySelector('#pst-primary-sidebar-modal').open")
    page.keyboard.press("Escape")  # so does Escape
    page.wait_for_function("!document.querySelector('#pst-primary-sidebar-modal').open")
    page.locator("button.primary-toggle:visible").first.click()
    page.wait_for_function("document.querySelector('#pst-primary-sidebar-modal').open")
    drawer.locator("a.reference", has_text="模型与选芒果").first.click()
    page.wait_for_url(re.compile(r".*/mango\.html"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_skip_link_is_first_and_visible_on_focus(context_factory, server, viewport):
    page = context_factory(viewport=viewport).new_page()
    page.goto(f"{server}/{VAE}.html", wait_until="networkidle")
    page.keyboard.press("Tab")
    # The theme slides the link in from above the page when it gets the focus.
    page.wait_for_function("document.activeElement.getBoundingClientRect().top >= 0", timeout=3000)
    focused = page.evaluate("""() => {
        const a = document.activeElement, box = a.getBoundingClientRect(), style = getComputedStyle(a);
        return {href: a.getAttribute('href'), text: a.textContent.trim(), visible: box.width > 0 && box.height > 0 && box.top >= 0,
                outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
    }""")
    assert focused["href"] == "#main-content" and focused["text"] == "跳转至主要内容" and focused["visible"], focused
    assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main-content'")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_prev_next_links_work_by_keyboard(context_factory, server, viewport):
    page = context_factory(viewport=viewport).new_page()
    page.goto(f"{server}/{VAE}.html", wait_until="networkidle")
    # Tab from the end of the article reaches "next" and shows where the focus is.
    page.locator("article.bd-article").evaluate("a => { const s = document.createElement('span'); s.tabIndex = 0; s.id = 'kbd-start'; a.append(s); }")
    page.focus("#kbd-start")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('left-prev') || document.activeElement.classList.contains('right-next')"):
            break
    focused = page.evaluate("""() => { const a = document.activeElement, s = getComputedStyle(a);
        return {cls: a.className, href: a.getAttribute('href'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
    assert focused["cls"] in ("left-prev", "right-next"), focused
    assert focused["outline"] != "none" and focused["width"] >= 2, focused
    if focused["cls"] == "left-prev":
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/mango\.html"))
        page.go_back()
        page.focus("a.right-next")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/losses/index\.html"))


def test_404_page_works_at_any_depth(browser, site_zip_build, tmp_path):
    """A server shows 404.html for every missing address: with the book's address configured
    (html_baseurl), its styles, scripts and links work however deep the missing address is.

    The session's published build (conftest's ``site_zip_build``, BOOK_BASEURL set) is served at
    its address's path on a local server, as its host would serve it."""
    prefix = urllib.parse.urlsplit(PUBLISHED_ENV["BOOK_BASEURL"]).path  # /kexue-reader/
    site = tmp_path / "host"
    book = site / prefix.strip("/")
    book.parent.mkdir(parents=True, exist_ok=True)
    book.symlink_to(site_zip_build / "site", target_is_directory=True)

    class NotFound(QuietHandler):
        def send_error(self, code, message=None, explain=None):
            if code != 404:
                return super().send_error(code, message, explain)
            body = (book / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serve(site, NotFound) as base:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        watch = PageWatch(page, base)
        missing = f"{base}{prefix}chapters/losses/no-such-chapter.html"
        response = page.goto(missing, wait_until="networkidle")
        assert response.status == 404
        assert page.title().startswith("页面未找到")
        assert [f for f in watch.failed if missing not in f] == []
        assert not [m for m in watch.console if "404" not in m]
        assert page.evaluate("getComputedStyle(document.querySelector('article h1')).fontFamily") != "Times New Roman"
        assert page.locator("button.primary-toggle:visible").count() == 1  # the theme's layout, styled
        page.get_by_text("回到封面和目录").click()
        page.wait_for_url(f"{base}{prefix}index.html")
        context.close()


def test_download_button_stays_hidden(context_factory, server):
    page = context_factory().new_page()
    page.goto(f"{server}/{VAE}.html", wait_until="networkidle")
    assert page.locator(".btn-download-pdf-button, .dropdown-download-buttons, [onclick*='print']").count() == 0


# -- screenshots --------------------------------------------------------------------------------


SHOTS = {"cover": "index.html", "math": f"{MATH_CHAPTER}.html", "search": "search.html?q=" + urllib.parse.quote("自编码器")}


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots(context_factory, server, viewport, mode):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    device = "desktop" if viewport is DESKTOP else "phone"
    page = context_factory(viewport=viewport, mode=mode).new_page()
    # a reader who chose a mode: still a quiet console; the next shot may leave a page while the
    # figures a scroll brought into view still load (Chromium aborts them: no fault of the book's)
    watch = PageWatch(page, server, count_aborted=False)
    for shot, path in SHOTS.items():
        page.goto(f"{server}/{path}", wait_until="networkidle")
        if shot == "search":
            page.wait_for_selector("#search-results ul.search li > a")
            page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent.includes('搜索完成')")
            page.wait_for_timeout(300)
        if shot == "math":
            page.locator("#equation-min-entropy-tag-2-1").scroll_into_view_if_needed()
        target = SCREENSHOTS / f"{shot}-{device}-{mode}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    assert not watch.console and not watch.failed and not watch.foreign
