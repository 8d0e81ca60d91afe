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


def test_the_book_extension_sets_up_every_part_and_declares_its_environment():
    """conf.py names one extension, kexuebook.sphinx: every module of it that is an extension (has
    a ``setup``) is set up by it, so a new part cannot be forgotten; it declares ``env_version``."""
    import ast
    import types

    import kexuebook.sphinx

    package = ROOT / "kexuebook" / "sphinx"
    parts = {
        ".".join(["kexuebook", "sphinx", *path.relative_to(package).with_suffix("").parts])
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
        and any(isinstance(node, ast.FunctionDef) and node.name == "setup" for node in ast.parse(path.read_text(encoding="utf-8")).body)
    }
    set_up: list[str] = []
    metadata = kexuebook.sphinx.setup(types.SimpleNamespace(setup_extension=set_up.append))  # type: ignore[arg-type]
    assert parts <= set(set_up), f"parts not set up by kexuebook.sphinx: {sorted(parts - set(set_up))}"
    assert len(set_up) == len(set(set_up))
    assert isinstance(metadata["env_version"], int)
    assert metadata["parallel_read_safe"] and metadata["parallel_write_safe"]
    assert Config.read(ROOT).extensions[0] == "kexuebook.sphinx"
