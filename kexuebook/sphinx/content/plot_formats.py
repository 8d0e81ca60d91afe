"""Each figure is drawn only in the format the running builder shows: SVG for HTML and EPUB, PDF for LaTeX.

``plot_formats`` in conf.py lists the formats the book's figures come in; matplotlib's plot
directive would draw every figure in all of them in every build.  Here each directive runs with
``plot_formats`` narrowed to the first of them the builder can show (its
``supported_image_types``), so an HTML build never draws a PDF.

A doctree keeps the figure's file name, so a page read by one builder cannot be written by
another that needs the other format (``make html`` and ``make latexpdf`` share
``_build/doctrees``): each page notes the format its figures were drawn in, and a builder that
needs another one reads those pages again (only those: a page without a figure is reused).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

# Our data on the environment (pickled with it): docname -> the figure format its doctree names.
FORMATS_ATTR = "book_plot_formats"


def _suffix(entry: str | tuple | list) -> str:
    """'svg' of a plot_formats entry: 'svg', 'png:100', ('png', 100)."""
    return (entry if isinstance(entry, str) else entry[0]).split(":")[0]


def builder_format(config: Config, builder: Builder) -> str | tuple | list:
    """The first entry of ``plot_formats`` whose images the builder shows (the first entry for a
    builder that shows none, e.g. linkcheck)."""
    for entry in config.plot_formats:
        mime, _ = mimetypes.guess_type(f"figure.{_suffix(entry)}")
        if mime in builder.supported_image_types:
            return entry
    return config.plot_formats[0]


@contextmanager
def formats_for_builder(env: BuildEnvironment) -> Iterator[None]:
    """Within it, matplotlib's directive sees ``plot_formats`` narrowed to the builder's format;
    the page is noted as drawn in it."""
    configured = env.config.plot_formats
    chosen = builder_format(env.config, env.app.builder)
    _formats(env)[env.docname] = _suffix(chosen)
    env.config.plot_formats = [chosen]
    try:
        yield
    finally:
        env.config.plot_formats = configured


def _formats(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, FORMATS_ATTR):
        setattr(env, FORMATS_ATTR, {})
    formats: dict[str, str] = getattr(env, FORMATS_ATTR)
    return formats


def reread_pages_drawn_for_another_builder(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    wanted = _suffix(builder_format(env.config, app.builder))
    return sorted(docname for docname, drawn in _formats(env).items() if drawn != wanted and docname in env.found_docs)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _formats(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _formats(env).update({d: f for d, f in _formats(other).items() if d in docnames})


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-get-outdated", reread_pages_drawn_for_another_builder)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
