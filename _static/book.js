/* The book's small fixes to the theme's behaviour, on every page.
 *
 * sphinx-book-theme 1.4 shows its own navigation button in the article header, but
 * pydata-sphinx-theme 0.20 (drawer on phones) and sphinx-book-theme (collapse on wide screens)
 * attach their click handlers to the first `.primary-toggle` only, which is the hidden one in the
 * page header: on a phone the visible button did nothing. Every other toggle forwards its click
 * to the first, so the drawer opens and closes wherever the reader taps.
 */
"use strict";

/* The navigation's expand/collapse arrows (<summary> with an icon only) get a spoken name; the
 * book's title at the top of the sidebar is the page's banner landmark (the theme's own header,
 * hidden by book.css, was), so that no content sits outside a landmark. */
document.addEventListener("DOMContentLoaded", () => {
  const brand = document.querySelector(".bd-sidebar-primary .navbar-brand");
  const brandItem = brand && brand.closest(".sidebar-primary-item");
  if (brandItem) brandItem.setAttribute("role", "banner");
  document.querySelectorAll(".bd-docs-nav details > summary").forEach((summary) => {
    const link = summary.parentElement.parentElement.querySelector(":scope > a");
    if (!summary.textContent.trim() && link) summary.setAttribute("aria-label", `展开或收起“${link.textContent.trim()}”`);
  });
});

document.addEventListener("DOMContentLoaded", () => {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const [handled, ...others] = document.querySelectorAll(selector);
    for (const toggle of others) {
      toggle.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        handled.click();
      });
    }
  }
});

/* A display equation or table wider than a phone scrolls in its own box (book.css); a box that
 * scrolls can be reached with the keyboard, as pydata-sphinx-theme already does for code. */
const markScrollableBoxes = () => {
  document.querySelectorAll("article div.math, article .katex-display").forEach((box) => {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
    } else if (box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex");
    }
  });
};
window.addEventListener("load", markScrollableBoxes);
window.addEventListener("resize", () => {
  clearTimeout(markScrollableBoxes.timer);
  markScrollableBoxes.timer = setTimeout(markScrollableBoxes, 150);
});

/* A tap on a button with a tooltip (☰, search, colour mode) must not leave the tooltip over the
 * header: Bootstrap shows it on focus, and a tapped button keeps the focus (and gets it back when
 * the drawer closes).  Touch and pen turn a button's tooltip off; a mouse turns it back on. */
document.addEventListener("pointerdown", (event) => {
  const owner = event.target.closest && event.target.closest('[data-bs-toggle="tooltip"]');
  const tooltip = owner && window.bootstrap && window.bootstrap.Tooltip.getInstance(owner);
  if (!tooltip) return;
  if (event.pointerType === "mouse") {
    tooltip.enable();
  } else {
    tooltip.hide();
    tooltip.disable();
  }
}, true);
