/* The book's search, on top of Sphinx 8.2's searchtools.js. Loaded on search.html only, before
 * searchtools.js, which keeps a `Scorer` and a `splitQuery` that are already defined (its public
 * hooks). The book's data (its dictionary, reading order, kinds of page) is a JSON element that
 * kexuebook/sphinx/html/search_page_data.py writes into the page.
 *
 * - Query segmentation: a Chinese query is cut into the words the index holds (the index's own
 *   vocabulary and the book's jieba dictionary), fewest words first, so a compound of indexed
 *   words (焦点损失, 证据下界) finds the pages that hold them. Latin runs are split from Chinese
 *   (KL散度 → kl, 散度) as jieba does at build time.
 * - Ranking: chapters first: one whose title names the query, then the first to introduce the
 *   glossary term the query names, and among equals the one a reader meets first (reading
 *   order); part pages after chapters; the cover, preface, glossary, bibliography and index
 *   after them all.
 * - Excerpts: readable text: no page chrome, math shown as its plain text when it is simple and
 *   as 〔公式〕/〔式(7.1)〕 otherwise (KaTeX's flattened glyphs read as noise).
 * - Messages: the result count in Chinese and an explicit state for an empty query.
 */
"use strict";

const BOOK_SEARCH = JSON.parse(document.getElementById("book-search-data").textContent);
const BOOK_HAN_RUN = /(\p{Script=Han}+)/u;
const BOOK_LONGEST_WORD = 12;

/* The one place that reaches into Sphinx's searchtools.js beyond its public hooks (Scorer,
 * splitQuery): the loaded index's vocabulary, and the page-to-text function of result excerpts.
 * Written for Sphinx 8.2.3; if either is missing, the search stops with an error saying so
 * rather than quietly searching differently from the index. */
const sphinxSearchInternals = () => {
  const problem = (what) => {
    throw new Error(`book-search.js: Sphinx's searchtools.js has no ${what} (written for Sphinx 8.2.3): update _static/book-search.js`);
  };
  if (typeof Search !== "object" || typeof Search.htmlToText !== "function") problem("Search.htmlToText");
  return {
    vocabulary: () => {
      const index = Search._index;
      if (!index || typeof index.terms !== "object" || typeof index.titleterms !== "object") problem("Search._index.terms/titleterms");
      return [...Object.keys(index.terms), ...Object.keys(index.titleterms)];
    },
    setHtmlToText: (htmlToText) => {
      Search.htmlToText = htmlToText;
    },
  };
};

let bookWords = null; // the Chinese words of the index and the dictionary, built on first use
const bookVocabulary = () => {
  if (bookWords === null) {
    const all = [...sphinxSearchInternals().vocabulary(), ...BOOK_SEARCH.dictionary];
    bookWords = new Set(all.filter((word) => word.length > 1 && /^\p{Script=Han}+$/u.test(word)));
  }
  return bookWords;
};

/* A run of Chinese characters as the fewest known words, the longest first among equals.
 * Characters no known word covers are dropped, as the indexer drops one-character words; a run
 * with no known word at all is kept whole (Sphinx then matches it as a part of longer terms). */
const segmentHan = (run, words) => {
  const n = run.length;
  const best = new Array(n + 1).fill(null);
  best[n] = { cost: 0, pieces: [] };
  for (let i = n - 1; i >= 0; i--) {
    for (let length = Math.min(BOOK_LONGEST_WORD, n - i); length >= 1; length--) {
      const piece = run.slice(i, i + length);
      const known = length > 1 && words.has(piece);
      if (length > 1 && !known) continue;
      const rest = best[i + length];
      const cost = rest.cost + (known ? 1 : 1.5); // an unknown character costs more than a word
      if (best[i] === null || cost < best[i].cost) best[i] = { cost, pieces: known ? [piece, ...rest.pieces] : rest.pieces };
    }
  }
  return best[0].pieces.length ? best[0].pieces : [run];
};

/* Sphinx's default splitter (runs of letters, digits, _ and emoji), then Chinese segmented. */
var splitQuery = (query) => {
  useBookExcerpts(); // a query's excerpts come later: see useBookExcerpts
  return query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .flatMap((chunk) => chunk.split(BOOK_HAN_RUN))
    .filter((piece) => piece)
    .flatMap((piece) => (BOOK_HAN_RUN.test(piece) ? segmentHan(piece, bookVocabulary()) : [piece]));
};

let bookQuery = { text: null, terms: [] };
const bookQueryTerms = () => {
  const text = new URLSearchParams(window.location.search).get("q") || "";
  if (bookQuery.text !== text) bookQuery = { text, terms: splitQuery(text.toLowerCase()) };
  return bookQuery.terms;
};

/* The glossary entry the whole query names (any of its names, any case), if any. */
const bookNamedEntry = () => {
  const text = (new URLSearchParams(window.location.search).get("q") || "").trim().replace(/\s+/g, " ").toLowerCase();
  return BOOK_SEARCH.glossary.find((entry) => entry.names.some((name) => name.toLowerCase() === text));
};

const bookPosition = new Map(BOOK_SEARCH.order.map((docname, position) => [docname, position]));
const bookOrderOf = (docname) => (bookPosition.has(docname) ? bookPosition.get(docname) : BOOK_SEARCH.order.length);

/* The chapter that introduces an entry first: the first, in reading order, that links it. */
const bookFirstChapter = (entry) =>
  entry.pages.filter((docname) => BOOK_SEARCH.kinds[docname] === "chapter").sort((a, b) => bookOrderOf(a) - bookOrderOf(b))[0];

var Scorer = {
  // Sphinx's defaults (searchtools.js) ...
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
  // ... and the book's order on top of them: a chapter whose title names the query first; then
  // the pages that link the glossary entry the query names (they introduce the term), the first
  // chapter to do so ahead of the others. Sphinx's scores are whole numbers: the reading-order
  // share (below 1) only breaks ties.
  score: (result) => {
    const [docname, , , , score] = result;
    const kind = BOOK_SEARCH.kinds[docname];
    const title = (BOOK_SEARCH.titles[docname] || "").toLowerCase(); // the page's, not a section's
    const entry = bookNamedEntry();
    const introduces = entry !== undefined && entry.pages.includes(docname);
    const titleNames = bookQueryTerms().some((term) => title.includes(term));
    const named = (titleNames ? 200 : 0) + (introduces ? 100 : 0) + (introduces && docname === bookFirstChapter(entry) ? 50 : 0);
    const early = (BOOK_SEARCH.order.length - bookOrderOf(docname)) / (BOOK_SEARCH.order.length + 1);
    if (kind === "chapter") return score + named + early;
    if (kind === "part") return score - 50 + named + early;
    return score - 1000 + early;
  },
};

Object.assign(Documentation.TRANSLATIONS, {
  // PLURAL_EXPR is 0 for Chinese: the first form serves every count.
  "Search finished, found one page matching the search query.": [
    "搜索完成，找到 ${resultCount} 个相关页面。",
    "搜索完成，找到 ${resultCount} 个相关页面。",
  ],
  "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.":
    "没有找到相关页面。请检查拼写，或换一个词（例如“自编码器”“mixup”）再试。",
});

/* Simple TeX reads the same as its rendering: letters, digits, brackets, operators, Greek letters
 * and a few relations (μ, σ, p(z∣x)); no scripts, fractions or accents, which flatten to noise. */
const BOOK_PLAIN_TEX =
  /^(?:[A-Za-z0-9\s+\-=<>,.;:!'|()[\]]|\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|theta|lambda|mu|sigma|pi|rho|tau|phi|varphi|psi|omega|Gamma|Delta|Theta|Lambda|Sigma|Phi|Psi|Omega|mid|sim|cdot|to|in|le|leq|ge|geq|neq|approx|infty|log|exp|ln|max|min)(?![A-Za-z]))*$/;

const readableMath = (math) => {
  const tex = math.querySelector('annotation[encoding="application/x-tex"]');
  const shown = math.querySelector(".katex-html");
  if (math.tagName === "DIV") {
    const number = math.querySelector(".eqno");
    return number ? `〔式${number.firstChild.textContent.trim()}〕` : "〔公式〕";
  }
  if (tex && shown && BOOK_PLAIN_TEX.test(tex.textContent)) return shown.textContent;
  return "〔公式〕";
};

/* A page's readable text for an excerpt, and for an anchor the block around it (an index entry's
 * target is an empty <span id="index-0">: Sphinx 8.2 would return "" and fail on appendChild). */
const bookHtmlToText = (htmlString, anchor) => {
  const page = new DOMParser().parseFromString(htmlString, "text/html");
  const noise = ".headerlink, script, style, .bd-header-article, #jb-print-docs-body, .chapter-card, .prev-next-footer";
  page.querySelectorAll(noise).forEach((element) => element.remove());
  page.querySelectorAll(".math").forEach((math) => math.replaceWith(page.createTextNode(readableMath(math))));
  page.querySelectorAll("dl.glossary > dt").forEach((term) => term.append("：")); // "</dt><dd>" has no space
  const main = page.querySelector('[role="main"]');
  if (!main) return "";
  const found = anchor ? page.getElementById(decodeURIComponent(anchor.slice(1))) : null;
  const target = found && main.contains(found) ? found : null;
  if (!target) return main.textContent;
  const holder = [target, target.closest("p, li, dt, dd, td, figure"), target.nextElementSibling, target.closest("section"), main]
    .find((element) => element && element.textContent.trim());
  return holder ? holder.textContent : "";
};

/* The book's excerpts replace Sphinx's before any hit's excerpt is made.  DOMContentLoaded is
 * not early enough: searchindex.js is deferred too, its query runs as it loads, and the pages
 * fetched for the excerpts can come back before DOMContentLoaded fires (seen once under load:
 * an excerpt of raw KaTeX and TeX).  Every query is split by splitQuery first, so it installs them. */
let bookExcerptsInstalled = false;
const useBookExcerpts = () => {
  if (!bookExcerptsInstalled) {
    sphinxSearchInternals().setHtmlToText(bookHtmlToText);
    bookExcerptsInstalled = true;
  }
};

document.addEventListener("DOMContentLoaded", () => {
  useBookExcerpts();

  const query = new URLSearchParams(window.location.search).get("q");
  if (!query || !query.trim()) {
    const results = document.getElementById("search-results");
    const heading = document.createElement("h2");
    heading.textContent = "没有搜索词";
    const message = document.createElement("p");
    message.className = "search-summary search-empty";
    message.textContent = "请在上面的搜索框输入要查找的词，例如“自编码器”“信息熵”或“mixup”，然后按回车。";
    results.append(heading, message);
  }
});
