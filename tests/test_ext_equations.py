"""Display equations in the PDF (equations.py), proved on a tiny project (tests/roots/test-equations).

Sphinx writes a display of several blank-line separated equations as one aligned block; the
book's writer must keep that, and print every number the HTML shows (or the author's tag).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.pdf


def xelatex(outdir: Path, tex: str) -> str:
    """Compile ``tex`` as the book does (xelatex, no shell escape); the PDF's text."""
    for _ in range(2):  # the second run resolves the references
        run = subprocess.run(
            ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex],
            cwd=outdir, capture_output=True, text=True, errors="replace",
        )
        errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
        assert run.returncode == 0 and not errors, f"xelatex stopped: {errors or run.stdout[-2000:]}"
    pdf = (outdir / tex).with_suffix(".pdf")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.sphinx("latex", testroot="equations")
def test_multi_equation_blocks_compile_and_print_the_html_numbers(app):
    app.build()
    assert app.warning.getvalue() == ""
    text = xelatex(Path(app.outdir), "equations.tex")
    # The numbers the HTML prints (Sphinx's, chapter.k) and the author's tag.
    html = {f"({'.'.join(map(str, n))})" for n in app.env.toc_fignumbers["chapter"]["displaymath"].values()}
    flat = re.sub(r"\s+", "", text)
    assert set(re.findall(r"\(\d+\.\d+\)", flat)) == html | {"(7.5)"}, text
    assert "References:(1.1),(1.2),(7.5)." in flat, text
    # Both equations of each two-equation block are printed, in order.
    assert re.search("a=b.*x=1.*y=2.*u=1.*v=2.*e=mc2", flat), text
