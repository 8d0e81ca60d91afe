"""Copying math and previewing references, in Chromium, on a phone and a desktop, light and dark.

- Copying a display or an inline equation puts its TeX on the clipboard (KaTeX's copy-tex,
  served from the book): read from the copy event's data, compared with the TeX KaTeX keeps in
  the page's MathML annotation.
- Hovering (desktop) or tapping (phone) a reference to an equation, a figure, a chapter, a
  section, a glossary term or a citation shows its target in place; what it shows is checked
  against the target itself (number, caption, heading, term, label), read from the target page.
- No console error, no failed request, no request to another host.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import PageWatch

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
MODES = ["light", "dark"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "_build" / "screenshots"
PAGES = ["chapters/probabilistic-models/mango", "chapters/losses/focal-loss", "chapters/losses/index"]
KINDS = {
    "equation": 'a.reference.internal[href*="#equation-"]',
    "figure": 'a.reference.internal[href*="#fig-"]',
    "chapter": 'a.reference.internal[href$="focal-loss.html"]',  # a part page's list of its chapters
    "section": 'a.reference.internal[href*="#chapter-"]',
    "glossary term": 'a.reference.internal[href*="glossary.html#term-"]',
    "citation": ".bibtex-citation a.reference.internal",
}

# What the target of a link shows, read from the target page itself (not from the previews).
TARGET_FACTS = """async (link) => {
  const url = new URL(link.href);
  const html = await (await fetch(url.href)).text();
  const page = new DOMParser().parseFromString(html, 'text/html');
  const target = url.hash ? page.getElementById(decodeURIComponent(url.hash.slice(1))) : page.querySelector('article section');
  const clean = (e) => { if (!e) return ''; const c = e.cloneNode(true); c.querySelectorAll('.headerlink, .katex-mathml').forEach(x => x.remove()); return c.textContent.trim(); };
  return {
    number: clean(target.querySelector(':scope > .eqno')),
    caption: clean(target.querySelector('figcaption .caption-number')),
    heading: clean(target.querySelector('h1, h2, h3, h4')),
    term: target.tagName === 'DT' ? clean(target) : '',
    label: clean(target.querySelector('.label')),
  };
}"""

PREVIEW_FACTS = """() => {
  const box = document.querySelector('.book-preview');
  if (!box) return null;
  const r = box.getBoundingClientRect();
  const number = box.querySelector('div.math > .eqno'), display = box.querySelector('div.math > .katex-display');
  return {numberOverlaps: !!(number && display && number.getBoundingClientRect().left < display.getBoundingClientRect().right - 1),
          text: box.textContent, math: box.querySelectorAll('.katex').length, images: box.querySelectorAll('img').length,
          heading: (box.querySelector('.book-preview-heading') || {textContent: ''}).textContent.trim(),
          follow: !!box.querySelector('a.book-preview-follow'), left: r.left, right: r.right, width: innerWidth,
          role: box.getAttribute('role')};
}"""

# A point of the article a finger's width (16 px) clear of the preview, on no link or control: the
# preview opens above its link when there is no room below, and may then cover the page's heading.
OUTSIDE_POINT = """() => {
  const box = document.querySelector('.book-preview'), article = document.querySelector('article.bd-article');
  const r = box.getBoundingClientRect(), near = (x, y) => x > r.left - 16 && x < r.right + 16 && y > r.top - 16 && y < r.bottom + 16;
  for (let y = 4; y < innerHeight; y += 8) for (let x = 4; x < innerWidth; x += 8) {
    const hit = near(x, y) ? null : document.elementFromPoint(x, y);
    if (hit && article.contains(hit) && !hit.closest('a, button, input, summary, label')) return [x, y];
  }
  throw new Error('no part of the article outside the preview to tap');
}"""


@pytest.fixture
def open_page(browser, server):
    contexts = []

    def make(device: str, mode: str):
        phone = device == "phone"
        context = browser.new_context(viewport=PHONE if phone else DESKTOP, color_scheme=mode, has_touch=phone, is_mobile=phone)
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        contexts.append(context)
        page = context.new_page()
        # first_link goes from page to page to find a link: a load it leaves behind (Chromium once
        # aborted the favicon's) is the test's doing, not the book's
        return page, PageWatch(page, server, count_aborted=False)

    yield make
    for context in contexts:
        context.close()


def first_link(page, server: str, selector: str):
    for name in PAGES:
        page.goto(f"{server}/{name}.html", wait_until="networkidle")
        link = page.locator(f"article.bd-article :is({selector})").first
        if link.count():
            return link
    raise AssertionError(f"no link matches {selector} on {PAGES}")


def check_preview(kind: str, preview: dict, target: dict, link_text: str) -> None:
    assert preview["role"] == "tooltip"
    assert preview["left"] >= 0 and preview["right"] <= preview["width"], preview  # inside the screen
    if kind == "equation":
        assert preview["math"] >= 1 and target["number"] and target["number"] in preview["text"], (preview, target)
        assert target["number"] == link_text.strip()
        assert not preview["numberOverlaps"], preview  # the number beside the equation, never over it
    elif kind == "figure":
        assert preview["images"] == 1 and target["caption"] and target["caption"] in preview["text"], (preview, target)
    elif kind in ("chapter", "section"):
        assert target["heading"] and preview["heading"] == target["heading"], (preview, target)
        assert len(preview["text"]) > len(preview["heading"]) + 20  # and the opening of its text
    elif kind == "glossary term":
        assert preview["heading"] == target["term"] and len(preview["text"]) > len(target["term"]) + 10, (preview, target)
    elif kind == "citation":
        assert preview["heading"] == target["label"] and link_text.strip() in target["label"], (preview, target)


def open_preview(page, server: str, kind: str, gesture: str):
    """Hover or tap the first link of this kind; the preview it opens shows its target (checked
    against the target page). Returns the link, the page's address and the preview's facts."""
    link = first_link(page, server, KINDS[kind])
    target = link.evaluate(TARGET_FACTS)
    url = page.url
    {"hover": link.hover, "tap": link.tap}[gesture]()
    page.wait_for_selector(".book-preview", state="visible")
    preview = page.evaluate(PREVIEW_FACTS)
    check_preview(kind, preview, target, link.inner_text())
    return link, url, preview


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_hover_shows_the_target_on_a_desktop(open_page, server, kind, mode):
    page, watch = open_page("desktop", mode)
    link, url, _ = open_preview(page, server, kind, "hover")
    assert link.get_attribute("aria-describedby") == "book-preview"
    assert page.url == url
    page.mouse.move(2, 2)  # leaving the link closes it
    page.wait_for_selector(".book-preview", state="detached")
    link.focus()  # so does the keyboard: focus opens, Escape closes
    page.wait_for_selector(".book-preview", state="visible")
    page.keyboard.press("Escape")
    page.wait_for_selector(".book-preview", state="detached")
    assert not watch.problems


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_tap_shows_the_target_on_a_phone(open_page, server, kind, mode):
    page, watch = open_page("phone", mode)
    link, url, preview = open_preview(page, server, kind, "tap")
    assert preview["follow"] and page.url == url  # the first tap previews; the preview links on
    if kind == "figure":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"preview-phone-{mode}.png"))
    page.touchscreen.tap(*page.evaluate(OUTSIDE_POINT))  # a tap elsewhere closes it
    page.wait_for_selector(".book-preview", state="detached")
    link.tap()
    page.wait_for_selector(".book-preview", state="visible")
    link.tap()  # a second tap on the link follows it
    page.wait_for_function(f"location.href !== {json.dumps(url)}")
    assert not watch.problems


COPY = """async ([selector, all]) => {
  const element = document.querySelector(selector);
  const range = document.createRange();
  range.selectNode(element);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  window.__copied = null;
  window.addEventListener('copy', (e) => { window.__copied = e.clipboardData.getData('text/plain'); }, {once: true});
  return element.querySelector('annotation[encoding="application/x-tex"]').textContent;
}"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_copying_an_equation_gives_its_tex(open_page, server, device, mode):
    page, watch = open_page(device, mode)
    page.goto(f"{server}/chapters/information-theory/forgetting.html", wait_until="networkidle")
    cases = {"display": ("div.math[id] .katex-display", "$$", "$$"), "inline": ("p span.math > .katex", "$", "$")}
    for name, (selector, opening, closing) in cases.items():
        tex = page.evaluate(COPY, [selector, False])
        page.keyboard.press("Control+c")
        page.wait_for_function("window.__copied !== null")
        copied = page.evaluate("window.__copied")
        assert copied == f"{opening}{tex}{closing}", (name, copied[:200], tex[:200])
    assert not watch.problems


def test_previews_are_served_by_the_book(html_dir):
    """Every chapter's previews exist in the output, as sorted JSON without ids of their own."""
    chapters = sorted((html_dir / "_static" / "previews" / "chapters").rglob("*.json"))
    assert len(chapters) >= 13  # eight chapters and five part pages
    for path in chapters:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert list(data) == sorted(data) and "" in data, path
        assert ' id="' not in text, path  # a preview never repeats an id of the page it is shown on
    assert (html_dir / "_static" / "katex" / "copy-tex.min.js").is_file()
