"""Two clean builds of the same commit give byte-identical HTML trees."""

from __future__ import annotations

import filecmp
import subprocess

import pytest

from conftest import NO_PDF
from helpers import ROOT, sphinx_build

# .buildinfo is Sphinx's note to itself for incremental builds, never served to a reader: it holds a
# hash of the configuration, whose search-dictionary path is the (here deliberately different)
# absolute source folder.
NOT_OUTPUT = {".buildinfo"}


def tree(folder):
    return sorted(
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file() and ".doctrees" not in p.parts and p.name not in NOT_OUTPUT
    )


@pytest.mark.workflow  # a second whole-book build
def test_a_second_build_elsewhere_gives_the_same_bytes(html_dir, book_copy, tmp_path):
    # Another source folder and another output folder: an embedded path or date shows up.
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert epoch, "the repository has a commit"
    second = tmp_path / "second" / "html"
    sphinx_build("html", book_copy, second, *NO_PDF, env={"SOURCE_DATE_EPOCH": epoch})
    first_files, second_files = tree(html_dir), tree(second)
    assert first_files == second_files
    _, mismatch, errors = filecmp.cmpfiles(html_dir, second, [str(p) for p in first_files], shallow=False)
    assert not mismatch and not errors, f"{len(mismatch)} files differ: {mismatch[:10]}"
