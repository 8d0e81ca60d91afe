"""The PDF prints the numbers the HTML shows: equations (c.k) or the author's tag, figures c.k.

LaTeX would count equations and figures itself, and with parts as the top level Sphinx makes
those counters run through the whole book (1, 2, 3 ...).  Instead this post-transform gives
every numbered display equation its HTML number as ``\\tag`` (the :mod:`equations` writer puts
it at the top level of ``equation``, where amsmath allows it; ``\\eqref`` then prints exactly
that number) and sets ``\\thefigure`` / ``\\thetable`` / ``\\theliteralblock`` before each
numbered float to its HTML number.  Chapter and section numbers need no help: the chapter
counter runs straight through the parts in the ``book`` classes, as in the HTML.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata

# Sphinx's numbered element types → the LaTeX counter whose printed form we set.
FLOAT_COUNTERS = {"figure": "figure", "table": "table", "code-block": "literalblock"}


def _number(number: tuple) -> str:
    return ".".join(str(part) for part in number)


class PrintedNumbers(SphinxPostTransform):
    default_priority = 410
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        fignumbers = self.env.toc_fignumbers
        for node in self.document.findall(nodes.math_block):
            if node.get("tag") or not node.get("label") or not node["ids"]:
                continue
            number = fignumbers.get(node.get("docname") or self._docname(node), {}).get("displaymath", {}).get(node["ids"][0])
            if number:
                node["tag"] = _number(number)

        std = self.env.domains.standard_domain
        for node in list(self.document.findall(nodes.Element)):
            figtype = std.get_enumerable_node_type(node) if node["ids"] else None
            if figtype not in FLOAT_COUNTERS:
                continue
            docname = self._docname(node)
            numbers = fignumbers.get(docname, {}).get(figtype, {})
            number = next((numbers[i] for i in node["ids"] if i in numbers), None)
            if number and node.parent is not None:
                counter = FLOAT_COUNTERS[figtype]
                tex = f"\\renewcommand{{\\the{counter}}}{{{_number(number)}}}\n"
                node.parent.insert(node.parent.index(node), nodes.raw("", tex, format="latex"))

    def _docname(self, node: nodes.Node) -> str:
        """The document a node of the assembled book came from (its nearest start_of_file)."""
        while node is not None:
            if isinstance(node, addnodes.start_of_file):
                return node["docname"]
            node = node.parent
        return self.config.root_doc


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("equations")
    app.add_post_transform(PrintedNumbers)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
