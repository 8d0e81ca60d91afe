"""Chinese line-breaking rules beside inline math (HTML).

A browser treats inline math (KaTeX's inline-block boxes) as an object it may break before or
after, so a line could start with the "。" or "，" that follows a formula, or end with the "（"
before one (CSS ``line-break: strict`` governs text only).  Here a formula and the closing
punctuation right after it, or the opening punctuation right before it, are wrapped in one
``<span class="math-punct">``, which book.css keeps on one line.  The text itself is unchanged
(no invisible joiner characters enter the page, the search index or a copied passage).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.outputs import writes_html_pages

# Characters that must not start a line (closing and trailing punctuation) or end one (opening).
CLOSING = frozenset("，。、：；！？）》」』】〕〉”’…—,.;:!?)]")
OPENING = frozenset("（《「『【〔〈“‘([")
CLASS = "math-punct"


def _leading(text: str, chars: frozenset[str]) -> int:
    n = 0
    while n < len(text) and text[n] in chars:
        n += 1
    return n


def _trailing(text: str, chars: frozenset[str]) -> int:
    n = 0
    while n < len(text) and text[-1 - n] in chars:
        n += 1
    return n


def _position(parent: nodes.Element, child: nodes.Node) -> int:
    """Where this very node sits. A Text is a str: list.index, remove and docutils' replace
    compare by value and would find an equal "，" earlier in the paragraph."""
    return next(i for i, node in enumerate(parent.children) if node is child)


def keep_together(math: nodes.math) -> bool:
    """Wrap one formula with the punctuation around it; False when there is none."""
    parent = math.parent
    index = _position(parent, math)
    before = parent[index - 1] if index > 0 and isinstance(parent[index - 1], nodes.Text) else None
    after = parent[index + 1] if index + 1 < len(parent) and isinstance(parent[index + 1], nodes.Text) else None
    # As the page prints them: rST's escaped spaces ("\ " before a role, "\x00 " in the doctree)
    # write nothing, yet they would hide the "。" of "\ :math:`p`\ 。" (a figure caption).
    before_text = nodes.unescape(str(before)) if before is not None else ""
    after_text = nodes.unescape(str(after)) if after is not None else ""
    head = _trailing(before_text, OPENING)
    tail = _leading(after_text, CLOSING)
    if not head and not tail:
        return False
    # The nodes from the one before the formula to the one after it, by position, give way to
    # [rest of before] <group>opening + formula + closing</group> [rest of after].
    start = index - 1 if head else index
    stop = index + 2 if tail else index + 1
    group = nodes.inline("", "", classes=[CLASS])
    replacement: list[nodes.Node] = []
    if head:
        if before_text[:-head]:
            replacement.append(nodes.Text(before_text[:-head]))
        group += nodes.Text(before_text[-head:])
    group += math
    if tail:
        group += nodes.Text(after_text[:tail])
    replacement.append(group)
    if tail and after_text[tail:]:
        replacement.append(nodes.Text(after_text[tail:]))
    parent[start:stop] = replacement
    return True


def wrap_inline_math(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not writes_html_pages(app.builder):
        return
    for math in list(doctree.findall(nodes.math)):
        keep_together(math)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-resolved", wrap_inline_math)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
