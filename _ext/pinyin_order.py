"""Glossary and general index in pinyin order, grouped by initial letter, in HTML and in the PDF.

Sphinx sorts by code point and groups Chinese entries one character per group.  Here:
- the ``glossary`` directive sorts its terms by pinyin and puts a letter heading before each group;
- the HTML general index is regrouped by pinyin initial (``html-page-context`` of ``genindex``);
- in LaTeX every ``\\index{key@text}`` gets a pinyin sort key, so xindy orders and groups it.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby

from docutils import nodes
from pypinyin import Style, lazy_pinyin, load_phrases_dict
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.std import Glossary
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.latex import LaTeXTranslator


# pypinyin reads 重 as zhòng; in the book's terms for "re-" it is chóng (重参数化 goes under C).
load_phrases_dict({"重参数化": [["chóng"], ["cān"], ["shù"], ["huà"]], "重构": [["chóng"], ["gòu"]]})


def pinyin_key(text: str) -> str:
    """A lower-case ASCII sort key: pinyin with tone numbers for Chinese, the text itself for Latin."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: list(s))
    return " ".join(syllables)


def initial(text: str) -> str:
    """The group a term belongs to: the first letter of its pinyin, or ``#`` for anything else."""
    key = pinyin_key(text)
    return key[0].upper() if key[:1].isascii() and key[:1].isalpha() else "#"


class PinyinGlossary(Glossary):
    """Sphinx's glossary, always sorted by pinyin, with a letter heading before each group."""

    def run(self) -> list[nodes.Node]:
        result = super().run()
        for glossary in result:
            if not isinstance(glossary, addnodes.glossary):
                continue
            items = [item for dlist in glossary.findall(nodes.definition_list) for item in dlist.children]
            items.sort(key=lambda item: pinyin_key(item[0].astext()))
            glossary.clear()
            for letter, group in groupby(items, key=lambda item: initial(item[0].astext())):
                glossary += nodes.rubric(letter, letter, classes=["glossary-letter"])
                glossary += nodes.definition_list("", *group, classes=["glossary"])
        return result


def regroup_genindex(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename != "genindex" or "genindexentries" not in context:
        return
    entries = [entry for _letter, group in context["genindexentries"] for entry in group]
    entries.sort(key=lambda entry: pinyin_key(entry[0]))
    context["genindexentries"] = [
        (letter, list(group)) for letter, group in groupby(entries, key=lambda entry: initial(entry[0]))
    ]


INDEX_KEY_RE = re.compile(r"(\\index\{|!)([^@{}!]*)@")


def visit_index_latex(self: LaTeXTranslator, node: nodes.Element) -> None:
    start = len(self.body)
    LaTeXTranslator.visit_index(self, node)
    written = "".join(self.body[start:])
    del self.body[start:]
    self.body.append(INDEX_KEY_RE.sub(lambda m: f"{m[1]}{_ascii_key(m[2])}@", written))


def _ascii_key(escaped: str) -> str:
    plain = re.sub(r"\\[A-Za-z]+\{\}|[\\{}\"]", "", escaped)
    return re.sub(r"[^a-z0-9 ]", "", pinyin_key(plain)) or "0"


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive_to_domain("std", "glossary", PinyinGlossary, override=True)
    app.connect("html-page-context", regroup_genindex)
    app.add_node(addnodes.index, override=True, latex=(visit_index_latex, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
