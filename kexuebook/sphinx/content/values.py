"""``{value}`topic.name```: a number the prose states, computed at build time by :mod:`kexuebook.math`.

``{value}`focal.easy_loss_ratio``` imports ``kexuebook.math.focal`` and inserts the text returned by
``VALUES["easy_loss_ratio"]()``, so that changing a formula changes the book.
"""

from __future__ import annotations

import importlib

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.content.math_files import files_of_module


class ValueRole(SphinxRole):
    def run(self):
        topic, _, name = self.text.strip().partition(".")
        try:
            module = importlib.import_module(f"kexuebook.math.{topic}")
            text = module.VALUES[name]()
        except (ImportError, AttributeError, KeyError) as err:
            message = self.inliner.reporter.error(
                f"unknown book value {self.text!r} (expected kexuebook.math.<topic>.VALUES[<name>]): {err!r}", line=self.lineno
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        # the module, the formula modules it uses (kexuebook.math.prose writes the numbers) and their data
        for path in files_of_module(module.__name__):
            self.env.note_dependency(str(path))
        return [nodes.inline(self.rawtext, str(text), classes=["book-value"])], []


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_role("value", ValueRole())
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
