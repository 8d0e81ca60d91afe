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
from sphinx.util.tags import Tags
from sphinx.util.typing import ExtensionMetadata

# Sphinx's numbered element types → the LaTeX counter whose printed form we set.
FLOAT_COUNTERS = {"figure": "figure", "table": "table", "code-block": "literalblock"}


def _number(number: tuple) -> str:
    return ".".join(str(part) for part in number)


class EquationNumbers(SphinxPostTransform):
    """Every numbered display equation carries its HTML number as its ``tag``."""

    default_priority = 410
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        fignumbers = self.env.toc_fignumbers
        for node, docname, _, _ in _walk(self.document, self.config.root_doc, set()):
            if not isinstance(node, nodes.math_block) or node.get("tag") or not node.get("label") or not node["ids"]:
                continue
            number = fignumbers.get(node.get("docname") or docname, {}).get("displaymath", {}).get(node["ids"][0])
            if number:
                node["tag"] = _number(number)


class FloatNumbers(SphinxPostTransform):
    """Every numbered figure, table or captioned code block prints the number the HTML shows,
    and references to it (``{numref}``) print that number too.

    Runs before Sphinx drops the ``only`` blocks (priority 50): some directives (matplotlib's
    plot) write one figure for HTML and another for print, and Sphinx numbers both, so the
    printed twin's own number is one too high.  Within each document the k-th float that LaTeX
    shows is the k-th one the HTML shows, and gets that one's number.  The labels the text
    refers to are on the HTML twin; they move to the printed one (and the ``(label)=`` target
    in front of the pair stops labelling the spot before it), so ``\\ref`` prints the figure's
    number, not the number of the section it stands in.
    """

    default_priority = 45
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        fignumbers = self.env.toc_fignumbers
        std = self.env.domains.standard_domain
        shown: dict[tuple[str, str], dict[str, list]] = {}
        targets: dict[tuple[str, str], list[tuple[nodes.target, nodes.Element]]] = {}
        for node, docname, parent, formats in _walk(self.document, self.config.root_doc, {"html", "latex"}):
            if isinstance(node, nodes.target) and node.get("refid") and parent is not None:
                targets.setdefault((docname, node["refid"]), []).append((node, parent))
                continue
            figtype = std.get_enumerable_node_type(node) if node["ids"] else None
            numbers = fignumbers.get(docname, {}).get(figtype or "", {})
            number = next((numbers[i] for i in node["ids"] if i in numbers), None)
            if figtype not in FLOAT_COUNTERS or not number:
                continue
            lists = shown.setdefault((docname, figtype), {"html": [], "latex": []})
            if "html" in formats:
                lists["html"].append((node, number, "latex" in formats))
            if "latex" in formats:
                lists["latex"].append((node, parent, number))
        for (docname, figtype), lists in shown.items():
            paired = len(lists["html"]) == len(lists["latex"])
            for k, (node, parent, own) in enumerate(lists["latex"]):
                number = own
                if paired:
                    twin, number, also_printed = lists["html"][k]
                    if not also_printed:
                        self._move_labels(twin, node, docname, targets)
                tex = f"\\renewcommand{{\\the{FLOAT_COUNTERS[figtype]}}}{{{_number(number)}}}\n"
                parent.insert(parent.index(node), nodes.raw("", tex, format="latex"))

    @staticmethod
    def _move_labels(twin: nodes.Element, printed: nodes.Element, docname: str, targets: dict) -> None:
        moved = [i for i in twin["ids"] if i not in printed["ids"]]
        printed["ids"].extend(moved)
        twin["ids"] = [i for i in twin["ids"] if i not in moved]
        for label in moved:
            for target, parent in targets.get((docname, label), []):
                if target in parent.children:
                    parent.remove(target)


HTML_TAGS = Tags(["html", "format_html", "builder_html"])
LATEX_TAGS = Tags(["latex", "format_latex", "builder_latex"])


def _walk(document: nodes.document, root: str, formats: set[str]):
    """Every element of the assembled book with its document, its parent and the outputs
    (of ``formats``) that show it.  Walked from the top: in the assembled tree a document's
    top-level nodes keep their old ``parent``, so walking up does not reliably reach the
    ``start_of_file`` that names the document."""
    stack: list[tuple[nodes.Node, str, nodes.Element | None, frozenset[str]]] = [(document, root, None, frozenset(formats))]
    while stack:
        node, docname, parent, visible = stack.pop()
        if not isinstance(node, nodes.Element):
            continue
        if isinstance(node, addnodes.start_of_file):
            docname = node["docname"]
        if isinstance(node, addnodes.only):
            tags = {"html": HTML_TAGS, "latex": LATEX_TAGS}
            visible = frozenset(f for f in visible if tags[f].eval_condition(node["expr"]))
        yield node, docname, parent, visible
        stack.extend((child, docname, node, visible) for child in reversed(node.children))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("kexuebook.sphinx.content.equations")
    app.add_post_transform(EquationNumbers)
    app.add_post_transform(FloatNumbers)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
