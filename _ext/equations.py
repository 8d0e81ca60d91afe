"""Display equations that keep the author's own number (``\\tag{2.1}`` in the seed).

A transform turns a labelled ``math_block`` whose TeX carries ``\\tag{X}`` into a
:class:`tagged_math_block`: the tag leaves the TeX and becomes the equation's number.  Sphinx
does not count that node class among the chapter's equations, so untagged equations keep
numbering (c.1), (c.2) ...; :mod:`numbering` gives each tagged one its tag as number, so
references print it.  In LaTeX the tag goes outside any inner environment, where amsmath
allows it (Sphinx's equation*+split wrapping made ``\\tag`` fatal).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)
TAG_RE = re.compile(r"\\tag\{([^{}]*)\}")


class tagged_math_block(nodes.math_block):  # noqa: N801 (docutils node naming)
    """A display equation numbered by its ``tag`` attribute, not by its position."""


class TagEquations(SphinxTransform):
    default_priority = 700  # after targets have been propagated onto the equations

    def apply(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.math_block)):
            if type(node) is not nodes.math_block:
                continue
            tags = TAG_RE.findall(node.astext())
            if not tags:
                continue
            if len(tags) > 1 or not node.get("label") or not node["ids"]:
                logger.warning("a \\tag'd equation needs a :label: and exactly one \\tag", location=node)
                continue
            tex = TAG_RE.sub("", node.astext()).strip()
            tagged = tagged_math_block(tex, tex, **node.attributes)
            tagged["tag"] = tags[0].strip()
            node.replace_self(tagged)


def equation_tags(doctree: nodes.Node) -> dict[str, str]:
    """Node id → author's tag, for every tagged equation of a document."""
    return {node["ids"][0]: node["tag"] for node in doctree.findall(tagged_math_block)}


def visit_html(self, node: tagged_math_block) -> None:
    self.visit_math_block(node)


def depart_html(self, node: tagged_math_block) -> None:
    self.depart_math_block(node)


def latex_equation(tex: str, label: str | None, tag: str | None) -> str:
    """One numbered LaTeX display: ``\\tag`` and ``\\label`` at the top level of ``equation``."""
    body = tex.strip()
    if "\\\\" in body and not body.startswith("\\begin"):
        body = "\\begin{split}" + body + "\\end{split}"
    head = (f"\\tag{{{tag}}}" if tag else "") + (f"\\label{{{label}}}" if label else "")
    star = "" if (label or tag) else "*"
    return f"\n\\begin{{equation{star}}}{head}\n{body}\n\\end{{equation{star}}}\n"


def visit_latex(self, node: nodes.math_block) -> None:
    label = f"equation:{node['docname']}:{node['label']}" if node.get("label") else None
    index = node.parent.index(node) if node.parent is not None else 0
    while index > 0 and isinstance(node.parent[index - 1], nodes.target):  # the equation's label
        index -= 1
    if index > 0 and isinstance(node.parent[index - 1], nodes.paragraph):
        # the display is a paragraph of its own in LaTeX: keep it on the page of the sentence
        # that introduces it ("……定义" | formula at the top of the next page)
        self.body.append("\n\\nopagebreak")
    if node.get("no-wrap", node.get("nowrap", False)):
        self.body.append((f"\\label{{{label}}}" if label else "") + node.astext())
    else:
        self.body.append(latex_equation(node.astext(), label, node.get("tag")))
    raise nodes.SkipNode


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_transform(TagEquations)
    app.add_node(tagged_math_block, html=(visit_html, depart_html), latex=(visit_latex, None))
    # Every display equation in LaTeX goes through the same writer, tagged or not.
    app.add_node(nodes.math_block, override=True, latex=(visit_latex, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
