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

pytestmark = pytest.mark.browser

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


@pytest.fixture
def open_page(browser, server):
    """A page of the book in a fresh context of the given viewport and colour mode."""
    contexts = []

    def open_(path: str, viewport: str = "phone", mode: str = "light"):
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server}/{path}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        return page

    yield open_
    for context in contexts:
        context.close()  # a no-op for a context the test closed itself


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
def test_our_display_equations_never_overflow_and_the_number_never_covers_them(open_page, viewport, mode):
    """Every display equation of our text fits the column; on a phone its number sits under it."""
    wide, misplaced, seen = {}, {}, 0
    for chapter in CHAPTERS:
        page = open_page(f"{chapter}.html", viewport, mode)
        for eq in page.evaluate(EQUATIONS):
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
        page.context.close()
    assert seen >= 50, "the chapters' own display equations were measured"
    assert not wide, f"equations wider than the {viewport} column (px too wide): {wide}"
    assert not misplaced


def _edges(png: bytes) -> tuple[float, float]:
    """Mean luminance of a 4-px strip at the left and the right edge of the box's top padding."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width = image.width
    strip = lambda x0: [image.getpixel((x, y)) for x in range(x0, x0 + 4) for y in range(0, 2)]  # noqa: E731
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
    background = page.evaluate("""() => { const c = document.createElement('canvas').getContext('2d');
        c.fillStyle = getComputedStyle(document.querySelector('.bd-article')).getPropertyValue('--book-page');
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
