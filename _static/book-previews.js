/* Previews of a reference's target, in place: hover or focus a link (desktop, keyboard), or tap
 * it (phone; a second tap, or the preview's own link, follows it). The previews are built with
 * the book (kexuebook/sphinx/html/ref_previews.py: _static/previews/<page>.json) and fetched from the book itself
 * on first use, so they work offline. Escape, a tap elsewhere or leaving the link closes them. */
"use strict";

(() => {
  const root = new URL(document.documentElement.dataset.content_root || "./", window.location.href);
  const pages = new Map(); // docname → Promise of {id: html}
  let shown = null; // {link, box}
  let lastPointer = "mouse";
  let hideTimer = null;

  const targetOf = (link) => {
    const url = new URL(link.getAttribute("href"), window.location.href);
    if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname) || !url.pathname.endsWith(".html")) return null;
    return { docname: url.pathname.slice(root.pathname.length, -".html".length), id: decodeURIComponent(url.hash.slice(1)), url: url.href };
  };

  const previewsOf = (docname) => {
    if (!pages.has(docname)) {
      const file = new URL(`_static/previews/${docname}.json`, root);
      pages.set(docname, fetch(file).then((response) => (response.ok ? response.json() : {})).catch(() => ({})));
    }
    return pages.get(docname);
  };

  const hide = () => {
    clearTimeout(hideTimer);
    if (!shown) return;
    shown.link.removeAttribute("aria-describedby");
    shown.box.remove();
    shown = null;
  };

  const place = (box, link) => {
    const anchor = link.getBoundingClientRect();
    const width = Math.min(560, window.innerWidth - 16);
    box.style.width = `${width}px`;
    const left = Math.max(8, Math.min(anchor.left, window.innerWidth - width - 8));
    box.style.left = `${left + window.scrollX}px`;
    const height = box.offsetHeight;
    const below = anchor.bottom + 6;
    const top = below + height > window.innerHeight - 8 && anchor.top - height - 6 > 8 ? anchor.top - height - 6 : below;
    box.style.top = `${top + window.scrollY}px`;
  };

  const show = async (link, byTouch) => {
    const target = targetOf(link);
    if (!target) return false;
    const html = (await previewsOf(target.docname))[target.id];
    if (!html) return false;
    if (shown && shown.link === link) return true;
    hide();
    const box = document.createElement("div");
    box.className = "book-preview";
    box.id = "book-preview";
    box.setAttribute("role", "tooltip");
    box.innerHTML = html;
    box.querySelectorAll("img").forEach((img) => img.setAttribute("src", new URL(img.getAttribute("src"), root).href));
    if (byTouch) {
      const follow = document.createElement("a");
      follow.className = "book-preview-follow";
      follow.href = target.url;
      follow.textContent = "前往此处 →";
      box.append(follow);
    }
    box.addEventListener("pointerenter", () => clearTimeout(hideTimer));
    box.addEventListener("pointerleave", () => scheduleHide());
    document.body.append(box);
    place(box, link);
    link.setAttribute("aria-describedby", box.id);
    shown = { link, box, byTouch };
    return true;
  };

  const scheduleHide = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  };

  const links = document.querySelectorAll("article.bd-article a.reference.internal[href]:not(.headerlink)");
  links.forEach((link) => {
    // A citation's native tooltip duplicates the preview (and never shows on touch).
    if (link.title) {
      link.dataset.title = link.title;
      link.removeAttribute("title");
    }
    link.addEventListener("pointerenter", (event) => {
      if (event.pointerType !== "mouse") return;
      clearTimeout(hideTimer);
      show(link, false);
    });
    link.addEventListener("pointerleave", (event) => event.pointerType === "mouse" && scheduleHide());
    link.addEventListener("focus", () => lastPointer !== "touch" && show(link, false));
    link.addEventListener("blur", () => shown && !shown.byTouch && scheduleHide());
    link.addEventListener("click", (event) => {
      if (lastPointer !== "touch" || (shown && shown.link === link)) return; // a second tap follows the link
      event.preventDefault();
      show(link, true).then((opened) => opened || (window.location.href = link.href));
    });
  });

  document.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType;
    if (shown && !shown.box.contains(event.target) && !shown.link.contains(event.target)) hide();
  }, true);
  document.addEventListener("keydown", (event) => event.key === "Escape" && hide());
  window.addEventListener("resize", () => shown && place(shown.box, shown.link));
})();
