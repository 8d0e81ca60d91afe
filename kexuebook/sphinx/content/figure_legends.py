"""A figure has a legend only when its legend holds something.

docutils reports, at INFO level, the first use in a process of a role its language module does
not name ("No role entry for "math" in module ...zh_cn"; Sphinx's roles are never named there).
Inside a figure the report lands after the caption, so the figure directive makes it a legend;
Sphinx then drops the report (below the report level) and leaves the legend empty: an empty
``<div class="legend">`` in the HTML.  Which figure gets one depends on which document a
process reads first (a one-chapter rebuild, a ``-j`` worker), so the same source gave different
pages.  The upstream fix would be docutils' figure directive leaving system messages out of the
legend.  Here a legend holding only reports is taken apart when the document is read: the
reports move to just after the figure, where Sphinx keeps or drops them as it would anywhere.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata


def move_reports_out_of_legends(app: Sphinx, doctree: nodes.document) -> None:
    for legend in list(doctree.findall(nodes.legend)):
        if not all(isinstance(child, nodes.system_message) for child in legend.children):
            continue
        figure = legend.parent
        reports = list(legend.children)
        figure.remove(legend)
        figure.parent.insert(figure.parent.index(figure) + 1, reports)


def setup(app: Sphinx) -> ExtensionMetadata:
    # doctree-read (Sphinx's transform at 880) comes before its FilterSystemMessages (999), which
    # drops the reports below the report level wherever they are.
    app.connect("doctree-read", move_reports_out_of_legends)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
