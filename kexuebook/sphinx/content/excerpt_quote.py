"""``{excerpt-quote}`原文的话```: words our text attributes to the author, checked at every build.

The role renders its text in Chinese quotation marks.  It warns (fatal under ``-W``), naming the
file and line, when the chapter's generated excerpt does not hold the words: our text may quote
the author only where the excerpt shows what the author said.  Both sides are compared after NFKC
normalisation (which also folds full-width punctuation to half-width), with whitespace and MyST
backslash escapes removed.  The excerpt of document ``…/<slug>`` is the file named by
``kexuebook_excerpt_source`` with ``{slug}`` filled in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation (MyST escape)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form in which a quotation and an excerpt are compared."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", _ESCAPE.sub(r"\1", text)))


@cache
def _excerpt(path: Path, mtime_ns: int) -> str:  # mtime in the key: a live preview sees edits
    return normalise(path.read_text(encoding="utf-8"))


class ExcerptQuoteRole(SphinxRole):
    def run(self):
        words = self.text.strip()
        slug = Path(self.env.docname).name
        source = Path(self.env.srcdir) / self.config.kexuebook_excerpt_source.format(slug=slug)
        if not source.is_file():
            problem = f"a quotation of the author, but this document has no excerpt (looked for {source})"
        elif normalise(words) not in _excerpt(source, source.stat().st_mtime_ns):
            problem = f"the excerpt {source.name} does not contain the quoted words “{words}”"
        else:
            problem = None
        if source.is_file():
            self.env.note_dependency(str(source))  # an edited excerpt re-checks the quotation
        if problem:
            logger.warning(problem, location=self.get_location(), type="excerpt-quote", subtype="missing")
        quote = nodes.inline(self.rawtext, f"“{words}”", classes=["excerpt-quote"])
        return [quote], []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("kexuebook_excerpt_source", "chapters/_generated/{slug}-excerpt.md", "env", str)
    app.add_role("excerpt-quote", ExcerptQuoteRole())
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
