"""Figures are drawn only in the running builder's format, and once per content (issue 18).

On a small synthetic book (tools/synth_book.py, two articles) whose first chapter has a figure
drawn by a script that imports kexuebook.math and counts its own runs (a line per run in a file beside
it), built as ``make html`` builds (``-d _build/doctrees``): the HTML build leaves no PDF; a
build that finds the same content in ``_build/figure-cache`` does not run the script, even with
everything else of ``_build`` gone; a change of kexuebook.math or of conf.py's
``plot_rcparams`` draws it again; a LaTeX build in the same folders gets a PDF figure.  A
build that has to draw it draws it in a forked worker while the pages are read (plot_ahead),
the directive's ``:context:`` excepted.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import build_in_place, edit, synthetic_book_at, with_figure

pytestmark = pytest.mark.workflow  # a synthetic book of its own (conftest: left out of make test-fast)

CHAPTER = "chapters/probabilistic-models/synthetic-0001"
SCRIPT = "chapters/probabilistic-models/figures/counted.py"
FIGURE = '''"""A figure that notes each run of its script and the process that ran it (a line per run)."""
import multiprocessing
import sys
from pathlib import Path

from kexuebook.math.prose import significant

with Path(sys.argv[0]).with_suffix(".runs").open("a", encoding="utf-8") as runs:
    runs.write("worker\\n" if multiprocessing.parent_process() else "reader\\n")
fig, ax = plt.subplots()
ax.plot([0, 1], [0, 2])
ax.set_title(significant(2.0))
'''
ADDED = f"""

```{{eval-rst}}
.. plot:: {SCRIPT}
   :alt: 一条计数的斜线
```
"""


def build(book: Path, builder: str = "html") -> None:
    build_in_place(book, builder)


def drawn_by(book: Path) -> list[str]:
    """Each run of the figure's script: "worker" (a forked worker of plot_ahead) or "reader"."""
    counter = (book / SCRIPT).with_suffix(".runs")
    return counter.read_text(encoding="utf-8").splitlines() if counter.exists() else []


def runs(book: Path) -> int:
    return len(drawn_by(book))


def figure_file(book: Path) -> Path:
    """The image the chapter's page shows (its img src, resolved in the built folder)."""
    html = book / "_build" / "html" / f"{CHAPTER}.html"
    image = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one("img[alt='一条计数的斜线']")
    assert image is not None, "the chapter shows its figure"
    return (html.parent / image["src"]).resolve()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()



@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = with_figure(synthetic_book_at(tmp_path_factory.mktemp("figure-cache") / "book"), CHAPTER, SCRIPT, FIGURE, ADDED)
    build(root)
    return root


def test_an_html_build_draws_svg_only(book):
    assert runs(book) == 1
    assert figure_file(book).suffix == ".svg"
    drawn = {p.suffix for p in (book / "_build").rglob("counted*") if p.suffix in {".svg", ".pdf", ".png"}}
    assert drawn == {".svg"}, f"the HTML build wrote {sorted(drawn)}"


def test_a_build_that_draws_the_figure_draws_it_while_the_pages_are_read(book):
    assert drawn_by(book) == ["worker"], "the cold build drew the figure in the process that reads the pages"


def test_the_same_content_is_not_drawn_again(book):
    before, count = digest(figure_file(book)), runs(book)
    # Every part of _build but the cache gone (matplotlib's own check redraws a missing image).
    for folder in ("html", "doctrees", "plot_directive"):
        shutil.rmtree(book / "_build" / folder)
    build(book)
    assert runs(book) == count, "the script ran again for unchanged content"
    assert digest(figure_file(book)) == before


def test_a_formula_edit_draws_the_figure_again(book):
    before, count = digest(figure_file(book)), runs(book)
    edit(book / "kexuebook" / "math" / "prose.py", 'trim="-")', 'trim="-") + "′"')
    build(book)
    assert runs(book) == count + 1
    assert digest(figure_file(book)) != before, "the title is written by kexuebook.math.prose"


def test_an_rc_setting_draws_the_figure_again(book):
    before, count = digest(figure_file(book)), runs(book)
    edit(book / "conf.py", '"font.size": 9,', '"font.size": 7,')
    build(book)
    assert runs(book) == count + 1, "conf.py's rc settings changed the figure"
    assert digest(figure_file(book)) != before


def test_a_figure_with_context_is_drawn_by_the_directive(book):
    count = runs(book)
    chapter = book / f"{CHAPTER}.md"
    edit(chapter, "   :alt: 一条计数的斜线\n", "   :alt: 一条计数的斜线\n   :context: close-figs\n")
    build(book)
    assert drawn_by(book)[count:] == ["reader"], "a figure sharing state with the page's others is drawn in order, by the directive"


def test_a_latex_build_in_the_same_folders_prints_a_pdf_figure(book):
    build(book, "latex")
    tex = (book / "_build" / "latex" / "book.tex").read_text(encoding="utf-8")
    assert r"\sphinxincludegraphics{{counted}.pdf}" in tex and "counted}.svg" not in tex
    assert (book / "_build" / "latex" / "counted.pdf").read_bytes().startswith(b"%PDF")
