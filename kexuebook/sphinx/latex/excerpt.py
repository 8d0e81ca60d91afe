"""In print the seed's excerpt is set apart from our commentary.

The importer labels each chapter's excerpt section ``<slug>-excerpt`` (``vae-excerpt``).  This
post-transform (LaTeX only) puts the excerpt's text, after our note that introduces it, inside a
``bookexcerpt`` block and gives the section its own heading (kexuebook.sty): the seed's words in
a Kai face, indented, under a heading with a rule, so a reader sees where the author's text starts
and ends.  Nothing is boxed: the excerpt breaks across pages like any text.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.latex.nodes import insert_before_targets, raw

EXCERPT_SUFFIX = "-excerpt"  # the label the importer gives the excerpt's section
NOTE_CLASS = "excerpt-note"  # our note before the seed's text (not the author's words)


def is_excerpt(section: nodes.section) -> bool:
    return any(node_id.endswith(EXCERPT_SUFFIX) for node_id in section["ids"])


class ExcerptApart(SphinxPostTransform):
    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for section in list(self.document.findall(nodes.section)):
            if not is_excerpt(section) or section.parent is None:
                continue
            start = 1  # after the title
            while start < len(section) and (
                isinstance(section[start], nodes.target) or NOTE_CLASS in section[start].get("classes", [])
            ):
                start += 1
            section.append(raw(r"\end{bookexcerpt}\bookstandardheadings"))
            section.insert(start, raw(r"\begin{bookexcerpt}"))
            insert_before_targets(section, raw(r"\bookexcerptheading"))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_post_transform(ExcerptApart)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
