"""Every use of another package's private parts fails loudly, naming the package, when its target changes."""

from __future__ import annotations

from types import SimpleNamespace

import pybtex.plugin
import pytest
import sphinx_autobuild.filter
import sphinxcontrib.bibtex.domain
from sphinx.errors import ExtensionError
from sphinxcontrib import katex

from kexuebook.sphinx.content import chapter_bibliography, numbering, plot_cache
from kexuebook.sphinx.html import css_bundle, katex_assets, search_index_entries
from tools import livehtml

NOTES = "README.md, 'Maintenance notes'"


def test_a_sphinx_without_the_toctree_collector_listener_stops_the_build():
    for listeners in ({}, {"env-get-updated": []}):
        app = SimpleNamespace(events=SimpleNamespace(listeners=listeners))
        with pytest.raises(ExtensionError, match=r"^sphinx \d[\d.]* changed: .*") as error:
            numbering.disable_sphinx_toctree_collector(app)
        assert NOTES in str(error.value)


def test_a_changed_katex_server_stops_the_build(monkeypatch):
    monkeypatch.delattr(katex.KaTeXServer, "timeout_error")
    with pytest.raises(ExtensionError, match=r"^sphinxcontrib-katex [\d.]+ changed: KaTeXServer has no timeout_error"):
        katex_assets.patch_katex()


def test_a_changed_katex_render_function_stops_the_build(monkeypatch):
    monkeypatch.setattr(katex, "render_latex", lambda latex, options=None, macros=None: "")
    with pytest.raises(ExtensionError, match=r"sphinxcontrib-katex [\d.]+ changed: .*render_latex.* takes"):
        katex_assets.patch_katex()


def test_a_changed_bibtex_stops_the_build(monkeypatch):
    monkeypatch.delattr(sphinxcontrib.bibtex.domain, "_FilterVisitor")
    with pytest.raises(ExtensionError, match=r"^sphinxcontrib-bibtex [\d.]+ changed: .* has no _FilterVisitor"):
        chapter_bibliography.bibtex_private_helpers()


def test_a_changed_pybtex_stops_the_build(monkeypatch):
    monkeypatch.delattr(pybtex.plugin, "find_plugin")
    with pytest.raises(ExtensionError, match=r"^pybtex [\d.]+ changed: .* has no find_plugin"):
        chapter_bibliography.memoise_pybtex_plugins()


def test_a_changed_autobuild_filter_stops_the_preview(monkeypatch):
    class Bare:  # a filter that takes other arguments than the preview passes
        def __init__(self) -> None:
            pass

    monkeypatch.setattr(sphinx_autobuild.filter, "IgnoreFilter", Bare)
    with pytest.raises(RuntimeError, match=r"^livehtml: sphinx-autobuild [\d.]+ changed: TypeError"):
        livehtml.autobuild_filter()
    monkeypatch.undo()
    assert livehtml.autobuild_filter() is sphinx_autobuild.filter.IgnoreFilter


def test_changed_sphinx_doctree_caches_stop_the_preview():
    with pytest.raises(RuntimeError, match=r"^livehtml: sphinx [\d.]+ changed: BuildEnvironment has no _pickled_doctree_cache, _write_doc_doctree_cache"):
        livehtml.expect_sphinx_doctree_caches(SimpleNamespace())
    livehtml.expect_sphinx_doctree_caches(SimpleNamespace(_pickled_doctree_cache={}, _write_doc_doctree_cache={}))


def test_changed_sphinx_asset_checksums_stop_the_preview(monkeypatch):
    from sphinx.builders.html import _assets

    livehtml.forget_asset_checksums()
    monkeypatch.setattr(_assets, "_file_checksum_inner", lambda file: "")  # no cache to clear
    with pytest.raises(RuntimeError, match=r"^livehtml: sphinx [\d.]+ changed: sphinx.builders.html._assets has no cached _file_checksum_inner"):
        livehtml.forget_asset_checksums()


def test_a_changed_katex_static_folder_stops_the_preview(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match=r"sphinxcontrib-katex [\d.]+ changed: no app._katex_static_path"):
        livehtml.restore_katex_static(SimpleNamespace())
    monkeypatch.delattr(katex, "copy_file")
    with pytest.raises(RuntimeError, match=r"sphinxcontrib-katex [\d.]+ changed: no copy_file"):
        livehtml.restore_katex_static(SimpleNamespace(_katex_static_path=str(tmp_path)))


def test_a_changed_plot_directive_stops_the_build(monkeypatch):
    from matplotlib.sphinxext import plot_directive

    monkeypatch.delattr(plot_directive, "out_of_date")
    with pytest.raises(ExtensionError, match=r"^matplotlib [\d.]+ changed: .*has no out_of_date") as error:
        plot_cache.replace_render_figures()
    assert NOTES in str(error.value)


def test_a_builder_without_its_original_stylesheets_stops_the_build():
    app = SimpleNamespace(builder=SimpleNamespace())
    with pytest.raises(ExtensionError, match=r"^sphinx [\d.]+ changed: .*has no _orig_css_files") as error:
        css_bundle.bundle_sources(app)
    assert NOTES in str(error.value)


def test_a_changed_search_indexer_stops_the_build(monkeypatch):
    from sphinx.search import IndexBuilder

    monkeypatch.delattr(IndexBuilder, "prune")
    with pytest.raises(ExtensionError, match=r"^sphinx \d[\d.]* changed: IndexBuilder has no prune") as error:
        search_index_entries.patch_load_indexer()
    assert NOTES in str(error.value)
