"""Labels on ``plot`` figures: ``.. _fig-x:`` before ``.. plot::`` becomes the figure's own label.

matplotlib's plot directive wraps its figure in Sphinx ``only`` nodes (one for HTML, one for
other builders), so a label written before it lands on the ``only`` node, which is not numbered,
and ``{numref}`` cannot resolve it (matplotlib's own fix-up looks for the old ``html_only`` node
names).  This moves such a label onto the first figure inside, before the standard domain reads
the document's labels.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata


def move_labels_onto_figures(app: Sphinx, doctree: nodes.document) -> None:
    for name, explicit in list(doctree.nametypes.items()):
        labelid = doctree.nameids.get(name)
        node = doctree.ids.get(labelid) if explicit and labelid else None
        if node is None or node.tagname != "only":
            continue
        figure = next(iter(node.findall(nodes.figure)), None)
        if figure is None:
            continue
        node["ids"].remove(labelid)
        node["names"].remove(name)
        figure["ids"].insert(0, labelid)
        figure["names"].append(name)
        doctree.ids[labelid] = figure


def setup(app: Sphinx) -> ExtensionMetadata:
    # priority below the standard domain's doctree-read handler (500), which records the labels
    app.connect("doctree-read", move_labels_onto_figures, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
