"""What a browser, a search engine and a link preview read before the page itself.

Libraries do the standard parts (conf.py loads and configures them): Open Graph tags are
sphinxext-opengraph's, the 404 page is sphinx-notfound-page's (outside every toctree, its links
absolute), ``robots.txt`` is copied by ``html_extra_path``.  This module keeps what none of them
does:

- the description, in Chinese: the first paragraph of the chapter's 导读 (guide) section, or else
  the page's first paragraph of prose, as plain text (citation marks dropped, TeX reduced to its
  symbols), cut at a sentence end near :data:`DESCRIPTION_LIMIT` characters; a part page that is
  only a table of contents is described by its title and its chapters.  It is written as
  ``<meta name="description">`` and given to sphinxext-opengraph as the page's ``og:description``
  (the library's own is the page's text from the top, joined with spaces, cut with "...");
- the cover's ``og:type`` (a book; every other page is an article), and ``og:title`` spaced as
  the page's ``<title>`` prints it (the library keeps a title's whitespace runs);
- pages without a document (search, index, 404) get a Chinese title and description;
- the book's address (``html_baseurl``, also given with ``-D`` at deployment) starts the
  Open Graph ``og:url`` and the 404 page's links, so that page works at any depth under any
  base path (without an address the book is taken to be at the site's root).

sphinx-book-theme 1.4 prints ``pagetitle`` (the title's plain text) into its print header without
escaping; :func:`escape_page_title` escapes it, so a ``<`` in a title stays text.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import is_html_site

DESCRIPTION_LIMIT = 120
GUIDE_TITLE = "导读"
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
CITATION_MARK = re.compile(r"\s*\[\d+(?:\.\d+)*(?:\s*[,，–-]\s*\d+(?:\.\d+)*)*\]")  # [3], [6.2], [1, 4]
NOT_PROSE = (nodes.container, nodes.list_item, nodes.field_list, nodes.table, nodes.footnote, nodes.citation, nodes.Admonition,
             nodes.sidebar, nodes.topic, nodes.figure, nodes.caption, addnodes.glossary, addnodes.toctree)

# Pages that Sphinx generates without a source document: (title, description).
GENERATED_PAGES = {
    "search": ("搜索", "在全书中搜索：中文按词检索，英文术语也可以直接输入。"),
    "genindex": ("索引", "全书索引：术语与概念按拼音排序，指向它们出现的章节。"),
    "404": ("页面未找到", "这个地址上没有本书的页面：回到封面和目录，或者搜索本书。"),
}


def _tex_to_text(tex: str) -> str:
    """A readable approximation of inline TeX for a plain-text description."""
    text = re.sub(r"\\(?:text|mathrm|mathbf|mathit|operatorname)\{([^{}]*)\}", r"\1", tex)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    return re.sub(r"[{}\\]", "", text).strip()


def plain_text(node: nodes.Node) -> str:
    parts: list[str] = []
    for child in node.findall(lambda n: isinstance(n, (nodes.Text, nodes.math))):
        if isinstance(child, nodes.math):
            parts.append(_tex_to_text(child.astext()))
        elif not any(isinstance(parent, nodes.math) for parent in _ancestors(child)):
            parts.append(child.astext())
    text = CITATION_MARK.sub("", "".join(parts))
    return re.sub(r"\s+", " ", text).strip()


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _is_prose(paragraph: nodes.paragraph) -> bool:
    return not any(isinstance(parent, NOT_PROSE) or "toctree-wrapper" in parent.get("classes", ())
                   for parent in _ancestors(paragraph) if isinstance(parent, nodes.Element))


def first_paragraph(doctree: nodes.Node) -> str:
    """The guide's first paragraph if the page has a 导读 section, else the page's first prose."""
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is not None and title.astext().strip() == GUIDE_TITLE:
            for paragraph in section.findall(nodes.paragraph):
                if _is_prose(paragraph) and plain_text(paragraph):
                    return plain_text(paragraph)
    for paragraph in doctree.findall(nodes.paragraph):
        if _is_prose(paragraph) and plain_text(paragraph):
            return plain_text(paragraph)
    return ""


def toc_summary(doctree: nodes.Node, title: str) -> str:
    """For a page that is only a table of contents (a part): its title and its chapters."""
    chapters = []
    for wrapper in doctree.findall(nodes.compound):
        if "toctree-wrapper" in wrapper["classes"]:
            top = wrapper.next_node(nodes.bullet_list)
            if top is not None:
                chapters += [re.sub(r"^[\d.]+\s*", "", item.next_node(nodes.reference).astext())
                             for item in top.children if item.next_node(nodes.reference) is not None]
    return f"{title}：" + "；".join(chapters) + "。" if chapters else ""


def truncate(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Whole sentences up to ``limit`` characters; a long first sentence is cut at a comma."""
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in SENTENCE_END.split(text):
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence
    if kept:
        return kept.strip()
    head = text[: limit - 1]
    comma = max(head.rfind("，"), head.rfind("、"), head.rfind(","))
    if comma >= limit // 2:
        head = head[:comma]
    return head.rstrip() + "…"


def book_address(app: Sphinx, config: Config) -> None:
    """og:url and the 404 page's links start at the book's address (where those extensions are loaded)."""
    address = config.html_baseurl.rstrip("/") + "/" if config.html_baseurl else ""
    if "ogp_site_url" in config:
        config.ogp_site_url = config.ogp_site_url or address
    if "notfound_urls_prefix" in config:
        config.notfound_urls_prefix = urlsplit(address).path or "/"


def on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.Node | None) -> None:
    if not is_html_site(app.builder):  # what browsers and link previews read: the web book's
        return
    if pagename in GENERATED_PAGES:
        title, description = GENERATED_PAGES[pagename]
        context["title"] = title
    else:
        title = unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))  # the title is HTML
        description = truncate(first_paragraph(doctree) or toc_summary(doctree, title)) if doctree is not None else ""
    description = description or app.config.project
    context["metatags"] = context.get("metatags", "") + f'\n    <meta name="description" content="{escape(description)}" />'
    if doctree is not None:
        # sphinxext-opengraph's per-page fields, which it writes as given; a copy, since
        # context["meta"] is the environment's own metadata of the document.
        fields = {**(context.get("meta") or {}), "og:description": escape(description)}
        # og:title as the <title> prints it (Jinja's striptags: whitespace runs to one space, so a
        # part's 第一部分　 separator is one space there); the library keeps the runs as they are.
        fields["og:title"] = escape(" ".join(title.split()))
        if pagename == app.config.root_doc:
            fields["og:type"] = "book"
        context["meta"] = fields


def site_files_for_the_site_only(app: Sphinx) -> None:
    """robots.txt (``html_extra_path``) belongs at a web site's root: not into an EPUB."""
    if not is_html_site(app.builder):
        app.config.html_extra_path = []


def escape_page_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if isinstance(context.get("pagetitle"), str):
        context["pagetitle"] = escape(context["pagetitle"])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", book_address)
    app.connect("builder-inited", site_files_for_the_site_only)
    app.connect("html-page-context", on_page_context, priority=400)  # before sphinxext-opengraph's (500)
    app.connect("html-page-context", escape_page_title, priority=900)  # after the theme sets it
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
