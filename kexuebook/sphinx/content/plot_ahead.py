"""A build with figures to draw draws them on the machine's other cores while Sphinx reads pages.

matplotlib's plot directive draws a page's figures while the page is read, in the one process
that reads every page: a cold HTML build spent about 1.6 s of its 8 s drawing the book's seven
figures, with the second core idle.  Before the pages are read, this finds every
``.. plot:: script`` (in ``{eval-rst}`` or as a MyST directive) of the pages about to be read,
keys it as :mod:`.plot_cache` does, and draws each figure the cache does not hold in forked
workers, straight into the cache; the pages with such figures are read last, so the reading
process has other pages to read meanwhile.

The directive stays the authority: it waits for the drawing of its own key, then looks in the
cache as it always does.  A figure this scan does not understand (inline code, a function name,
``:context:``, ``:filename-prefix:``), or keys differently, or whose drawing failed, is drawn by
the directive itself, errors and all.  No workers start under ``-j`` (the readers are forked
children that cannot wait on this process's pool), nor in a process running other threads (the
live preview's server: a fork copies no other thread, nor the locks they may hold).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.content import plot_cache
from kexuebook.sphinx.content.plot_formats import builder_format

# ``.. plot:: path`` (reST, as the book writes it inside {eval-rst}) or ```` ```{plot} path ````
# (MyST), with exactly one argument, then the directive's option lines.
PLOT = re.compile(r"^(?P<indent>[ \t]*)(?:\.\. plot::|`{3,}\{plot\}|:{3,}\{plot\})[ \t]+(?P<script>\S+)[ \t]*\n(?P<options>(?:(?P=indent)[ \t]*:[\w-]+:.*\n)*)", re.M)
# Options after which the directive draws something other than the script alone in a fresh state.
NOT_DRAWN_AHEAD = re.compile(r":(?:context|filename-prefix|format):")

_pool: ProcessPoolExecutor | None = None
_config: Config | None = None  # the build's, for the forked workers (which inherit it, unpickled)


def scripts_drawn_by(text: str) -> list[str]:
    """The script arguments of the plot directives in a page's source that can be drawn ahead."""
    return [found["script"] for found in PLOT.finditer(text) if not NOT_DRAWN_AHEAD.search(found["options"])]


def _output_base(script: Path) -> str:
    # as matplotlib's directive names a script's figures: its file name without .py, dots as dashes
    base, suffix = os.path.splitext(script.name)
    return (base if suffix in (".py", ".rst", ".txt") else script.name).replace(".", "-")


def _draw_into_cache(code: str, code_path: str, output_base: str, entry: str, formats: list) -> None:
    """In a forked worker: draw one script's figures as the directive would and store them."""
    config = _config
    assert config is not None, "set before the workers are forked"
    config.plot_formats = formats
    with tempfile.TemporaryDirectory(prefix="plot-ahead-") as drawn, plot_cache.always_drawn():
        results = plot_cache.draw(code, code_path, drawn, output_base, False, None, config)
        plot_cache.store(Path(entry), results)


def draw_ahead(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    global _pool, _config
    if app.parallel > 1 or threading.active_count() > 1 or not docnames:
        return
    configured = env.config.plot_formats
    formats = [builder_format(env.config, app.builder)]
    jobs: dict[Path, tuple[str, str, str]] = {}
    with_figures: set[str] = set()
    env.config.plot_formats = formats  # the key names the format, as in the directive's run
    try:
        for docname in docnames:
            source = Path(env.doc2path(docname))
            text = source.read_text(encoding="utf-8") if source.is_file() else ""
            for argument in scripts_drawn_by(text):
                script = Path(app.srcdir) / directives.uri(argument)  # as matplotlib resolves it without plot_basedir
                if script.suffix != ".py" or not script.is_file() or env.config.plot_basedir:
                    continue
                code = script.read_text(encoding="utf-8")
                output_base = _output_base(script)
                entry = plot_cache.entry_for(app, plot_cache.figure_key(code, str(script), None, env.config), output_base)
                if not plot_cache.is_stored(entry):
                    jobs[entry] = (code, str(script), output_base)
                    with_figures.add(docname)
    finally:
        env.config.plot_formats = configured
    if not jobs:
        return
    # The pages whose figures are being drawn are read last (a stable reorder: env-before-read-docs
    # lets an extension reorder the list in place).
    docnames.sort(key=lambda docname: docname in with_figures)
    _config = env.config
    workers = min(os.cpu_count() or 1, len(jobs))  # the reading process mostly waits for them
    _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    for entry, (code, code_path, output_base) in jobs.items():
        future: Future = _pool.submit(_draw_into_cache, code, code_path, output_base, str(entry), formats)
        plot_cache.drawing[entry] = future


def stop_workers(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: every drawing was waited for, or is not needed; no worker outlives the read."""
    global _pool, _config
    _config = None
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
    plot_cache.drawing.clear()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("kexuebook.sphinx.content.plot_cache")
    # after the handlers that add pages to read (a re-read bibliography's citing pages)
    app.connect("env-before-read-docs", draw_ahead, priority=900)
    app.connect("env-updated", stop_workers, priority=100)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
