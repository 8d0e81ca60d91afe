"""The project's own configuration (pyproject.toml) as the book's build sees it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.config import Config
from sphinx.util.matching import Matcher

from helpers import ROOT


def test_pytests_cache_is_not_a_page_of_the_book(pytestconfig):
    """Sphinx reads the book from the repository's root; pytest's cache holds a README.md, which a
    strict build would read as an orphan page on the next run, unless its folder is excluded."""
    if not pytestconfig.pluginmanager.has_plugin("cacheprovider"):
        pytest.skip("pytest runs without its cache (-p no:cacheprovider)")
    cache = (pytestconfig.rootpath / pytestconfig.getini("cache_dir")).resolve()
    readme = (cache / "README.md").relative_to(ROOT)
    excluded = Matcher(Config.read(ROOT).exclude_patterns)
    assert any(excluded(folder.as_posix()) for folder in [readme, *readme.parents] if folder != Path(".")), readme
