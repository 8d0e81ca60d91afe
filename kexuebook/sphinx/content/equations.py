"""Display equations that keep the author's own number (``\\tag{2.1}`` in the seed).

A transform turns a labelled ``math_block`` whose TeX carries ``\\tag{X}`` into a
:class:`tagged_math_block`: the tag leaves the TeX and becomes the equation's number.  Sphinx
does not count that node class among the chapter's equations, so untagged equations keep
numbering (c.1), (c.2) ...; :mod:`numbering` gives each tagged one its tag as number, so
references print it.  In LaTeX Sphinx's own wrapping stays (one equation, or several
blank-line separated ones in one aligned block) and the tag goes beside its label, outside any
inner environment, where amsmath allows it (``\\tag`` inside Sphinx's ``split`` is fatal).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.math import wrap_displaymath
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.latex import LaTeXTranslator

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


def tagged_displaymath(tex: str, label: str, tag: str) -> str:
    """Sphinx's LaTeX display (one equation in ``equation``+``split``, several blank-line
    separated ones in one ``align``+``aligned`` row) with ``\\tag`` beside its ``\\label``, at
    the top level of the display, where amsmath allows it."""
    labeldef = f"\\label{{{label}}}"
    wrapped = wrap_displaymath(tex, label, True)
    if labeldef not in wrapped:  # Sphinx changed how it writes the label: the tag has no place
        raise ExtensionError(f"sphinx.util.math.wrap_displaymath no longer writes {labeldef} at the top of the display")
    return wrapped.replace(labeldef, labeldef + f"\\tag{{{tag}}}", 1)


def keep_with_introduction(self: LaTeXTranslator, node: nodes.math_block) -> None:
    """A display right after its introducing paragraph stays on that paragraph's page
    ("……定义" | formula at the top of the next page)."""
    index = node.parent.index(node) if node.parent is not None else 0
    while index > 0 and isinstance(node.parent[index - 1], nodes.target):  # the equation's label
        index -= 1
    if index > 0 and isinstance(node.parent[index - 1], nodes.paragraph):
        self.body.append("\n\\nopagebreak")


def visit_latex(self: LaTeXTranslator, node: nodes.math_block) -> None:
    """Sphinx's own visitor, except that a numbered display prints its ``tag``."""
    keep_with_introduction(self, node)
    if not node.get("tag") or not node.get("label") or node.get("no-wrap", node.get("nowrap", False)):
        type(self).visit_math_block(self, node)  # the class's method: the instance's is this one
    label = f"equation:{node['docname']}:{node['label']}"
    self.body.append(tagged_displaymath(node.astext(), label, node["tag"]))
    raise nodes.SkipNode


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_transform(TagEquations)
    app.add_node(tagged_math_block, html=(visit_html, depart_html), latex=(visit_latex, None))
    # A numbered display equation carries its number as ``tag`` (latex_numbers): print it.
    app.add_node(nodes.math_block, override=True, latex=(visit_latex, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
