"""Glossary and general index in pinyin order, grouped by initial letter, in HTML and in the PDF.

Sphinx sorts by code point and groups Chinese entries one character per group.  Here one sort
key (:func:`pinyin_key`: pypinyin's phrase-aware readings, corrected by ``pinyin-overrides.tsv``)
orders every list of terms:
- the ``glossary`` directive sorts its terms and puts a letter heading before each group;
- the HTML general index is regrouped by initial (``html-page-context`` of ``genindex``), its
  sub-entries sorted under their head;
- in LaTeX every ``\\index{key@text}`` (head and sub-entry) gets the ASCII pinyin key as its sort
  key, so xindy orders the printed index the same way and files each entry under its letter.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from itertools import groupby
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.std import Glossary
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.latex import LaTeXTranslator

from kexuebook.sphinx.kept_table import KeptTable, keep_in_doctrees

OVERRIDES = Path(__file__).with_name("pinyin-overrides.tsv")
HAN_RE = re.compile(r"[\u3400-\u9fff]")


def read_overrides(path: Path) -> dict[str, list[list[str]]]:
    """phrase → one reading per character, as ``load_phrases_dict`` takes them."""
    table: dict[str, list[list[str]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        phrase, _, reading = line.partition("\t")
        syllables = reading.split()
        if len(syllables) != len(HAN_RE.findall(phrase)) or not syllables:
            raise ValueError(f"{path}:{number}: expected 'phrase<TAB>pinyin' with one syllable per Chinese character, got {line!r}")
        table[phrase.strip()] = [[s] for s in syllables]
    return table


@cache
def _lazy_pinyin() -> Callable[[str], list[str]]:
    """pypinyin's ``lazy_pinyin`` with the book's readings loaded: imported at the first key not
    kept from an earlier build (pypinyin's dictionaries: 0.2 s of every build's start)."""
    from pypinyin import Style, lazy_pinyin, load_phrases_dict

    # pypinyin reads 重 as zhòng; in the book's terms for "re-" it is chóng (重参数化 goes under C).
    load_phrases_dict({"重参数化": [["chóng"], ["cān"], ["shù"], ["huà"]], "重构": [["chóng"], ["gòu"]]})
    load_phrases_dict(read_overrides(OVERRIDES))

    def readings(text: str) -> list[str]:
        return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: [s])  # type: ignore[arg-type,return-value]  # a list is allowed; its annotation says str

    return readings


KEYS_FILE = "pinyin-keys.json"


def keys_stamp() -> str:
    """What made the kept keys: pypinyin's version, the overrides, this module."""
    made_by = [importlib.metadata.version("pypinyin"), OVERRIDES.read_text(encoding="utf-8"), Path(__file__).read_text(encoding="utf-8")]
    return hashlib.sha256(json.dumps(made_by).encode()).hexdigest()


def kept_keys() -> KeptTable:
    """The keys of the terms this book has sorted: a rebuild imports pypinyin only for a new term."""
    return KeptTable(keys_stamp)


KEPT = kept_keys()


def pinyin_key(text: str) -> str:
    """A lower-case ASCII sort key: pinyin with tone numbers for Chinese, the text itself for Latin."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    if text in KEPT.values:
        return KEPT.values[text]
    return KEPT.put(text, " ".join(_lazy_pinyin()(text)))


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
    entries = [
        (name, (targets, sorted(subentries, key=lambda sub: pinyin_key(sub[0])), category))
        for _letter, group in context["genindexentries"]
        for name, (targets, subentries, category) in group
    ]
    entries.sort(key=lambda entry: pinyin_key(entry[0]))
    context["genindexentries"] = [
        (letter, list(group)) for letter, group in groupby(entries, key=lambda entry: initial(entry[0]))
    ]


# The sort part of a head (after "\index{") or of a sub-entry (after an unescaped "!"), up to its
# "@": Sphinx escapes a literal @ ! " as "@ "! "" and writes commands as \name{}.
INDEX_KEY_RE = re.compile(r'(\\index\{|(?<!")!)((?:\\[A-Za-z]+\{\}|"[@!"]|[^@!"{}\\])*)@')


def keyed_index_entries(written: str) -> str:
    """Sphinx's ``\\index`` commands with each sort part replaced by its pinyin key."""
    return INDEX_KEY_RE.sub(lambda m: f"{m[1]}{_ascii_key(m[2])}@", written)


def _ascii_key(escaped: str) -> str:
    plain = re.sub(r"\\[A-Za-z]+\{\}|\"(?=[@!\"])", "", escaped)
    return re.sub(r"[^a-z0-9 ]", "", pinyin_key(plain)) or "0"


def visit_index_latex(self: LaTeXTranslator, node: nodes.Element) -> None:
    """Sphinx's own visitor, then the sort keys: it ends by raising SkipNode, so the rewriting
    happens on the way out, and the SkipNode goes on to the writer as before."""
    start = len(self.body)
    try:
        LaTeXTranslator.visit_index(self, node)
    finally:
        self.body[start:] = [keyed_index_entries("".join(self.body[start:]))]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive_to_domain("std", "glossary", PinyinGlossary, override=True)
    app.connect("html-page-context", regroup_genindex)
    keep_in_doctrees(app, lambda: KEPT, KEYS_FILE)
    app.add_node(addnodes.index, override=True, latex=(visit_index_latex, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
