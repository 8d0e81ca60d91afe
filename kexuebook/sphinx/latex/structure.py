"""The printed book's shape: title and imprint pages, front matter, five parts, back matter.

With ``latex_toplevel_sectioning = 'part'`` every document of the cover's toctrees becomes a
``\\part``: right for the five part pages (their chapters become ``\\chapter``), wrong for the
preface, the glossary and the bibliography.  This post-transform (LaTeX only; the HTML is
untouched) reshapes the assembled book:

- the cover's own text is the web book's welcome (it speaks of the search box and of reading
  offline) and stays out of print: the back of the title page is the colophon written for print
  (``\\bookimprintpage``: its words in conf.py, its layout in kexuebook.sty), then the contents;
- the documents named in ``kexuebook_front_matter`` / ``kexuebook_back_matter`` are set one level
  deeper: a ``\\chapter`` without number in ``\\frontmatter`` / ``\\backmatter``;
- ``\\mainmatter`` starts at the first part; a part page's text before its chapters is the part's
  introduction, printed on the part page itself.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.latex import LaTeXTranslator

SHIFT = "book_latex_shift"  # extra section depth of a front- or back-matter document


def raw(tex: str) -> nodes.raw:
    return nodes.raw("", tex + "\n", format="latex")


class BookMatter(SphinxPostTransform):
    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        root = next(iter(self.document.findall(nodes.section)), None)
        if root is None:
            return
        front = set(self.config.kexuebook_front_matter)
        back = set(self.config.kexuebook_back_matter)

        # The cover's text (everything that is not a toctree) is the web's; print has its colophon.
        cover = [child for child in root.children[1:] if not _holds_documents(child) and not isinstance(child, nodes.target)]
        for child in cover:
            root.remove(child)
        root.insert(1, [raw(r"\bookimprintpage"), raw(r"\booktableofcontents")])

        main_started = back_started = False
        for start in list(self.document.findall(addnodes.start_of_file)):
            if not isinstance(start.parent, nodes.compound):  # only the cover's own entries
                continue
            if start.parent.parent is not root:
                continue
            docname = start["docname"]
            section = next(iter(start.findall(nodes.section)), None)
            if docname in front or docname in back:
                if section is not None:
                    section[SHIFT] = 1
                if docname in back and not back_started:
                    start.parent.insert(start.parent.index(start), raw(r"\bookbackmatter"))
                    back_started = True
            else:
                if not main_started:
                    start.parent.insert(start.parent.index(start), raw(r"\bookmainmatter"))
                    main_started = True
                if section is not None:
                    _wrap_part_introduction(section)


def _holds_documents(node: nodes.Node) -> bool:
    return isinstance(node, nodes.compound) and any(True for _ in node.findall(addnodes.start_of_file))


def _wrap_part_introduction(section: nodes.section) -> None:
    """Put the part page's text (before its chapters) in a ``bookpartintro`` block."""
    intro = []
    for child in section.children[1:]:
        if _holds_documents(child) or isinstance(child, nodes.section):
            break
        if not isinstance(child, nodes.target):
            intro.append(child)
    if not any(isinstance(n, nodes.paragraph) for child in intro for n in child.findall(nodes.paragraph)):
        return
    first, last = section.index(intro[0]), section.index(intro[-1])
    section.insert(last + 1, raw(r"\end{bookpartintro}"))
    section.insert(first, raw(r"\begin{bookpartintro}"))


def visit_section(self: LaTeXTranslator, node: nodes.section) -> None:
    self.sectionlevel += node.get(SHIFT, 0)
    LaTeXTranslator.visit_section(self, node)


def depart_section(self: LaTeXTranslator, node: nodes.section) -> None:
    LaTeXTranslator.depart_section(self, node)
    self.sectionlevel = max(self.sectionlevel - node.get(SHIFT, 0), self.top_sectionlevel - 1)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("kexuebook_front_matter", [], "env", list)  # our prefix, not Sphinx's latex_
    app.add_config_value("kexuebook_back_matter", [], "env", list)
    app.add_post_transform(BookMatter)
    app.add_node(nodes.section, override=True, latex=(visit_section, depart_section))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
