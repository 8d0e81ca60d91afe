"""What a browser, a search engine and a link preview read before the page itself.

For every HTML page:

- ``<meta name="description">`` and Open Graph ``og:title``/``og:description`` (plus type, locale
  and site name).  The description is the first paragraph of the chapter's 导读 (guide) section,
  or else the page's first paragraph of prose, as plain text (citation marks dropped, TeX reduced
  to its symbols), cut at a sentence end near :data:`DESCRIPTION_LIMIT` characters.
- a part page that is only a table of contents is described by its title and its chapters.
- pages without a document (search, index, 404) get a title and description of their own; the
  404 page gets the book's address (``html_baseurl``) for its ``<base>`` when one is configured.

sphinx-book-theme 1.4 prints ``pagetitle`` (the title's plain text) into its print header without
escaping; :func:`escape_page_title` escapes it, so a ``<`` in a title stays text.

After the build it writes ``robots.txt`` (everything may be crawled), so that crawlers and
Lighthouse find one instead of a 404.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

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


def on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.Node | None) -> None:
    if pagename in GENERATED_PAGES:
        title, description = GENERATED_PAGES[pagename]
        context["title"] = title
        if app.config.html_baseurl:  # the 404 page's <base> (_templates/404.html)
            context["book_site_root"] = app.config.html_baseurl.rstrip("/") + "/"
    else:
        # as the <title> prints it (Jinja's striptags: tags out, whitespace runs to one space)
        title = " ".join(re.sub(r"<[^>]+>", "", context.get("title") or "").split())
        if doctree is not None:
            description = truncate(first_paragraph(doctree) or toc_summary(doctree, title))
        else:
            description = ""
    description = description or app.config.project
    title = title or app.config.project
    tags = {
        "description": description,
        "og:title": title,
        "og:description": description,
        "og:type": "book" if pagename == app.config.root_doc else "article",
        "og:locale": (app.config.language or "zh_CN").replace("-", "_"),
        "og:site_name": app.config.project,
    }
    html = "".join(
        f'\n    <meta {"property" if name.startswith("og:") else "name"}="{name}" content="{escape(value)}" />'
        for name, value in tags.items()
    )
    context["metatags"] = context.get("metatags", "") + html


def write_robots(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        (Path(app.outdir) / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


def escape_page_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if isinstance(context.get("pagetitle"), str):
        context["pagetitle"] = escape(context["pagetitle"])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-page-context", on_page_context)
    app.connect("html-page-context", escape_page_title, priority=900)  # after the theme sets it
    app.connect("build-finished", write_robots)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
