"""kexuebook/sphinx/content/plot_labels.py: a label before a matplotlib ``plot`` figure can be cited with numref."""

from __future__ import annotations

from pathlib import Path

from helpers import page, sphinx_build

CONF = """
extensions = ["matplotlib.sphinxext.plot_directive", "kexuebook.sphinx.content.plot_labels"]
numfig = True
plot_formats = ["png"]
plot_html_show_formats = False
plot_html_show_source_link = False
"""

INDEX = """
Plots
=====

See :numref:`fig-line`.

.. _fig-line:

.. plot::
   :caption: A line.

   plt.plot([0, 1], [0, 1])
"""


def test_numref_to_a_plot_figure(tmp_path: Path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text(INDEX, encoding="utf-8")
    sphinx_build("html", src, out)  # strict: an unresolved numref would fail the build
    soup = page(out, "index")
    link = soup.select_one("a[href='#fig-line']")
    assert link is not None and link.get_text(strip=True).startswith("Fig. 1")
    assert soup.select_one("figure#fig-line") is not None
