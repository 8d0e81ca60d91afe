/* The book's service worker (written into the site as sw.js by kexuebook/sphinx/html/offline.py).
 *
 * After one visit the whole book reads offline: on install it stores every page and every file
 * the pages load (the list below, made at build time from the built files), and then answers
 * those requests from its cache.
 *
 * - A new build has a new list, so browsers install the new worker on the next visit; it fetches
 *   what changed (revalidating with the server, never from a stale HTTP cache, and checking each
 *   file against its hash), reuses the unchanged files of the previous cache, takes over at once
 *   and deletes the old cache: no page is served from an older build after that.
 * - Addresses are relative to this file, and the cache name holds the worker's scope, so the book
 *   works at any base path and two books on one host keep apart.
 * - Query strings (?v=, ?digest= of the theme's assets, ?q= of the search page) and fragments do
 *   not select another file; anything not in the list (the PDF, the zip) goes to the network.
 */
"use strict";

const PRECACHE = /* precache */ [];
const VERSION = /* version */ "";

const ROOT = new URL("./", self.location.href);
const PREFIX = `kexue-reader ${ROOT.href} `;
const CACHE = PREFIX + VERSION;
const REVISION_HEADER = "X-Book-Revision";
const REVISIONS = new Map(PRECACHE.map(([path, revision]) => [new URL(path, ROOT).href, revision]));

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

async function storedCopy(url, revision, oldCaches) {
  for (const cache of oldCaches) {
    const response = await cache.match(url);
    if (response && response.headers.get(REVISION_HEADER) === revision) return response;
  }
  return null;
}

async function freshCopy(url, revision) {
  const response = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const body = await response.arrayBuffer();
  const digest = hex(await crypto.subtle.digest("SHA-256", body)).slice(0, revision.length);
  if (digest !== revision) throw new Error(`${url}: the server sent another build's file`);
  const headers = new Headers(response.headers);
  headers.set(REVISION_HEADER, revision);
  return new Response(body, { status: 200, statusText: "OK", headers });
}

async function precache() {
  const names = (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
  const oldCaches = await Promise.all(names.map((name) => caches.open(name)));
  const cache = await caches.open(CACHE);
  await Promise.all(
    [...REVISIONS].map(async ([url, revision]) => {
      const response = (await storedCopy(url, revision, oldCaches)) || (await freshCopy(url, revision));
      await cache.put(url, response);
    }),
  );
}

self.addEventListener("install", (event) => {
  // A failed install leaves the previous worker and cache in charge; the browser tries again later.
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  let key = url.origin + url.pathname;
  if (key.endsWith("/")) key += "index.html";
  if (!REVISIONS.has(key)) return;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(key))
      .then((response) => response || fetch(request)),
  );
});
