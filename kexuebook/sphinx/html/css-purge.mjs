// The site's one stylesheet, cut to what its pages use: run by kexuebook/sphinx/html/css_bundle.py, which sends
// {css, content, safelist, dynamicAttributes} as JSON on stdin and reads back
// {css, rejected} as JSON on stdout.  A content item of extension "selectors" is what the
// pages hold, already extracted: {tags, classes, ids, attributes: {names, values}, undetermined}.
//
// PurgeCSS (pinned in package.json) keeps the rules whose selectors name a class, id or element
// found in the content (the built pages and the scripts they load, where the class names that
// JavaScript adds are written), the safelist, and every selector on a dynamic attribute (the
// colour mode).  It drops @keyframes and the custom properties no kept rule uses and no script
// reads (safelist.variables: Bootstrap places a menu by its --bs-position).  It keeps every
// @font-face: PurgeCSS reads only `font-family`, and KaTeX names its faces in `font`
// shorthands, Font Awesome through custom properties (a browser fetches only the faces the text
// of a page uses anyway).  Then (PostCSS) each @font-face keeps only its WOFF2 source, which
// every browser the book supports reads: the fallbacks are never fetched and only lengthen the
// stylesheet.  Text faces get font-display: swap (the text shows at once in a fallback face);
// icon faces keep theirs (a fallback face would show a box where the icon goes).
import postcss from "postcss";
import { PurgeCSS } from "purgecss";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const regexps = (patterns) => patterns.map((pattern) => new RegExp(pattern));
const [purged] = await new PurgeCSS().purge({
  css: [{ raw: input.css }],
  content: input.content,
  // The pages come parsed (css_bundle.py: their tags, classes, ids and attributes, not the words
  // of their text: "table" in a sentence is no class).  Scripts are split into words, which holds
  // their string literals.
  extractors: [{ extractor: (raw) => JSON.parse(raw), extensions: ["selectors"] }],
  safelist: { standard: regexps(input.safelist.standard), greedy: regexps(input.safelist.greedy), variables: input.safelist.variables },
  dynamicAttributes: input.dynamicAttributes,
  fontFace: false,
  keyframes: true,
  rejected: true,
  variables: true,
});

const isWoff2 = (source) => /format\(\s*["']?woff2["']?\s*\)/i.test(source) || /\.woff2["')?#\s]/i.test(source);
const iconFace = (family) => /Font Awesome/i.test(family);

const fontFaces = {
  postcssPlugin: "book-font-faces",
  AtRule: {
    "font-face": (rule) => {
      let family = "";
      rule.walkDecls("font-family", (decl) => { family = decl.value; });
      rule.walkDecls("src", (decl) => {
        const woff2 = postcss.list.comma(decl.value).filter(isWoff2);
        if (woff2.length) decl.value = woff2.join(",");
      });
      if (!iconFace(family)) {
        rule.walkDecls("font-display", (decl) => decl.remove());
        rule.append({ prop: "font-display", value: "swap" });
      }
    },
  },
};

const result = await postcss([fontFaces]).process(purged.css, { from: undefined });
process.stdout.write(JSON.stringify({ css: result.css, rejected: purged.rejected || [] }));
