"""Live preview that keeps Sphinx warm: ``python -m tools.livehtml [--port N] [--outdir DIR]``.

sphinx-autobuild starts a new ``python -m sphinx`` process for every change, so each preview pays
Sphinx's whole start-up (~2 s on this book).  This server uses sphinx-autobuild's own pieces (the
file watcher, the reload websocket, the script injected into every page) but rebuilds in one
long-lived Sphinx application: an edit to a chapter reads and writes only what changed.  A change
to conf.py, _ext/, the importer or the formulas restarts the process, since Python modules
cannot be reloaded safely.  ``sphinx-autobuild`` itself still works as before (``make
livehtml-autobuild``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from sphinx.application import Sphinx
from sphinxcontrib import katex
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parent.parent
# Changes here change Python code that Sphinx has imported: restart rather than rebuild.
RESTART_ON = ("conf.py", "_ext/", "seedimport/", "bookmath/")
IGNORED = [".git", ".venv", "node_modules", ".pytest_cache", ".hypothesis", "__pycache__", "_build", "tests"]


def changed(distribution: str, what: str) -> RuntimeError:
    return RuntimeError(
        f"livehtml: {distribution} {importlib.metadata.version(distribution)} changed: {what}. "
        "`make livehtml-autobuild` works without it; README.md, 'Maintenance notes', says how to adapt this tool."
    )


def autobuild_parts():
    """sphinx-autobuild's file filter, reload-script middleware and rebuild server.

    Private: sphinx-autobuild's API is its command line; these are its internal modules, and
    :class:`InProcessRebuildServer` uses the server's attributes (paths, ignore,
    change_callback, flag) and its lifespan."""
    try:
        from sphinx_autobuild.filter import IgnoreFilter
        from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
        from sphinx_autobuild.server import RebuildServer

        probe = RebuildServer([], IgnoreFilter([], []), change_callback=print)
    except (ImportError, TypeError) as err:
        raise changed("sphinx-autobuild", repr(err)) from None
    missing = [name for name in ("paths", "ignore", "change_callback", "flag", "lifespan") if not hasattr(probe, name)]
    if missing:
        raise changed("sphinx-autobuild", f"RebuildServer has no {', '.join(missing)}")
    return IgnoreFilter, JavascriptInjectorMiddleware, RebuildServer


if TYPE_CHECKING:  # the same classes, for the type checker
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
else:
    IgnoreFilter, JavascriptInjectorMiddleware, RebuildServer = autobuild_parts()


def restore_katex_static(app: Sphinx) -> None:
    """sphinxcontrib-katex deletes its temporary static folder when a build finishes; a warm
    rebuild needs it back (the stylesheet it holds is copied into every build).

    Private: the folder (``app._katex_static_path``) and its copy (``katex.copy_file``,
    ``katex.filename_css``) are the extension's internals."""
    missing = [name for name in ("copy_file", "filename_css") if not hasattr(katex, name)]
    missing += [] if hasattr(app, "_katex_static_path") else ["app._katex_static_path"]
    if missing:
        raise changed("sphinxcontrib-katex", f"no {', '.join(missing)}")
    Path(app._katex_static_path).mkdir(parents=True, exist_ok=True)  # type: ignore[attr-defined]
    katex.copy_file(app, katex.filename_css)


class WarmSphinx:
    """One Sphinx application, built again and again; only outdated documents are read."""

    def __init__(self, source: Path, outdir: Path, doctreedir: Path) -> None:
        self.source = source
        # No service worker in a preview: it would serve the page as it was before the edit.
        self.app = Sphinx(source, source, outdir, doctreedir, "html", warningiserror=False, keep_going=True,
                          confoverrides={"offline_worker": False})

    def __call__(self, changed_paths=()) -> None:
        resolved = [p.resolve() for p in changed_paths]
        relative = [p.relative_to(self.source).as_posix() for p in resolved if self.source in p.parents]
        if any(r.startswith(RESTART_ON) for r in relative):
            print(f"livehtml: {relative[0]} changed; restarting", flush=True)
            os.execv(sys.executable, [sys.executable, "-m", "tools.livehtml", *sys.argv[1:]])
        started = time.perf_counter()
        restore_katex_static(self.app)
        try:
            self.app.build()
        except Exception as err:  # keep serving the last good build, as sphinx-autobuild does
            print(f"livehtml: build failed: {err!r}", flush=True)
            return
        print(f"livehtml: rebuilt in {time.perf_counter() - started:.2f} s", flush=True)


class InProcessRebuildServer(RebuildServer):
    """sphinx-autobuild's watcher, but the rebuild runs in this process (a thread), not a new one."""

    async def watch(self) -> None:
        import watchfiles

        async for changes in watchfiles.awatch(*self.paths, watch_filter=lambda _, path: not self.ignore(path)):
            changed = [Path(path) for _, path in changes]
            await asyncio.to_thread(self.change_callback, changed_paths=changed)
            self.flag.set()


def create_app(builder: WarmSphinx, outdir: Path, url_host: str) -> Starlette:
    ignore = IgnoreFilter([str(builder.source / name) for name in IGNORED] + [str(outdir)], [r"\.tmp$", r"~$"])
    watcher = InProcessRebuildServer([builder.source], ignore, change_callback=builder)
    return Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=outdir, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
        lifespan=watcher.lifespan,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--source", type=Path, default=ROOT, help="the book's folder (default: this repository)")
    parser.add_argument("--outdir", type=Path, default=None, help="default: SOURCE/_build/html")
    args = parser.parse_args(argv)
    source = args.source.resolve()
    outdir = (args.outdir or source / "_build" / "html").resolve()
    builder = WarmSphinx(source, outdir, outdir.parent / "doctrees")
    builder()
    url_host = f"{args.host}:{args.port}"
    print(f"livehtml: serving on http://{url_host}", flush=True)
    uvicorn.run(create_app(builder, outdir, url_host), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
