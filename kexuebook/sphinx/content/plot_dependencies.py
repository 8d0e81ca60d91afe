"""Figures follow their scripts: a page is rebuilt when its figure script or the formulas it uses change.

matplotlib's ``plot`` directive runs a script but tells Sphinx nothing about it, so an edit of
the script (or of the :mod:`kexuebook.math` module it imports) never reached the page, not in an
incremental ``make html`` and not in the live preview.  This directive is matplotlib's, noting
the script and every kexuebook.math file it uses as dependencies of the page, and drawing its figures in
the running builder's format only (:mod:`.plot_formats`).  Whether a figure is drawn again at all
is decided by its content (:mod:`.plot_cache`).
"""

from __future__ import annotations

from pathlib import Path

from docutils.parsers.rst import directives
from matplotlib.sphinxext import plot_directive
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.content.math_files import files_used_by
from kexuebook.sphinx.content.plot_formats import formats_for_builder


def _script(srcdir: str, argument: str) -> Path:
    # as matplotlib resolves it when plot_basedir is unset: relative to the source folder
    return Path(srcdir) / directives.uri(argument)


class TrackedPlotDirective(plot_directive.PlotDirective):
    def run(self):
        env = self.state.document.settings.env
        if self.arguments:
            script = _script(env.srcdir, self.arguments[0])
            if script.is_file():
                for path in files_used_by(script):
                    env.note_dependency(str(path))
        with formats_for_builder(env):
            return super().run()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("matplotlib.sphinxext.plot_directive")
    app.setup_extension("kexuebook.sphinx.content.plot_formats")
    app.setup_extension("kexuebook.sphinx.content.plot_cache")
    app.add_directive("plot", TrackedPlotDirective, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
