"""Each figure is drawn once per content: a cache under ``_build/figure-cache/``, keyed by what the
figure's bytes depend on.

matplotlib's plot directive draws a figure again when its script is newer than the image (by
date), and never when something else changed: conf.py's ``plot_rcparams``, another matplotlib.
Here the decision is the content's: the key hashes the script (or the inline code), the
:mod:`kexuebook.math` files it and ``plot_pre_code`` use (transitively, as
:mod:`.math_files` finds them), ``plot_pre_code``, ``plot_rcparams``, matplotlib's version
and the rc defaults it starts from, the format, its resolution and the writer that saves it,
and ``SOURCE_DATE_EPOCH`` (both writers date the file with it).  A hit copies the stored
images into the directive's folder without running the script; a miss draws them as matplotlib
does and stores them (written to a temporary folder, renamed into place when complete).
A figure with ``:context:`` shares state with the figures before it and is always drawn.
A figure may already be being drawn by :mod:`.plot_ahead`'s workers: the directive waits for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import backend_bases
from matplotlib.sphinxext import plot_directive
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

from kexuebook.sphinx.content.math_files import files_used_by, files_used_by_code, math_folder
from kexuebook.sphinx.private_parts import expect

CACHE_FOLDER = "figure-cache"  # beside matplotlib's plot_directive/ folder, under _build/
MANIFEST = "figures.json"
KEY_VERSION = "1"  # change when the key's recipe or the stored layout changes

draw = plot_directive.render_figures  # matplotlib's own, which render_figures below replaces

# Cache entry → its drawing by plot_ahead's workers, while the pages are read.
drawing: dict[Path, Future] = {}


def _writer_source(fmt: str) -> str:
    """The module that saves ``fmt`` files and its source (ours, latex_figures, writes the PDFs)."""
    canvas = backend_bases.get_registered_canvas_class(fmt)
    if canvas is None:
        return ""
    origin = getattr(sys.modules.get(canvas.__module__), "__file__", None)
    return canvas.__module__ + "\n" + (Path(origin).read_text(encoding="utf-8") if origin and Path(origin).is_file() else "")


def _math_files(code: str, code_path: str, pre_code: str) -> list[Path]:
    script = Path(code_path)
    used = set(files_used_by_code(pre_code))
    if script.suffix == ".py" and script.is_file():
        used |= set(files_used_by(script)) - {script.resolve()}
    else:  # inline code in the page
        used |= set(files_used_by_code(code))
    return sorted(used)


def figure_key(code: str, code_path: str, function_name: str | None, config: Any) -> str:
    """The hash of everything the figure's files depend on."""
    pre_code = str(config.plot_pre_code or "")
    formats = plot_directive.get_plot_formats(config)
    digest = hashlib.sha256()

    def add(label: str, text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("version", KEY_VERSION)
    add("matplotlib", matplotlib.__version__)
    # (the backend is not one: savefig picks the writer by format, and its default is an object
    # whose repr differs in every process)
    add("rc defaults", repr(sorted((k, repr(v)) for k, v in matplotlib.rcParamsOrig.items() if k != "backend")))
    add("plot_rcparams", repr(sorted((k, repr(v)) for k, v in config.plot_rcparams.items())))
    add("plot_pre_code", pre_code)
    add("formats", repr(formats))
    for fmt, _dpi in formats:
        add(f"writer {fmt}", _writer_source(fmt))
    add("source date", os.environ.get("SOURCE_DATE_EPOCH", ""))
    add("function", function_name or "")
    add("code", code)
    folder = math_folder()
    for path in _math_files(code, code_path, pre_code):
        add(f"file {path.relative_to(folder) if path.is_relative_to(folder) else path.name}", path.read_bytes())
    return digest.hexdigest()


def _restore(entry: Path, output_dir: str) -> list | None:
    """The directive's results from a stored entry, its images copied to ``output_dir``."""
    manifest = entry / MANIFEST
    if not manifest.is_file():
        return None
    results = []
    for code_piece, images in json.loads(manifest.read_text(encoding="utf-8")):
        files = []
        for basename, formats in images:
            image = plot_directive.ImageFile(basename, output_dir)
            for fmt in formats:
                shutil.copyfile(entry / f"{basename}.{fmt}", image.filename(fmt))
            image.formats = list(formats)
            files.append(image)
        results.append((code_piece, files))
    return results


def store(entry: Path, results: list) -> None:
    """Keep a drawing's images and results under ``entry`` (complete or not at all)."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{entry.name}-", dir=entry.parent))
    try:
        manifest = []
        for code_piece, images in results:
            for image in images:
                for fmt in image.formats:
                    shutil.copyfile(image.filename(fmt), partial / f"{image.basename}.{fmt}")
            manifest.append([code_piece, [[image.basename, list(image.formats)] for image in images]])
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        partial.rename(entry)
    except OSError:  # another process stored the same figure first, or the disk said no
        shutil.rmtree(partial, ignore_errors=True)


@contextmanager
def always_drawn() -> Iterator[None]:
    # The key decided the stored images are stale; matplotlib's date check must not reuse them.
    dated = plot_directive.out_of_date
    plot_directive.out_of_date = lambda original, derived, includes=None: True
    try:
        yield
    finally:
        plot_directive.out_of_date = dated


def entry_for(app: Sphinx, key: str, output_base: str) -> Path:
    """Where a figure's images are kept: beside the doctree folder, which is under _build/."""
    return Path(app.doctreedir).parent / CACHE_FOLDER / key[:2] / f"{key}-{output_base}"


def is_stored(entry: Path) -> bool:
    return (entry / MANIFEST).is_file()


def _wait_for_drawing(entry: Path) -> None:
    future = drawing.pop(entry, None)
    if future is not None:
        # A failed drawing is drawn again by the directive, which reports the error at the page's line.
        with contextlib.suppress(Exception):
            future.result()


def render_figures(code, code_path, output_dir, output_base, context, function_name, config,
                   context_reset=False, close_figs=False, code_includes=None):
    """matplotlib's ``render_figures``, answered from the cache when the content was drawn before."""
    options = {"context_reset": context_reset, "close_figs": close_figs, "code_includes": code_includes}
    if context:
        return draw(code, code_path, output_dir, output_base, context, function_name, config, **options)
    entry = entry_for(plot_directive.setup.app, figure_key(code, code_path, function_name, config), output_base)
    _wait_for_drawing(entry)
    results = _restore(entry, output_dir)
    if results is None:
        with always_drawn():
            results = draw(code, code_path, output_dir, output_base, context, function_name, config, **options)
        store(entry, results)
    return results


def replace_render_figures() -> None:
    """matplotlib's plot directive draws through its module's ``render_figures`` (looked up at each
    call) and decides by ``out_of_date``; both are replaced here, ``get_plot_formats``,
    ``ImageFile`` and ``setup.app`` read (README, Maintenance notes)."""
    expect(plot_directive, "render_figures", "out_of_date", "get_plot_formats", "ImageFile", "setup", distribution="matplotlib")
    plot_directive.render_figures = render_figures


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("matplotlib.sphinxext.plot_directive")
    replace_render_figures()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
