"""Previews of what a reference points at, built from the book's own pages at build time.

For every HTML page, ``_static/previews/<docname>.json`` maps each target id to the HTML a
preview shows: an equation (with its number), a figure (image and caption), a section or a
chapter (heading and first paragraph; ``""`` is the page itself), a glossary entry, a citation.
_static/book-previews.js fetches the file of a link's target page when the reader hovers, focuses
or taps the link: from the book itself, so previews work offline and ask no other host.

Why our own and not sphinx-tippy 0.4: it names each page's script with a fresh uuid4 (no two
builds alike), collects its data in ``html-page-context`` (in the worker processes under ``-j``,
so the main process writes tips for none of those pages), fetches Wikipedia and DOI tips from
the network by default, loads tippy.js and Popper from unpkg by default, and recognises equations
by MathJax's classes, not KaTeX's.  Here the files are written in ``build-finished`` (the main
process, after every page is on disk, so ``-j`` changes nothing), from the output pages in
sorted order, as sorted JSON: two builds give the same bytes.
"""

from __future__ import annotations

import copy
import json
import posixpath
from pathlib import Path
from typing import cast

from bs4 import BeautifulSoup, Tag
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.html.page_results import PageResults
from kexuebook.sphinx.outputs import writes_html_pages

PREVIEW_DIR = "_static/previews"
NOT_PREVIEWED = {"search", "genindex", "404"}
THIS_MODULE = Path(__file__)


def _root_relative(url: str, page_dir: str) -> str:
    """A page's relative URL as a path from the site's root (the preview is shown on other pages)."""
    if not url or url.startswith(("#", "data:")) or "://" in url:
        return url
    return posixpath.normpath(posixpath.join(page_dir, url))


NOISE_CLASSES = {"headerlink", "backrefs"}


def _is_noise(tag: Tag) -> bool:
    """What a preview leaves out: permalinks, back-references, scripts and styles (a plain test: a
    CSS selector here took a third of a rebuild's preview time)."""
    return tag.name in ("script", "style") or not NOISE_CLASSES.isdisjoint(tag.get_attribute_list("class"))


def _clean(element: Tag, page_dir: str) -> Tag:
    """A copy of an element for a preview: no ids (they would repeat the host page's), no links."""
    clone = copy.copy(element)  # a deep copy, detached: cheaper than parsing its HTML again
    for noise in clone.find_all(_is_noise):
        noise.decompose()
    for link in clone.find_all("a"):
        link.unwrap()
    for tagged in [clone, *clone.find_all(True)]:
        for attribute in ("id", "tabindex", "title"):
            tagged.attrs.pop(attribute, None)
        if tagged.name == "img":
            tagged["src"] = _root_relative(str(tagged.get("src", "")), page_dir)  # a single-valued attribute
            tagged["loading"] = "lazy"
    return clone


def _fragment(element: Tag, page_dir: str) -> str:
    return str(_clean(element, page_dir)).strip()


def _heading(element: Tag, page_dir: str) -> str:
    """An element's content as the preview's heading line."""
    inner = _clean(element, page_dir).decode_contents().strip()
    return f'<p class="book-preview-heading">{inner}</p>'


def _heading_and_lead(section: Tag, page_dir: str) -> str:
    heading = section.find(["h1", "h2", "h3", "h4", "h5", "h6"])
    lead = next((p for p in section.find_all("p") if not p.find_parent(class_="chapter-card") and p.get_text(strip=True)), None)
    parts = []
    if heading is not None:
        parts.append(_heading(heading, page_dir))
    if lead is not None:
        parts.append(_fragment(lead, page_dir))
    return "".join(parts)


def _targets_by_kind(main: Tag) -> dict[str, list[Tag]]:
    """The elements with an id that a preview can show, by kind, in document order: one walk over
    the page (five CSS selections walked it five times: a seventh of the previews' time)."""
    kinds: dict[str, list[Tag]] = {"math": [], "figure": [], "section": [], "term": [], "citation": []}
    for element in main.find_all(id=True):
        classes = element.get_attribute_list("class")
        if element.name == "div" and "math" in classes:
            kinds["math"].append(element)
        elif element.name in ("figure", "section"):
            kinds[element.name].append(element)
        elif element.name == "dt" and element.parent is not None and element.parent.name == "dl" and "glossary" in element.parent.get_attribute_list("class"):
            kinds["term"].append(element)
        if "citation" in classes:
            kinds["citation"].append(element)
    return kinds


def page_previews(html: str, docname: str) -> dict[str, str]:
    """Target id → preview HTML, for every previewable target of one output page."""
    page = BeautifulSoup(html, "html.parser")
    main = page.select_one('[role="main"]') or page.body
    assert main is not None  # every page Sphinx writes has a body
    page_dir = posixpath.dirname(docname)
    previews: dict[str, str] = {}

    def note(element: Tag, preview: str) -> None:
        # Sphinx writes a target's other ids as empty spans at the start of its element.
        ids = [element.get("id")] + [span.get("id") for span in element.find_all("span", id=True, recursive=False) if not span.contents]
        for target in ids:
            if isinstance(target, str) and target and target not in previews:  # an id is one string
                previews[target] = preview

    first_section = main.find("section")
    if first_section is not None:
        previews[""] = _heading_and_lead(first_section, page_dir)
    kinds = _targets_by_kind(main)
    for math in kinds["math"]:
        note(math, _fragment(math, page_dir))
    for figure in kinds["figure"]:
        note(figure, _fragment(figure, page_dir))
    for section in kinds["section"]:
        note(section, _heading_and_lead(section, page_dir))
    for term in kinds["term"]:
        definition = term.find_next_sibling("dd")
        note(term, _heading(term, page_dir) + (_fragment(definition, page_dir) if definition else ""))
    for citation in kinds["citation"]:
        label = citation.select_one(".label")
        entry = citation.find("p")
        note(citation, (_heading(label, page_dir) if label else "") + (_fragment(entry, page_dir) if entry else ""))
    return previews


def write_previews(app: Sphinx, exception: Exception | None) -> None:
    if exception or not writes_html_pages(app.builder):
        return
    builder = cast(StandaloneHTMLBuilder, app.builder)  # every builder of format "html" derives from it
    outdir = Path(app.outdir)
    # A page whose text is unchanged has the same previews (an edit build parses one page).
    results = PageResults(app.doctreedir, "ref-previews", THIS_MODULE, preview_json)
    pages = [(docname, Path(builder.get_outfilename(docname))) for docname in sorted(app.env.found_docs - NOT_PREVIEWED)]
    pages = [(docname, page) for docname, page in pages if page.is_file()]
    previews = results.get_all([(page.read_text(encoding="utf-8"), docname) for docname, page in pages])
    for (docname, _), data in zip(pages, previews, strict=True):
        target = outdir / PREVIEW_DIR / f"{docname}.json"
        if not target.is_file() or target.read_text(encoding="utf-8") != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(data, encoding="utf-8")
    results.save()


def preview_json(html: str, docname: str) -> str:
    """The preview file of one page: sorted JSON, so that two builds write the same bytes."""
    return json.dumps(page_previews(html, docname), ensure_ascii=False, sort_keys=True, indent=0)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_js_file("book-previews.js", loading_method="defer")
    app.add_css_file("book-previews.css")
    app.connect("build-finished", write_previews)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
