"""Figures follow their scripts: a page is rebuilt when its figure script or the formulas it uses change.

matplotlib's ``plot`` directive runs a script but tells Sphinx nothing about it, so an edit of
the script (or of the :mod:`kexuebook.math` module it imports) never reached the page, not in an
incremental ``make html`` and not in the live preview.  This directive is matplotlib's, noting
the script and every kexuebook.math file it uses as dependencies of the page; and the check that decides
whether a figure is drawn again looks at those files too, not only at the script's date.
"""

from __future__ import annotations

from pathlib import Path

from docutils.parsers.rst import directives
from matplotlib.sphinxext import plot_directive
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.content.math_files import files_used_by

_matplotlib_out_of_date = plot_directive.out_of_date


def _script(srcdir: str, argument: str) -> Path:
    # as matplotlib resolves it when plot_basedir is unset: relative to the source folder
    return Path(srcdir) / directives.uri(argument)


def out_of_date(original: str, derived: str, includes: list[str] | None = None) -> bool:
    """matplotlib's check, with the kexuebook.math files the script uses counted as its includes."""
    used = [str(p) for p in files_used_by(Path(original))] if original.endswith(".py") and Path(original).is_file() else []
    return _matplotlib_out_of_date(original, derived, [*(includes or []), *used])


class TrackedPlotDirective(plot_directive.PlotDirective):
    def run(self):
        env = self.state.document.settings.env
        if self.arguments:
            script = _script(env.srcdir, self.arguments[0])
            if script.is_file():
                for path in files_used_by(script):
                    env.note_dependency(str(path))
        return super().run()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("matplotlib.sphinxext.plot_directive")
    app.add_directive("plot", TrackedPlotDirective, override=True)
    # render_figures looks the check up in its module at each call
    plot_directive.out_of_date = out_of_date
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
