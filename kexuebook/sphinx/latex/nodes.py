"""Small helpers for the LaTeX post-transforms: raw LaTeX nodes and where to put them."""

from __future__ import annotations

from docutils import nodes


def raw(tex: str) -> nodes.raw:
    return nodes.raw("", tex + "\n", format="latex")


def insert_before_targets(section: nodes.section, node: nodes.Node) -> None:
    """Put ``node`` just before ``section`` and before the targets that label it (a label such as
    ``(vae-excerpt)=`` ends the previous section).  Sphinx writes such a label after the heading
    only when nothing but targets stands between them; anything else there, and LaTeX gets the
    label twice."""
    container, index = section.parent, section.parent.index(section)
    while index > 0 and isinstance(container[index - 1], nodes.section):
        container = container[index - 1]
        index = len(container)
    while index > 0 and isinstance(container[index - 1], nodes.target):
        index -= 1
    container.insert(index, node)
