"""How TeX runs on the book: no shell escape, no reading outside the build folder, same bytes.

Sphinx writes a ``latexmkrc`` into the LaTeX folder; ``make latexpdf`` (through Sphinx's
``-M latexpdf``), the tests and the benchmark all run latexmk there, so that file is the one
place to say how xelatex runs.  After each LaTeX build this module appends to it:

- ``-no-shell-escape`` and kpathsea's ``openin_any=p`` / ``openout_any=p``: seed text is data, and
  even a formula that slipped past the importer's allowlist can neither run a program nor read
  a file outside the build folder (``openin_any=p`` refuses dot files, parent directories and
  absolute paths; TeX's own files are found through its search paths and stay readable);
- ``-interaction=nonstopmode -halt-on-error``: a TeX error stops the build instead of waiting;
- reproducible bytes.  Measured with TeX Live 2022: xdvipdfmx takes /CreationDate and the
  trailer /ID from ``SOURCE_DATE_EPOCH`` by itself (without it both change on every run); the
  printed date is Sphinx's, which honours it too; no path of the build folder reaches the PDF;
  font subset tags are derived from the subset, not random.  ``FORCE_SOURCE_DATE=1`` also puts
  TeX's own clock (``\\today``, ``\\time``) on that date, should a package use it.  So two builds
  of the same sources with the same ``SOURCE_DATE_EPOCH`` give the same bytes, in any folder.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

MARKER = "# -- added by kexuebook/sphinx/latex/build.py"
LATEXMKRC_TAIL = rf"""
{MARKER}: TeX runs no programs and reads or writes nothing outside this folder.
$ENV{{'openin_any'}} = 'p';
$ENV{{'openout_any'}} = 'p';
$ENV{{'shell_escape'}} = 'f';
$ENV{{'FORCE_SOURCE_DATE'}} = '1' if defined $ENV{{'SOURCE_DATE_EPOCH'}};
my $book_tex_options = '-no-shell-escape -interaction=nonstopmode -halt-on-error -file-line-error';
$pdflatex = "xelatex $book_tex_options " . ($ENV{{'LATEXOPTS'}} // '') . ' %O %S';
$xelatex = "xelatex --no-pdf $book_tex_options " . ($ENV{{'LATEXOPTS'}} // '') . ' %O %S';
"""


def harden_latexmkrc(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "latex":
        return
    rc = Path(app.outdir) / "latexmkrc"
    text = rc.read_text(encoding="utf-8") if rc.exists() else ""
    if MARKER not in text:
        rc.write_text(text.rstrip("\n") + "\n" + LATEXMKRC_TAIL, encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", harden_latexmkrc)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
