/* The book's adjustments to Sphinx's search page. Loaded on search.html only, before Sphinx's
 * searchtools.js (which keeps a Scorer that is already defined).
 *
 * - Ranking: a chapter whose title names the query comes first; the front and back matter
 *   (preface, glossary, bibliography, index) come after the chapters, which they point to.
 * - Excerpts: the theme's page header (buttons, colour-mode menu), the print-only table of
 *   contents and the chapter card are not part of the text a result shows; a result that points
 *   at an index entry shows the paragraph around it.
 * - Messages: the result count in Chinese (Sphinx 8.2's zh_CN catalogue keys it differently from
 *   the script) and an explicit state for an empty query.
 */
"use strict";

const BOOK_BACK_MATTER = ["glossary", "bibliography", "genindex", "preface"];

const bookQueryTerms = () =>
  (new URLSearchParams(window.location.search).get("q") || "")
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0);

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
  // ... and the book's order on top of them.
  score: (result) => {
    const [docname, , , , score] = result;
    const index = Search._index;
    const docTitle = (index.titles[index.docnames.indexOf(docname)] || "").toLowerCase();
    let adjusted = score;
    if (BOOK_BACK_MATTER.includes(docname)) adjusted -= 1000;
    else if (bookQueryTerms().some((term) => docTitle.includes(term))) adjusted += 100;
    return adjusted;
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

document.addEventListener("DOMContentLoaded", () => {
  // Sphinx's own htmlToText, with the page chrome removed, and a non-empty text for anchors that
  // are empty targets (index entries: <span id="index-0"></span>): Sphinx 8.2 would return "" and
  // then fail on appendChild(null) ("parameter 1 is not of type 'Node'").
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    const noise = ".headerlink, script, style, .bd-header-article, #jb-print-docs-body, .chapter-card, .prev-next-footer, .katex-mathml";
    page.querySelectorAll(noise).forEach((element) => element.remove());
    const main = page.querySelector('[role="main"]');
    if (!main) return "";
    const found = anchor ? page.getElementById(decodeURIComponent(anchor.slice(1))) : null;
    const target = found && main.contains(found) ? found : null;
    if (!target) return main.textContent;
    const holder = [target, target.closest("p, li, dt, dd, td, figure"), target.nextElementSibling, target.closest("section"), main]
      .find((element) => element && element.textContent.trim());
    return holder ? holder.textContent : "";
  };

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
