/* Registers the book's service worker (sw.js at the site's root, written by kexuebook/sphinx/html/offline.py), so
 * that after this visit every page, its math, figures and the search read offline.  The address
 * is taken from this script's own, so the book works at any base path.  Pages opened from a
 * file:// folder (the zip) have no service worker and need none. */
"use strict";

(() => {
  const script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !/^https?:$/.test(window.location.protocol)) return;
  const worker = new URL("../sw.js", script.src);
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(worker.href).catch((error) => console.warn("offline reading unavailable:", error));
  });
})();
