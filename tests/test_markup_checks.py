"""Markup mistakes fail the strict build with file and line (issue 16): tiny projects in tests/roots/.

An unclosed directive fence swallowed 注解与延伸 and 参考文献 and the strict build passed; a heading
inside a closed admonition became a rubric without a word.  The mistakes root has one mistake
per page, the clean root legal fences of every kind (the checks must say nothing there).
"""

from __future__ import annotations

import re

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors


def warnings_of(app: SphinxTestApp) -> list[str]:
    """Each warning line, its path relative to the project."""
    text = strip_colors(app.warning.getvalue()).replace(str(app.srcdir) + "/", "")
    return [line for line in text.splitlines() if "WARNING" in line or "CRITICAL" in line or "ERROR" in line]


def warning_at(app: SphinxTestApp, where: str) -> str:
    found = [w for w in warnings_of(app) if w.startswith(f"{where}: ")]
    assert len(found) == 1, f"expected one warning at {where}, got:\n" + "\n".join(warnings_of(app))
    return found[0]


@pytest.mark.sphinx("html", testroot="markup-mistakes", freshenv=True)
def test_an_unclosed_fence_is_an_error_at_its_line(app):
    app.build()
    message = warning_at(app, "unclosed.md:7")
    assert "unclosed fence ```{note}: it runs to the end of the file" in message
    assert "expected a closing ``` on a line of its own" in message
    assert "unclosed fence :::{tip}" in warning_at(app, "unclosed-colon.md:3")
    # and each section it swallowed is named too
    assert "heading '## 注解与延伸' inside a directive (note)" in warning_at(app, "unclosed.md:10")
    assert "heading '## 参考文献' inside a directive (note)" in warning_at(app, "unclosed.md:14")


@pytest.mark.sphinx("html", testroot="markup-mistakes", freshenv=True)
def test_an_unclosed_fence_in_an_included_file_is_named_in_that_file(app):
    app.build()
    assert "unclosed fence ```{admonition} 说明" in warning_at(app, "parts/excerpt.md:5")


@pytest.mark.sphinx("html", testroot="markup-mistakes", freshenv=True)
def test_a_heading_swallowed_by_a_closed_admonition_is_an_error(app):
    app.build()
    message = warning_at(app, "swallowed.md:12")
    assert "heading '## 注解与延伸' inside a directive (note) is not a section" in message


@pytest.mark.sphinx("html", testroot="markup-mistakes", freshenv=True)
def test_an_include_of_a_missing_file_is_an_error_at_its_line(app):
    app.build()
    assert "file not found" in warning_at(app, "missing-include.md:3")


@pytest.mark.sphinx("html", testroot="markup-mistakes", warningiserror=True, freshenv=True)
def test_the_strict_build_fails(app):
    app.build()
    assert app.statuscode == 1
    located = {re.match(r"^([^:]+:\d+):", w).group(1) for w in warnings_of(app)}
    assert located == {
        "unclosed.md:7", "unclosed.md:10", "unclosed.md:14", "unclosed-colon.md:3", "unclosed-colon.md:6",
        "parts/excerpt.md:5", "swallowed.md:12", "missing-include.md:3",
    }, warnings_of(app)


@pytest.mark.sphinx("html", testroot="markup-clean", warningiserror=True, freshenv=True)
def test_legal_fences_and_headings_pass(app):
    app.build()
    assert warnings_of(app) == []
    assert app.statuscode == 0
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "引入的一节" in html and "一个有意的小标题" in html
